"""Repositories on PostgreSQL: row <-> domain round trips, counts, the audit chain
staying linear under concurrent appends (pg_advisory_xact_lock), and audit_log
refusing UPDATE, DELETE and TRUNCATE (migration 0002's triggers)."""

from __future__ import annotations

from datetime import date, timedelta

import eventlet
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.common.auth import Role
from services.common.clock import utcnow
from services.common.errors import Conflict
from services.registrasi.domain import (
    Agency,
    AuditEntry,
    Dokumen,
    JenisAgency,
    LoginSession,
    Penyedia,
    Permintaan,
    StatusPenyedia,
    StatusUser,
    User,
)
from services.registrasi.storage.audit import verify_audit
from services.registrasi.tests.helpers import direct_uow

pytestmark = pytest.mark.integration


def new_user(user_id: str, username: str, roles: set[Role], now, **extra) -> User:
    return User(
        user_id=user_id,
        username=username,
        email=f"{username}@x.id",
        nama=username.title(),
        roles=roles,
        status=StatusUser.AKTIF,
        password_hash="h",
        created_at=now,
        updated_at=now,
        **extra,
    )


def test_user_and_penyedia_round_trip(pg_url):
    now = utcnow()
    with direct_uow(pg_url) as uow:
        user = new_user("u1", "cv.bulan", {Role.PENYEDIA}, now)
        uow.user.add(user)
        doc = Dokumen("akta", "a" * 64, "akta.pdf", "application/pdf", 123, now)
        penyedia = Penyedia.register(
            penyedia_id="p1",
            user_id="u1",
            username="cv.bulan",
            nama="CV Bulan",
            bentuk_usaha="CV",
            npwp="01.234.567.8-901.000",
            nib="9120001234567",
            alamat="Jl. Bulan 1",
            email="b@x.id",
            telepon="0363",
            dokumen=[doc],
            now=now,
        )
        uow.penyedia.add(penyedia)
        penyedia.verify(
            actor_user_id="v1",
            now=now,
            dokumen_diperiksa=[doc.sha256],
            catatan="sesuai",
        )
        permintaan = Permintaan(
            peran=Role.POKJA,
            nama="Pokja 3",
            nomor_surat="7/2012",
            tanggal_surat=date(2012, 9, 1),
        )
        penyedia.blacklist(
            actor_user_id="v1",
            now=now + timedelta(seconds=1),
            alasan="wanprestasi",
            permintaan=permintaan,
            berlaku_sampai=now.date() + timedelta(days=700),
        )
        uow.penyedia.save(penyedia)
        uow.commit()
    with direct_uow(pg_url) as uow:
        loaded = uow.penyedia.get("p1")
        assert loaded == penyedia  # every field, documents and history included
        assert loaded.riwayat[-1].permintaan == permintaan
        assert loaded.riwayat[1].dokumen_diperiksa == ("a" * 64,)
        assert uow.penyedia.get_by_npwp("012345678901000").penyedia_id == "p1"
        assert uow.penyedia.status_of_user("u1") is StatusPenyedia.DAFTAR_HITAM
        assert uow.user.get("u1").penyedia_id == "p1"
        items, total = uow.penyedia.list(
            status="daftar_hitam", q="bulan", page=1, per_page=5
        )
        assert total == 1 and items[0].penyedia_id == "p1"


def test_roles_sync_and_unique_username(pg_url):
    now = utcnow()
    with direct_uow(pg_url) as uow:
        uow.agency.add_agency(Agency("a1", "DPU", "Dinas PU", JenisAgency.SKPD, now))
        user = new_user(
            "u2",
            "ppk.satu",
            {Role.PPK},
            now,
            nip="1980",
            agency_id="a1",
            role_sk={Role.PPK: "SK/1"},
        )
        uow.user.add(user)
        user.grant(Role.PA, now=now, sk_nomor="SK/2")
        user.revoke(Role.PPK, now=now)
        uow.user.save(user)
        uow.commit()
        loaded = uow.user.get("u2")
        assert loaded.roles == {Role.PA} and loaded.role_sk == {Role.PA: "SK/2"}
        assert uow.user.roles_of_person("1980") == {Role.PA}
        assert uow.user.roles_of_person("1980", exclude_user_id="u2") == set()
        with pytest.raises(Conflict, match="USERNAME_TAKEN"):
            uow.user.add(new_user("u3", "ppk.satu", {Role.PPK}, now))


def test_sessions_and_failure_counts(pg_url):
    now = utcnow()
    with direct_uow(pg_url) as uow:
        uow.user.add(new_user("u4", "helpdesk", {Role.HELPDESK}, now))
        for sid in ("s1", "s2"):
            uow.login.add_session(
                LoginSession(sid, "u4", now, now + timedelta(hours=1))
            )
        for i in range(3):
            uow.login.record_attempt(
                username="helpdesk",
                ip="1.1.1.1",
                at=now - timedelta(minutes=i * 40),
                success=False,
            )
        uow.login.record_attempt(username="other", ip="1.1.1.1", at=now, success=False)
        uow.login.record_attempt(
            username="helpdesk", ip="2.2.2.2", at=now, success=True
        )
        uow.commit()
        assert uow.login.count_failures(
            username="helpdesk", ip="1.1.1.1", since=now - timedelta(hours=1)
        ) == (2, 3)
        assert uow.login.revoke_user_sessions("u4", now) == 2
        assert uow.login.revoke_user_sessions("u4", now) == 0
        assert uow.login.get_session("s1").revoked_at == now


def test_concurrent_audit_appends_stay_one_linear_chain(pg_url):
    now = utcnow()

    def append(i: int) -> int:
        with direct_uow(pg_url) as uow:
            entry = uow.audit.append(
                AuditEntry("login_succeeded", "user", f"u{i}", now, details={"i": i})
            )
            eventlet.sleep(0.01)  # hold the lock a little: others must queue behind
            uow.commit()
            return entry.seq

    pool = eventlet.GreenPool(10)
    seqs = sorted(pool.imap(append, range(30)))
    assert seqs == list(range(1, 31))
    with direct_uow(pg_url) as uow:
        report = verify_audit(uow.session)
        assert report.ok and report.count == 30


@pytest.mark.parametrize(
    "statement,refused",
    [
        ("UPDATE audit_log SET ip = '6.6.6.6' WHERE seq = 2", "UPDATE of seq 2"),
        ("UPDATE audit_log SET details = '{}'", "UPDATE of seq 1"),
        ("DELETE FROM audit_log WHERE seq = 3", "DELETE of seq 3"),
        ("DELETE FROM audit_log WHERE seq >= 2", "DELETE of seq 2"),
        ("TRUNCATE audit_log", "TRUNCATE"),
        ("TRUNCATE audit_log, outbox", "TRUNCATE"),
    ],
)
def test_audit_log_is_append_only(pg_url, statement, refused):
    now = utcnow()
    with direct_uow(pg_url) as uow:
        for i in range(3):
            uow.audit.append(AuditEntry("login_succeeded", "user", f"u{i}", now))
        uow.commit()
        head = uow.audit.head()
    with direct_uow(pg_url) as uow:  # the tests connect as a superuser, even so
        with pytest.raises(DBAPIError) as exc:
            uow.session.execute(text(statement))
        uow.rollback()
    assert exc.value.orig.pgcode == "P0001"  # raise_exception, from the trigger
    assert f"audit_log is append-only: {refused} refused" in str(exc.value.orig)
    with direct_uow(pg_url) as uow:  # nothing changed, and appending still works
        assert uow.audit.head() == head
        uow.audit.append(AuditEntry("logout", "user", "u0", now))
        uow.commit()
        report = verify_audit(uow.session, [head])
        assert report.ok and report.count == 4
