"""Whole tenders of each of the four methods -> releases and compiled records,
validated by libcoveocds against the copied OCDS 1.1.5 standard, offline.

The streams are the lelang service's own outbox rows, recorded from TenderWorld
(``fixtures/README.md``), plus one built from the contract samples for the paths the
recordings do not take (an upheld sanggah, a re-announced winner)."""

from __future__ import annotations

import json
from functools import cache

import pytest

from services.common.contracts.lelang import MetodeLelang
from services.reporting.domain.ocds import (
    BID_EXTENSION_URL,
    Publisher,
    record_package,
    release_package,
    replay,
)
from services.reporting.ocds_compile import compile_record, compile_records
from services.reporting.tests.ocds_support import (
    PASCA_1,
    PENYEDIA,
    PREFIX,
    PUBLISHER,
    announcement,
    cove,
    event,
    hasil_row,
    later,
    problems,
    recorded,
    recorded_names,
)

URI = "https://lpse.karangasemkab.go.id/ocds/releases"
TENDERS = [f"tender_{m}" for m in MetodeLelang]


@cache
def releases_of(name: str) -> tuple[dict, ...]:
    return tuple(replay(recorded(name), PUBLISHER))


def compiled(name: str) -> dict:
    (lelang,) = [r for r in compile_records(releases_of(name))
                 if "-RUP-" not in r["ocid"]]
    return lelang["compiledRelease"]


def test_every_method_has_a_recorded_tender():
    assert set(TENDERS) <= set(recorded_names())


@pytest.mark.parametrize("name", recorded_names())
def test_the_release_package_validates_with_no_error(name):
    package = release_package(list(releases_of(name)), PUBLISHER, uri=URI,
                              published=later(60))
    result = cove(package)
    assert problems(result) == {}
    assert result["version_used"] == "1.1"
    assert result["count"] == len(releases_of(name))


@pytest.mark.parametrize("name", recorded_names())
def test_the_record_package_validates_with_no_error(name):
    records = [compile_record(group, versioned=True) for group in _by_ocid(name)]
    package = record_package(records, PUBLISHER, uri=URI + "/records",
                             published=later(60))
    assert problems(cove(package)) == {}


def _by_ocid(name):
    groups: dict[str, list] = {}
    for r in releases_of(name):
        groups.setdefault(r["ocid"], []).append(r)
    return list(groups.values())


@pytest.mark.parametrize("name", TENDERS)
def test_a_whole_tender_ends_complete_with_an_active_contract(name):
    c = compiled(name)
    method = "selective" if "prakualifikasi" in name else "open"
    assert c["tender"]["procurementMethod"] == method
    assert c["tender"]["status"] == "complete"
    assert c["tender"]["numberOfTenderers"] == 3
    assert c["tender"]["hasEnquiries"] is True
    (award,) = c["awards"]
    (contract,) = c["contracts"]
    assert award["status"] == "active" and contract["status"] == "active"
    assert contract["awardID"] == award["id"]
    assert contract["value"] == award["value"]
    suppliers = [p for p in c["parties"] if "supplier" in p["roles"]]
    assert [s["id"] for s in suppliers] == [award["suppliers"][0]["id"]]
    assert len(c["bids"]["details"]) == 3
    assert {p["id"] for p in c["parties"] if "tenderer" in p["roles"]} == {
        t["tenderers"][0]["id"] for t in c["bids"]["details"]}
    assert c["relatedProcesses"][0]["relationship"] == ["planning"]


def test_the_tags_of_a_whole_pascakualifikasi_tender():
    tags = [r["tag"] for r in releases_of("tender_pascakualifikasi_1_file")]
    assert tags == [["planning"], ["tender"], ["tenderUpdate"], ["tenderAmendment"],
                    ["tenderUpdate"], ["tenderUpdate"], ["award"],
                    ["awardUpdate", "contract"], ["contractUpdate", "tenderUpdate"]]


def test_a_corrected_price_is_published_twice_the_corrected_one_last():
    releases = releases_of("tender_pascakualifikasi_1_file")
    (original,) = [r for r in releases if r["id"].endswith("-harga-penawaran")]
    amounts = sorted(b["value"]["amount"] for b in original["bids"]["details"])
    assert amounts == [1350000000, 1400000000, 1450000000]  # as offered
    details = compiled("tender_pascakualifikasi_1_file")["bids"]["details"]
    final = sorted(b["value"]["amount"] for b in details)
    assert final == [1350000000, 1390000000, 1450000000]  # as corrected


def test_a_peserta_who_never_bid_is_an_interested_party():
    parties = compiled("tender_pascakualifikasi_1_file")["parties"]
    assert [p["roles"] for p in parties if p["name"] == "CV Penyedia 4"] == [
        ["interestedParty"]]


def test_a_2_file_bidder_failing_file_i_is_disqualified_and_has_no_price():
    details = compiled("tender_pascakualifikasi_2_file")["bids"]["details"]
    (out,) = [d for d in details if d["status"] == "disqualified"]
    assert "value" not in out and "Tidak lulus teknis" in out["description"]


@pytest.mark.parametrize("name", ["tender_prakualifikasi_1_file",
                                  "tender_prakualifikasi_2_file"])
def test_a_prakualifikasi_publishes_how_many_qualified(name):
    stats = {s["measure"]: s["value"] for s in compiled(name)["bids"]["statistics"]}
    assert stats["qualifiedBidders"] == 3 and stats["disqualifiedBidders"] == 0


def test_a_failed_lelang_and_its_retender_are_two_linked_processes():
    first, second = compile_records(releases_of("failed_then_retender"))
    assert first["compiledRelease"]["tender"]["status"] == "unsuccessful"
    assert second["compiledRelease"]["tender"]["status"] == "active"
    (link,) = second["compiledRelease"]["relatedProcesses"]
    assert link == {"id": "retender-dari", "relationship": ["unsuccessfulProcess"],
                    "scheme": "ocid", "identifier": first["ocid"]}


def test_the_rup_is_its_own_planning_process():
    records = compile_records(releases_of("tender_prakualifikasi_1_file"))
    rup = next(r for r in records if "-RUP-" in r["ocid"])
    assert rup["compiledRelease"]["tender"]["status"] == "planned"
    assert rup["compiledRelease"]["tender"]["procurementMethod"] == "selective"
    assert compiled("tender_prakualifikasi_1_file")["relatedProcesses"][0][
        "identifier"] == rup["ocid"]


@pytest.mark.parametrize("name", recorded_names())
def test_a_replay_of_a_stream_gives_identical_releases(name):
    again = replay(recorded(name) + recorded(name), PUBLISHER)  # redelivered too
    assert json.dumps(again, sort_keys=True) == json.dumps(list(releases_of(name)),
                                                           sort_keys=True)


# ------------------------------------------------------------------ from the samples
def sample_stream():
    """An upheld sanggah against the first winner, a re-announced winner (p-2),
    SPPBJ and kontrak to p-2: the paths the recordings do not take."""
    second = announcement(pemenang=[
        {"penyedia_id": "p-2", "nama": "CV Dua", "npwp": None, "alamat": "Amlapura",
         "harga_penawaran": "1400000000.00", "harga_terkoreksi": "1390000000.00",
         "peringkat": 1}], hasil_evaluasi=[
        hasil_row(PENYEDIA, "CV Karya Bali", "1350000000.00", "1350000000.00", None,
               lulus_kualifikasi=False, alasan="SBU tidak sesuai (sanggah diterima)"),
        hasil_row("p-2", "CV Dua", "1400000000.00", "1390000000.00", 1)])
    return [
        event("rup_announced", at=later(-10), rup_id="rup-1"),
        event("paket_created", at=later(-5), rup_id="rup-1"),
        event("lelang_announced", jadwal=PASCA_1),
        event("jadwal_changed", at=later(1), jadwal=PASCA_1),
        event("adendum_issued", at=later(2)),
        event("peserta_registered", at=later(3)),
        event("pertanyaan_asked", at=later(4)),
        event("pertanyaan_answered", at=later(4.5)),
        event("penawaran_submitted", at=later(6)),
        event("penawaran_opened", at=later(7)),
        event("pemenang_decided", at=later(9)),
        announcement(),
        event("sanggah_filed", at=later(21)),
        event("sanggah_answered", at=later(22), keputusan="diterima"),
        event("pemenang_decided", at=later(24), pemenang_id="p-2"),
        event("pemenang_announced", second.payload, at=later(25)),
        event("sppbj_issued", at=later(30), penyedia_id="p-2"),
        event("kontrak_signed", at=later(35), penyedia_id="p-2"),
    ]


def test_the_sample_stream_validates_and_compiles_to_the_second_winner():
    releases = replay(sample_stream(), PUBLISHER)
    assert problems(cove(release_package(releases, PUBLISHER, uri=URI,
                                         published=later(60)))) == {}
    records = compile_records(releases)
    assert problems(cove(record_package(records, PUBLISHER, uri=URI,
                                        published=later(60)))) == {}
    c = records[-1]["compiledRelease"]
    assert {a["id"]: a["status"] for a in c["awards"]} == {
        f"pemenang-{PENYEDIA}": "cancelled", "pemenang-p-2": "active"}
    assert c["contracts"][0]["awardID"] == "pemenang-p-2"
    assert [r["tag"] for r in releases].count(["awardCancellation"]) == 1


def test_a_release_package_declares_the_bid_extension_by_default():
    package = release_package([], Publisher(PREFIX), uri=URI, published=later(1))
    assert package["extensions"] == [BID_EXTENSION_URL]
    assert package["version"] == "1.1" and package["publisher"] == {
        "name": "LPSE Kabupaten Karangasem"}
    assert package["publishedDate"] == "2026-12-05T02:00:00Z"
