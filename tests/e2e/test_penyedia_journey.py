"""Journey through the really running gateway and registrasi service:

register penyedia -> verifikator approves -> penyedia logs in -> blacklisted ->
login and the old token are refused; plus bad input getting 4xx with stable codes.
"""

from __future__ import annotations

import secrets
import time
import uuid

import pytest
import requests

from tests.e2e.conftest import auth

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _npwp() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(15))


DEFAULT_FILES = {
    "dokumen_akta": ("akta.pdf", PDF, "application/pdf"),
    "dokumen_npwp": ("npwp.pdf", PDF + b"npwp", "application/pdf"),
}


def _register(stack, username: str, password: str, npwp: str,
              files: dict | None = DEFAULT_FILES) -> requests.Response:
    """POST the registration form; ``files=None`` sends no documents at all."""
    return requests.post(
        stack.api("/penyedia"),
        timeout=20,
        data={
            "nama": "CV Karya Bali Lestari",
            "bentuk_usaha": "CV",
            "npwp": npwp,
            "nib": "9120001234567",
            "alamat": "Jl. Ngurah Rai No. 5, Amlapura",
            "kota": "Amlapura",
            "email": f"{username}@example.org",
            "telepon": "+62 363 21000",
            "username": username,
            "password": password,
            "setuju_pakta_integritas": "true",
        },
        files=files,
    )


def _eventually(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_register_verify_login_blacklist_journey(stack):
    admin = stack.login(stack.admin_username, stack.admin_password)
    verif_password = "Verif-" + secrets.token_urlsafe(10)
    verif_name = f"verif{uuid.uuid4().hex[:6]}"
    r = requests.post(
        stack.api("/user"),
        headers=auth(admin),
        timeout=20,
        json={
            "username": verif_name,
            "email": f"{verif_name}@example.org",
            "nama": "Verifikator Satu",
            "password": verif_password,
            "roles": ["verifikator"],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["must_change_password"] is True
    first = requests.post(
        stack.api("/auth/login"),
        timeout=15,
        json={"username": verif_name, "password": verif_password},
    )
    assert first.status_code == 200, first.text
    assert first.json()["must_change_password"] is True
    verif = first.json()["token"]

    # the admin-chosen password works only to change it (and to see who one is)
    r = requests.get(stack.api("/penyedia"), headers=auth(verif), timeout=15)
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "PASSWORD_CHANGE_REQUIRED"
    me = requests.get(stack.api("/me"), headers=auth(verif), timeout=15)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    new_verif_password = "Verif-" + secrets.token_urlsafe(10)
    r = requests.post(
        stack.api("/auth/password"),
        headers=auth(verif),
        timeout=15,
        json={"old_password": verif_password, "new_password": new_verif_password},
    )
    assert r.status_code == 200, r.text
    verif = stack.login(verif_name, new_verif_password)
    me = requests.get(stack.api("/me"), headers=auth(verif), timeout=15)
    assert me.status_code == 200 and me.json()["must_change_password"] is False

    username = f"vendor{uuid.uuid4().hex[:6]}"
    password = "Vendor-" + secrets.token_urlsafe(10)
    r = _register(stack, username, password, _npwp())
    assert r.status_code == 201, r.text
    penyedia_id = r.json()["penyedia_id"]
    assert r.json()["status"] == "menunggu_verifikasi"

    # not verified yet: the password is right but the account is not active
    r = requests.post(
        stack.api("/auth/login"),
        timeout=15,
        json={"username": username, "password": password},
    )
    assert r.status_code == 403 and r.json()["error"] == "PENYEDIA_NOT_ACTIVE", r.text

    r = requests.get(
        stack.api("/penyedia"),
        headers=auth(verif),
        timeout=15,
        params={"status": "menunggu_verifikasi"},
    )
    assert r.status_code == 200, r.text
    assert penyedia_id in [p["penyedia_id"] for p in r.json()["items"]]
    detail = requests.get(
        stack.api(f"/penyedia/{penyedia_id}"), headers=auth(verif), timeout=15
    ).json()
    shas = [d["sha256"] for d in detail["dokumen"]]
    assert len(shas) == 2
    doc = requests.get(
        stack.api(f"/penyedia/{penyedia_id}/dokumen/{shas[0]}"),
        headers=auth(verif),
        timeout=15,
    )
    assert doc.status_code == 200 and doc.content.startswith(b"%PDF-")

    r = requests.post(
        stack.api(f"/penyedia/{penyedia_id}/verify"),
        headers=auth(verif),
        timeout=15,
        json={"catatan": "Dokumen asli sesuai", "dokumen_diperiksa": shas},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "terverifikasi"

    token = stack.login(username, password)
    me = requests.get(stack.api("/me"), headers=auth(token), timeout=15)
    assert me.status_code == 200 and me.json()["penyedia_id"] == penyedia_id
    # a penyedia sees only itself
    other = requests.get(stack.api("/penyedia"), headers=auth(token), timeout=15)
    assert other.status_code == 403, other.text

    r = requests.post(
        stack.api(f"/penyedia/{penyedia_id}/blacklist"),
        headers=auth(verif),
        timeout=15,
        json={
            "alasan": "Dokumen penawaran terbukti palsu",
            "permintaan": {
                "peran": "ppk",
                "nama": "I Made Sudarma",
                "nomor_surat": "027/123/PU/2012",
            },
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "daftar_hitam"

    # the live token stops working (the gateway trusts a session check for <= 1 s here)
    refused = _eventually(
        lambda: (
            requests.get(stack.api("/me"), headers=auth(token), timeout=15).status_code
            == 401
        )
    )
    assert refused, "old token still accepted after blacklisting"
    r = requests.post(
        stack.api("/auth/login"),
        timeout=15,
        json={"username": username, "password": password},
    )
    assert r.status_code == 403 and r.json()["error"] == "PENYEDIA_NOT_ACTIVE", r.text
    # the owner (right password) learns why; the reason is public on the list anyway
    assert r.json()["details"] == {"status": "daftar_hitam",
                                   "alasan": "Dokumen penawaran terbukti palsu"}

    public = requests.get(stack.api("/daftar-hitam"), timeout=15)
    assert public.status_code == 200
    assert penyedia_id in [row["penyedia_id"] for row in public.json()]

    out = stack.lpse("verify-audit")
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("case", ["bad_npwp", "no_files", "json_garbage", "wrong_type"])
def test_bad_registration_input_gets_a_clear_4xx(stack, case):
    username = f"bad{uuid.uuid4().hex[:6]}"
    if case == "json_garbage":
        r = requests.post(
            stack.api("/penyedia"),
            data=b"{not json",
            headers={"Content-Type": "application/json"},
            timeout=15,
        )
    elif case == "no_files":
        r = _register(stack, username, "Vendor-" + secrets.token_urlsafe(10), _npwp(),
                      files=None)
    elif case == "wrong_type":
        not_a_pdf = ("akta.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        r = _register(stack, username, "Vendor-" + secrets.token_urlsafe(10), _npwp(),
                      files={"dokumen_akta": not_a_pdf})
    else:
        r = _register(stack, username, "Vendor-" + secrets.token_urlsafe(10), "12.34")
    assert 400 <= r.status_code < 500, r.text
    body = r.json()
    assert body["error"] and body["message"] and isinstance(body.get("details"), dict)


def test_duplicate_npwp_is_refused_and_first_registration_kept(stack):
    npwp = _npwp()
    first = _register(
        stack, f"dup{uuid.uuid4().hex[:6]}", "Vendor-" + secrets.token_urlsafe(10), npwp
    )
    assert first.status_code == 201, first.text
    second = _register(
        stack, f"dup{uuid.uuid4().hex[:6]}", "Vendor-" + secrets.token_urlsafe(10), npwp
    )
    assert (
        second.status_code == 409
        and second.json()["error"] == "NPWP_ALREADY_REGISTERED"
    )
    admin = stack.login(stack.admin_username, stack.admin_password)
    kept = requests.get(
        stack.api(f"/penyedia/{first.json()['penyedia_id']}"),
        headers=auth(admin),
        timeout=15,
    )
    assert kept.status_code == 200 and kept.json()["status"] == "menunggu_verifikasi"


def test_openapi_document_and_health(stack):
    spec = requests.get(f"{stack.url}/api/v1/openapi.json", timeout=15)
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for path in ("/api/v1/penyedia", "/api/v1/auth/login", "/api/v1/daftar-hitam"):
        assert path in paths, sorted(paths)
    assert requests.get(f"{stack.url}/healthz", timeout=5).status_code == 200
    metrics = requests.get(f"{stack.url}/metrics", timeout=5)
    assert metrics.status_code == 200 and "# TYPE" in metrics.text
