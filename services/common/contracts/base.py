"""Contract types: every cross-process shape is declared once, validated on both sides.

* :class:`EventContract` - an event type, its version and payload schema. Events travel
  in an :class:`EnvelopeSchema`: ``event_id``, ``event_type``, ``version``, ``source``,
  ``occurred_at``, ``actor`` and ``payload``.
* :class:`RpcContract` - an RPC method with request and response schemas. When
  ``idempotent`` is true the request carries an ``idempotency_key`` and the server
  applies the call at most once per key (see ``services.common.messaging``).

Values on the wire are plain JSON (ISO strings for times, strings for decimals): the
producer dumps through the schema, the consumer loads through it; never dump twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from services.common.errors import ContractViolation

#: every contract declared anywhere, by key; filled as contract modules are imported
EVENT_CONTRACTS: dict[tuple[str, str], EventContract] = {}
RPC_CONTRACTS: dict[tuple[str, str], RpcContract] = {}

IDEMPOTENCY_KEY = fields.String(
    required=True, validate=validate.Length(min=8, max=200),
    metadata={
        "description": "caller-chosen key; a repeated key returns the first result",
    },
)


def id_field(required: bool = True) -> fields.String:
    """An object id in a request (a new field instance per use)."""
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=64))
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=64))


def text(max_len: int, required: bool = True, min_len: int = 1) -> fields.String:
    """A text field of ``min_len``..``max_len`` characters (optional: may be None)."""
    kwargs = {"validate": validate.Length(min=min_len, max=max_len)}
    if required:
        return fields.String(required=True, **kwargs)
    return fields.String(load_default=None, allow_none=True, **kwargs)


class PageSchema(Schema):
    """``page`` (from 1) and ``per_page`` (1-100) of a paged list request."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EnvelopeSchema(Schema):
    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True)
    version = fields.Integer(required=True)
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    actor = fields.Dict(load_default=None, allow_none=True)
    payload = fields.Dict(required=True)


_SCHEMAS: dict[tuple[type[Schema], bool], Schema] = {}


def _schema(cls: type[Schema], many: bool = False) -> Schema:
    """One reusable instance per schema class: building a Schema deep-copies its
    fields, which showed up as ~10% of the gateway's CPU per RPC. Instances keep no
    per-call state in load/dump, so sharing them across threads is safe."""
    key = (cls, many)
    schema = _SCHEMAS.get(key)
    if schema is None:
        schema = _SCHEMAS[key] = cls(many=many)
    return schema


#: characters no text of the platform may hold: NUL (PostgreSQL text cannot store
#: it), the other C0 controls but tab, newline, form feed and carriage return, DEL and
#: the C1 controls, lone surrogates (UTF-8 cannot encode them) and the Unicode
#: noncharacters - the set HTML forbids in a document, so what is accepted shows on
#: the website, in OCDS, CSV and e-mail as it was typed
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
              for plane in range(17))
    + "]")


def forbidden_fields(data: Any, path: str = "") -> dict[str, str]:
    """Where ``data`` (strings, and dictionary keys, at any depth) holds a character
    of :data:`FORBIDDEN_CHARACTERS`: path -> the first such character as ``U+XXXX``."""
    if isinstance(data, str):
        found = FORBIDDEN_CHARACTERS.search(data)
        return {path or ".": f"U+{ord(found.group()):04X}"} if found else {}
    bad: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            bad.update(forbidden_fields(key, where))  # a key is text too
            bad.update(forbidden_fields(value, where))
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            bad.update(forbidden_fields(value, f"{path}[{i}]"))
    return bad


def _no_forbidden_characters(what: str, data: Any) -> None:
    bad = forbidden_fields(data)
    if bad:
        raise ContractViolation(
            "CONTRACT_VIOLATION", f"{what} contains a character no text may hold",
            {"fields": {f: [f"Character {c} (a control character, surrogate or "
                            "noncharacter) not allowed."] for f, c in bad.items()}})


def _violation(what: str, messages: Any) -> ContractViolation:
    return ContractViolation("CONTRACT_VIOLATION",
                             f"{what} does not match its contract",
                             {"fields": messages})


@dataclass(frozen=True)
class EventContract:
    source: str
    type: str
    version: int
    payload: type[Schema]
    description: str = ""

    def __post_init__(self) -> None:
        EVENT_CONTRACTS[(self.source, self.type)] = self

    @property
    def key(self) -> str:
        return f"{self.source}.{self.type}"

    def dump_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Producer side: dump then validate; raises ContractViolation if invalid."""
        schema = _schema(self.payload)
        try:
            data = schema.dump(payload)
        except (ValueError, TypeError, AttributeError) as exc:
            raise _violation(f"payload of {self.key}", str(exc)) from exc
        errors = schema.validate(data)
        if errors:
            raise _violation(f"payload of {self.key}", errors)
        return data

    def load_payload(self, data: dict[str, Any]) -> dict[str, Any]:
        """Consumer side: load; raises ContractViolation if invalid."""
        try:
            return _schema(self.payload).load(data)
        except ValidationError as exc:
            raise _violation(f"payload of {self.key}", exc.messages) from exc


@dataclass(frozen=True)
class RpcContract:
    service: str
    method: str
    request: type[Schema]
    response: type[Schema] | None
    idempotent: bool = False
    many: bool = False
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.idempotent and "idempotency_key" not in self.request._declared_fields:
            raise TypeError(f"{self.service}.{self.method}: "
                            "idempotent contracts need an "
                            "idempotency_key field in the request schema")
        RPC_CONTRACTS[(self.service, self.method)] = self

    @property
    def key(self) -> str:
        return f"{self.service}.{self.method}"

    # server side -------------------------------------------------------------
    def load_request(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise _violation(f"request of {self.key}", "expected an object")
        _no_forbidden_characters(f"request of {self.key}", data)
        try:
            return _schema(self.request).load(data)
        except ValidationError as exc:
            raise _violation(f"request of {self.key}", exc.messages) from exc

    def dump_response(self, value: Any) -> Any:
        if self.response is None:
            return None
        return _schema(self.response, self.many).dump(value)

    # client side -------------------------------------------------------------
    def dump_request(self, request: dict[str, Any]) -> dict[str, Any]:
        schema = _schema(self.request)
        data = schema.dump(request)
        # dump() skips load_only fields (passwords), which a request must still carry
        for name, field_obj in schema.fields.items():
            if field_obj.load_only and name in request:
                data[field_obj.data_key or name] = field_obj.serialize(name, request)
        errors = schema.validate(data)
        if errors:
            raise _violation(f"request of {self.key}", errors)
        _no_forbidden_characters(f"request of {self.key}", data)
        return data

    def secret_fields(self) -> frozenset[str]:
        """Request fields that must never be stored or logged (``load_only``)."""
        fields_ = _schema(self.request).fields.items()
        return frozenset(name for name, f in fields_ if f.load_only)

    def load_response(self, data: Any) -> Any:
        if self.response is None:
            return None
        try:
            return _schema(self.response, self.many).load(data)
        except ValidationError as exc:
            raise _violation(f"response of {self.key}", exc.messages) from exc
