"""Error types survive nameko's RPC serialisation with type, code, message, details."""

from __future__ import annotations

import pytest
from nameko.exceptions import RemoteError, deserialize, serialize

from services.common import errors


@pytest.mark.parametrize("cls", errors.DOMAIN_ERRORS)
def test_round_trip_keeps_type_code_message_and_details(cls):
    details = {"field": ["bad"], "max_bytes": 3, "ok": True, "none": None,
               "nested": {"ratio": 1.5}}
    original = cls("SOMETHING_WRONG", "pesan", details)
    data = serialize(original)
    assert data["exc_path"] == f"services.common.errors.{cls.__name__}"

    restored = deserialize(data)

    assert type(restored) is cls
    # nameko stringifies every non-string in args: details must come back typed
    assert (restored.code, restored.message, restored.details) == (
        "SOMETHING_WRONG", "pesan", details)
    assert str(restored) == "SOMETHING_WRONG: pesan"


def test_default_codes_and_hierarchy():
    assert errors.NotFound().code == "NOT_FOUND"
    assert errors.ContractViolation().code == "CONTRACT_VIOLATION"
    assert isinstance(errors.InvalidTransition(), errors.Conflict)
    assert isinstance(errors.ContractViolation(), errors.BadRequest)
    restored = deserialize(serialize(errors.Forbidden()))
    assert (type(restored), restored.code, restored.details) == (
        errors.Forbidden, "FORBIDDEN", {})


def test_unregistered_exception_becomes_remote_error():
    restored = deserialize(serialize(ValueError("boom")))
    assert isinstance(restored, RemoteError) and restored.exc_type == "ValueError"
