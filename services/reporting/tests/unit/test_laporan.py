"""e-reporting read models (services/reporting/domain/laporan.py): the folds over the
recorded tender streams and the contract samples, the routing table, the report, its
CSV tables and the gauges."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

import services.common.contracts.pengaduan as pengaduan_contracts
from services.common.contracts import lelang as lelang_contracts
from services.common.contracts import registrasi as registrasi_contracts
from services.common.contracts.base import EVENT_CONTRACTS
from services.reporting.domain import laporan as lp
from services.reporting.domain.proyeksi import Event
from services.reporting.tests.ocds_support import (
    LELANG_ID,
    T0,
    event,
    recorded,
    recorded_names,
    sample,
    stopped_stream,
)

STREAMS = recorded_names()
PASCA_1 = "tender_pascakualifikasi_1_file"
FAILED = "failed_then_retender"
PENGADUAN_ID = "7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
PENYEDIA_ID = "0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"


def one(store: dict[str, dict[str, Any]], kind: str) -> dict[str, Any]:
    (summary,) = store[kind].values()
    return summary


def without_ids(store: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The store without the event-id guard (its order follows the delivery)."""
    return {kind: {key: {k: v for k, v in s.items() if k != "event_ids"}
                   for key, s in summaries.items()}
            for kind, summaries in store.items()}


def lists(store: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {kind: list(summaries.values()) for kind, summaries in store.items()}


# ------------------------------------------------------------------ recorded streams
#: stream -> peserta, bids, contract value, HPS - contract
EXPECTED = {
    "tender_pascakualifikasi_1_file": (4, 3, "1350000000.00", "150000000.00"),
    "tender_pascakualifikasi_2_file": (4, 3, "1400000000.00", "100000000.00"),
    "tender_prakualifikasi_1_file": (3, 3, "1350000000.00", "150000000.00"),
    "tender_prakualifikasi_2_file": (3, 3, "1350000000.00", "150000000.00"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_full_tender_gives_its_figures(name: str) -> None:
    events = recorded(name)
    store = lp.replay(events)
    lelang = one(store, "lelang")
    peserta, bids, kontrak, hemat = EXPECTED[name]
    assert lelang["status"] == "selesai"
    assert lelang["jumlah_peserta"] == peserta
    assert lelang["jumlah_penawaran"] == bids
    assert lelang["jumlah_penawaran_sumber"] == "pengumuman_pemenang"
    assert lelang["nilai_hps"] == "1500000000.00"
    assert lelang["nilai_kontrak"] == kontrak
    assert lelang["penghematan"] == hemat == str(
        Decimal(lelang["nilai_hps"]) - Decimal(lelang["nilai_kontrak"]))
    assert lelang["jumlah_sanggah"] == 1
    assert lelang["jumlah_sanggah_banding"] == 0
    assert lelang["gagal"] is False and lelang["alasan_gagal"] is None
    assert lelang["pemenang"]["harga"] == kontrak
    kontrak_event = next(e for e in events if e.event_type == "kontrak_signed")
    assert lelang["pemenang"]["penyedia_id"] == kontrak_event.payload["penyedia_id"]
    # every stage entered has a start and, the lelang being over, a duration
    started = {e.payload["tahapan"] for e in events
               if e.event_type == "tahapan_started"}
    assert set(lelang["tahapan_mulai"]) == started
    assert set(lelang["durasi_tahapan"]) == started
    assert all(Decimal(h) >= 0 for h in lelang["durasi_tahapan"].values())
    assert list(lelang["tahapan_mulai"].values()) == sorted(
        lelang["tahapan_mulai"].values())
    paket, rup = one(store, "paket"), one(store, "rup")
    assert paket["status"] == "selesai" and paket["nilai_kontrak"] == kontrak
    assert paket["paket_id"] == lelang["paket_id"]
    assert paket["rup_id"] == rup["rup_id"]
    assert rup["pagu"] == "2000000000.00" and rup["tahun_anggaran"] == 2026
    json.dumps(store)  # JSON-ready


def test_the_first_tender_in_detail() -> None:
    lelang = one(lp.replay(recorded(PASCA_1)), "lelang")
    assert lelang["jumlah_perubahan_jadwal"] == 1
    assert lelang["metode"] == "pascakualifikasi_1_file"
    assert lelang["metode_evaluasi"] == "sistem_gugur"
    assert lelang["kategori"] == "pekerjaan_konstruksi"
    assert lelang["tahun_anggaran"] == 2026 and lelang["agency_id"] == "AG1"
    assert lelang["diumumkan_pada"] == "2026-11-02T02:00:00Z"
    # pengumuman 3 Nov 08:00 WITA -> pendaftaran 10 Nov 08:00 WITA: 7 days
    assert lelang["tahapan_mulai"]["pengumuman"] == "2026-11-03T00:00:00Z"
    assert lelang["durasi_tahapan"]["pengumuman"] == "168.00"
    # the last stage lasts until the contract is signed
    assert lelang["durasi_tahapan"]["penandatanganan_kontrak"] == "1.00"
    # the peserta who never bid counts as peserta, not as a bid
    assert len(lelang["peserta_ids"]) == 4 and len(lelang["penawar_ids"]) == 3
    assert lelang["pemenang"] == {"penyedia_id": "33922d38-94a0-4fc8-923c-debba62bbaa4",
                                  "nama": "CV Penyedia 2", "harga": "1350000000.00"}


def test_bids_before_the_announcement_come_from_the_receipts() -> None:
    events = recorded(PASCA_1)
    cut = next(i for i, e in enumerate(events) if e.event_type == "pemenang_announced")
    lelang = one(lp.replay(events[:cut]), "lelang")
    assert lelang["status"] == "berjalan"
    assert lelang["jumlah_penawaran"] == 3
    assert lelang["jumlah_penawaran_sumber"] == "tanda_terima"
    assert lelang["pemenang"] is None and lelang["nilai_kontrak"] is None
    assert lelang["penghematan"] is None
    # the stage still running has a start, not yet a duration
    assert lelang["tahapan"] in lelang["tahapan_mulai"]
    assert lelang["tahapan"] not in lelang["durasi_tahapan"]


def test_a_failed_lelang_and_its_retender() -> None:
    events = recorded(FAILED)
    store = lp.replay(events)
    by_status = {s["status"]: s for s in store["lelang"].values()}
    failed, again = by_status["gagal"], by_status["diumumkan"]
    assert failed["gagal"] is True and failed["gagal_ke"] == 1
    assert failed["alasan_gagal"].startswith("Jumlah penawaran yang masuk (2)")
    assert failed["jumlah_peserta"] == 2 and failed["jumlah_penawaran"] == 2
    assert failed["jumlah_penawaran_sumber"] == "tanda_terima"
    assert failed["selesai_pada"] == "2012-06-21T01:00:00Z"
    assert "upload_penawaran" in failed["durasi_tahapan"]  # until the failure
    assert again["retender_dari"] == failed["lelang_id"]
    assert again["gagal"] is False and again["paket_id"] == failed["paket_id"]
    paket = one(store, "paket")
    assert paket["jumlah_lelang"] == 2
    assert paket["lelang_terakhir"] == again["lelang_id"]
    assert paket["lelang"][failed["lelang_id"]]["status"] == "gagal"
    assert paket["status"] == "dilelangkan"  # re-tendered
    # before the retender the paket was failed
    cut = [e.event_type for e in events].index("lelang_failed") + 1
    assert one(lp.replay(events[:cut]), "paket")["status"] == "gagal"
    assert one(lp.replay(events[:2]), "paket")["status"] == "dilelangkan"
    assert one(lp.replay(events[:1]), "paket")["status"] == "dibuat"


def test_a_stopped_lelang_is_dihentikan_and_still_counted_as_failed() -> None:
    events = stopped_stream()
    store = lp.replay(events)
    before = one(lp.replay(events[:-1]), "lelang")
    lelang = one(store, "lelang")
    assert lelang["status"] == "dihentikan"
    assert lelang["gagal"] is True and lelang["gagal_ke"] == 1
    # the failure's reason and end are kept; the penghentian has its own
    assert lelang["alasan_gagal"] == before["alasan_gagal"]
    assert lelang["alasan_gagal"].startswith("Jumlah penawaran yang masuk (2)")
    assert lelang["alasan_penghentian"] == "Anggaran dialihkan; pengadaan dihentikan"
    assert lelang["dihentikan_pada"] == "2012-06-28T01:00:00Z"
    assert lelang["selesai_pada"] == before["selesai_pada"] == "2012-06-21T01:00:00Z"
    assert lelang["durasi_tahapan"] == before["durasi_tahapan"]
    assert lelang["jumlah_peserta"] == 2
    # no re-tender follows: the paket stays as its failed lelang left it
    assert one(store, "paket")["status"] == "gagal"
    # redelivered, reversed, or in the same second as the failure: the same end
    assert lp.replay(events + events[::-1]) == store
    assert without_ids(lp.replay(events[::-1]))["lelang"] == without_ids(
        store)["lelang"]
    tie = stopped_stream(timedelta(0))
    for order in (tie, [*tie[:-2], tie[-1], tie[-2]]):
        s = one(lp.replay(order), "lelang")
        assert (s["status"], s["gagal"], s["alasan_gagal"]) == (
            "dihentikan", True, lelang["alasan_gagal"])


def test_a_stopped_lelang_in_the_report_and_the_gauges() -> None:
    store = lists(lp.replay(stopped_stream()))
    r = lp.aggregate(store["lelang"], store["paket"], store["rup"], [], [])
    lelang = r["total"]["lelang"]
    assert lelang["per_status"]["dihentikan"] == 1
    assert lelang["per_status"]["gagal"] == 0
    assert lelang["gagal"]["jumlah"] == 1
    ((reason, n),) = lelang["gagal"]["per_alasan"].items()
    assert n == 1 and reason.startswith("Jumlah penawaran yang masuk (2)")
    header, rows = lp.csv_rows(r)["lelang"]
    total = dict(zip(header, rows[-1], strict=True))
    assert total["jumlah_dihentikan"] == "1" and total["jumlah_dibatalkan"] == "0"
    figures = lp.business_figures(store["lelang"], [])
    assert figures["lelang_per_status"]["dihentikan"] == 1
    assert figures["lelang_per_status"]["dibatalkan"] == 0
    assert figures["lelang_per_tahapan"] == {}  # not running any more


@pytest.mark.parametrize("name", STREAMS)
def test_every_summary_has_the_indexed_columns(name: str) -> None:
    for kind, summaries in lp.replay(recorded(name)).items():
        assert kind in lp.KINDS
        for key, s in summaries.items():
            assert set(lp.INDEX_KEYS) <= set(s), kind
            assert s[lp.KEY_FIELD[kind]] == key
            assert s["status"] is not None and s["diperbarui_pada"] is not None
            assert s["tahun_anggaran"] is None or isinstance(s["tahun_anggaran"], int)


# ------------------------------------------------------------------ idempotency
@pytest.mark.parametrize("name", STREAMS)
def test_every_event_twice_changes_nothing(name: str) -> None:
    events = recorded(name)
    once = lp.replay(events)
    twice = lp.replay(e for e in events for _ in range(2))
    assert twice == once
    # and a whole redelivery of the stream after it
    assert lp.replay(events, lp.replay(events)) == once


@pytest.mark.parametrize("name", STREAMS)
def test_a_fold_never_changes_its_argument(name: str) -> None:
    summary = None
    for e in recorded(name):
        before = json.dumps(summary, sort_keys=True)
        after = lp.fold_lelang(summary, e)
        assert json.dumps(summary, sort_keys=True) == before
        summary = after


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_figures_do_not_depend_on_the_delivery_order(name: str) -> None:
    """Statuses are the latest event's by time, counts are distinct sets: a
    shuffled delivery gives the same figures."""
    events = recorded(name)
    once = lp.replay(events)
    shuffled = list(events)
    random.Random(5).shuffle(shuffled)
    again = lp.replay(shuffled)
    for kind in ("lelang", "paket", "rup"):
        a, b = one(once, kind), one(again, kind)
        ignore = {"event_ids", "tahapan"}  # same-second stages: any of them
        assert {k: v for k, v in a.items() if k not in ignore} == {
            k: v for k, v in b.items() if k not in ignore}, kind


# ------------------------------------------------------------------ routing
def _keys(*sources: str) -> set[tuple[str, str]]:
    return {k for k in EVENT_CONTRACTS if k[0] in sources}


def test_every_event_contract_is_routed_or_ignored_with_a_reason() -> None:
    keys = _keys("lelang", "pengaduan", "registrasi")
    assert set(lp.ROUTES) | set(lp.IGNORED) == keys
    assert not set(lp.ROUTES) & set(lp.IGNORED)
    assert all(len(reason) > 30 for reason in lp.IGNORED.values())


def test_every_route_names_a_payload_field_of_its_contract() -> None:
    for key, routes in lp.ROUTES.items():
        assert routes, key
        fields = EVENT_CONTRACTS[key].payload._declared_fields
        for route in routes:
            assert route.kind in lp.KINDS and route.kind in lp.FOLDS
            if route.via is None:
                assert route.key in fields, (key, route)
            else:
                assert route.key not in fields, (key, route)
                assert lp.KEY_FIELD[route.via] in fields, (key, route)
                earlier = routes[:routes.index(route)]
                assert any(r.kind == route.via for r in earlier), (key, route)
            assert lp.KEY_FIELD[route.kind] == route.key


def test_the_routing_table_as_documented() -> None:
    assert lp.ROUTES[("lelang", "peserta_registered")] == (
        lp.Route("lelang", "lelang_id"),)
    assert lp.ROUTES[("lelang", "lelang_announced")] == (
        lp.Route("lelang", "lelang_id"), lp.Route("paket", "paket_id"))
    assert lp.ROUTES[("lelang", "lelang_failed")][1] == lp.Route(
        "paket", "paket_id", via="lelang")
    # a penghentian changes the lelang only: its paket stays gagal
    assert lp.ROUTES[("lelang", "lelang_stopped")] == (
        lp.Route("lelang", "lelang_id"),)
    assert lp.ROUTES[("lelang", "rup_announced")] == (lp.Route("rup", "rup_id"),)


@pytest.mark.parametrize("key", sorted(lp.ROUTES), ids="/".join)
def test_each_routed_sample_updates_its_summaries(key: tuple[str, str]) -> None:
    """The sample of every routed event, after the lelang is announced, changes
    every summary its routes name."""
    store = lp.replay([event("lelang_announced", at=T0)])
    e = event(key[1], source=key[0], at=T0 + timedelta(days=1))
    expected = lp.targets(e, lambda kind, k: store.get(kind, {}).get(k))
    assert [kind for kind, _ in expected] == [r.kind for r in lp.ROUTES[key]]
    touched = lp.apply(store, e)
    assert touched == expected
    json.dumps(store)


@pytest.mark.parametrize("key", sorted(lp.IGNORED), ids="/".join)
def test_an_ignored_event_touches_nothing(key: tuple[str, str]) -> None:
    store = lp.replay([])
    assert lp.apply(store, event(key[1], source=key[0])) == []
    assert store == {kind: {} for kind in lp.KINDS}


def test_the_enum_mirrors_equal_the_contracts() -> None:
    assert set(lp.STATUS_LELANG) == {s.value for s in lelang_contracts.StatusLelang}
    assert set(lp.STATUS_PENGADUAN) == {
        s.value for s in pengaduan_contracts.StatusPengaduan}
    assert set(lp.JENIS_PENGADUAN) == {
        s.value for s in pengaduan_contracts.JenisPengaduan}
    assert set(lp.STATUS_PENYEDIA) == {
        s.value for s in registrasi_contracts.StatusPenyedia}


# ------------------------------------------------------------------ other kinds
def pengaduan_events(**filed: Any) -> list[Event]:
    return [
        event("pengaduan_filed", source="pengaduan", at=T0, **filed),
        event("pengaduan_status_changed", source="pengaduan", at=T0 + timedelta(1)),
        event("pengaduan_closed", source="pengaduan", at=T0 + timedelta(2)),
    ]


def test_a_complaint_through_its_lifecycle() -> None:
    events = pengaduan_events()
    s = lp.fold_pengaduan(None, events[0])
    assert s["status"] == "diterima" and s["jenis"] == "lelang"
    assert s["diajukan_pada"] == "2026-12-08T02:00:00Z"
    assert s["tahun_anggaran"] == 2026 and s["agency_id"] == "AG-DPUPR"
    assert s["lelang_id"] == LELANG_ID and s["anonim"] is True
    s = lp.fold_pengaduan(s, events[1])
    assert s["status"] == "diperiksa" and s["klasifikasi"] == "penyimpangan_pengadaan"
    s = lp.fold_pengaduan(s, events[2])
    assert s["status"] == "ditolak" and s["ditutup_pada"] == "2026-12-10T02:00:00Z"
    assert lp.fold_pengaduan(s, events[1]) == s  # an old change again: no effect
    # any delivery order gives the same complaint
    assert lp.replay(reversed(events))["pengaduan"] == lp.replay(events)["pengaduan"]


def test_a_complaint_never_keeps_the_identity_or_the_text() -> None:
    data = sample("pengaduan_filed", "pengaduan", anonim=False, pelapor={
        "nama": "I Wayan Pelapor", "kontak": "0812-3456-7890", "user_id": "u-77",
        "penyedia_id": "p-77"})
    store = lp.replay([event("pengaduan_filed", data, source="pengaduan")])
    text = json.dumps(store)
    for secret in ("I Wayan Pelapor", "0812-3456-7890", "u-77", "p-77",
                   data["uraian"], data["kode_pelacakan"]):
        assert secret not in text
    assert one(store, "pengaduan")["anonim"] is False


def test_a_penyedia_registration() -> None:
    registered = event("penyedia_registered", source="registrasi", at=T0)
    verified = event("penyedia_verified", source="registrasi", at=T0 + timedelta(1))
    blacklisted = event("penyedia_blacklisted", source="registrasi",
                        at=T0 + timedelta(30))
    store = lp.replay([registered, verified])
    s = one(store, "penyedia")
    assert s["status"] == "terverifikasi"
    assert s["terdaftar_pada"] == "2026-12-04T02:00:00Z"
    assert s["tahun_anggaran"] == 2026 and s["nama"] == "CV Karya Bali"
    assert "email" not in s and "npwp" not in s
    assert one(lp.replay([blacklisted, registered, verified]), "penyedia")[
        "status"] == "daftar_hitam"


def test_a_rup() -> None:
    s = lp.fold_rup(None, event("rup_announced"))
    assert (s["agency_id"], s["tahun_anggaran"], s["pagu"], s["status"]) == (
        "AG-DPUPR", 2026, "2000000000.00", "diumumkan")
    assert lp.fold_rup(s, event("paket_created")) is s


def test_folds_ignore_what_is_not_theirs() -> None:
    announced = event("lelang_announced")
    assert lp.fold_pengaduan(None, announced) is None
    assert lp.fold_penyedia(None, announced) is None
    assert lp.fold_rup(None, announced) is None
    assert lp.fold_lelang(None, event("rup_announced")) is None
    assert lp.fold_paket(None, event("tahapan_started")) is None
    # lelang_failed has no paket_id: it reaches a paket only through its lelang
    assert lp.fold_paket(None, event("lelang_failed")) is None


def test_an_upheld_sanggah_voids_the_winner() -> None:
    events = [event("lelang_announced", at=T0),
              event("pemenang_announced", at=T0 + timedelta(20)),
              event("sanggah_answered", at=T0 + timedelta(22), keputusan="diterima")]
    lelang = one(lp.replay(events[:2]), "lelang")
    assert lelang["pemenang"]["penyedia_id"] == PENYEDIA_ID
    assert one(lp.replay(events), "lelang")["pemenang"] is None


def test_a_sanggah_banding_is_counted_once() -> None:
    banding = event("sanggah_banding_recorded", at=T0 + timedelta(25))
    lelang = one(lp.replay([event("lelang_announced"), banding, banding]), "lelang")
    assert lelang["jumlah_sanggah_banding"] == 1
    assert lelang["status"] == "dihentikan_sementara"


def test_a_contract_wins_a_tie_with_a_stage_of_the_same_second() -> None:
    at = T0 + timedelta(days=30)
    kontrak = event("kontrak_signed", at=at)
    stage = event("tahapan_started", at=at, tahapan="penandatanganan_kontrak")
    for order in ([kontrak, stage], [stage, kontrak]):
        assert one(lp.replay([event("lelang_announced"), *order]), "lelang")[
            "status"] == "selesai"


# ------------------------------------------------------------------ the report
def mix() -> dict[str, list[dict[str, Any]]]:
    """Every recorded stream (agency AG1), a lelang of the samples (AG-DPUPR,
    announced and bid for), two complaints and two penyedia."""
    events = [e for name in STREAMS for e in recorded(name)]
    events += [event("paket_created"), event("lelang_announced"),
               event("peserta_registered", at=T0 + timedelta(3)),
               event("penawaran_submitted", at=T0 + timedelta(4))]
    events += pengaduan_events()
    second = dict(sample("pengaduan_filed", "pengaduan"),
                  pengaduan_id="8e2f3a41-0000-4000-8000-000000000002", jenis="kkn",
                  status="diterima")
    events.append(event("pengaduan_filed", second, source="pengaduan", at=T0))
    events += [event("penyedia_registered", source="registrasi"),
               event("penyedia_registered", source="registrasi",
                     penyedia_id="p-baru", nama="CV Baru")]
    return lists(lp.replay(events))


def report(**kwargs: Any) -> dict[str, Any]:
    m = mix()
    return lp.aggregate(m["lelang"], m["paket"], m["rup"], m["pengaduan"],
                        m["penyedia"], **kwargs)


def test_aggregate_totals_on_a_mix() -> None:
    r = report()
    assert json.loads(json.dumps(r)) == r
    total = r["total"]
    lelang = total["lelang"]
    assert lelang["jumlah"] == 7
    assert lelang["per_status"] == {"draft": 0, "diumumkan": 1, "berjalan": 1,
                                    "dihentikan_sementara": 0, "gagal": 1,
                                    "selesai": 4, "dihentikan": 0, "dibatalkan": 0}
    assert lelang["pagu"] == "14000000000.00" and lelang["nilai_hps"] == (
        "10500000000.00")
    assert lelang["jumlah_berkontrak"] == 4
    assert lelang["nilai_kontrak"] == "5450000000.00"
    assert lelang["nilai_hps_berkontrak"] == "6000000000.00"
    assert lelang["penghematan"] == "550000000.00"
    assert lelang["jumlah_peserta"] == 4 + 4 + 3 + 3 + 2 + 0 + 1
    # public bid counts only: the four announced ones, not the receipts
    assert lelang["jumlah_penawaran"] == 12
    assert lelang["jumlah_lelang_penawaran_diumumkan"] == 4
    assert lelang["jumlah_sanggah"] == 4 and lelang["jumlah_sanggah_banding"] == 0
    assert lelang["gagal"]["jumlah"] == 1
    ((reason, n),) = lelang["gagal"]["per_alasan"].items()
    assert n == 1 and reason.startswith("Jumlah penawaran yang masuk (2)")
    assert lelang["gagal"]["daftar"][0]["gagal_ke"] == 1
    durasi = lelang["durasi_tahapan"]
    assert durasi["pengumuman"]["jumlah_lelang"] == 3  # pasca: 2 + the failed one
    assert durasi["upload_penawaran"]["jumlah_lelang"] == 5
    assert Decimal(durasi["pengumuman"]["rata_rata_jam"]) == (
        (Decimal(168) * 2 + Decimal(216)) / 3).quantize(Decimal("0.01"))
    paket = total["paket"]
    assert paket["jumlah"] == 6
    assert paket["per_status"] == {"dibuat": 0, "dilelangkan": 2, "selesai": 4,
                                   "gagal": 0}
    assert paket["pagu"] == "12000000000.00"
    assert total["rup"] == {"jumlah": 4, "pagu": "8000000000.00"}
    pengaduan = total["pengaduan"]
    assert pengaduan["jumlah"] == 2 and pengaduan["terbuka"] == 1
    assert pengaduan["per_status"]["ditolak"] == 1
    assert pengaduan["per_status"]["diterima"] == 1
    assert pengaduan["per_jenis"] == {"lelang": 1, "layanan_lpse": 0, "kkn": 1}
    assert total["penyedia"] == {"jumlah": 2, "per_status": {
        "menunggu_verifikasi": 2, "terverifikasi": 0, "ditolak": 0, "nonaktif": 0,
        "daftar_hitam": 0}}


def test_aggregate_groups_and_filters() -> None:
    r = report()
    assert r["group_by"] == ["agency_id"]
    assert [g["kunci"] for g in r["groups"]] == [{"agency_id": "AG-DPUPR"},
                                                {"agency_id": "AG1"}]
    ag1 = r["groups"][1]
    assert ag1["lelang"]["jumlah"] == 6 and ag1["pengaduan"]["jumlah"] == 0
    dpupr = r["groups"][0]
    assert dpupr["lelang"]["jumlah"] == 1 and dpupr["pengaduan"]["jumlah"] == 2
    assert dpupr["lelang"]["jumlah_penawaran"] == 0  # receipts are not public
    by_year = report(group_by=("tahun_anggaran", "metode"))
    keys = [tuple(g["kunci"].values()) for g in by_year["groups"]]
    assert (2012, "pascakualifikasi_1_file") in keys
    assert (2026, "prakualifikasi_2_file") in keys
    assert keys == sorted(keys, key=lambda k: (k[0], k[1] is None, str(k[1])))
    only_2012 = report(tahun=2012)
    assert only_2012["filter"] == {"tahun": 2012, "agency_id": None}
    assert only_2012["total"]["lelang"]["jumlah"] == 2
    assert only_2012["total"]["pengaduan"]["jumlah"] == 0
    assert only_2012["total"]["penyedia"]["jumlah"] == 0
    dpupr_only = report(agency_id="AG-DPUPR")
    assert dpupr_only["total"]["lelang"]["jumlah"] == 1
    assert dpupr_only["total"]["penyedia"]["jumlah"] == 2  # no agency: all
    with pytest.raises(ValueError):
        report(group_by=("ppk_id",))


def test_aggregate_of_nothing() -> None:
    r = lp.aggregate([], [], [], [], [])
    assert r["groups"] == []
    assert r["total"]["lelang"]["jumlah"] == 0
    assert r["total"]["lelang"]["nilai_kontrak"] == "0.00"


# ------------------------------------------------------------------ CSV
def test_csv_tables_of_the_report() -> None:
    r = report()
    tables = lp.csv_rows(r)
    assert tuple(tables) == lp.CSV_TABLES
    for name, (header, rows) in tables.items():
        assert len(set(header)) == len(header), name
        assert all(h == h.lower() and " " not in h for h in header), name
        assert all(len(row) == len(header) for row in rows), name
        assert all(isinstance(c, str) for row in rows for c in row), name
    header, rows = tables["lelang"]
    assert header[:3] == ["instansi", "jumlah_lelang", "jumlah_draft"]
    assert "total_penghematan" in header and "jumlah_penawaran" in header
    assert [row[0] for row in rows] == ["AG-DPUPR", "AG1", lp.TOTAL]
    total = dict(zip(header, rows[-1], strict=True))
    assert total["total_nilai_kontrak"] == "5450000000.00"
    assert total["total_penghematan"] == "550000000.00"
    assert total["jumlah_gagal"] == "1" and total["jumlah_selesai"] == "4"
    header, rows = tables["paket"]
    assert header[:2] == ["instansi", "jumlah_paket"] and "jumlah_rup" in header
    header, rows = tables["pengaduan"]
    assert "jumlah_ditolak" in header and "jumlah_jenis_kkn" in header
    assert dict(zip(header, rows[0], strict=True))["jumlah_terbuka"] == "1"
    header, rows = tables["penyedia"]
    assert header == ["status_penyedia", "jumlah"]
    assert rows[0] == ["menunggu_verifikasi", "2"] and rows[-1] == [lp.TOTAL, "2"]
    header, rows = tables["lelang_gagal"]
    assert header == ["instansi", "alasan_gagal", "jumlah"]
    assert len(rows) == 1 and rows[0][0] == "AG1" and rows[0][2] == "1"
    header, rows = tables["durasi_tahapan"]
    assert header == ["instansi", "tahapan", "jumlah_lelang", "rata_rata_jam"]
    assert ["AG1", "pengumuman", "3"] == rows[[r[1] for r in rows].index(
        "pengumuman")][:3]


def test_csv_keys_follow_the_grouping() -> None:
    tables = lp.csv_rows(report(group_by=("tahun_anggaran", "kategori")))
    header, rows = tables["lelang"]
    assert header[:2] == ["tahun_anggaran", "kategori_pengadaan"]
    assert rows[-1][:2] == [lp.TOTAL, ""]
    assert ["2012", "pekerjaan_konstruksi"] == rows[0][:2]


# ------------------------------------------------------------------ gauges
def test_business_figures() -> None:
    m = mix()
    figures = lp.business_figures(m["lelang"], m["pengaduan"], m["penyedia"])
    assert figures["pengaduan_terbuka"] == 1
    assert figures["lelang_per_status"]["selesai"] == 4
    assert figures["lelang_per_status"]["diumumkan"] == 1
    assert figures["lelang_per_status"]["berjalan"] == 1
    assert sum(figures["lelang_per_tahapan"].values()) == 2
    assert figures["penyedia_menunggu_verifikasi"] == 2
    json.dumps(figures)


def test_times_are_utc_iso_strings() -> None:
    lelang = one(lp.replay(recorded(PASCA_1)), "lelang")
    for key in ("diumumkan_pada", "diperbarui_pada", "selesai_pada",
                "pemenang_diumumkan_pada"):
        assert lelang[key].endswith("Z")
        assert datetime.fromisoformat(lelang[key]).utcoffset() == timedelta(0)
