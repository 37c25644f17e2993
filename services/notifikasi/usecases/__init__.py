"""notifikasi's use cases, ``fn(uow, request-or-event, now, deps)``.

* :func:`on_event` - one consumed event: learn what it teaches about addressees,
  decide who must hear of it (``domain.penerima``), render the message
  (``domain.pesan``), write an inbox notice per user and an e-mail per address. Runs
  inside ``@consumes`` (which commits and drops a redelivered event by its id), and
  the tables are unique per event and user/address, so one event never becomes two
  e-mails.
* :func:`deliver_due` - the delivery timer: one due e-mail at a time, locked, sent,
  its state recorded and committed before the next.
* :func:`report_penyimpangan` - tells pengaduan, per addressee of a deviation report,
  whether it was delivered (``record_penyimpangan_delivery``, idempotent).
* the inbox RPCs and the operators' list and requeue.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from services.common.auth import Actor, Role
from services.common.clock import retry_horizon
from services.common.errors import BadRequest, Forbidden, Unauthenticated
from services.notifikasi.domain.penerima import (
    Penerima,
    penyimpangan_targets,
    recipients,
    rule_for,
)
from services.notifikasi.domain.pengiriman import (
    RetryPolicy,
    StatusPengiriman,
    after_failure,
    after_success,
    summary,
)
from services.notifikasi.domain.pesan import Pesan, render
from services.notifikasi.storage.models import (
    KontakPenyediaRow,
    KontakUserRow,
    NotifikasiRow,
    PengirimanRow,
    TargetPenyimpanganRow,
)

log = logging.getLogger(__name__)

OPERATOR_ROLES = frozenset({Role.ADMIN_PPE, Role.HELPDESK})
REQUEUE_ROLES = frozenset({Role.ADMIN_PPE})
PENYIMPANGAN = ("pengaduan", "penyimpangan_reported")


# ------------------------------------------------------------------ ports
class SendError(Exception):
    """The SMTP server did not take the message. ``permanent`` for a 5xx answer
    about this message or recipient (retrying cannot help)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class MailSession(Protocol):
    def send(self, row: PengirimanRow) -> None:
        """Hand one e-mail to the server; raises :class:`SendError`."""


class Mailer(Protocol):
    def session(self) -> Any:
        """A context manager giving a :class:`MailSession` (one connection, reused
        for a batch)."""


class PengaduanClient(Protocol):
    def record_delivery(self, penyimpangan_id: str, penerima_id: str, status: str,
                        keterangan: str | None) -> None:
        ...


@dataclass
class Deps:
    policy: RetryPolicy
    mailer: Mailer | None = None
    #: called with (channel, outcome) for every notice written or e-mail tried
    count: Callable[[str, str], None] = field(default=lambda channel, outcome: None)


def new_id() -> str:
    return str(uuid.uuid4())


# ------------------------------------------------------------------ learning
def _upsert_user(uow: Any, payload: Mapping[str, Any], now: datetime,
                 aktif: bool) -> None:
    row = uow.notifikasi.user(payload["user_id"])
    if row is None:
        row = KontakUserRow(user_id=payload["user_id"])
        uow.notifikasi.add(row)
    row.username = payload.get("username") or row.username
    row.nama = payload.get("nama") or row.nama
    row.email = payload.get("email") or row.email
    row.agency_id = payload.get("agency_id") or row.agency_id
    row.aktif = aktif
    row.diperbarui_pada = now
    for peran in payload.get("roles") or []:
        uow.notifikasi.grant(row.user_id, str(peran), payload.get("agency_id"))


def _upsert_penyedia(uow: Any, payload: Mapping[str, Any], now: datetime) -> None:
    row = uow.notifikasi.penyedia(payload["penyedia_id"])
    if row is None:
        row = KontakPenyediaRow(penyedia_id=payload["penyedia_id"])
        uow.notifikasi.add(row)
    row.nama = payload.get("nama") or row.nama
    row.email = payload.get("email") or row.email
    row.user_id = payload.get("user_id") or row.user_id
    row.status = str(payload["status"]) if payload.get("status") else row.status
    row.diperbarui_pada = now


def learn(uow: Any, source: str, event_type: str, payload: Mapping[str, Any],
          now: datetime) -> None:
    """Keep what the event says about addressees (contacts, roles, peserta, the
    logged-in complainant), before its own recipients are resolved."""
    if source == "registrasi":
        if event_type in ("user_created", "user_reactivated"):
            _upsert_user(uow, payload, now, aktif=True)
        elif event_type == "user_deactivated":
            _upsert_user(uow, payload, now, aktif=False)
        elif event_type == "role_granted":
            if uow.notifikasi.user(payload["user_id"]) is None:
                _upsert_user(uow, {"user_id": payload["user_id"]}, now, aktif=True)
            uow.notifikasi.grant(payload["user_id"], str(payload["role"]),
                                 payload.get("agency_id"))
        elif event_type == "role_revoked":
            uow.notifikasi.revoke(payload["user_id"], str(payload["role"]),
                                  payload.get("agency_id"))
        elif event_type.startswith("penyedia_"):
            _upsert_penyedia(uow, payload, now)
    elif (source, event_type) == ("lelang", "peserta_registered"):
        uow.notifikasi.add_peserta(payload["lelang_id"], payload["penyedia_id"])
    elif (source, event_type) == ("pengaduan", "pengaduan_filed"):
        pelapor = payload.get("pelapor") or {}
        # pengaduan never sends the identity of an anonymous or kkn complaint
        if pelapor.get("user_id") and not payload.get("anonim", True):
            uow.notifikasi.set_pelapor(payload["pengaduan_id"], pelapor["user_id"])


# ------------------------------------------------------------------ resolution
@dataclass(frozen=True)
class Alamat:
    """Where one person is reached: their inbox (a user id) and/or an e-mail."""

    user_id: str | None
    email: str | None


def resolve(uow: Any, penerima: Penerima, payload: Mapping[str, Any]) -> list[Alamat]:
    repo = uow.notifikasi
    if penerima.kind == "email":
        return [Alamat(None, penerima.value)]
    if penerima.kind == "role":
        return [a for user_id in repo.users_with_role(penerima.value)
                for a in resolve(uow, Penerima("user", user_id, penerima.why), payload)]
    if penerima.kind == "user":
        row = repo.user(penerima.value)
        return [Alamat(penerima.value, row.email if row else None)]
    # a penyedia: its login's inbox, and its e-mail (the event's own when it has one)
    row = repo.penyedia(penerima.value)
    here = payload.get("penyedia_id") == penerima.value
    user_id = ((payload.get("user_id") if here else None)
               or (row.user_id if row else None))
    email = (payload.get("email") if here else None) or (row.email if row else None)
    return [Alamat(user_id, email)] if (user_id or email) else []


def _refs(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"lelang_id": payload.get("lelang_id"),
            "pengaduan_id": payload.get("pengaduan_id")}


class _Writer:
    """Writes one event's notices, each user's inbox and each address once."""

    def __init__(self, uow: Any, event_id: str, jenis: str, pesan: Pesan,
                 payload: Mapping[str, Any], now: datetime, deps: Deps):
        self.uow, self.event_id, self.jenis, self.pesan = uow, event_id, jenis, pesan
        self.payload, self.now, self.deps = payload, now, deps
        self.users: set[str] = set()
        self.emails: set[str] = set()

    def write(self, alamat: Alamat, penerima_id: str | None = None) -> tuple[int, int]:
        inbox = email = 0
        if alamat.user_id and alamat.user_id not in self.users:
            self.users.add(alamat.user_id)
            self.uow.notifikasi.add(NotifikasiRow(
                notifikasi_id=new_id(), user_id=alamat.user_id, event_id=self.event_id,
                jenis=self.jenis, subjek=self.pesan.subject, isi=self.pesan.text,
                dibuat_pada=self.now, dibaca_pada=None, **_refs(self.payload)))
            self.deps.count("inbox", "sent")
            inbox = 1
        address = (alamat.email or "").strip().lower()
        if address and address not in self.emails:
            self.emails.add(address)
            self.uow.notifikasi.add(PengirimanRow(
                pengiriman_id=new_id(), event_id=self.event_id, jenis=self.jenis,
                alamat=address, user_id=alamat.user_id, subjek=self.pesan.subject,
                isi_teks=self.pesan.text, isi_html=self.pesan.html,
                status=str(StatusPengiriman.MENUNGGU), percobaan=0,
                berikutnya_pada=self.now, galat_terakhir=None, dibuat_pada=self.now,
                terkirim_pada=None, penerima_id=penerima_id))
            email = 1
        return inbox, email


def on_event(uow: Any, source: str, event_type: str, event_id: str,
             payload: Mapping[str, Any], now: datetime, deps: Deps) -> int:
    """Handle one consumed event; returns the number of notices written (inbox
    notices plus e-mails). The caller (``@consumes``) commits."""
    learn(uow, source, event_type, payload, now)
    rule = rule_for(source, event_type)
    if rule is None:
        return 0
    writer = _Writer(uow, event_id, f"{source}.{event_type}",
                     render(rule.template, payload), payload, now, deps)
    if (source, event_type) == PENYIMPANGAN:
        return _penyimpangan(uow, writer, payload, now)
    written = 0
    for penerima in recipients(source, event_type, payload, uow.notifikasi):
        found = resolve(uow, penerima, payload)
        if not found:
            log.warning("no address for %s %s of %s", penerima.kind, penerima.value,
                     writer.jenis)
        for alamat in found:
            written += sum(writer.write(alamat))
    uow.notifikasi.flush()
    return written


def _penyimpangan(uow: Any, writer: _Writer, payload: Mapping[str, Any],
                  now: datetime) -> int:
    """Pasal 18: every addressee pengaduan names, each tracked by its penerima_id."""
    written = 0
    for target in penyimpangan_targets(payload, uow.notifikasi):
        inbox = email = 0
        for penerima in target.penerima:
            for alamat in resolve(uow, penerima, payload):
                i, e = writer.write(alamat, target.penerima_id)
                inbox, email = inbox + i, email + e
        written += inbox + email
        status, keterangan = StatusPengiriman.MENUNGGU, None
        if not email:
            if inbox:
                status = StatusPengiriman.TERKIRIM
                keterangan = "disampaikan melalui kotak masuk aplikasi (tanpa e-mail)"
            else:
                status = StatusPengiriman.GAGAL
                keterangan = ("tidak ada alamat penerima yang dikenal "
                              f"untuk peran {target.peran}")
        if uow.notifikasi.target(target.penerima_id) is None:
            uow.notifikasi.add(TargetPenyimpanganRow(
                penerima_id=target.penerima_id,
                penyimpangan_id=payload["penyimpangan_id"], peran=target.peran,
                status=str(status), keterangan=keterangan, dilaporkan=False,
                dibuat_pada=now))
    uow.notifikasi.flush()
    return written


# ------------------------------------------------------------------ delivery
def _update_target(uow: Any, penerima_id: str) -> None:
    target = uow.notifikasi.target(penerima_id)
    if target is None or target.status != str(StatusPengiriman.MENUNGGU):
        return
    statuses = [StatusPengiriman(s) for s in uow.notifikasi.target_statuses(
        penerima_id)]
    final = summary(statuses)
    if final is None:
        return
    target.status = str(final)
    target.keterangan = ("e-mail diterima server" if final is StatusPengiriman.TERKIRIM
                         else "e-mail tidak dapat dikirim")


def deliver_due(uow: Any, now: datetime, deps: Deps, limit: int = 50) -> int:
    """Send up to ``limit`` due e-mails, one locked row and one commit at a time (a
    crash loses at most the state of the one in flight, which is then sent again:
    at least once, with the same Message-ID). Returns how many were tried."""
    assert deps.mailer is not None, "deliver_due needs a mailer"
    tried = 0
    horizon = retry_horizon(now, deps.policy.max_seconds)
    with deps.mailer.session() as mail:
        while tried < limit:
            row = uow.notifikasi.next_due(now, horizon)
            if row is None:
                uow.rollback()
                break
            tried += 1
            try:
                mail.send(row)
            except SendError as exc:
                outcome = after_failure(row.percobaan, exc.permanent, deps.policy, now)
                row.galat_terakhir = exc.reason[:2000]
                deps.count("email", "failed" if outcome.status is
                           StatusPengiriman.GAGAL else "retried")
                log.warning("e-mail %s to %s: %s (%s)", row.pengiriman_id, row.alamat,
                            exc.reason, outcome.status)
            else:
                outcome = after_success(row.percobaan)
                row.terkirim_pada = now
                row.galat_terakhir = None
                deps.count("email", "sent")
            row.status = str(outcome.status)
            row.percobaan = outcome.attempts
            row.berikutnya_pada = outcome.next_attempt_at
            uow.notifikasi.flush()
            if row.penerima_id:
                _update_target(uow, row.penerima_id)
            uow.commit()
    return tried


def report_penyimpangan(uow: Any, client: PengaduanClient, limit: int = 20) -> int:
    """Tell pengaduan the final state of each deviation-report addressee once; a
    failed call leaves it for the next round (the RPC is idempotent by key)."""
    done = 0
    for target in uow.notifikasi.targets_to_report(limit):
        client.record_delivery(target.penyimpangan_id, target.penerima_id,
                               target.status, target.keterangan)
        target.dilaporkan = True
        uow.commit()
        done += 1
    uow.rollback()
    return done


# ------------------------------------------------------------------ RPCs
def _user(actor: Actor | None) -> Actor:
    if actor is None or actor.is_anonymous or not actor.user_id:
        raise Unauthenticated("UNAUTHENTICATED", "authentication required")
    return actor


def _page(items: list[Any], total: int, request: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": request.get("page", 1),
            "per_page": request.get("per_page", 20)}


def _notice_view(row: NotifikasiRow) -> dict[str, Any]:
    return {"notifikasi_id": row.notifikasi_id, "jenis": row.jenis,
            "subjek": row.subjek, "isi": row.isi, "lelang_id": row.lelang_id,
            "pengaduan_id": row.pengaduan_id, "dibuat_pada": row.dibuat_pada,
            "dibaca": row.dibaca_pada is not None, "dibaca_pada": row.dibaca_pada}


def list_notifikasi(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict[str, Any]:
    """The actor's own inbox, newest first, with the number unread."""
    actor = _user(request["actor"])
    rows, total = uow.notifikasi.inbox(
        actor.user_id, unread_only=bool(request.get("belum_dibaca")),
        page=request.get("page", 1), per_page=request.get("per_page", 20))
    result = _page([_notice_view(r) for r in rows], total, request)
    result["belum_dibaca"] = uow.notifikasi.unread_count(actor.user_id)
    return result


def count_unread(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> dict[str, Any]:
    actor = _user(request["actor"])
    return {"belum_dibaca": uow.notifikasi.unread_count(actor.user_id)}


def mark_read(uow: Any, request: dict[str, Any], now: datetime,
              deps: Deps) -> dict[str, Any]:
    """Mark the actor's notices read: the ids given, or all (``semua``). Ids of
    somebody else's notices change nothing (and say nothing)."""
    actor = _user(request["actor"])
    ids = request.get("notifikasi_ids")
    if not request.get("semua") and not ids:
        raise BadRequest("NOTIFIKASI_NOTHING_TO_MARK",
                         "give notifikasi_ids or semua=true")
    marked = uow.notifikasi.mark_read(actor.user_id, None if request.get(
        "semua") else list(ids), now)
    uow.commit()
    return {"ditandai": marked,
            "belum_dibaca": uow.notifikasi.unread_count(actor.user_id)}


def _operator(actor: Actor | None, roles: Iterable[Role]) -> Actor:
    actor = _user(actor)
    if not set(actor.roles) & set(roles):
        raise Forbidden("FORBIDDEN", "only LPSE operators see the e-mail deliveries")
    return actor


def _pengiriman_view(row: PengirimanRow) -> dict[str, Any]:
    return {"pengiriman_id": row.pengiriman_id, "event_id": row.event_id,
            "jenis": row.jenis, "alamat": row.alamat, "subjek": row.subjek,
            "status": StatusPengiriman(row.status), "percobaan": row.percobaan,
            "berikutnya_pada": row.berikutnya_pada,
            "galat_terakhir": row.galat_terakhir, "dibuat_pada": row.dibuat_pada,
            "terkirim_pada": row.terkirim_pada}


def list_pengiriman(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict[str, Any]:
    """Operators (Admin PPE, Helpdesk): the e-mails and their delivery state."""
    _operator(request["actor"], OPERATOR_ROLES)
    status = request.get("status")
    rows, total = uow.notifikasi.pengiriman(
        status=str(status) if status else None, page=request.get("page", 1),
        per_page=request.get("per_page", 20))
    result = _page([_pengiriman_view(r) for r in rows], total, request)
    result["per_status"] = uow.notifikasi.counts_by_status()
    return result


def retry_pengiriman(uow: Any, request: dict[str, Any], now: datetime,
                     deps: Deps) -> dict[str, Any]:
    """Admin PPE requeues failed e-mails (the ids, or every failed one)."""
    _operator(request["actor"], REQUEUE_ROLES)
    ids = request.get("pengiriman_ids")
    if not request.get("semua_gagal") and not ids:
        raise BadRequest("PENGIRIMAN_NOTHING_TO_RETRY",
                         "give pengiriman_ids or semua_gagal=true")
    count = requeue(uow, None if request.get("semua_gagal") else list(ids), now)
    return {"dijadwalkan_ulang": count}


def requeue(uow: Any, ids: list[str] | None, now: datetime) -> int:
    """Failed e-mails back to pending (CLI and RPC); their deviation-report
    addressees wait for the new outcome again unless pengaduan was already told."""
    count = uow.notifikasi.requeue(ids, now)
    uow.commit()
    return count


def figures(uow: Any) -> dict[str, Any]:
    """For the gauges: e-mails by delivery state, inbox notices in all."""
    by_status = uow.notifikasi.counts_by_status()
    uow.rollback()
    return {"email": {str(s): by_status.get(str(s), 0) for s in StatusPengiriman},
            "inbox": uow.notifikasi.inbox_total()}


__all__ = [
    "Alamat", "Deps", "Mailer", "PengaduanClient", "SendError", "count_unread",
    "deliver_due", "figures", "learn", "list_notifikasi", "list_pengiriman",
    "mark_read", "on_event", "report_penyimpangan", "requeue", "resolve",
    "retry_pengiriman",
]
