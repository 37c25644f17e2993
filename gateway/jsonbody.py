"""JSON request bodies, read within bounds: bad input is a 400, never a 500.

Python's ``json`` reads anything the grammar allows, and a few things it does not.
Each of these, sent to any JSON route, used to end in a 500 with a traceback:

* **nesting**: ``[[[[...`` 100,000 deep -> the C scanner raises ``RecursionError``;
  fewer levels (~900) parse, then every recursive walk after it (marshmallow, the
  contract's text check, kombu) may hit the same limit. Bodies of this API are at
  most ~5 levels deep; :data:`MAX_DEPTH` leaves room and is checked *before* parsing,
  by a scan that stops at the first level too many;
* **long numbers**: a 5,000-digit integer -> ``ValueError`` (Python refuses to convert
  more than 4,300 digits). No field of this API takes more than 19 digits (amounts
  travel as decimal strings): a number literal longer than :data:`MAX_NUMBER_CHARS`
  is refused, and so is a float that overflows (``1e999`` would read as infinity);
* ``NaN``, ``Infinity``, ``-Infinity``: not JSON (RFC 8259 §6), yet Python reads them
  as floats; refused as unreadable;
* **duplicate keys**: ``{"a": 1, "a": 2}`` - Python keeps the last, another reader the
  first (RFC 8259 §4 leaves it open; I-JSON, RFC 7493, forbids it): refused, so what
  the gateway validates is what the sender meant.

The stdlib's own hooks do the work (``parse_int``, ``parse_float``,
``parse_constant``, ``object_pairs_hook``); only the depth needs a scan of its own.
Errors: unreadable text is ``json.JSONDecodeError`` (the callers turn it into 400
``MALFORMED_REQUEST``); a readable body beyond a bound is :class:`BadRequest` with its
own code (400, see ``gateway/errors.py``), with the bound in ``details``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

from services.common.errors import BadRequest

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 32

#: a string literal (escapes included; the unrolled form runs ~8x faster on long
#: strings than ``(?:[^"\\]|\\.)*``) or one bracket; anything else is skipped
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_OPENING = frozenset("[{")
_CLOSING = frozenset("]}")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets outside string literals nest deeper than ``limit``.

    Stops at the first bracket beyond the limit, so a body of a million ``[`` costs
    ``limit`` steps. Unbalanced or malformed text is left to the parser."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        first = match.group()[0]
        if first in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif first in _CLOSING:
            depth -= 1
    return False


def _number_too_large() -> BadRequest:
    return BadRequest("JSON_NUMBER_TOO_LARGE", "number literal out of bounds",
                      {"location": "json", "max_chars": MAX_NUMBER_CHARS})


def _parse_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _number_too_large()
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _number_too_large()
    value = float(literal)
    if math.isinf(value):
        raise _number_too_large()
    return value


def _parse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadRequest("JSON_DUPLICATE_KEY", "a key occurs twice in one object",
                             {"location": "json", "key": key[:100]})
        result[key] = value
    return result


def loads(data: str | bytes | bytearray) -> Any:
    """Parse a request body within the bounds above.

    :raises json.JSONDecodeError: not UTF-8, not JSON, or ``NaN``/``Infinity``.
    :raises BadRequest: ``JSON_TOO_DEEP``, ``JSON_NUMBER_TOO_LARGE``,
        ``JSON_DUPLICATE_KEY``.
    """
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            # a non-empty ``doc``: webargs reads an empty one as "no body at all"
            raise json.JSONDecodeError(f"not UTF-8: {exc.reason}",
                                       repr(exc.object[:64]), 0) from exc
    else:
        text = data
    if too_deep(text):
        raise BadRequest("JSON_TOO_DEEP", "JSON nested too deep",
                         {"location": "json", "max_depth": MAX_DEPTH})
    return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                      parse_constant=_parse_constant, object_pairs_hook=_unique_keys)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider reading with :func:`loads`, so that ``request.get_json()``
    (should a route ever use it instead of the schema parser) has the same bounds."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
