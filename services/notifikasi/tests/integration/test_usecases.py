"""notifikasi's use cases on PostgreSQL with a real SMTP server (the mail catcher in
its own process): who hears of what, the inbox, delivery with retries, backoff and
failure, the operators' requeue, and Pasal 18 deviation reports reported back."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.common.auth import Actor
from services.common.errors import BadRequest, Forbidden, Unauthenticated
from services.notifikasi.tests.driver import SmtpServer

pytestmark = pytest.mark.integration

VERIFIKATOR = "11111111-1111-4111-8111-111111111111"
PENYEDIA_USER = "7a1c2a52-7c1e-4c55-9a57-3f1f0e8f9a02"  # the samples' penyedia login
PENYEDIA_ID = "0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"


def user(user_id: str, *roles: str, agency_id: str | None = None) -> Actor:
    return Actor(user_id=user_id, username="u", roles=roles, agency_id=agency_id)


REGISTERED = "registrasi.penyedia_registered"


def known_user(world, smtp, user_id: str, email: str, *roles: str,
               agency_id: str | None = None) -> None:
    """registrasi's user_created, its own welcome e-mail delivered and put aside."""
    world.event("registrasi", "user_created", user_id=user_id, username="u",
                email=email, nama="Nama", roles=list(roles), agency_id=agency_id)
    world.deliver()
    smtp.clear()
    world.now += timedelta(minutes=1)  # what follows is newer in the inbox


def verifikator_known(world, smtp, email: str = "verif@lpse.example.go.id") -> None:
    known_user(world, smtp, VERIFIKATOR, email, "verifikator")


def test_a_registration_reaches_the_verifikator_by_inbox_and_email(world, smtp):
    verifikator_known(world, smtp)
    world.event("registrasi", "penyedia_registered")
    assert world.deliver() == 1
    [msg] = smtp.messages()
    assert msg["To"] == "verif@lpse.example.go.id"
    assert msg["Subject"].startswith("[LPSE Karangasem] Pendaftaran penyedia baru")
    assert msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",)).get_content()
    assert "CV Karya Bali" in text and "012345678901000" in text
    assert "CV Karya Bali" in msg.get_body(("html",)).get_content()
    [row] = world.rows(REGISTERED)
    assert msg["Message-ID"] == f"<{row.pengiriman_id}@lpse.example.go.id>"
    assert (row.status, row.percobaan) == ("terkirim", 1)
    inbox = world.call("list_notifikasi", {"actor": user(VERIFIKATOR, "verifikator")})
    assert inbox["total"] == 2 and inbox["belum_dibaca"] == 2  # welcome, then this
    assert inbox["items"][0]["jenis"] == REGISTERED
    assert ("email", "sent") in world.counted and ("inbox", "sent") in world.counted


def test_the_penyedia_hears_of_its_verification_and_reads_its_inbox(world, smtp):
    world.event("registrasi", "penyedia_registered")
    world.event("registrasi", "penyedia_verified")
    world.event("registrasi", "penyedia_rejected", alasan="NPWP tidak terbaca")
    world.deliver()
    assert sorted(m["To"] for m in smtp.messages()) == ["info@karyabali.co.id"] * 2
    me = user(PENYEDIA_USER, "penyedia")
    inbox = world.call("list_notifikasi", {"actor": me})
    assert inbox["belum_dibaca"] == 2
    first, second = inbox["items"]
    other = user(str(uuid.uuid4()), "penyedia")
    # somebody else's ids change nothing and say nothing
    assert world.call("mark_read", {"actor": other, "notifikasi_ids": [
        first["notifikasi_id"]]})["ditandai"] == 0
    marked = world.call("mark_read", {"actor": me,
                                      "notifikasi_ids": [first["notifikasi_id"]]})
    assert marked == {"ditandai": 1, "belum_dibaca": 1}
    assert world.call("mark_read", {"actor": me, "notifikasi_ids": [
        first["notifikasi_id"]]})["ditandai"] == 0  # repeatable
    unread = world.call("list_notifikasi", {"actor": me, "belum_dibaca": True})
    assert [n["notifikasi_id"] for n in unread["items"]] == [second["notifikasi_id"]]
    assert world.call("mark_read", {"actor": me, "semua": True})["belum_dibaca"] == 0
    assert world.call("count_unread", {"actor": me}) == {"belum_dibaca": 0}
    with pytest.raises(BadRequest):
        world.call("mark_read", {"actor": me})
    with pytest.raises(Unauthenticated):
        world.call("count_unread", {"actor": Actor.anonymous(ip="192.0.2.1")})


def test_every_peserta_hears_of_a_schedule_change(world, smtp):
    lelang_id = str(uuid.uuid4())
    others = []
    for n in range(3):
        penyedia_id = str(uuid.uuid4())
        others.append(penyedia_id)
        world.event("registrasi", "penyedia_verified", penyedia_id=penyedia_id,
                    user_id=str(uuid.uuid4()), email=f"cv{n}@example.co.id")
        if n < 2:  # the third is not a peserta of this lelang
            world.event("lelang", "peserta_registered", lelang_id=lelang_id,
                        penyedia_id=penyedia_id)
    world.event("lelang", "jadwal_changed", lelang_id=lelang_id)
    world.deliver()
    jadwal = [m for m in smtp.messages() if "jadwal" in m["Subject"].lower()]
    assert sorted(m["To"] for m in jadwal) == ["cv0@example.co.id", "cv1@example.co.id"]
    assert len(world.rows("lelang.jadwal_changed")) == 2


def test_smtp_down_is_retried_with_backoff_and_nothing_is_lost(world, smtp):
    verifikator_known(world, smtp)
    smtp.stop()
    world.event("registrasi", "penyedia_registered")
    assert world.deliver() == 1
    [row] = world.rows(REGISTERED)
    assert (row.status, row.percobaan) == ("dicoba_ulang", 1)
    wait = (row.berikutnya_pada - world.now).total_seconds()
    assert 60 * 0.8 <= wait <= 60 * 1.2  # base 60 s with +-20% jitter
    assert row.galat_terakhir
    assert world.deliver() == 0  # not due yet
    world.now += timedelta(seconds=wait + 1)
    assert world.deliver() == 1  # still down: second attempt, longer wait
    [row] = world.rows(REGISTERED)
    assert (row.status, row.percobaan) == ("dicoba_ulang", 2)
    assert (row.berikutnya_pada - world.now).total_seconds() >= 120 * 0.8
    smtp.start()
    world.now = row.berikutnya_pada
    assert world.deliver() == 1
    [row] = world.rows(REGISTERED)
    assert (row.status, row.percobaan) == ("terkirim", 3)
    assert len(smtp.messages()) == 1
    assert world.counted.count(("email", "retried")) == 2


def test_a_clock_that_steps_back_strands_no_e_mail(world, smtp):
    """Queued, and one tried and failed, by a clock a day ahead which is then put right
    (an NTP correction, the test clock reset): both go on the next round anyway; a
    retry the right clock scheduled still waits its turn."""
    verifikator_known(world, smtp)
    right = world.now
    smtp.stop()
    world.now = right + timedelta(days=1)
    world.event("registrasi", "penyedia_registered")
    assert world.deliver() == 1  # failed; next try a day ahead of the right clock
    world.event("registrasi", "penyedia_registered")  # queued, never tried
    world.now = right
    smtp.start()
    assert world.deliver() == 2
    assert [r.status for r in world.rows(REGISTERED)] == ["terkirim"] * 2
    assert len(smtp.messages()) == 2
    smtp.stop()
    world.event("registrasi", "penyedia_registered")
    assert world.deliver() == 1  # failed: retried in about a minute
    world.now = right + timedelta(seconds=1)
    smtp.start()
    assert world.deliver() == 0  # a wait set by the right clock is kept


def test_after_the_limit_it_fails_shows_to_operators_and_can_be_requeued(world, smtp):
    verifikator_known(world, smtp)
    smtp.stop()
    world.event("registrasi", "penyedia_registered")
    for _ in range(3):  # the world's policy: 3 attempts
        world.deliver()
        world.now += timedelta(hours=1)
    [row] = world.rows(REGISTERED)
    assert (row.status, row.percobaan, row.berikutnya_pada) == ("gagal", 3, None)
    admin = user(str(uuid.uuid4()), "admin_ppe")
    listed = world.call("list_pengiriman", {"actor": admin, "status": "gagal"})
    assert listed["total"] == 1 and listed["per_status"]["gagal"] == 1
    assert listed["items"][0]["alamat"] == "verif@lpse.example.go.id"
    with pytest.raises(Forbidden):
        world.call("list_pengiriman", {"actor": user(str(uuid.uuid4()), "pokja")})
    helpdesk = user(str(uuid.uuid4()), "helpdesk")
    assert world.call("list_pengiriman", {"actor": helpdesk, "status": "gagal"})[
        "total"] == 1
    with pytest.raises(Forbidden):  # Helpdesk sees, only Admin PPE requeues
        world.call("retry_pengiriman", {"actor": helpdesk, "semua_gagal": True})
    assert world.call("retry_pengiriman", {"actor": admin, "semua_gagal": True}) == {
        "dijadwalkan_ulang": 1}
    smtp.start()
    assert world.deliver() == 1
    assert [r.status for r in world.rows(REGISTERED)] == ["terkirim"]
    assert len(smtp.messages()) == 1
    assert ("email", "failed") in world.counted


def test_a_refused_mailbox_fails_at_once_and_451_is_retried(world, smtp, tmp_path):
    smtp.stop()  # a pickier server on the same port
    server = SmtpServer(tmp_path / "picky", port=world.smtp_port)
    server.start("--reject", "tidakada", "--fail-first", "1")
    try:
        world.event("registrasi", "user_created", user_id=VERIFIKATOR,
                    email="tidakada@lpse.example.go.id", roles=["verifikator"],
                    agency_id=None)
        world.event("registrasi", "penyedia_registered")
        world.event("registrasi", "penyedia_verified")  # to info@karyabali.co.id
        world.deliver()
        by_address = {r.alamat: r for r in world.rows() if r.jenis != (
            "registrasi.user_created")}
        refused = by_address["tidakada@lpse.example.go.id"]
        assert (refused.status, refused.percobaan) == ("gagal", 1)
        assert "550" in refused.galat_terakhir
        later = by_address["info@karyabali.co.id"]
        assert later.status == "dicoba_ulang" and "451" in later.galat_terakhir
        world.now = later.berikutnya_pada
        world.deliver()
        assert [m["To"] for m in server.messages()] == ["info@karyabali.co.id"]
    finally:
        server.stop()


class Recorder:
    def __init__(self, fail: int = 0):
        self.calls: list[tuple[str, str, str, str | None]] = []
        self.fail = fail

    def record_delivery(self, penyimpangan_id, penerima_id, status, keterangan):
        if self.fail:
            self.fail -= 1
            raise RuntimeError("pengaduan unavailable")
        self.calls.append((penyimpangan_id, penerima_id, status, keterangan))


def test_a_deviation_report_reaches_pa_kpa_ppk_and_inspektorat_and_is_reported(
        world, smtp):
    pa = str(uuid.uuid4())
    known_user(world, smtp, pa, "pa@pu.example.go.id", "pa", agency_id="AG-DPUPR")
    known_user(world, smtp, "3c2b1a00-1111-4222-8333-444455556666",
               "ppk@pu.example.go.id", "ppk", agency_id="AG-DPUPR")
    penerima = [
        {"penerima_id": "p-pa", "peran": "pa_kpa", "user_id": None,
         "agency_id": "AG-DPUPR", "alamat": None, "status": "menunggu",
         "keterangan": None, "diperbarui_pada": "2026-12-08T02:00:00+00:00"},
        {"penerima_id": "p-ppk", "peran": "ppk",
         "user_id": "3c2b1a00-1111-4222-8333-444455556666", "agency_id": "AG-DPUPR",
         "alamat": None, "status": "menunggu", "keterangan": None,
         "diperbarui_pada": "2026-12-08T02:00:00+00:00"},
        {"penerima_id": "p-insp", "peran": "inspektorat", "user_id": None,
         "agency_id": None, "alamat": "inspektorat@karangasemkab.go.id",
         "status": "menunggu", "keterangan": None,
         "diperbarui_pada": "2026-12-08T02:00:00+00:00"}]
    world.event("pengaduan", "penyimpangan_reported", penerima=penerima)
    recorder = Recorder(fail=1)
    uow = world.uow()
    try:
        from services.notifikasi.usecases import report_penyimpangan

        assert report_penyimpangan(uow, recorder) == 0  # nothing final yet
        world.deliver()
        assert sorted(m["To"] for m in smtp.messages()) == [
            "inspektorat@karangasemkab.go.id", "pa@pu.example.go.id",
            "ppk@pu.example.go.id"]
        with pytest.raises(RuntimeError):  # pengaduan down: told again next round
            report_penyimpangan(uow, recorder)
        uow.rollback()
        assert report_penyimpangan(uow, recorder) == 3
        assert report_penyimpangan(uow, recorder) == 0  # told once
    finally:
        uow.close()
    assert sorted((c[1], c[2]) for c in recorder.calls) == [
        ("p-insp", "terkirim"), ("p-pa", "terkirim"), ("p-ppk", "terkirim")]
    pa_inbox = world.call("list_notifikasi", {"actor": user(pa, "pa")})
    assert pa_inbox["items"][0]["jenis"] == "pengaduan.penyimpangan_reported"


def test_a_deviation_report_with_no_known_pa_kpa_is_reported_as_failed(world, smtp):
    world.event("pengaduan", "penyimpangan_reported", penerima=[
        {"penerima_id": "p-pa", "peran": "pa_kpa", "user_id": None,
         "agency_id": "AG-NOBODY", "alamat": None, "status": "menunggu",
         "keterangan": None, "diperbarui_pada": "2026-12-08T02:00:00+00:00"}],
        agency_id="AG-NOBODY")
    recorder = Recorder()
    uow = world.uow()
    try:
        from services.notifikasi.usecases import report_penyimpangan

        assert report_penyimpangan(uow, recorder) == 1
    finally:
        uow.close()
    [(_, penerima_id, status, keterangan)] = recorder.calls
    assert (penerima_id, status) == ("p-pa", "gagal") and "pa_kpa" in keterangan


def test_the_complainant_hears_only_when_logged_in_and_not_anonymous(world, smtp):
    pelapor = str(uuid.uuid4())
    known_user(world, smtp, pelapor, "warga@example.id", "penyedia")
    named, anonymous = str(uuid.uuid4()), str(uuid.uuid4())
    world.event("pengaduan", "pengaduan_filed", pengaduan_id=named, anonim=False,
                jenis="layanan_lpse", lelang_id=None, agency_id=None,
                pelapor={"nama": "Warga", "kontak": "warga@example.id",
                         "user_id": pelapor, "penyedia_id": None})
    world.event("pengaduan", "pengaduan_filed", pengaduan_id=anonymous, anonim=True)
    for pengaduan_id, anonim in ((named, False), (anonymous, True)):
        world.event("pengaduan", "pengaduan_status_changed", pengaduan_id=pengaduan_id,
                    anonim=anonim)
    world.deliver()
    assert [m["To"] for m in smtp.messages()] == ["warga@example.id"]
    inbox = world.call("list_notifikasi", {"actor": user(pelapor, "penyedia")})
    assert [n["pengaduan_id"] for n in inbox["items"]] == [named, None]  # + welcome
