"""What one gateway app holds: settings, options, the RPC backend and helpers.

Kept on ``app.extensions["lpse"]`` (no module-level singletons: two apps in one test
process do not share anything) and reached from a request through :func:`ctx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app

from gateway.options import GatewayOptions
from services.common.blobstore import BlobStore
from services.common.config import Settings

if TYPE_CHECKING:  # pragma: no cover
    from gateway.auth import Authenticator
    from gateway.rpc import RpcBackend

EXTENSION = "lpse"


@dataclass
class GatewayContext:
    settings: Settings
    options: GatewayOptions
    rpc: RpcBackend
    authenticator: Authenticator
    blobs: BlobStore
    clock: Any


def ctx() -> GatewayContext:
    """The current app's context (inside a request or an app context)."""
    return current_app.extensions[EXTENSION]
