"""The Penyedia aggregate and its verification state machine (DOMAIN §4.2, Pasal 12).

::

    menunggu_verifikasi --verify--> terverifikasi --deactivate--> nonaktif
            |   ^                        |   ^                        |
         reject | resubmit               |   +------ reactivate ------+
            v   |                     blacklist                       |
          ditolak                        v                            |
                                    daftar_hitam -------reactivate----+

Every transition records a :class:`StatusChange` (who, when, why, and for a
blacklisting which PA/KPA/PPK/Pokja/Pejabat Pengadaan asked for it, with the letter
number, Pasal 12(4)). Pure: stdlib and ``services.common`` errors/auth only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.common.auth import Role
from services.common.clock import WITA
from services.common.errors import BadRequest, InvalidTransition

from .npwp import normalise_npwp


class StatusPenyedia(enum.StrEnum):
    MENUNGGU_VERIFIKASI = "menunggu_verifikasi"
    TERVERIFIKASI = "terverifikasi"
    DITOLAK = "ditolak"
    NONAKTIF = "nonaktif"
    DAFTAR_HITAM = "daftar_hitam"


class PenyediaAction(enum.StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    RESUBMIT = "resubmit"
    DEACTIVATE = "deactivate"
    BLACKLIST = "blacklist"
    REACTIVATE = "reactivate"


S = StatusPenyedia
#: action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[PenyediaAction, tuple[frozenset[StatusPenyedia], StatusPenyedia]] = {
    PenyediaAction.VERIFY: (frozenset({S.MENUNGGU_VERIFIKASI}), S.TERVERIFIKASI),
    PenyediaAction.REJECT: (frozenset({S.MENUNGGU_VERIFIKASI}), S.DITOLAK),
    PenyediaAction.RESUBMIT: (frozenset({S.DITOLAK}), S.MENUNGGU_VERIFIKASI),
    PenyediaAction.DEACTIVATE: (frozenset({S.TERVERIFIKASI}), S.NONAKTIF),
    PenyediaAction.BLACKLIST: (frozenset({S.TERVERIFIKASI}), S.DAFTAR_HITAM),
    PenyediaAction.REACTIVATE: (
        frozenset({S.NONAKTIF, S.DAFTAR_HITAM}),
        S.TERVERIFIKASI,
    ),
}
#: actions that need a written reason
REASON_REQUIRED = frozenset(
    {
        PenyediaAction.REJECT,
        PenyediaAction.DEACTIVATE,
        PenyediaAction.BLACKLIST,
        PenyediaAction.REACTIVATE,
    }
)
#: statuses after which the penyedia's live sessions must end
SESSION_ENDING = frozenset({S.DITOLAK, S.NONAKTIF, S.DAFTAR_HITAM})
#: who may ask the Verifikator to blacklist a penyedia (Pasal 12(4))
PERMINTAAN_ROLES = frozenset(
    {Role.PA, Role.KPA, Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN}
)
MIN_REASON_LENGTH = 5


def target_status(status: StatusPenyedia, action: PenyediaAction) -> StatusPenyedia:
    """The status ``action`` leads to from ``status``.

    :raises InvalidTransition: ``PENYEDIA_TRANSITION_NOT_ALLOWED``.
    """
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise InvalidTransition(
            "PENYEDIA_TRANSITION_NOT_ALLOWED",
            f"cannot {action} a penyedia that is {status}",
            {
                "status": str(status),
                "action": str(action),
                "allowed_from": sorted(str(s) for s in sources),
            },
        )
    return target


# ------------------------------------------------------------------ value objects
@dataclass(frozen=True)
class Dokumen:
    """A registration document (a scan in the blob store, by its SHA-256)."""

    jenis: str
    sha256: str
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime


@dataclass(frozen=True)
class Permintaan:
    """The request behind a blacklisting (Pasal 12(4)): who asked, by which letter."""

    peran: Role
    nama: str
    nomor_surat: str
    user_id: str | None = None
    tanggal_surat: date | None = None

    def __post_init__(self) -> None:
        if self.peran not in PERMINTAAN_ROLES:
            raise BadRequest(
                "PERMINTAAN_INVALID",
                "a blacklisting must be requested by PA, KPA, PPK, Pokja "
                "or Pejabat Pengadaan",
                {"peran": str(self.peran)},
            )
        if not self.nomor_surat.strip() or not self.nama.strip():
            raise BadRequest(
                "PERMINTAAN_INVALID",
                "the request letter number and the requester's name are required",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "peran": str(self.peran),
            "nama": self.nama,
            "nomor_surat": self.nomor_surat,
            "user_id": self.user_id,
            "tanggal_surat": self.tanggal_surat.isoformat()
            if self.tanggal_surat
            else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Permintaan:
        tanggal = data.get("tanggal_surat")
        if isinstance(tanggal, str):
            tanggal = date.fromisoformat(tanggal)
        return cls(
            peran=Role(str(data["peran"])),
            nama=data["nama"],
            nomor_surat=data["nomor_surat"],
            user_id=data.get("user_id"),
            tanggal_surat=tanggal,
        )


@dataclass(frozen=True)
class StatusChange:
    """One entry of a penyedia's status history."""

    status_from: StatusPenyedia | None
    status_to: StatusPenyedia
    at: datetime
    actor_user_id: str | None = None
    alasan: str | None = None
    permintaan: Permintaan | None = None
    catatan: str | None = None
    dokumen_diperiksa: tuple[str, ...] = ()


def _reason(action: PenyediaAction, alasan: str | None) -> str | None:
    text = (alasan or "").strip()
    if action in REASON_REQUIRED and len(text) < MIN_REASON_LENGTH:
        raise BadRequest(
            "ALASAN_REQUIRED",
            f"{action} needs a reason",
            {"min_length": MIN_REASON_LENGTH},
        )
    return text or None


# ------------------------------------------------------------------ the aggregate
@dataclass
class Penyedia:
    """A registered supplier. Mutated only through its transition methods."""

    penyedia_id: str
    user_id: str
    username: str
    nama: str
    bentuk_usaha: str
    npwp: str
    nib: str
    alamat: str
    email: str
    telepon: str
    status: StatusPenyedia
    created_at: datetime
    kota: str | None = None
    status_alasan: str | None = None
    berlaku_sampai: date | None = None
    verified_at: datetime | None = None
    updated_at: datetime | None = None
    dokumen: list[Dokumen] = field(default_factory=list)
    riwayat: list[StatusChange] = field(default_factory=list)

    # -------------------------------------------------------------- creation
    @classmethod
    def register(
        cls,
        *,
        penyedia_id: str,
        user_id: str,
        username: str,
        nama: str,
        bentuk_usaha: str,
        npwp: str,
        nib: str,
        alamat: str,
        email: str,
        telepon: str,
        dokumen: list[Dokumen],
        now: datetime,
        kota: str | None = None,
    ) -> Penyedia:
        """A new registration, waiting for verification (DOMAIN §4.1 step 1).

        :raises BadRequest: ``NPWP_INVALID``, ``DOKUMEN_REQUIRED``.
        """
        if not dokumen:
            raise BadRequest("DOKUMEN_REQUIRED", "at least one registration document")
        penyedia = cls(
            penyedia_id=penyedia_id,
            user_id=user_id,
            username=username,
            nama=nama.strip(),
            bentuk_usaha=str(bentuk_usaha),
            npwp=normalise_npwp(npwp),
            nib=nib,
            alamat=alamat.strip(),
            email=email,
            telepon=telepon,
            kota=kota,
            status=S.MENUNGGU_VERIFIKASI,
            created_at=now,
            updated_at=now,
        )
        penyedia._add_dokumen(dokumen)
        penyedia.riwayat.append(StatusChange(None, S.MENUNGGU_VERIFIKASI, now))
        return penyedia

    # -------------------------------------------------------------- queries
    @property
    def is_eligible(self) -> bool:
        """Only a verified penyedia may log in, join a lelang or bid."""
        return self.status is S.TERVERIFIKASI

    @property
    def sejak(self) -> datetime:
        """When the current status began."""
        for change in reversed(self.riwayat):
            if change.status_to is self.status:
                return change.at
        return self.created_at

    def has_dokumen(self, sha256: str) -> bool:
        return any(d.sha256 == sha256 for d in self.dokumen)

    # -------------------------------------------------------------- transitions
    def verify(
        self,
        *,
        actor_user_id: str,
        now: datetime,
        dokumen_diperiksa: list[str],
        catatan: str | None = None,
    ) -> StatusChange:
        """Verifikator approves: the originals match the registration (Pasal 12(3)).

        The documents checked are recorded with the decision (DOMAIN §3.3 rule 4).

        :raises InvalidTransition: not waiting for verification.
        :raises BadRequest: ``DOKUMEN_NOT_IN_PENYEDIA`` for an unknown document.
        """
        target = target_status(self.status, PenyediaAction.VERIFY)
        unknown = sorted(set(dokumen_diperiksa) - {d.sha256 for d in self.dokumen})
        if not dokumen_diperiksa or unknown:
            raise BadRequest(
                "DOKUMEN_NOT_IN_PENYEDIA",
                "the checked documents must be this penyedia's documents",
                {"unknown": unknown},
            )
        self.verified_at = now
        return self._move(
            target,
            now,
            actor_user_id,
            None,
            catatan=catatan,
            dokumen_diperiksa=tuple(dict.fromkeys(dokumen_diperiksa)),
        )

    def reject(self, *, actor_user_id: str, now: datetime, alasan: str) -> StatusChange:
        """Verifikator rejects the registration, with a reason (Pasal 12(3))."""
        target = target_status(self.status, PenyediaAction.REJECT)
        return self._move(
            target, now, actor_user_id, _reason(PenyediaAction.REJECT, alasan)
        )

    def resubmit(
        self, *, now: datetime, changes: dict[str, Any], dokumen: list[Dokumen]
    ) -> StatusChange:
        """A rejected penyedia corrects its data and documents and asks again.

        ``changes`` may hold nama, alamat, kota, email, telepon, nib.
        """
        target = target_status(self.status, PenyediaAction.RESUBMIT)
        allowed = {"nama", "alamat", "kota", "email", "telepon", "nib"}
        for key, value in changes.items():
            if key in allowed and value is not None:
                setattr(self, key, value.strip() if isinstance(value, str) else value)
        self._add_dokumen(dokumen)
        return self._move(target, now, self.user_id, None)

    def deactivate(
        self, *, actor_user_id: str, now: datetime, alasan: str
    ) -> StatusChange:
        """Verifikator deactivates for a violation of the terms (Pasal 12(4))."""
        target = target_status(self.status, PenyediaAction.DEACTIVATE)
        return self._move(
            target, now, actor_user_id, _reason(PenyediaAction.DEACTIVATE, alasan)
        )

    def blacklist(
        self,
        *,
        actor_user_id: str,
        now: datetime,
        alasan: str,
        permintaan: Permintaan | None,
        berlaku_sampai: date | None = None,
    ) -> StatusChange:
        """Verifikator blacklists on the request of PA/KPA/PPK/Pokja/Pejabat Pengadaan.

        :raises BadRequest: ``PERMINTAAN_REQUIRED``, ``BERLAKU_SAMPAI_INVALID``.
        """
        target = target_status(self.status, PenyediaAction.BLACKLIST)
        reason = _reason(PenyediaAction.BLACKLIST, alasan)
        if permintaan is None:
            raise BadRequest(
                "PERMINTAAN_REQUIRED",
                "a blacklisting needs the request it is based on (Pasal 12(4))",
            )
        # a date is a day in Karangasem: 00:00-08:00 WITA is still yesterday in UTC
        if berlaku_sampai is not None and berlaku_sampai <= now.astimezone(WITA).date():
            raise BadRequest(
                "BERLAKU_SAMPAI_INVALID", "the end date must be in the future"
            )
        self.berlaku_sampai = berlaku_sampai
        return self._move(target, now, actor_user_id, reason, permintaan=permintaan)

    def reactivate(
        self, *, actor_user_id: str, now: datetime, alasan: str
    ) -> StatusChange:
        """Sanction ended or decision reversed: verified again (logged, with reason)."""
        target = target_status(self.status, PenyediaAction.REACTIVATE)
        self.berlaku_sampai = None
        return self._move(
            target, now, actor_user_id, _reason(PenyediaAction.REACTIVATE, alasan)
        )

    # -------------------------------------------------------------- helpers
    def _move(
        self,
        target: StatusPenyedia,
        now: datetime,
        actor_user_id: str | None,
        alasan: str | None,
        **extra: Any,
    ) -> StatusChange:
        change = StatusChange(self.status, target, now, actor_user_id, alasan, **extra)
        self.status = target
        self.status_alasan = alasan
        self.updated_at = now
        self.riwayat.append(change)
        return change

    def _add_dokumen(self, dokumen: list[Dokumen]) -> None:
        known = {d.sha256 for d in self.dokumen}
        for doc in dokumen:
            if doc.sha256 not in known:
                self.dokumen.append(doc)
                known.add(doc.sha256)
