"""The operator commands on a real PostgreSQL database: create-admin, demo-data,
verify-audit detecting a changed and a removed audit row (written past the append-only
triggers as the table's owner or a superuser could), and audit-head checkpoints with
which verify-audit detects rows removed from the end of the trail."""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from services.common import testing
from services.common.blobstore import BlobStore
from services.registrasi import cli
from services.registrasi.domain import GENESIS, AuditEntry
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


@contextlib.contextmanager
def past_the_triggers(url: str) -> Iterator[object]:
    """A session with audit_log's append-only triggers switched off (as the table's
    owner or a superuser can: ALTER TABLE ... DISABLE TRIGGER USER), committed and
    switched back on at the end."""
    with direct_uow(url) as uow:
        uow.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        yield uow.session
        uow.session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        uow.session.commit()


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
    assert users == 15
    ids_file = tmp_path / "ids.json"
    assert lpse("demo-data", "--ids-file", str(ids_file)) == 0
    again = capsys.readouterr().out
    assert "[created]" not in again and again.count("[exists]") == 14
    import json

    ids = json.loads(ids_file.read_text())
    assert ids["pokja3.dpu"]["roles"] == ["pokja"] and ids["pokja3.dpu"]["agency_id"]
    assert ids["cv.karya"]["status"] == "terverifikasi" and ids["cv.karya"]["npwp"]
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

    with past_the_triggers(pg_url) as session:  # tamper directly in the database
        session.execute(
            text(
                'UPDATE audit_log SET details = \'{"username": "someone.else"}\' '
                "WHERE seq = 3"
            )
        )
        session.execute(text("DELETE FROM audit_log WHERE seq = 6"))

    assert lpse("verify-audit") == 1
    out = capsys.readouterr().out
    assert "audit trail BROKEN: first bad seq 3" in out
    assert "seq 3: changed" in out and "seq 6: missing" in out


def head_line(lpse, capsys) -> str:
    assert lpse("audit-head") == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"\d+ [0-9a-f]{64}\n", out), out
    return out.strip()


def test_audit_head_checkpoints_detect_a_removed_tail(
    lpse, monkeypatch, capsys, pg_url, tmp_path
):
    empty = head_line(lpse, capsys)
    assert empty == f"0 {GENESIS}"
    assert lpse("verify-audit", "--expect-head", empty) == 0
    capsys.readouterr()
    monkeypatch.setenv("LPSE_DEMO_PASSWORD", DEMO_PASSWORD)
    assert lpse("demo-data") == 0
    count = rows(pg_url, AuditLogRow)
    capsys.readouterr()

    head = head_line(lpse, capsys)
    with direct_uow(pg_url) as uow:
        last = uow.session.get(AuditLogRow, count)
        assert head == f"{count} {last.hash}"
        at = last.at
    heads = tmp_path / "audit-heads"  # as a cron job appending elsewhere keeps it
    heads.write_text(f"# lpse audit-head, one line a run\n{empty}\n\n{head}\n")
    assert lpse("verify-audit", "--expect-head", head) == 0
    assert capsys.readouterr().out.strip() == (
        f"audit trail intact: {count} rows; checkpoint at seq {count} confirmed"
    )
    assert lpse("verify-audit", "--head-file", str(heads)) == 0
    assert capsys.readouterr().out.strip() == (
        f"audit trail intact: {count} rows; 2 checkpoints confirmed "
        f"(latest at seq {count})"
    )

    with past_the_triggers(pg_url) as session:  # remove the last three rows
        session.execute(text(f"DELETE FROM audit_log WHERE seq > {count - 3}"))
    assert lpse("verify-audit") == 0  # the shorter chain is intact in itself
    assert capsys.readouterr().out.strip() == f"audit trail intact: {count - 3} rows"
    for checkpoint in (("--expect-head", head), ("--head-file", str(heads))):
        assert lpse("verify-audit", *checkpoint) == 1
        out = capsys.readouterr().out
        assert f"audit trail BROKEN: first bad seq {count - 2} " in out
        assert (
            f"seq {count - 2}: truncated (the trail ends at seq {count - 3} but "
            f"checkpoint {count} {head.split()[1][:12]}... was taken: at least 3 "
            "row(s) removed from the end)"
        ) in out

    with direct_uow(pg_url) as uow:  # ... and the gap filled by new appends
        for i in range(4):
            uow.audit.append(AuditEntry("login_succeeded", "user", f"u{i}", at))
        uow.commit()
    assert lpse("verify-audit") == 0
    capsys.readouterr()
    assert lpse("verify-audit", "--head-file", str(heads)) == 1
    out = capsys.readouterr().out
    assert f"audit trail BROKEN: first bad seq {count} " in out
    assert f"seq {count}: checkpoint_differs (checkpoint {count} " in out
    assert "rows up to it were rewritten, or removed and appended again" in out


@pytest.mark.parametrize(
    "option,value,error",
    [
        ("--expect-head", "12", "expected '<seq> <hash>'"),
        ("--expect-head", f"x {GENESIS}", "seq must be a whole number"),
        ("--expect-head", "3 ABC", "hash must be 64 lowercase hex digits"),
        ("--head-file", "{tmp}/absent", "No such file"),
        ("--head-file", "{tmp}/empty", "no checkpoint"),
        ("--head-file", "{tmp}/bad", "line 2: expected '<seq> <hash>'"),
    ],
)
def test_verify_audit_refuses_a_malformed_checkpoint(
    lpse, capsys, tmp_path, option, value, error
):
    (tmp_path / "empty").write_text("# nothing yet\n\n")
    (tmp_path / "bad").write_text(f"1 {'a' * 64}\n1{'a' * 64}\n")
    with pytest.raises(SystemExit) as exc:
        lpse("verify-audit", option, value.format(tmp=tmp_path))
    assert exc.value.code == 2  # a usage error, told apart from a broken trail (1)
    err = capsys.readouterr().err
    assert f"argument {option}" in err and error in err
