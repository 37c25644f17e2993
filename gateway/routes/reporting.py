"""Open data (Pasal 16): the OCDS 1.1 API and e-reporting (Pasal 20(1)c), public;
red flags for LPSE staff and Auditors (Pasal 18); the forwarding state for Admin PPE.

OCDS documents are returned as the standard defines them (release and record
packages); the feed is paginated by an opaque-to-clients integer cursor, given back
in the ``Link: <...>; rel="next"`` and ``X-Next-Cursor`` headers (OCDS 1.1 packages
have no ``links``). Public answers may be cached briefly by proxies.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request

from gateway.auth import current_actor
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    without_none,
)
from gateway.schemas.reporting import (
    BenderaPagePublicSchema,
    BenderaQuerySchema,
    FeedQuerySchema,
    LaporanCsvQuerySchema,
    LaporanPublicSchema,
    LaporanQuerySchema,
    OcdsPackageSchema,
    PenerusanReportingPublicSchema,
)
from services.common.contracts.reporting import (
    GET_LAPORAN,
    GET_LAPORAN_CSV,
    GET_PENERUSAN,
    GET_RECORD_PACKAGE,
    GET_RELEASE_PACKAGE,
    LIST_BENDERA,
    LIST_RELEASES,
    OCID,
    TABEL_CSV,
)
from services.common.errors import NotFound

blp = ApiBlueprint("reporting", __name__, url_prefix=API_PREFIX,
                   description="Open data (OCDS 1.1), e-reporting, red flags and "
                               "forwarding")

PUBLIC = {"Cache-Control": "public, max-age=30"}
_OCID = re.compile(OCID)


def _ocid(ocid: str) -> str:
    if not _OCID.match(ocid):  # not an ocid of ours: nothing to find
        raise NotFound("OCID_NOT_FOUND", "no release with this ocid")
    return ocid


@blp.route("/ocds/releases", methods=["GET"])
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, OcdsPackageSchema)
@errors(blp, 503)
def list_releases(query: dict[str, Any]) -> Any:
    """The OCDS release feed

    Every release published so far, oldest first, as a release package of at most
    `limit` (1-1000, default 100). Pass the `X-Next-Cursor` of the answer as
    `cursor` for the next page; a page with `releases: []` means nothing new yet
    (and keeps the cursor). Release ids
    are stable: a consumer can drop a release it already has.
    """
    feed = call(LIST_RELEASES, query)
    nxt = feed["next_cursor"]
    link = f'<{request.base_url}?cursor={nxt}&limit={query["limit"]}>; rel="next"'
    return feed["package"], 200, {**PUBLIC, "X-Next-Cursor": str(nxt), "Link": link}


@blp.route("/ocds/releases/<ocid>", methods=["GET"])
@blp.response(200, OcdsPackageSchema)
@errors(blp, 404, 503)
def get_release_package(ocid: str) -> Any:
    """Every release of one contracting process

    A release package of all releases of `ocid` (`<prefix>-<kode lelang>`, or
    `<prefix>-RUP-<id>` for a RUP item), oldest first.
    """
    return call(GET_RELEASE_PACKAGE, {"ocid": _ocid(ocid)})["package"], 200, PUBLIC


@blp.route("/ocds/records/<ocid>", methods=["GET"])
@blp.response(200, OcdsPackageSchema)
@errors(blp, 404, 503)
def get_record_package(ocid: str) -> Any:
    """The compiled record of one contracting process

    A record package with the releases of `ocid` and their compiled release (the
    current state), merged as OCDS 1.1 prescribes.
    """
    return call(GET_RECORD_PACKAGE, {"ocid": _ocid(ocid)})["package"], 200, PUBLIC


@blp.route("/laporan", methods=["GET"])
@blp.arguments(LaporanQuerySchema, location="query")
@blp.response(200, LaporanPublicSchema)
@errors(blp, 503)
def get_laporan(query: dict[str, Any]) -> Any:
    """E-reporting

    Packages, lelang, values (pagu, HPS, contract, savings), peserta and bids,
    stage durations, failed lelang and why, sanggah, complaints and penyedia
    registrations, per agency (or `group_by` satker_id, tahun_anggaran, metode,
    kategori), for a budget year and/or an agency. Public aggregates only.
    """
    return call(GET_LAPORAN, without_none(query)), 200, PUBLIC


@blp.route("/laporan/<tabel>.csv", methods=["GET"])
@blp.arguments(LaporanCsvQuerySchema, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv",
              description="CSV, UTF-8, comma-separated, CRLF line ends")
@errors(blp, 404, 503)
def get_laporan_csv(query: dict[str, Any], tabel: str) -> Response:
    """E-reporting as CSV

    One table (`lelang`, `paket`, `pengaduan`, `penyedia`, `lelang_gagal`,
    `durasi_tahapan`) of the report, with the same filters as `GET /laporan`.
    """
    if tabel not in TABEL_CSV:
        raise NotFound("TABEL_NOT_FOUND", "no such table")
    result = call(GET_LAPORAN_CSV, {**without_none(query), "tabel": tabel})
    tahun = query.get("tahun_anggaran") or "semua"
    return Response(result["csv"], mimetype="text/csv", headers={
        **PUBLIC, "Content-Disposition":
            f'attachment; filename="laporan-{tabel}-{tahun}.csv"'})


@blp.route("/bendera", methods=["GET"])
@authenticated(blp, "admin_ppe", "verifikator", "helpdesk", "auditor")
@blp.arguments(BenderaQuerySchema, location="query")
@blp.response(200, BenderaPagePublicSchema)
@errors(blp, 503)
def list_bendera(query: dict[str, Any]) -> Any:
    """Red flags per lelang (LPSE staff, Auditors)

    The OCP Cardinal indicators the data allows and the Indonesian ones, per lelang,
    each raised / not raised / not computable with its evidence, and a proposed
    deviation report (the body of `POST /penyimpangan`) when one is raised.
    """
    return call(LIST_BENDERA, {"actor": current_actor(), **without_none(query)}), \
        200, {"Cache-Control": "private, no-store"}


@blp.route("/penerusan", methods=["GET"])
@authenticated(blp, "admin_ppe")
@blp.response(200, PenerusanReportingPublicSchema)
@errors(blp, 503)
def get_penerusan() -> Any:
    """Forwarding state (Admin PPE)

    Per destination (LPSE Pusat over AMQP, the national portal over HTTP): how many
    items are pending, retrying, delivered and dead.
    """
    return call(GET_PENERUSAN, {"actor": current_actor()})
