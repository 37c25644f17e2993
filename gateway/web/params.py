"""Query parameters of the public pages, validated: an invalid value is dropped
(the page shows everything instead of an error), and only validated values reach
the cache key and the RPC request."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from flask import request, url_for

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PAGE = 1000


def text(name: str, max_len: int = 100) -> str | None:
    value = " ".join(request.args.get(name, "").split())
    return value[:max_len] or None


def identifier(name: str) -> str | None:
    value = request.args.get(name, "")
    return value if ID_RE.match(value) else None


def choice(name: str, allowed: Iterable[str]) -> str | None:
    value = request.args.get(name, "")
    return value if value in set(allowed) else None


def integer(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    if not raw.isdigit() or len(raw) > 6:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def page_number() -> int:
    return integer("page", 1, MAX_PAGE) or 1


def pagination(endpoint: str, params: dict[str, Any], total: int, page: int,
               per_page: int) -> dict[str, Any]:
    """Links for a paged list: previous, next and a window of page numbers."""
    pages = max(1, math.ceil(total / per_page)) if per_page else 1
    pages = min(pages, MAX_PAGE)
    kept = {k: v for k, v in params.items() if v not in (None, "")}

    def link(n: int) -> str:
        return url_for(endpoint, **kept, page=n) if n > 1 else url_for(endpoint,
                                                                       **kept)

    window = range(max(1, page - 2), min(pages, page + 2) + 1)
    return {"page": page, "pages": pages, "total": total,
            "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "window": [(n, link(n)) for n in window]}
