"""Whole journeys through the use cases on PostgreSQL: file, track, the lifecycle,
the access rule on real rows, identity-free events, deviation reports."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from services.common.auth import Actor
from services.common.errors import (
    BadRequest,
    Forbidden,
    InvalidTransition,
    NotFound,
    Unauthenticated,
)
from services.pengaduan.storage.models import LelangPihakRow, PengaduanRow
from services.pengaduan.tests.driver import INSPEKTORAT, TIM_PENGARAH, URAIAN, key

pytestmark = pytest.mark.integration

PUBLIC = Actor.anonymous(ip="198.51.100.7")


def track(world, kode: str, rahasia: str):
    return world.call("track_pengaduan", {"actor": None, "kode_pelacakan": kode,
                                          "rahasia": rahasia})


def test_anonymous_complaint_tracked_through_its_whole_lifecycle(world):
    lid = world.announce()
    filed = world.file(PUBLIC, lelang_id=lid, anonim=True, dokumen=[world.pdf()])
    assert filed["kode_pelacakan"].startswith("PGD-2026-")
    assert len(filed["rahasia"]) >= 20 and filed["status"] == "diterima"
    with world.db.sessionmaker() as session:
        row = session.get(PengaduanRow, filed["pengaduan_id"])
        assert filed["rahasia"] not in json.dumps(
            {c.name: str(getattr(row, c.name)) for c in row.__table__.columns})
        assert row.pelapor_user_id is None and row.nama_pelapor is None

    seen = track(world, filed["kode_pelacakan"].lower(), filed["rahasia"])
    assert seen["status"] == "diterima" and [p["status"] for p in seen["progres"]] == [
        "diterima"]
    for wrong in (filed["rahasia"][:-1] + "x", ""):
        with pytest.raises(NotFound) as err:
            track(world, filed["kode_pelacakan"], wrong or "nope")
        assert err.value.code == "PENGADUAN_NOT_FOUND" and not err.value.details
    with pytest.raises(NotFound) as err:
        track(world, "PGD-2026-ZZZZZZ", filed["rahasia"])
    assert err.value.code == "PENGADUAN_NOT_FOUND"

    pid = filed["pengaduan_id"]
    world.move(pid, "diperiksa", klasifikasi="penyimpangan_pengadaan",
               catatan="INTERNAL: cek Pokja 2", tanggapan="Sedang kami periksa.")
    world.move(pid, "diteruskan", by=world.admin, tujuan=[
        {"penerima": "APIP Kabupaten Karangasem", "kanal": "surat", "alamat": []}],
        tanggapan="Diteruskan ke APIP.")
    world.move(pid, "ditindaklanjuti", catatan="INTERNAL: APIP memanggil Pokja")
    done = world.move(pid, "selesai", tanggapan="Temuan ditindaklanjuti APIP.")
    assert done["status"] == "selesai"
    assert done["klasifikasi"] == "penyimpangan_pengadaan"
    assert [r["status"] for r in done["riwayat"]] == [
        "diterima", "diperiksa", "diteruskan", "ditindaklanjuti", "selesai"]
    assert done["riwayat"][1]["oleh"] == world.helpdesk.user_id  # who, when, note
    assert done["riwayat"][1]["catatan"] == "INTERNAL: cek Pokja 2"
    assert done["riwayat"][2]["oleh"] == world.admin.user_id
    assert {p["penerima"] for p in done["penerusan"]} == {
        "lpse_pusat", "tim_pengarah", "APIP Kabupaten Karangasem"}

    seen = track(world, filed["kode_pelacakan"], filed["rahasia"])
    assert seen["status"] == "selesai"
    assert [p["tanggapan"] for p in seen["progres"]] == [
        None, "Sedang kami periksa.", "Diteruskan ke APIP.", None,
        "Temuan ditindaklanjuti APIP."]
    assert "INTERNAL" not in json.dumps(seen, default=str)

    with pytest.raises(InvalidTransition) as err:
        world.move(pid, "ditolak", alasan="terlambat")
    assert err.value.code == "PENGADUAN_CLOSED"


def test_rejection_needs_a_reason_shown_to_the_complainant(world):
    filed = world.file(PUBLIC, jenis="layanan_lpse", anonim=True)
    with pytest.raises(BadRequest) as err:
        world.move(filed["pengaduan_id"], "ditolak")
    assert err.value.code == "ALASAN_REQUIRED"
    with pytest.raises(InvalidTransition) as err:
        world.move(filed["pengaduan_id"], "selesai")
    assert err.value.code == "PENGADUAN_TRANSITION_NOT_ALLOWED"
    world.move(filed["pengaduan_id"], "ditolak", alasan="Bukan kewenangan LPSE.")
    seen = track(world, filed["kode_pelacakan"], filed["rahasia"])
    assert seen["status"] == "ditolak"
    assert seen["progres"][-1]["alasan"] == "Bukan kewenangan LPSE."
    types = [t for t, _ in world.outbox()]
    assert types.count("pengaduan_closed") == 1


@pytest.mark.parametrize("role", ["pokja", "penyedia", "auditor", "verifikator"])
def test_only_helpdesk_and_admin_ppe_move_a_complaint(world, role):
    filed = world.file(PUBLIC, jenis="layanan_lpse", anonim=True)
    by = {"pokja": world.pokja[0], "auditor": world.auditor,
          "penyedia": world.penyedia}.get(role) or Actor(user_id="v", roles=(role,))
    with pytest.raises(Forbidden) as err:
        world.move(filed["pengaduan_id"], "diperiksa", by=by, klasifikasi="layanan")
    assert err.value.code == "ROLE_REQUIRED"


def test_pokja_sees_an_anonymous_complaint_but_not_who_filed_it(world):
    lid = world.announce()
    filed = world.file(world.penyedia, lelang_id=lid, anonim=True)
    pid = filed["pengaduan_id"]
    for party in (world.pokja[0], world.pokja[1], world.ppk, world.pa):
        view = world.get(pid, party)
        assert view["uraian"] == URAIAN and view["lelang_kode"] == "LL-2026-0001"
        assert view["pelapor"] is None and view["identitas_disembunyikan"] is True
        assert view["penerusan"] == [] and all(
            r["catatan"] is None and r["oleh"] is None for r in view["riwayat"])
    assert world.get(pid, world.auditor)["pelapor"] is None
    staff_view = world.get(pid, world.helpdesk)
    assert staff_view["pelapor"]["penyedia_id"] == world.penyedia.penyedia_id
    own = world.get(pid, world.penyedia)  # the logged-in author
    assert own["pelapor"]["user_id"] == world.penyedia.user_id
    other_agency_pa = Actor(user_id="pa-x", roles=("pa",), agency_id="AG2")
    for stranger in (world.stranger_pokja, other_agency_pa, PUBLIC, None,
                     Actor(user_id="p2", roles=("penyedia",), penyedia_id="X")):
        with pytest.raises(NotFound) as err:
            world.get(pid, stranger)
        assert err.value.code == "PENGADUAN_NOT_FOUND"


def test_named_complaint_identity_is_shown_to_parties_but_never_for_kkn(world):
    lid = world.announce()
    named = world.file(PUBLIC, lelang_id=lid, nama_pelapor="I Made Warga",
                       kontak="made@example.id")
    kkn = world.file(PUBLIC, jenis="kkn", lelang_id=lid, nama_pelapor="I Wayan",
                     kontak="wayan@example.id")
    pokja = world.pokja[0]
    assert world.get(named["pengaduan_id"], pokja)["pelapor"]["nama"] == "I Made Warga"
    assert world.get(named["pengaduan_id"], world.auditor)["pelapor"]["kontak"] == (
        "made@example.id")
    for reader in (pokja, world.ppk, world.pa, world.auditor):
        view = world.get(kkn["pengaduan_id"], reader)
        assert view["pelapor"] is None and view["identitas_disembunyikan"]
    assert world.get(kkn["pengaduan_id"], world.admin)["pelapor"]["nama"] == "I Wayan"


def test_events_never_carry_a_protected_identity(world):
    lid = world.announce()
    world.file(PUBLIC, lelang_id=lid, anonim=True)
    world.file(world.penyedia, lelang_id=lid, anonim=True)
    world.file(PUBLIC, jenis="kkn", nama_pelapor="I Wayan Saksi",
               kontak="saksi@example.id")
    named = world.file(PUBLIC, lelang_id=lid, nama_pelapor="I Made Warga",
                       kontak="made@example.id")
    events = world.outbox()
    assert [t for t, _ in events] == ["pengaduan_filed", "pengaduan_forwarded"] * 4
    protected, shown = events[:6], events[6:]
    for _, env in protected:
        text = json.dumps(env)
        assert env["payload"]["pelapor"] is None and env["actor"] is None
        for secret in ("I Wayan Saksi", "saksi@example.id", world.penyedia.user_id,
                       world.penyedia.penyedia_id, "198.51.100.7"):
            assert secret not in text
    for _, env in shown:
        assert env["payload"]["pelapor"]["nama"] == "I Made Warga"
        assert env["payload"]["pengaduan_id"] == named["pengaduan_id"]
    filed = events[0][1]["payload"]
    assert filed["agency_id"] == "AG1" and filed["lelang_id"] == lid
    forwarded = events[1][1]["payload"]
    assert forwarded["otomatis"] is True
    assert forwarded["tujuan"] == [
        {"penerima": "lpse_pusat", "kanal": "sistem", "alamat": []},
        {"penerima": "tim_pengarah", "kanal": "email", "alamat": list(TIM_PENGARAH)}]


def test_status_changes_emit_their_events(world):
    filed = world.file(PUBLIC, jenis="layanan_lpse", anonim=True)
    pid = filed["pengaduan_id"]
    world.move(pid, "diperiksa", klasifikasi="layanan", catatan="INTERNAL")
    world.move(pid, "diteruskan", tujuan=[{"penerima": "Unit Layanan dan Dukungan",
                                           "kanal": "sistem", "alamat": []}])
    world.move(pid, "ditindaklanjuti")
    world.move(pid, "selesai")
    events = world.outbox()
    assert [t for t, _ in events] == [
        "pengaduan_filed", "pengaduan_forwarded", "pengaduan_status_changed",
        "pengaduan_status_changed", "pengaduan_forwarded", "pengaduan_status_changed",
        "pengaduan_status_changed", "pengaduan_closed"]
    changed = events[2][1]
    assert (changed["payload"]["dari"], changed["payload"]["status"]) == (
        "diterima", "diperiksa")
    assert changed["actor"]["user_id"] == world.helpdesk.user_id
    assert "INTERNAL" not in json.dumps([e for _, e in events])
    assert events[4][1]["payload"]["otomatis"] is False


def test_list_shows_each_reader_what_the_rule_lets_them_see(world):
    mine = world.announce()
    other = world.announce(pokja_ids=[world.stranger_pokja.user_id], ppk_id="ppk-z",
                           agency_id="AG9")
    a = world.file(PUBLIC, lelang_id=mine, anonim=True)
    b = world.file(world.penyedia, lelang_id=other, nama_pelapor="CV Maju")
    c = world.file(PUBLIC, jenis="layanan_lpse", anonim=True)
    world.move(c["pengaduan_id"], "diperiksa", klasifikasi="layanan")

    def ids(by, **filters):
        got = world.call("list_pengaduan", {"actor": by, "page": 1, "per_page": 20,
                                            "status": None, "jenis": None,
                                            "lelang_id": None, **filters})
        assert got["total"] == len(got["items"])
        return {i["pengaduan_id"] for i in got["items"]}

    all_ids = {a["pengaduan_id"], b["pengaduan_id"], c["pengaduan_id"]}
    assert ids(world.helpdesk) == all_ids == ids(world.auditor)
    assert ids(world.helpdesk, status="diperiksa") == {c["pengaduan_id"]}
    assert ids(world.helpdesk, jenis="lelang", lelang_id=other) == {b["pengaduan_id"]}
    assert ids(world.pokja[0]) == {a["pengaduan_id"]} == ids(world.pa)
    assert ids(world.stranger_pokja) == {b["pengaduan_id"]}
    assert ids(world.penyedia) == {b["pengaduan_id"]}
    assert ids(Actor(user_id="nobody", roles=("pokja",))) == set()
    got = world.call("list_pengaduan", {"actor": world.stranger_pokja, "page": 1,
                                        "per_page": 20})
    assert got["items"][0]["nama_pelapor"] == "CV Maju"
    with pytest.raises(Unauthenticated):
        world.call("list_pengaduan", {"actor": PUBLIC, "page": 1, "per_page": 20})


def test_filing_rules_and_evidence_checks(world):
    with pytest.raises(BadRequest) as err:
        world.file(PUBLIC, anonim=True)  # jenis lelang without a lelang
    assert err.value.code == "LELANG_ID_REQUIRED"
    with pytest.raises(BadRequest) as err:
        world.file(PUBLIC, jenis="kkn", anonim=True, nama_pelapor="Saya")
    assert err.value.code == "ANONIM_WITH_IDENTITY"
    with pytest.raises(BadRequest) as err:
        world.file(PUBLIC, jenis="layanan_lpse")
    assert err.value.code == "NAMA_PELAPOR_REQUIRED"
    doc = world.pdf()
    for broken, code in ((dict(doc, size=doc["size"] + 1), "DOKUMEN_NOT_UPLOADED"),
                         (dict(doc, sha256="ab" * 32), "DOKUMEN_NOT_UPLOADED")):
        with pytest.raises(BadRequest) as err:
            world.file(PUBLIC, jenis="kkn", anonim=True, dokumen=[broken])
        assert err.value.code == code
    text = world.store.put(io.BytesIO(b"just some text, not a PDF"), max_bytes=1024,
                           allowed=None)
    with pytest.raises(BadRequest) as err:
        world.file(PUBLIC, jenis="kkn", anonim=True, dokumen=[{
            "sha256": text.sha256, "filename": "x.pdf",
            "content_type": "application/pdf", "size": text.size}])
    assert err.value.code == "DOKUMEN_TYPE_NOT_ALLOWED"
    world.deps.max_dokumen_bytes = doc["size"] - 1
    with pytest.raises(BadRequest) as err:
        world.file(PUBLIC, jenis="kkn", anonim=True, dokumen=[doc])
    assert err.value.code == "DOKUMEN_TOO_LARGE"
    world.deps.max_dokumen_bytes = 1 << 20
    with world.db.sessionmaker() as session:
        assert session.scalars(select(PengaduanRow)).all() == []
    # a complaint about a lelang pengaduan has not heard of yet is kept; its
    # parties see it once the lelang's announcement arrives
    filed = world.file(world.penyedia, lelang_id="lelang-later", dokumen=[doc])
    with pytest.raises(NotFound):
        world.get(filed["pengaduan_id"], world.pokja[0])
    world.announce("lelang-later")
    assert world.get(filed["pengaduan_id"], world.pokja[0])["dokumen"] == [doc]


def test_lelang_announced_fills_and_updates_lelang_pihak(world):
    lid = world.announce()
    world.announce(lid, nama="Nama baru", pokja_ids=[world.stranger_pokja.user_id])
    with world.db.sessionmaker() as session:
        rows = session.scalars(select(LelangPihakRow)).all()
    assert len(rows) == 1
    assert (rows[0].nama, rows[0].agency_id, rows[0].ppk_id, rows[0].pokja_ids) == (
        "Nama baru", "AG1", world.ppk.user_id, [world.stranger_pokja.user_id])


def report(world, lid, by=None, **fields):
    return world.call("report_penyimpangan", {
        "actor": by or world.admin, "idempotency_key": key(), "lelang_id": lid,
        "pengaduan_id": None, "uraian": "Dokumen kualifikasi peserta dipalsukan.",
        "dokumen": [], **fields})


def test_deviation_report_addressed_delivered_and_read_by_its_addressees(world):
    lid = world.announce()
    filed = world.file(PUBLIC, lelang_id=lid, anonim=True)
    made = report(world, lid, pengaduan_id=filed["pengaduan_id"],
                  dokumen=[world.pdf()])
    penerima = {p["peran"]: p for p in made["penerima"]}
    assert set(penerima) == {"pa_kpa", "ppk", "inspektorat"}
    assert penerima["ppk"]["user_id"] == world.ppk.user_id
    assert penerima["pa_kpa"]["agency_id"] == "AG1"
    assert penerima["inspektorat"]["alamat"] == INSPEKTORAT[0]
    assert {p["status"] for p in made["penerima"]} == {"menunggu"}
    env = dict(world.outbox())["penyimpangan_reported"]
    assert env["payload"]["ppk_id"] == world.ppk.user_id
    assert env["payload"]["inspektorat_emails"] == list(INSPEKTORAT)
    assert env["payload"]["pengaduan_id"] == filed["pengaduan_id"]

    sid = made["penyimpangan_id"]
    for reader in (world.ppk, world.pa, world.auditor, world.helpdesk):
        got = world.call("get_penyimpangan", {"actor": reader, "penyimpangan_id": sid})
        assert got["lelang_id"] == lid
    for stranger in (world.pokja[0], world.stranger_pokja,
                     Actor(user_id="ppk-z", roles=("ppk",), agency_id="AG2")):
        with pytest.raises(NotFound) as err:
            world.call("get_penyimpangan", {"actor": stranger, "penyimpangan_id": sid})
        assert err.value.code == "PENYIMPANGAN_NOT_FOUND"

    def deliver(penerima_id, status):
        return world.call("record_penyimpangan_delivery", {
            "actor": None, "idempotency_key": key(), "penyimpangan_id": sid,
            "penerima_id": penerima_id, "status": status, "keterangan": None})

    deliver(penerima["ppk"]["penerima_id"], "gagal")
    deliver(penerima["ppk"]["penerima_id"], "terkirim")
    got = deliver(penerima["ppk"]["penerima_id"], "terkirim")  # a repeat: no change
    states = {p["peran"]: p["status"] for p in got["penerima"]}
    assert states == {"ppk": "terkirim", "pa_kpa": "menunggu",
                      "inspektorat": "menunggu"}
    with pytest.raises(InvalidTransition) as err:
        deliver(penerima["ppk"]["penerima_id"], "gagal")
    assert err.value.code == "PENGIRIMAN_ALREADY_DELIVERED"
    with pytest.raises(NotFound):
        deliver("no-such-penerima", "terkirim")

    other = world.announce(ppk_id="ppk-z", agency_id="AG9", pokja_ids=[])
    report(world, other, by=world.helpdesk)

    def listed(by):
        got = world.call("list_penyimpangan", {"actor": by, "page": 1, "per_page": 20,
                                               "lelang_id": None})
        return {i["lelang_id"] for i in got["items"]}

    assert listed(world.admin) == {lid, other} == listed(world.auditor)
    assert listed(world.ppk) == {lid} == listed(world.pa)
    assert listed(world.pokja[0]) == set()


def test_deviation_report_needs_staff_and_a_known_lelang(world):
    lid = world.announce()
    with pytest.raises(Forbidden):
        report(world, lid, by=world.pokja[0])
    with pytest.raises(NotFound) as err:
        report(world, "unknown-lelang")
    assert err.value.code == "LELANG_NOT_FOUND"
    with pytest.raises(NotFound) as err:
        report(world, lid, pengaduan_id="no-such-pengaduan")
    assert err.value.code == "PENGADUAN_NOT_FOUND"
