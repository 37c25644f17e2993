"""Field-set snapshot of every contract: ``python -m tests.contract.snapshot --update``.

A removed or retyped field must come with a new contract version (STYLE §2.6); the
test compares the live field sets with the committed ``contracts.snapshot.json``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields

SNAPSHOT = Path(__file__).with_name("contracts.snapshot.json")


def load_all_contracts() -> tuple[dict, dict]:
    import services.common.contracts as pkg
    from services.common.contracts.base import EVENT_CONTRACTS, RPC_CONTRACTS

    for mod in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return EVENT_CONTRACTS, RPC_CONTRACTS


def describe_schema(schema_cls: type[Schema] | None) -> Any:
    if schema_cls is None:
        return None
    out = {}
    for name, field in sorted(schema_cls._declared_fields.items()):
        entry: dict[str, Any] = {
            "type": type(field).__name__,
            "required": field.required,
        }
        if isinstance(field, fields.Nested):
            nested = (
                field.nested if isinstance(field.nested, type) else type(field.nested)
            )
            entry["nested"] = describe_schema(nested)
        if isinstance(field, fields.List):
            entry["item"] = type(field.inner).__name__
            if isinstance(field.inner, fields.Nested):
                inner = field.inner.nested
                entry["nested"] = describe_schema(
                    inner if isinstance(inner, type) else type(inner)
                )
        if isinstance(field, fields.Enum):
            entry["enum"] = sorted(str(m.value) for m in field.enum)
        out[name] = entry
    return out


def current() -> dict[str, Any]:
    events, rpcs = load_all_contracts()
    return {
        "events": {
            f"{s}.{t}": {"version": c.version, "payload": describe_schema(c.payload)}
            for (s, t), c in sorted(events.items())
        },
        "rpc": {
            f"{s}.{m}": {
                "idempotent": c.idempotent,
                "many": c.many,
                "request": describe_schema(c.request),
                "response": describe_schema(c.response),
            }
            for (s, m), c in sorted(rpcs.items())
        },
    }


if __name__ == "__main__":
    if "--update" in sys.argv:
        SNAPSHOT.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
        print(f"wrote {SNAPSHOT}")
    else:
        print(json.dumps(current(), indent=1, sort_keys=True))
