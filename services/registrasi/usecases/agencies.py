"""Agencies (SKPD, BUMD; Pasal 6(2)) and their satuan kerja."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Role
from services.common.contracts import registrasi as contracts
from services.common.errors import Conflict, Forbidden, NotFound
from services.registrasi.domain import Agency, JenisAgency, Satker

from .common import agency_view, audit, new_id, require_writer, satker_view


def create_agency(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Admin PPE adds an SKPD or BUMD.

    :raises Forbidden: not Admin PPE. :raises Conflict: ``AGENCY_KODE_TAKEN``.
    """
    actor = request["actor"]
    require_writer(actor, Role.ADMIN_PPE)
    if uow.agency.get_agency_by_kode(request["kode"]):
        raise Conflict(
            "AGENCY_KODE_TAKEN",
            "an agency with this kode exists",
            {"kode": request["kode"]},
        )
    agency = Agency(
        new_id(),
        request["kode"],
        request["nama"].strip(),
        JenisAgency(str(request["jenis"])),
        now,
    )
    uow.agency.add_agency(agency)
    audit(
        uow,
        actor,
        now,
        "agency_created",
        "agency",
        agency.agency_id,
        kode=agency.kode,
        nama=agency.nama,
        jenis=str(agency.jenis),
    )
    uow.outbox.add(
        contracts.AGENCY_CREATED,
        {
            "agency_id": agency.agency_id,
            "kode": agency.kode,
            "nama": agency.nama,
            "jenis": agency.jenis,
        },
        occurred_at=now,
        actor=actor,
    )
    uow.commit()
    return agency_view(agency)


def list_agencies(
    uow: Any, request: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Every agency (public: the names of SKPD/BUMD are public information)."""
    return [agency_view(a) for a in uow.agency.list_agencies()]


def create_satker(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Admin PPE, or the Admin Agency of that agency, adds a satuan kerja.

    :raises NotFound: ``AGENCY_NOT_FOUND``. :raises Forbidden: ``AGENCY_MISMATCH``.
    :raises Conflict: ``SATKER_KODE_TAKEN``.
    """
    actor = request["actor"]
    require_writer(actor, Role.ADMIN_PPE, Role.ADMIN_AGENCY)
    agency_id = request.get("agency_id") or actor.agency_id
    agency = uow.agency.get_agency(agency_id) if agency_id else None
    if agency is None:
        raise NotFound("AGENCY_NOT_FOUND", "agency not found", {"agency_id": agency_id})
    if not actor.has_role(Role.ADMIN_PPE) and actor.agency_id != agency.agency_id:
        raise Forbidden(
            "AGENCY_MISMATCH",
            "only satker of your own agency",
            {"agency_id": agency.agency_id},
        )
    if uow.agency.get_satker_by_kode(agency.agency_id, request["kode"]):
        raise Conflict(
            "SATKER_KODE_TAKEN",
            "this agency has a satker with this kode",
            {"kode": request["kode"]},
        )
    satker = Satker(
        new_id(), agency.agency_id, request["kode"], request["nama"].strip(), now
    )
    uow.agency.add_satker(satker)
    audit(
        uow,
        actor,
        now,
        "satker_created",
        "satker",
        satker.satker_id,
        agency_id=agency.agency_id,
        kode=satker.kode,
        nama=satker.nama,
    )
    uow.outbox.add(
        contracts.SATKER_CREATED,
        {
            "satker_id": satker.satker_id,
            "agency_id": satker.agency_id,
            "kode": satker.kode,
            "nama": satker.nama,
        },
        occurred_at=now,
        actor=actor,
    )
    uow.commit()
    return satker_view(satker)


def list_satker(
    uow: Any, request: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """The satuan kerja of one agency (public)."""
    return [satker_view(s) for s in uow.agency.list_satker(request["agency_id"])]
