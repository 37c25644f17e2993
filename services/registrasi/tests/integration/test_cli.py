"""The operator commands on a real PostgreSQL database: create-admin, demo-data, and
verify-audit detecting a changed and a removed audit row."""

from __future__ import annotations

import argparse

import pytest
from sqlalchemy import func, select, text

from services.common import testing
from services.common.blobstore import BlobStore
from services.registrasi import cli
from services.registrasi.storage.models import AuditLogRow, UserAccountRow
from services.registrasi.tests.helpers import PASSWORD, direct_uow

pytestmark = pytest.mark.integration

DEMO_PASSWORD = "Demo#Karangasem2012"


@pytest.fixture
def lpse(monkeypatch, pg_url, tmp_path):
    """Run ``lpse <args>`` (registrasi's commands) against the test database."""
    for name, value in testing.test_env(
        database_url=pg_url,
        var_dir=str(tmp_path / "var"),
        blob_dir=str(tmp_path / "blobs"),
    ).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LPSE_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("LPSE_DEMO_PASSWORD", raising=False)
    parser = argparse.ArgumentParser(prog="lpse")
    cli.add_commands(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(argv)
        return args.func(args)

    return run


def rows(url: str, model) -> int:
    with direct_uow(url) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_create_admin(lpse, monkeypatch, capsys, pg_url):
    admin = (
        "create-admin",
        "--username",
        "admin",
        "--email",
        "a@lpse.id",
        "--nama",
        "Admin PPE",
    )
    assert lpse(*admin) == 1  # no password: no default, no prompt without a terminal
    monkeypatch.setenv("LPSE_ADMIN_PASSWORD", "password123")
    assert lpse(*admin) == 1
    assert "PASSWORD_TOO_COMMON" in capsys.readouterr().err
    monkeypatch.setenv("LPSE_ADMIN_PASSWORD", PASSWORD)
    assert lpse(*admin) == 0
    assert "Admin PPE 'admin' created" in capsys.readouterr().out
    assert lpse(*admin) == 1
    assert "USERNAME_TAKEN" in capsys.readouterr().err
    with direct_uow(pg_url) as uow:
        user = uow.user.get_by_username("admin")
        assert user.roles == {"admin_ppe"} and user.password_hash.startswith(
            "$argon2id$"
        )
        (entry,) = uow.audit.list(
            object_type="user", object_id=None, page=1, per_page=5
        )[0]
        assert (entry.action, entry.actor_username) == ("user_created", "lpse-cli")


def test_demo_data_is_idempotent(lpse, monkeypatch, capsys, pg_url, tmp_path):
    assert lpse("demo-data") == 1
    assert "LPSE_DEMO_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("LPSE_DEMO_PASSWORD", DEMO_PASSWORD)
    assert lpse("demo-data") == 0
    first = capsys.readouterr().out
    for account in (
        "admin         (Admin PPE)  password: Demo#Karangasem2012  [created]",
        "verifikator   (Verifikator)  password: Demo#Karangasem2012  [created]",
        "admin.dpu     (Admin Agency)  password: ",
        "pokja2.dpu    (Pokja)  password: ",
        "cv.maju       (Penyedia, terverifikasi)  password: ",
        "pt.sejahtera  (Penyedia, menunggu_verifikasi)  password: ",
        "ud.ditolak    (Penyedia, ditolak)  password: ",
    ):
        assert account in first
    users, audit = rows(pg_url, UserAccountRow), rows(pg_url, AuditLogRow)
    assert users == 12
    assert lpse("demo-data") == 0
    again = capsys.readouterr().out
    assert "[created]" not in again and again.count("[exists]") == 11
    assert (rows(pg_url, UserAccountRow), rows(pg_url, AuditLogRow)) == (users, audit)
    with direct_uow(pg_url) as uow:
        waiting = uow.penyedia.get_by_user(
            uow.user.get_by_username("pt.sejahtera").user_id
        )
        assert waiting.status == "menunggu_verifikasi"
        (doc,) = waiting.dokumen
        with BlobStore(tmp_path / "blobs").open(doc.sha256) as fh:
            assert fh.read(5) == b"%PDF-"
        satker = uow.agency.list_satker(uow.agency.get_agency_by_kode("DPU").agency_id)
        assert [s.kode for s in satker] == ["DPU-BM"]
        assert uow.agency.get_agency_by_kode("PDAM").jenis == "BUMD"


def test_verify_audit_detects_a_changed_and_a_removed_row(
    lpse, monkeypatch, capsys, pg_url
):
    monkeypatch.setenv("LPSE_DEMO_PASSWORD", DEMO_PASSWORD)
    assert lpse("demo-data") == 0
    count = rows(pg_url, AuditLogRow)
    capsys.readouterr()
    assert lpse("verify-audit") == 0
    assert capsys.readouterr().out.strip() == f"audit trail intact: {count} rows"

    with direct_uow(pg_url) as uow:  # tamper directly in the database
        uow.session.execute(
            text(
                'UPDATE audit_log SET details = \'{"username": "someone.else"}\' '
                "WHERE seq = 3"
            )
        )
        uow.session.execute(text("DELETE FROM audit_log WHERE seq = 6"))
        uow.session.commit()

    assert lpse("verify-audit") == 1
    out = capsys.readouterr().out
    assert "audit trail BROKEN: first bad seq 3" in out
    assert "seq 3: changed" in out and "seq 6: missing" in out
