"""The demo data builds through the real CLI at awkward moments (issue 11): the
commands ``scripts/run`` uses (``lpse migrate``, ``lpse demo-data``, ``lpse
demo-lelang``) on the SQLite default, each a fresh process reading the test clock,
moved to a Saturday night, a Sunday's last minute, Christmas Eve late, New Year's
first minute and a national holiday. Each demo lelang must be in its stage."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import BIN, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MOMENTS = [
    "2026-12-12T23:30:00+08:00",  # Saturday, late
    "2026-12-13T23:59:30+08:00",  # Sunday, its last minute
    "2026-12-24T23:30:00+08:00",  # Christmas Eve, before a holiday
    "2027-01-01T00:00:30+08:00",  # New Year's first minute (still 2026 in UTC)
    "2027-03-10T12:00:00+08:00",  # Idul Fitri
]
EXPECTED = [
    "Pengadaan Excavator Mini untuk Dinas PU: pascakualifikasi_1_file, selesai",
    "Pembangunan Jembatan Tukad Unda: pascakualifikasi_2_file, berjalan, "
    "upload_penawaran",
    "Perencanaan Teknis Pasar Amlapura: prakualifikasi_1_file, berjalan, "
    "unduh_dokumen_kualifikasi",
    "Rehabilitasi Saluran Irigasi Subak Bebandem: prakualifikasi_2_file, berjalan, "
    "sanggah",
    "Pengadaan Mobil Ambulans Puskesmas Abang: pascakualifikasi_1_file, gagal, "
    "then dihentikan",
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_demo_builds_through_the_cli_at_an_awkward_moment(tmp_path, moment):
    var = tmp_path / "var"
    var.mkdir()
    offset = (datetime.fromisoformat(moment) - datetime.now(UTC)).total_seconds()
    (var / "test-clock.json").write_text(json.dumps({"offset_seconds": offset}))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LPSE_ENV="test", VAR_DIR=str(var), BLOB_DIR=str(var / "blobs"),
               JWT_SECRET=secrets.token_hex(32), LPSE_DEMO_PASSWORD="Demo-" +
               secrets.token_urlsafe(9), LELANG_MASTER_KEY=secrets.token_hex(32),
               PYTHONWARNINGS="ignore")

    def lpse(service: str, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "lpse"), *args], cwd=ROOT, capture_output=True, text=True,
            env={**env, "DATABASE_URL": f"sqlite:///{var}/{service}.db"}, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    for service in ("registrasi", "lelang"):
        lpse(service, "migrate", service)
    lpse("registrasi", "demo-data", "--ids-file", str(var / "ids.json"))
    lines = lpse("lelang", "demo-lelang", "--ids-file", str(var / "ids.json"))
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines.splitlines()), (
            moment, expected, lines)
