"""Verifikasi: the Verifikator's decisions on a penyedia (Pasal 12(3), 12(4)).

Rejecting, deactivating and blacklisting end the penyedia's live sessions, so its
tokens stop working at once (``authenticate`` also re-checks the status).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Role
from services.common.contracts import registrasi as contracts
from services.registrasi.domain import SESSION_ENDING, Permintaan

from .common import (
    audit,
    penyedia_event,
    penyedia_view,
    permintaan_view,
    require_writer,
    required,
)
from .penyedia import load_penyedia


def _transition(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    action: str,
    contract: Any,
    apply: Any,
    **details: Any,
) -> dict[str, Any]:
    actor = request["actor"]
    require_writer(actor, Role.VERIFIKATOR)
    penyedia = load_penyedia(uow, required(request, "penyedia_id"))
    change = apply(penyedia)
    uow.penyedia.save(penyedia)
    ended = 0
    if penyedia.status in SESSION_ENDING:
        ended = uow.login.revoke_user_sessions(penyedia.user_id, now)
    audit(
        uow,
        actor,
        now,
        action,
        "penyedia",
        penyedia.penyedia_id,
        status_from=str(change.status_from),
        status_to=str(change.status_to),
        alasan=change.alasan,
        sessions_revoked=ended or None,
        **details,
    )
    payload = penyedia_event(penyedia, change.alasan)
    if change.permintaan is not None:
        payload.update(
            permintaan=permintaan_view(change.permintaan),
            berlaku_sampai=penyedia.berlaku_sampai,
        )
    uow.outbox.add(contract, payload, occurred_at=now, actor=actor)
    uow.commit()
    return penyedia_view(penyedia, with_dokumen=True)


def verify_penyedia(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Verifikator approves, listing the documents checked (Pasal 12(3))."""
    return _transition(
        uow,
        request,
        now,
        "penyedia_verified",
        contracts.PENYEDIA_VERIFIED,
        lambda p: p.verify(
            actor_user_id=request["actor"].user_id,
            now=now,
            dokumen_diperiksa=request["dokumen_diperiksa"],
            catatan=request.get("catatan"),
        ),
        dokumen_diperiksa=request["dokumen_diperiksa"],
        catatan=request.get("catatan"),
    )


def reject_penyedia(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Verifikator rejects, with a reason; the penyedia may correct and resubmit."""
    return _transition(
        uow,
        request,
        now,
        "penyedia_rejected",
        contracts.PENYEDIA_REJECTED,
        lambda p: p.reject(
            actor_user_id=request["actor"].user_id, now=now, alasan=request["alasan"]
        ),
    )


def deactivate_penyedia(
    uow: Any, request: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Verifikator deactivates for a violation of the terms (Pasal 12(4))."""
    return _transition(
        uow,
        request,
        now,
        "penyedia_deactivated",
        contracts.PENYEDIA_DEACTIVATED,
        lambda p: p.deactivate(
            actor_user_id=request["actor"].user_id, now=now, alasan=request["alasan"]
        ),
    )


def blacklist_penyedia(
    uow: Any, request: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Verifikator blacklists on a PA/KPA/PPK/Pokja/Pejabat Pengadaan request."""
    data = request["permintaan"]
    permintaan = Permintaan(
        peran=Role(str(data["peran"])),
        nama=data["nama"],
        nomor_surat=data["nomor_surat"],
        user_id=data.get("user_id"),
        tanggal_surat=data.get("tanggal_surat"),
    )
    return _transition(
        uow,
        request,
        now,
        "penyedia_blacklisted",
        contracts.PENYEDIA_BLACKLISTED,
        lambda p: p.blacklist(
            actor_user_id=request["actor"].user_id,
            now=now,
            alasan=request["alasan"],
            permintaan=permintaan,
            berlaku_sampai=request.get("berlaku_sampai"),
        ),
        permintaan=permintaan.to_dict(),
        berlaku_sampai=(
            request["berlaku_sampai"].isoformat()
            if request.get("berlaku_sampai")
            else None
        ),
    )


def reactivate_penyedia(
    uow: Any, request: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Verifikator reactivates a deactivated or blacklisted penyedia (with reason)."""
    return _transition(
        uow,
        request,
        now,
        "penyedia_reactivated",
        contracts.PENYEDIA_REACTIVATED,
        lambda p: p.reactivate(
            actor_user_id=request["actor"].user_id, now=now, alasan=request["alasan"]
        ),
    )
