"""A tiny nameko service and its contracts, for the RPC pool integration tests."""

from __future__ import annotations

from typing import Any

import eventlet
from marshmallow import Schema, fields
from nameko.rpc import rpc

from services.common.contracts.base import IDEMPOTENCY_KEY, RPC_CONTRACTS, RpcContract

SERVICE = "gateway_pool_test"


class EchoRequest(Schema):
    value = fields.Integer(required=True)
    seconds = fields.Float(load_default=0)


class SlowRequest(EchoRequest):
    idempotency_key = IDEMPOTENCY_KEY


class EchoResponse(Schema):
    value = fields.Integer(required=True)


ECHO = RpcContract(SERVICE, "echo", EchoRequest, EchoResponse)
SLOW_IDEMPOTENT = RpcContract(
    SERVICE, "slow_idempotent", SlowRequest, EchoResponse, idempotent=True
)
for _contract in (ECHO, SLOW_IDEMPOTENT):  # test-only: keep the shared registry clean
    RPC_CONTRACTS.pop((_contract.service, _contract.method), None)


class PoolTestService:
    name = SERVICE
    received: list[dict[str, Any]] = []

    @rpc
    def echo(self, request: dict[str, Any]) -> dict[str, Any]:
        PoolTestService.received.append(request)
        if request.get("seconds"):
            eventlet.sleep(request["seconds"])
        return {"value": request["value"]}

    @rpc
    def slow_idempotent(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.echo(request)
