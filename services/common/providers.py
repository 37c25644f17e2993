"""Small nameko DependencyProviders every service uses.

:class:`SharedProvider` builds one object in ``setup()`` from the container's
validated Settings (nothing at import time) and injects that same object into every
worker; :class:`ClockProvider` is the deployment's clock.
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from services.common.clock import clock_for
from services.common.config import settings_for


class SharedProvider(DependencyProvider):
    """Injects ``self.value``, built by :meth:`build` from the Settings."""

    value: Any = None

    def setup(self) -> None:
        self.value = self.build(settings_for(self.container.config))

    def build(self, settings: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_dependency(self, worker_ctx: Any) -> Any:
        return self.value


class ClockProvider(SharedProvider):
    """The deployment's clock (``clock.now()``); settable only with LPSE_ENV=test."""

    def build(self, settings: Any) -> Any:
        return clock_for(settings)
