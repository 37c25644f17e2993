"""Helpers for the gateway unit tests: a fake RPC backend and assertions."""

from __future__ import annotations

from typing import Any

from services.common.contracts.base import RpcContract

ORIGIN = "https://portal.lpse.example"


class FakeRpc:
    """An ``RpcBackend`` answering from canned handlers.

    Requests are dumped through the contract exactly as the real client does (so a
    route sending a bad shape fails here too) and answers are loaded through it.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.handlers: dict[str, Any] = {}
        self.calls: list[tuple[RpcContract, dict[str, Any], float | None]] = []
        self.broker_error: Exception | None = None
        self.default: Any = None  # answer for contracts without a handler

    def on(self, contract: RpcContract, answer: Any) -> None:
        """``answer``: JSON to return, an exception to raise, or ``f(request)``."""
        self.handlers[contract.key] = answer

    def call(
        self,
        contract: RpcContract,
        request: dict[str, Any],
        *,
        timeout: float | None = None,
    ) -> Any:
        data = contract.dump_request(request)
        self.calls.append((contract, data, timeout))
        if contract.key not in self.handlers and self.default is None:
            raise AssertionError(f"unexpected RPC {contract.key}")
        answer = self.handlers.get(contract.key, self.default)
        if isinstance(answer, BaseException):
            raise answer
        raw = answer(data) if callable(answer) else answer
        return contract.load_response(raw)

    def check_broker(self, timeout: float) -> None:
        if self.broker_error is not None:
            raise self.broker_error

    def requests(self, contract: RpcContract) -> list[dict[str, Any]]:
        return [data for c, data, _ in self.calls if c.key == contract.key]


def actor_json(**overrides: Any) -> dict[str, Any]:
    data = {
        "user_id": "u-admin",
        "username": "admin",
        "roles": ["admin_ppe"],
        "agency_id": None,
        "penyedia_id": None,
        "session_id": "s-1",
        "ip": None,
    }
    data.update(overrides)
    return data


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the platform's error body with this status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "message", "details"}, body
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body
