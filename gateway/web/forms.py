"""The website's forms: reading what was typed, checking it, and telling the user
what to fix next to each field, in Indonesian, with what they typed kept.

The checks mirror the RPC contracts (the same patterns from
``services.common.contracts``) so that most mistakes are caught before any RPC;
whatever the services still refuse comes back as an error code, which
:func:`apply_service_error` puts next to the field it concerns, with the message
from ``gateway.errors.MESSAGES``.

Files: each chosen file is checked and stored at once (``gateway.uploads``). When
another field is wrong, the stored files are kept for the next attempt as a signed
list of references in a hidden field (a browser cannot refill a file input), so the
user does not upload them again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage

from gateway.context import ctx
from gateway.errors import MESSAGES, message_for
from gateway.uploads import store_upload
from gateway.web.csrf import derive_key
from services.common.contracts.base import FORBIDDEN_CHARACTERS
from services.common.contracts.registrasi import NPWP_PATTERN, USERNAME_PATTERN
from services.common.errors import BadRequest, EprocError

KEPT_FIELD = "berkas_tersimpan"
KEY_FIELD = "kunci_formulir"
KEPT_MAX_AGE = 6 * 3600
_KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEPON_RE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
NIB_RE = re.compile(r"^\d{13}$")

REQUIRED = "Wajib diisi."


@dataclass
class Form:
    """What was submitted, and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    key: str = field(default_factory=lambda: str(uuid.uuid4()))

    def add(self, name: str, message: str) -> None:
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def text(self, name: str, *, required: bool = False, min_len: int = 0,
             max_len: int = 200, message: str | None = None) -> str | None:
        """A stripped text field (blank is None); checks required and length."""
        value = self.get(name).strip()
        if not value:
            if required:
                self.add(name, REQUIRED)
            return None
        if not min_len <= len(value) <= max_len:
            self.add(name, message or f"Harus {min_len} sampai {max_len} karakter.")
        elif FORBIDDEN_CHARACTERS.search(value):
            self.add(name, FORBIDDEN_TEXT)
        return value

    def match(self, name: str, pattern: re.Pattern[str] | str, message: str, *,
              required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=500)
        if value is not None and not re.match(pattern, value):
            self.add(name, message)
        return value

    def choice(self, name: str, allowed: Iterable[str], *,
               required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=100)
        if value is not None and value not in set(allowed):
            self.add(name, "Pilih salah satu pilihan yang tersedia.")
        return value

    def checked(self, name: str) -> bool:
        return self.get(name) in ("on", "true", "1", "ya")


def read_form(names: Iterable[str]) -> Form:
    """The submitted text fields (at most 10,000 characters each are kept)."""
    form = Form(values={n: request.form.get(n, "")[:10_000] for n in names})
    key = request.form.get(KEY_FIELD, "")
    if _KEY_RE.match(key):
        form.key = key
    return form


# ------------------------------------------------------------------ kept files
def _kept_serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(derive_key(ctx().settings.jwt_secret),
                                  salt=f"lpse-web-kept-files:{purpose}")


def kept_token(form: Form, purpose: str) -> str:
    """The hidden-field value carrying the stored files of ``form``."""
    return _kept_serializer(purpose).dumps(form.kept) if form.kept else ""


def load_kept(form: Form, purpose: str) -> None:
    """Take back the files stored by an earlier attempt (unless asked to drop)."""
    raw = request.form.get(KEPT_FIELD, "")
    if not raw or request.form.get("hapus_berkas") == "on":
        return
    try:
        kept = _kept_serializer(purpose).loads(raw, max_age=KEPT_MAX_AGE)
    except BadSignature:
        return
    if isinstance(kept, list):
        form.kept.extend(ref for ref in kept if isinstance(ref, dict))


def store_files(form: Form, name: str, *, stem: str,
                extra: dict[str, Any] | None = None) -> None:
    """Check and store every file chosen in the file input ``name``."""
    parts: list[FileStorage] = [p for p in request.files.getlist(name) if p.filename]
    for part in parts:
        try:
            ref = store_upload(part, name, stem)
        except BadRequest as exc:
            form.add(name, f"{part.filename}: {message_for(exc)}")
            continue
        form.kept.append({**(extra or {}), **ref})


# ------------------------------------------------------------------ service errors
#: error code -> the field it is about (codes not listed go above the form)
CODE_FIELDS = {
    "NPWP_INVALID": "npwp", "NPWP_ALREADY_REGISTERED": "npwp",
    "USERNAME_TAKEN": "username", "PASSWORD_TOO_WEAK": "password",
    "PASSWORD_TOO_SHORT": "password", "PASSWORD_TOO_LONG": "password",
    "PASSWORD_TOO_COMMON": "password", "PASSWORD_EQUALS_USERNAME": "password",
    "PAKTA_INTEGRITAS_REQUIRED": "setuju_pakta_integritas",
    "DOKUMEN_REQUIRED": "dokumen", "DOKUMEN_NOT_UPLOADED": "dokumen",
    "DOKUMEN_MISMATCH": "dokumen",
    "LELANG_ID_REQUIRED": "lelang_id", "LELANG_NOT_FOUND": "lelang_id",
    "ANONIM_WITH_IDENTITY": "nama_pelapor", "NAMA_PELAPOR_REQUIRED": "nama_pelapor",
    "DOKUMEN_TYPE_NOT_ALLOWED": "bukti", "DOKUMEN_TOO_LARGE": "bukti",
    "PENGADUAN_NOT_FOUND": "kode_pelacakan", "LOGIN_FAILED": "password",
}
INVALID_FIELD = "Isian ini tidak valid."
#: a control character (pasted from a word processor, say) the platform refuses
FORBIDDEN_TEXT = ("Isian ini memuat karakter kendali yang tidak dapat disimpan. Ketik "
                  "ulang bagian yang ditempel dari aplikasi lain.")
ALREADY_SENT = ("Formulir ini sudah pernah dikirim dengan isi yang lain. Periksa "
                "isian Anda lalu kirim sekali lagi sebagai pengiriman baru.")


def apply_service_error(form: Form, exc: EprocError, known: Iterable[str]) -> None:
    """Put a service's refusal next to its field (or above the form)."""
    known = set(known)
    if exc.code == "IDEMPOTENCY_KEY_REUSED":  # the back button, then a change
        form.key = str(uuid.uuid4())
        form.general.append(ALREADY_SENT)
        return
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = details.get("fields")
    if exc.code in ("CONTRACT_VIOLATION", "VALIDATION_FAILED") and isinstance(
            fields, dict) and set(fields) & known:
        for name in set(fields) & known:
            form.add(name, INVALID_FIELD)
        return
    name = CODE_FIELDS.get(exc.code) or details.get("field")
    if isinstance(name, str) and name in known:
        form.add(name, message_for(exc))
    else:
        form.general.append(message_for(exc))


# ------------------------------------------------------------------ the forms
PENYEDIA_FIELDS = ("nama", "bentuk_usaha", "npwp", "nib", "alamat", "kota", "email",
                   "telepon", "username", "password", "ulangi_password",
                   "setuju_pakta_integritas")


def check_penyedia(form: Form, bentuk: Iterable[str]) -> dict[str, Any]:
    """The registration fields as ``register_penyedia`` takes them."""
    data = {
        "nama": form.text("nama", required=True, min_len=3, max_len=200,
                          message="Nama perusahaan harus 3 sampai 200 karakter."),
        "bentuk_usaha": form.choice("bentuk_usaha", bentuk),
        "npwp": form.match("npwp", NPWP_PATTERN, MESSAGES["NPWP_INVALID"]),
        "nib": form.match("nib", NIB_RE, "NIB terdiri dari 13 digit angka."),
        "alamat": form.text("alamat", required=True, min_len=5, max_len=500,
                            message="Alamat harus 5 sampai 500 karakter."),
        "kota": form.text("kota", max_len=100),
        "email": form.match("email", EMAIL_RE,
                            "Alamat e-mail tidak valid (contoh: nama@contoh.id)."),
        "telepon": form.match("telepon", TELEPON_RE,
                              "Nomor telepon 6 sampai 20 karakter: angka, spasi, "
                              "tanda kurung, tanda hubung, boleh diawali +."),
        "username": form.match("username", USERNAME_PATTERN,
                               "Nama pengguna 3 sampai 40 karakter: huruf kecil, "
                               "angka, titik, garis bawah atau tanda hubung, diawali "
                               "huruf atau angka."),
    }
    password = form.get("password")
    if not password:
        form.add("password", REQUIRED)
    elif len(password) < 8:
        form.add("password", MESSAGES["PASSWORD_TOO_SHORT"])
    elif len(password) > 256:
        form.add("password", MESSAGES["PASSWORD_TOO_LONG"])
    elif password != form.get("ulangi_password"):
        form.add("ulangi_password", "Kata sandi dan ulangannya tidak sama.")
    if not form.checked("setuju_pakta_integritas"):
        form.add("setuju_pakta_integritas", MESSAGES["PAKTA_INTEGRITAS_REQUIRED"])
    return {**{k: v for k, v in data.items() if v is not None},
            "password": password, "setuju_pakta_integritas": True}


PENGADUAN_FIELDS = ("jenis", "lelang_id", "uraian", "anonim", "nama_pelapor", "kontak")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_pengaduan(form: Form, jenis_allowed: Iterable[str]) -> dict[str, Any]:
    """The complaint fields as ``file_pengaduan`` takes them."""
    jenis = form.choice("jenis", jenis_allowed)
    lelang_id = form.match("lelang_id", ID_RE, "ID lelang tidak valid.",
                           required=False)
    if jenis == "lelang" and not lelang_id and "lelang_id" not in form.errors:
        form.add("lelang_id", MESSAGES["LELANG_ID_REQUIRED"])
    uraian = form.text("uraian", required=True, min_len=20, max_len=8000,
                       message="Uraian pengaduan harus 20 sampai 8.000 karakter.")
    anonim = form.checked("anonim")
    nama = form.text("nama_pelapor", min_len=2, max_len=200,
                     message="Nama harus 2 sampai 200 karakter.")
    kontak = form.text("kontak", min_len=3, max_len=200,
                       message="Kontak harus 3 sampai 200 karakter.")
    if anonim and (nama or kontak):
        form.add("nama_pelapor", MESSAGES["ANONIM_WITH_IDENTITY"])
    if not anonim and not nama:
        form.add("nama_pelapor", MESSAGES["NAMA_PELAPOR_REQUIRED"])
    data: dict[str, Any] = {"jenis": jenis, "uraian": uraian, "anonim": anonim}
    if jenis == "lelang":
        data["lelang_id"] = lelang_id
    if not anonim:
        data.update(nama_pelapor=nama, kontak=kontak)
    return {k: v for k, v in data.items() if v is not None}


def check_pelacakan(form: Form) -> dict[str, Any]:
    return {"kode_pelacakan": form.text(
                "kode_pelacakan", required=True, min_len=5, max_len=40,
                message="Kode pelacakan 5 sampai 40 karakter."),
            "rahasia": form.text("rahasia", required=True, min_len=1, max_len=200)}


def check_login(form: Form) -> dict[str, Any]:
    username = form.text("username", required=True, max_len=100)
    password = form.get("password")
    if not password:
        form.add("password", REQUIRED)
    return {"username": username, "password": password}
