"""The demo data set (``lpse demo-data``), loaded through the real use cases.

Idempotent: every agency, satker and account is looked up first and only created when
missing, so running it twice changes nothing. Requests are loaded through their
contracts exactly as the service would load them.
"""

from __future__ import annotations

import dataclasses
import io
import uuid
from typing import Any

from services.common.auth import Role
from services.common.blobstore import BlobStore
from services.common.clock import clock_for
from services.common.contracts import registrasi as contracts
from services.common.pdf import tiny_pdf
from services.registrasi import usecases
from services.registrasi.dependencies import BlobIndex
from services.registrasi.domain import check_password
from services.registrasi.hashing import Argon2Hasher
from services.registrasi.usecases.common import actor_view

AGENCIES = [
    ("DPU", "Dinas Pekerjaan Umum", "SKPD"),
    ("PDAM", "PDAM Tirta Tohlangkir", "BUMD"),
]
SATKER = ("DPU", "DPU-BM", "Bidang Bina Marga")
STAFF = [
    ("admin.dpu", "Admin Agency DPU", [Role.ADMIN_AGENCY], "DPU"),
    ("verifikator", "Verifikator LPSE", [Role.VERIFIKATOR], None),
    ("helpdesk", "Helpdesk LPSE", [Role.HELPDESK], None),
    ("auditor", "Auditor Inspektorat", [Role.AUDITOR], None),
]
AGENCY_USERS = [
    ("pa.dpu", "Kepala Dinas PU", [Role.PA], None),
    ("ppk.dpu", "PPK Bina Marga", [Role.PPK], None),
    ("pokja1.dpu", "Anggota Pokja 1", [Role.POKJA], "SKA-PBJ-2012-0001"),
    ("pokja2.dpu", "Anggota Pokja 2", [Role.POKJA], "SKA-PBJ-2012-0002"),
    ("pokja3.dpu", "Anggota Pokja 3", [Role.POKJA], "SKA-PBJ-2012-0003"),
]
#: username, nama, bentuk usaha, NPWP, NIB, final status
PENYEDIA = [
    (
        "cv.maju",
        "CV Maju Jaya",
        "CV",
        "01.234.567.8-901.000",
        "9120001234567",
        "terverifikasi",
    ),
    (
        "cv.karya",
        "CV Karya Bali Lestari",
        "CV",
        "04.567.890.1-234.000",
        "9120004567890",
        "terverifikasi",
    ),
    (
        "pt.bangun",
        "PT Bangun Karangasem",
        "PT",
        "05.678.901.2-345.000",
        "9120005678901",
        "terverifikasi",
    ),
    (
        "pt.sejahtera",
        "PT Sejahtera Abadi",
        "PT",
        "02.345.678.9-012.000",
        "9120002345678",
        "menunggu_verifikasi",
    ),
    (
        "ud.ditolak",
        "UD Sumber Rejeki",
        "UD",
        "03.456.789.0-123.000",
        "9120003456789",
        "ditolak",
    ),
]


#: how roles are shown to people
LABELS = {
    Role.ADMIN_PPE: "Admin PPE",
    Role.ADMIN_AGENCY: "Admin Agency",
    Role.VERIFIKATOR: "Verifikator",
    Role.HELPDESK: "Helpdesk",
    Role.AUDITOR: "Auditor",
    Role.PA: "PA",
    Role.KPA: "KPA",
    Role.PPK: "PPK",
    Role.POKJA: "Pokja",
    Role.PEJABAT_PENGADAAN: "Pejabat Pengadaan",
    Role.PENYEDIA: "Penyedia",
}


class _Loader:
    def __init__(self, uow: Any, settings: Any, password: str):
        self.uow, self.settings, self.password = uow, settings, password
        self.now = clock_for(settings).now()
        self.hasher = Argon2Hasher.from_settings(settings)
        self.blobs = BlobStore(settings.blob_path())
        self.lines: list[str] = []

    def note(
        self, username: str, roles: list[Role], state: str, status: str | None = None
    ) -> None:
        """One output line: ``cv.maju  (Penyedia, terverifikasi)  password: ...``."""
        label = ", ".join([LABELS[r] for r in roles] + ([status] if status else []))
        self.lines.append(
            f"{username:<13} ({label})  password: {self.password}  [{state}]"
        )

    def call(self, contract: Any, fn: Any, raw: dict[str, Any], **kwargs: Any) -> Any:
        if contract.idempotent:
            raw = {"idempotency_key": f"demo-{uuid.uuid4()}", **raw}
        return fn(self.uow, contract.load_request(raw), self.now, **kwargs)

    def actor(self, username: str) -> dict[str, Any]:
        """The account the demo data is made as. The operator runs this on the
        server, not that user: its pending password change does not apply."""
        user = self.uow.user.get_by_username(username)
        actor = actor_view(user, session_id=None, ip=None)
        return dataclasses.replace(actor, must_change_password=False).to_dict()

    def admin(self) -> str:
        users, _ = self.uow.user.list(
            role=Role.ADMIN_PPE, agency_id=None, page=1, per_page=1
        )
        if users:
            return users[0].username
        usecases.bootstrap_admin(
            self.uow,
            {
                "username": "admin",
                "nama": "Admin PPE",
                "email": "admin@lpse.example",
                "password": self.password,
            },
            self.now,
            hasher=self.hasher,
        )
        self.note("admin", [Role.ADMIN_PPE], "created")
        return "admin"

    def agency(self, admin: str, kode: str, nama: str, jenis: str) -> str:
        found = self.uow.agency.get_agency_by_kode(kode)
        if found is not None:
            return found.agency_id
        raw = {"actor": self.actor(admin), "kode": kode, "nama": nama, "jenis": jenis}
        return self.call(contracts.CREATE_AGENCY, usecases.create_agency, raw)[
            "agency_id"
        ]

    def user(
        self,
        creator: str,
        username: str,
        nama: str,
        roles: list[Role],
        agency_id: str | None,
        sertifikat: str | None,
    ) -> None:
        if self.uow.user.username_exists(username):
            self.note(username, roles, "exists")
            return
        self.call(
            contracts.CREATE_USER,
            usecases.create_user,
            {
                "actor": self.actor(creator),
                "username": username,
                "nama": nama,
                "email": f"{username}@lpse.example",
                "password": self.password,
                "roles": [str(r) for r in roles],
                "agency_id": agency_id,
                "sertifikat_pbj": sertifikat,
                "sk_nomor": "SK/DEMO/2012",
            },
            hasher=self.hasher,
        )
        self.note(username, roles, "created")

    def penyedia(self, entry: tuple[str, ...]) -> None:
        username, nama, bentuk, npwp, nib, status = entry
        if self.uow.user.username_exists(username):
            self.note(username, [Role.PENYEDIA], "exists", status)
            return
        ref = self.blobs.put(
            io.BytesIO(tiny_pdf(f"Akta pendirian {nama}")),
            max_bytes=self.settings.upload_max_bytes,
        )
        dokumen = [
            {
                "jenis": "akta",
                "sha256": ref.sha256,
                "filename": "akta.pdf",
                "content_type": ref.content_type,
                "size": ref.size,
            }
        ]
        result = self.call(
            contracts.REGISTER_PENYEDIA,
            usecases.register_penyedia,
            {
                "actor": {"ip": None},
                "nama": nama,
                "bentuk_usaha": bentuk,
                "npwp": npwp,
                "nib": nib,
                "alamat": "Jl. Ngurah Rai No. 1, Amlapura",
                "kota": "Karangasem",
                "email": f"{username}@penyedia.example",
                "telepon": "0363-21000",
                "username": username,
                "password": self.password,
                "dokumen": dokumen,
                "setuju_pakta_integritas": True,
            },
            hasher=self.hasher,
            blobs=BlobIndex(self.blobs),
        )
        decision = {
            "actor": self.actor("verifikator"),
            "penyedia_id": result["penyedia_id"],
        }
        if status == "terverifikasi":
            self.call(
                contracts.VERIFY_PENYEDIA,
                usecases.verify_penyedia,
                {**decision, "dokumen_diperiksa": [ref.sha256]},
            )
        elif status == "ditolak":
            self.call(
                contracts.REJECT_PENYEDIA,
                usecases.reject_penyedia,
                {**decision, "alasan": "Akta tidak sesuai dengan data NIB"},
            )
        self.note(username, [Role.PENYEDIA], "created", status)


def demo_ids(uow: Any) -> dict[str, Any]:
    """Ids of the demo accounts (for other services' demo data): by username,
    ``user_id``, ``roles``, ``agency_id`` and, for penyedia, ``penyedia_id``,
    ``nama``, ``npwp``, ``alamat`` and ``status``."""
    out: dict[str, Any] = {}
    for username, *_ in STAFF + AGENCY_USERS + [(p[0],) for p in PENYEDIA]:
        user = uow.user.get_by_username(username)
        if user is None:
            continue
        entry = {"user_id": user.user_id, "nama": user.nama,
                 "roles": sorted(str(r) for r in user.roles),
                 "agency_id": user.agency_id, "penyedia_id": user.penyedia_id}
        if user.penyedia_id:
            p = uow.penyedia.get(user.penyedia_id)
            entry.update(nama=p.nama, npwp=p.npwp, alamat=p.alamat,
                         status=str(p.status))
        out[username] = entry
    return out


def load_demo_data(uow: Any, settings: Any, password: str) -> list[str]:
    """Create whatever of the demo set is missing; returns one line per account."""
    check_password(password)
    loader = _Loader(uow, settings, password)
    admin = loader.admin()
    ids = {
        kode: loader.agency(admin, kode, nama, jenis) for kode, nama, jenis in AGENCIES
    }
    agency_kode, satker_kode, satker_nama = SATKER
    if loader.uow.agency.get_satker_by_kode(ids[agency_kode], satker_kode) is None:
        loader.call(
            contracts.CREATE_SATKER,
            usecases.create_satker,
            {
                "actor": loader.actor(admin),
                "agency_id": ids[agency_kode],
                "kode": satker_kode,
                "nama": satker_nama,
            },
        )
    for username, nama, roles, kode in STAFF:
        loader.user(admin, username, nama, roles, ids.get(kode), None)
    for username, nama, roles, sertifikat in AGENCY_USERS:
        loader.user("admin.dpu", username, nama, roles, ids["DPU"], sertifikat)
    for entry in PENYEDIA:
        loader.penyedia(entry)
    return loader.lines
