"""Penyedia self-registration, verification and sanctions (DOMAIN §4, Pasal 12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Actor, Role
from services.common.contracts import registrasi as contracts
from services.common.errors import BadRequest, Conflict, NotFound
from services.registrasi.domain import (
    Dokumen,
    LoginPolicy,
    Penyedia,
    StatusPenyedia,
    StatusUser,
    User,
    check_password,
    login_failed,
    normalise_npwp,
)

from .common import (
    DOKUMEN_READERS,
    PENYEDIA_READERS,
    BlobIndex,
    Hasher,
    audit,
    dokumen_view,
    new_id,
    page_view,
    penyedia_event,
    penyedia_view,
    require_role,
    require_user,
    required,
)
from .login import check_login_throttle, record_failure

ALLOWED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def _documents(
    refs: list[dict[str, Any]], now: datetime, blobs: BlobIndex | None
) -> list[Dokumen]:
    """Registration documents, checked against what is really in the blob store.

    :raises BadRequest: ``DOKUMEN_NOT_UPLOADED``, ``DOKUMEN_MISMATCH``,
        ``UPLOAD_TYPE_NOT_ALLOWED``.
    """
    docs = []
    for ref in refs:
        content_type = ref["content_type"]
        if blobs is not None:
            found = blobs.describe(ref["sha256"])
            if found is None:
                raise BadRequest(
                    "DOKUMEN_NOT_UPLOADED",
                    "upload the document first",
                    {"sha256": ref["sha256"]},
                )
            if found[0] != ref["size"]:
                raise BadRequest(
                    "DOKUMEN_MISMATCH",
                    "the size does not match the upload",
                    {"sha256": ref["sha256"]},
                )
            content_type = found[1]  # sniffed from the file, not the claim
        if content_type not in ALLOWED_CONTENT_TYPES:
            raise BadRequest(
                "UPLOAD_TYPE_NOT_ALLOWED",
                "file type not allowed",
                {"allowed": list(ALLOWED_CONTENT_TYPES)},
            )
        docs.append(
            Dokumen(
                str(ref["jenis"]),
                ref["sha256"],
                ref["filename"],
                content_type,
                ref["size"],
                now,
            )
        )
    return docs


def register_penyedia(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    *,
    hasher: Hasher,
    blobs: BlobIndex | None = None,
) -> dict[str, Any]:
    """Public self-registration: the account exists but waits for verification.

    :raises BadRequest: ``PAKTA_INTEGRITAS_REQUIRED``, ``NPWP_INVALID``, password
        policy, document checks.
    :raises Conflict: ``NPWP_ALREADY_REGISTERED``, ``USERNAME_TAKEN``.
    """
    actor: Actor = request["actor"]
    if not request["setuju_pakta_integritas"]:
        raise BadRequest(
            "PAKTA_INTEGRITAS_REQUIRED", "the integrity pact must be accepted"
        )
    username = request["username"].strip().lower()
    npwp = normalise_npwp(request["npwp"])
    check_password(request["password"], username=username)
    dokumen = _documents(request["dokumen"], now, blobs)
    if uow.penyedia.get_by_npwp(npwp):
        raise Conflict("NPWP_ALREADY_REGISTERED", "this NPWP is already registered")
    if uow.user.username_exists(username):
        raise Conflict(
            "USERNAME_TAKEN", "this username is taken", {"username": username}
        )
    user = User(
        user_id=new_id(),
        username=username,
        email=request["email"],
        nama=request["nama"].strip(),
        roles={Role.PENYEDIA},
        status=StatusUser.AKTIF,
        password_hash=hasher.hash(request["password"]),
        created_at=now,
        password_changed_at=now,
        updated_at=now,
    )
    penyedia = Penyedia.register(
        penyedia_id=new_id(),
        user_id=user.user_id,
        username=username,
        nama=request["nama"],
        bentuk_usaha=str(request["bentuk_usaha"]),
        npwp=npwp,
        nib=request["nib"],
        alamat=request["alamat"],
        kota=request.get("kota"),
        email=request["email"],
        telepon=request["telepon"],
        dokumen=dokumen,
        now=now,
    )
    uow.user.add(user)
    uow.penyedia.add(penyedia)
    audit(
        uow,
        actor,
        now,
        "penyedia_registered",
        "penyedia",
        penyedia.penyedia_id,
        username=username,
        npwp=npwp,
        dokumen=[d.sha256 for d in dokumen],
    )
    uow.outbox.add(
        contracts.PENYEDIA_REGISTERED,
        penyedia_event(penyedia),
        occurred_at=now,
        actor=actor,
    )
    uow.commit()
    return {
        "penyedia_id": penyedia.penyedia_id,
        "status": penyedia.status,
        "created_at": penyedia.created_at,
    }


def resubmit_penyedia(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    *,
    hasher: Hasher,
    policy: LoginPolicy,
    blobs: BlobIndex | None = None,
) -> dict[str, Any]:
    """A rejected penyedia corrects its data (authenticating with its password).

    :raises RateLimited: ``LOGIN_RATE_LIMITED``.
    :raises Unauthenticated: ``LOGIN_FAILED``.
    :raises InvalidTransition: not ``ditolak``.
    """
    actor: Actor = request["actor"]
    username = request["username"].strip().lower()
    check_login_throttle(uow, policy, username, actor.ip, now)
    user = uow.user.get_by_username(username)
    if user is None or not user.is_penyedia:
        hasher.dummy_verify(request["password"])
        record_failure(
            uow, username, actor.ip, now, "penyedia_resubmit_failed", independent=True
        )
        raise login_failed()
    if not hasher.verify(user.password_hash, request["password"]):
        record_failure(
            uow,
            username,
            actor.ip,
            now,
            "penyedia_resubmit_failed",
            independent=True,
            user_id=user.user_id,
        )
        raise login_failed()
    penyedia = uow.penyedia.get_by_user(user.user_id)
    dokumen = _documents(request.get("dokumen") or [], now, blobs)
    changes = {
        k: request.get(k) for k in ("nama", "alamat", "kota", "email", "telepon", "nib")
    }
    penyedia.resubmit(now=now, changes=changes, dokumen=dokumen)
    uow.penyedia.save(penyedia)
    if changes["email"] or changes["nama"]:  # the account carries them too
        user.email, user.nama = penyedia.email, penyedia.nama
        uow.user.save(user)
    owner = Actor(
        user_id=user.user_id,
        username=user.username,
        roles=(Role.PENYEDIA,),
        penyedia_id=penyedia.penyedia_id,
        ip=actor.ip,
    )
    audit(
        uow,
        owner,
        now,
        "penyedia_resubmitted",
        "penyedia",
        penyedia.penyedia_id,
        changed=sorted(k for k, v in changes.items() if v is not None),
        dokumen=[d.sha256 for d in dokumen],
    )
    uow.outbox.add(
        contracts.PENYEDIA_RESUBMITTED,
        penyedia_event(penyedia),
        occurred_at=now,
        actor=owner,
    )
    uow.commit()
    return {
        "penyedia_id": penyedia.penyedia_id,
        "status": penyedia.status,
        "created_at": penyedia.created_at,
    }


# ------------------------------------------------------------------ reads
def load_penyedia(uow: Any, penyedia_id: str) -> Penyedia:
    penyedia = uow.penyedia.get(penyedia_id)
    if penyedia is None:
        raise NotFound(
            "PENYEDIA_NOT_FOUND", "penyedia not found", {"penyedia_id": penyedia_id}
        )
    return penyedia


def _readable(uow: Any, actor: Actor, penyedia_id: str) -> tuple[Penyedia, bool]:
    """The penyedia and whether the actor may see its documents.

    A penyedia sees only itself; others are simply "not found" for it.
    """
    require_user(actor)
    if actor.has_role(Role.PENYEDIA):
        if actor.penyedia_id != penyedia_id:
            raise NotFound(
                "PENYEDIA_NOT_FOUND", "penyedia not found", {"penyedia_id": penyedia_id}
            )
        return load_penyedia(uow, penyedia_id), True
    require_role(actor, *PENYEDIA_READERS)
    return load_penyedia(uow, penyedia_id), actor.has_role(*DOKUMEN_READERS)


def get_penyedia(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """One penyedia; documents only for itself, Verifikator, Admin PPE and Auditor."""
    penyedia, with_dokumen = _readable(
        uow, request["actor"], required(request, "penyedia_id")
    )
    return penyedia_view(penyedia, with_dokumen=with_dokumen)


def list_penyedia(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Penyedia by status / name or NPWP (Verifikator, Admin PPE, Helpdesk, Auditor)."""
    actor = request["actor"]
    require_role(actor, *PENYEDIA_READERS)
    items, total = uow.penyedia.list(
        status=request.get("status"),
        q=request.get("q"),
        page=request["page"],
        per_page=request["per_page"],
    )
    with_dokumen = actor.has_role(*DOKUMEN_READERS)
    return page_view(
        [penyedia_view(p, with_dokumen=with_dokumen) for p in items], total, request
    )


def get_dokumen(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The reference of one document, for those who may see it.

    :raises NotFound: ``PENYEDIA_NOT_FOUND``, ``DOKUMEN_NOT_FOUND``.
    :raises Forbidden: ``ROLE_REQUIRED`` (e.g. Helpdesk).
    """
    actor = request["actor"]
    penyedia, with_dokumen = _readable(uow, actor, required(request, "penyedia_id"))
    if not with_dokumen:
        require_role(actor, *DOKUMEN_READERS)
    for doc in penyedia.dokumen:
        if doc.sha256 == request["sha256"]:
            return dokumen_view(doc)
    raise NotFound(
        "DOKUMEN_NOT_FOUND", "document not found", {"sha256": request["sha256"]}
    )


def list_daftar_hitam(uow: Any, request: dict[str, Any], now: datetime) -> list[dict]:
    """The public blacklist (no contact data)."""
    return [
        {
            "penyedia_id": p.penyedia_id,
            "nama": p.nama,
            "npwp": p.npwp,
            "alasan": p.status_alasan or "",
            "sejak": p.sejak,
            "berlaku_sampai": p.berlaku_sampai,
        }
        for p in uow.penyedia.list_by_status(StatusPenyedia.DAFTAR_HITAM)
    ]


def check_penyedia_eligible(uow: Any, request: dict[str, Any], now: datetime) -> dict:
    """For other services: may this penyedia take part in a lelang now?"""
    penyedia = load_penyedia(uow, required(request, "penyedia_id"))
    return {
        "penyedia_id": penyedia.penyedia_id,
        "eligible": penyedia.is_eligible,
        "status": penyedia.status,
        "nama": penyedia.nama,
        "npwp": penyedia.npwp,
        "alamat": penyedia.alamat,
        "kota": penyedia.kota,
    }
