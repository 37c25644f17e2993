"""What the website reads, through the same RPC contracts as the JSON API.

Every call goes through ``gateway.routes._common.call`` (never a database), as the
anonymous public: the pages are the same for everybody, which is what makes them
cacheable. Reference data that changes rarely (the agencies) is cached a little
longer than the pages.
"""

from __future__ import annotations

import logging
from typing import Any

from gateway.auth import client_ip
from gateway.routes._common import call, without_none
from gateway.web.state import web_state
from services.common.auth import Actor
from services.common.contracts.lelang import (
    GET_LELANG,
    LIST_LELANG,
    LIST_RUP,
    KategoriPengadaan,
    MetodeLelang,
    StatusLelang,
)
from services.common.contracts.registrasi import LIST_AGENCIES, LIST_DAFTAR_HITAM
from services.common.errors import EprocError

log = logging.getLogger(__name__)

#: how long the list of agencies is trusted (seconds)
AGENCY_TTL = 60.0
#: the winners list scans at most this many pages of 100 lelang (see winners())
WINNER_SCAN_PAGES = 10
PER_PAGE = 20


#: filters the contracts carry as enums (the pages hold the validated codes)
ENUM_FILTERS = {"status": StatusLelang, "kategori": KategoriPengadaan,
                "metode": MetodeLelang}


def _request(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: ENUM_FILTERS[k](v) if k in ENUM_FILTERS else v
            for k, v in without_none(filters).items()}


def anonymous() -> Actor:
    """The public, with its address (for the services' own logs and limits)."""
    return Actor.anonymous(client_ip())


def list_lelang(filters: dict[str, Any], page: int = 1,
                per_page: int = PER_PAGE) -> dict[str, Any]:
    return call(LIST_LELANG, {"actor": anonymous(), **_request(filters),
                              "page": page, "per_page": per_page})


def get_lelang(lelang_id: str) -> dict[str, Any]:
    return call(GET_LELANG, {"actor": anonymous(), "lelang_id": lelang_id})


def list_rup(filters: dict[str, Any], page: int = 1,
             per_page: int = PER_PAGE) -> dict[str, Any]:
    return call(LIST_RUP, {**_request(filters), "page": page,
                           "per_page": per_page})


def daftar_hitam() -> list[dict[str, Any]]:
    return call(LIST_DAFTAR_HITAM, {})


def agencies() -> dict[str, str]:
    """agency_id -> name; empty when registrasi cannot say (a page then shows ids
    rather than failing: the agency name is a convenience)."""
    def fetch() -> dict[str, str]:
        return {a["agency_id"]: a["nama"] for a in call(LIST_AGENCIES, {})}

    try:
        return web_state().ref_cache.get("agencies", fetch)
    except EprocError:
        log.warning("agency names unavailable", exc_info=True,
                    extra={"message_id": "web_agencies_unavailable"})
        return {}


def winners(tahun: int | None, limit: int | None = None,
            pages: int = WINNER_SCAN_PAGES) -> list[dict[str, Any]]:
    """Lelang whose winner is announced, newest announcement first.

    lelang's ``list_lelang`` has no "winner announced" filter, so this scans the
    public list (at most ``pages`` pages of 100, the budget year narrowing it)
    and keeps the rows that name a ``pemenang``. The page is cached like every
    other, so the scan costs a few RPCs per cache interval, not per
    visitor. A filter in lelang (``ada_pemenang``) would make this one call.
    """
    found: list[dict[str, Any]] = []
    for page in range(1, pages + 1):
        result = list_lelang({"tahun_anggaran": tahun}, page=page, per_page=100)
        found.extend(item for item in result["items"] if item.get("pemenang"))
        if limit is not None and len(found) >= limit:
            return found[:limit]
        if page * 100 >= result["total"]:
            break
    return found
