"""Contract base: producers dump then validate, consumers load, both raise
ContractViolation with the field messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from marshmallow import Schema, fields

from services.common.contracts.base import (
    EVENT_CONTRACTS,
    IDEMPOTENCY_KEY,
    RPC_CONTRACTS,
    EventContract,
    RpcContract,
)
from services.common.errors import ContractViolation


class SamplePayload(Schema):
    nomor = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)


class SampleRequest(Schema):
    idempotency_key = IDEMPOTENCY_KEY
    nomor = fields.Integer(required=True)


class SampleResponse(Schema):
    nomor = fields.Integer(required=True)


@pytest.fixture
def contracts():
    event = EventContract(source="unitsrc", type="sample_happened", version=1,
                          payload=SamplePayload)
    call = RpcContract(service="unitsrc", method="do_sample", request=SampleRequest,
                       response=SampleResponse, idempotent=True)
    yield event, call
    EVENT_CONTRACTS.pop(("unitsrc", "sample_happened"), None)
    RPC_CONTRACTS.pop(("unitsrc", "do_sample"), None)


def test_contracts_register_themselves(contracts):
    event, call = contracts
    assert EVENT_CONTRACTS[("unitsrc", "sample_happened")] is event
    assert RPC_CONTRACTS[("unitsrc", "do_sample")] is call
    assert (event.key, call.key) == ("unitsrc.sample_happened", "unitsrc.do_sample")


def test_event_payload_dump_then_load_round_trip(contracts):
    event, _ = contracts
    at = datetime(2012, 9, 3, 2, 0, tzinfo=UTC)
    wire = event.dump_payload({"nomor": 7, "at": at})
    assert wire == {"nomor": 7, "at": "2012-09-03T02:00:00+00:00"}  # plain JSON
    assert event.load_payload(wire) == {"nomor": 7, "at": at}


def test_producer_refuses_an_invalid_payload(contracts):
    event, _ = contracts
    with pytest.raises(ContractViolation) as error:
        event.dump_payload({"nomor": 7})  # "at" missing
    assert error.value.code == "CONTRACT_VIOLATION"
    assert "at" in error.value.details["fields"]


def test_consumer_refuses_an_invalid_payload(contracts):
    event, _ = contracts
    with pytest.raises(ContractViolation) as error:
        event.load_payload({"nomor": "seven", "at": "2012-09-03T02:00:00+00:00"})
    assert list(error.value.details["fields"]) == ["nomor"]


def test_rpc_request_and_response(contracts):
    _, call = contracts
    request = call.dump_request({"idempotency_key": "k" * 8, "nomor": 1})
    assert call.load_request(request) == {"idempotency_key": "k" * 8, "nomor": 1}
    assert call.load_response(call.dump_response({"nomor": 2})) == {"nomor": 2}
    with pytest.raises(ContractViolation):
        call.load_request(["not", "an", "object"])
    with pytest.raises(ContractViolation) as error:
        call.load_request({"idempotency_key": "short", "nomor": 1})
    assert "idempotency_key" in error.value.details["fields"]
    with pytest.raises(ContractViolation):
        call.load_response({"nomor": "x"})


def test_idempotent_contract_needs_a_key_field():
    with pytest.raises(TypeError, match="idempotency_key"):
        RpcContract(service="unitsrc", method="no_key", request=SampleResponse,
                    response=None, idempotent=True)
    assert ("unitsrc", "no_key") not in RPC_CONTRACTS


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85",
                                  "\ud800", "\ufdd0", "\ufffe", "\U0010ffff"])
def test_a_control_character_surrogate_or_noncharacter_anywhere_is_refused(char):
    from marshmallow import Schema, fields

    from services.common.contracts.base import RpcContract, forbidden_fields
    from services.common.errors import ContractViolation

    class Req(Schema):
        teks = fields.String()
        daftar = fields.List(fields.Dict())

    contract = RpcContract("test", "char_check", Req, None)
    code = f"U+{ord(char):04X}"
    assert forbidden_fields({"a": ["ok", {"b": f"x{char}y"}]}) == {"a[1].b": code}
    key = f"k{char}"
    assert forbidden_fields({"daftar": [{key: "v"}]}) == {f"daftar[0].{key}": code}
    for bad in ({"teks": f"a{char}b"}, {"daftar": [{"k": char}]}):
        with pytest.raises(ContractViolation) as err:
            contract.dump_request(bad)
        assert code in str(err.value.details["fields"])
        with pytest.raises(ContractViolation):
            contract.load_request(bad)


def test_tab_newline_form_feed_carriage_return_and_any_script_are_text():
    from marshmallow import Schema, fields

    from services.common.contracts.base import RpcContract

    class Req(Schema):
        teks = fields.String()

    contract = RpcContract("test", "text_check", Req, None)
    text = "Baris 1\r\n\tBaris 2\x0cᬅᬓ᭄ᬱᬭ ᬩᬮᬶ 😀 ½ — \u00a0\ufeff"
    assert contract.load_request({"teks": text}) == {"teks": text}
    assert contract.dump_request({"teks": text}) == {"teks": text}
