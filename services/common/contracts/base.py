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


def nul_fields(data: Any, path: str = "") -> list[str]:
    """Where ``data`` holds a string with a NUL character (PostgreSQL text cannot
    store one, and no legitimate input has it)."""
    if isinstance(data, str):
        return [path or "."] if "\x00" in data else []
    if isinstance(data, dict):
        return [p for k, v in data.items()
                for p in nul_fields(v, f"{path}.{k}" if path else str(k))]
    if isinstance(data, list | tuple):
        return [p for i, v in enumerate(data) for p in nul_fields(v, f"{path}[{i}]")]
    return []


def _no_nul(what: str, data: Any) -> None:
    bad = nul_fields(data)
    if bad:
        raise ContractViolation("CONTRACT_VIOLATION", f"{what} contains a NUL "
                                "character", {"fields": {f: ["NUL character not "
                                                            "allowed."] for f in bad}})


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
        _no_nul(f"request of {self.key}", data)
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
        _no_nul(f"request of {self.key}", data)
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
