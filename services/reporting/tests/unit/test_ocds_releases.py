"""One event -> its releases, tag by tag (DOMAIN §13.1/§13.2), on the contract
samples."""

from __future__ import annotations

import pytest

from services.reporting.domain.ocds import (
    record_package,
    release_package,
    releases_for,
    replay,
    step,
)
from services.reporting.domain.proyeksi import InMemoryDirectory, LelangState, fold
from services.reporting.ocds_compile import compile_records
from services.reporting.tests.ocds_support import (
    KODE,
    LELANG_ID,
    OCID,
    PASCA_1,
    PENYEDIA,
    PUBLISHER,
    announcement,
    cove,
    event,
    jadwal,
    later,
    problems,
    sample,
    stopped_stream,
)

WINNER_PARTY = f"penyedia-{PENYEDIA}"
AWARD = f"pemenang-{PENYEDIA}"
CONTRACT = f"kontrak-{PENYEDIA}"


def one(e, state=None, directory=None):
    releases = releases_for(e, state, directory or InMemoryDirectory(), PUBLISHER)
    assert len(releases) == 1, releases
    return releases[0]


def state(**kw) -> LelangState:
    return LelangState(lelang_id=LELANG_ID, kode=KODE, **kw)


# ------------------------------------------------------------------ planning
def test_a_rup_is_a_planning_release_with_its_budget_and_buyer():
    r = one(event("rup_announced"))
    assert r["tag"] == ["planning"]
    assert r["buyer"] == {"id": "SKPD-AG-DPUPR",
                          "name": "Dinas PUPR Kabupaten Karangasem"}
    assert r["parties"] == [{**r["buyer"], "roles": ["buyer"]}]
    assert r["planning"]["budget"] == {
        "description": "APBD Tahun Anggaran 2026",
        "amount": {"amount": 2000000000, "currency": "IDR"}}
    assert r["tender"]["status"] == "planned"
    assert r["tender"]["mainProcurementCategory"] == "works"
    assert "procurementMethod" not in r["tender"]  # metode_rencana is null


def test_the_directory_names_the_skpd():
    directory = InMemoryDirectory()
    directory.learn(event("agency_created", source="registrasi",
                          agency_id="AG-DPUPR", nama="Dinas PUPR"))
    assert one(event("rup_announced"), directory=directory)["buyer"]["name"] == (
        "Dinas PUPR")


# ------------------------------------------------------------------ tender
@pytest.mark.parametrize(("metode", "method", "details", "evaluasi", "criteria"), [
    ("pascakualifikasi_1_file", "open", "e-Lelang Umum Pascakualifikasi 1 File",
     "sistem_gugur", "priceOnly"),
    ("pascakualifikasi_2_file", "open", "e-Lelang Umum Pascakualifikasi 2 File",
     "sistem_nilai", "ratedCriteria"),
    ("prakualifikasi_1_file", "selective", "e-Lelang Umum Prakualifikasi 1 File",
     "sistem_gugur", "priceOnly"),
    ("prakualifikasi_2_file", "selective", "e-Lelang Umum Prakualifikasi 2 File",
     "umur_ekonomis", "costOnly"),
])
def test_the_method_and_evaluation_map_to_ocds_codes(metode, method, details, evaluasi,
                                                      criteria):
    t = one(event("lelang_announced", metode=metode,
                  metode_evaluasi=evaluasi))["tender"]
    assert t["procurementMethod"] == method
    assert t["procurementMethodDetails"] == f"{details} (Pekerjaan Konstruksi)"
    assert t["awardCriteria"] == criteria
    assert t["submissionMethod"] == ["electronicSubmission"]
    files = "dua file" if metode.endswith("2_file") else "satu file"
    assert files in t["submissionMethodDetails"]


@pytest.mark.parametrize(("kategori", "code", "label"), [
    ("barang", "goods", "Barang"),
    ("pekerjaan_konstruksi", "works", "Pekerjaan Konstruksi"),
    ("jasa_konsultansi", "services", "Jasa Konsultansi"),
    ("jasa_lainnya", "services", "Jasa Lainnya"),
])
def test_the_category_maps_and_the_local_one_is_kept(kategori, code, label):
    t = one(event("lelang_announced", kategori=kategori))["tender"]
    assert t["mainProcurementCategory"] == code
    assert t["procurementMethodDetails"].endswith(f"({label})")


def test_the_announcement_publishes_the_tender_with_hps_pagu_and_parties():
    r = one(event("lelang_announced", jadwal=PASCA_1))
    assert r["tag"] == ["tender"] and r["ocid"] == OCID
    t = r["tender"]
    assert t["status"] == "active" and t["title"] == "Rehabilitasi Jalan Amlapura - " \
                                                      "Bebandem"
    assert t["value"] == {"amount": 1500000000, "currency": "IDR"}  # the HPS total
    assert r["planning"]["budget"]["amount"] == {"amount": 2000000000,
                                                 "currency": "IDR"}  # the pagu
    assert t["procuringEntity"] == {"id": "ULP-KARANGASEM",
                                    "name": "Pokja ULP Kabupaten Karangasem"}
    assert {p["id"]: p["roles"] for p in r["parties"]} == {
        "SKPD-AG-DPUPR": ["buyer"], "ULP-KARANGASEM": ["procuringEntity"],
        "BUPATI-KARANGASEM": ["reviewBody"]}
    assert r["buyer"]["id"] == "SKPD-AG-DPUPR"


def test_the_periods_and_milestones_come_from_the_jadwal():
    t = one(event("lelang_announced", jadwal=PASCA_1))["tender"]
    # stage i starts on 7 Dec + i days, 08:00 WITA = 00:00 UTC
    assert t["tenderPeriod"] == {"startDate": "2026-12-10T02:00:00Z",
                                 "endDate": "2026-12-10T10:00:00Z"}
    assert t["enquiryPeriod"] == {"startDate": "2026-12-09T02:00:00Z",
                                  "endDate": "2026-12-09T10:00:00Z"}
    assert t["awardPeriod"] == {"startDate": "2026-12-11T02:00:00Z",
                                "endDate": "2026-12-15T10:00:00Z"}
    milestones = t["milestones"]
    assert [m["id"] for m in milestones] == [e["tahapan"] for e in PASCA_1]
    assert milestones[3] == {
        "id": "upload_penawaran", "code": "upload_penawaran",
        "title": "Upload Dokumen Penawaran", "type": "engagement",
        "description": "Mulai 2026-12-10T02:00:00Z", "dueDate": "2026-12-10T10:00:00Z"}
    assert {m["id"]: m["type"] for m in milestones}["penetapan_pemenang"] == "approval"


def test_a_prakualifikasi_enquiry_period_falls_back_to_its_penjelasan():
    stages = jadwal("pengumuman_prakualifikasi", "penjelasan_prakualifikasi",
                    "upload_kualifikasi", "upload_penawaran",
                    "pembukaan_evaluasi_file_1", "penetapan_pemenang")
    t = one(event("lelang_announced", metode="prakualifikasi_2_file",
                  metode_evaluasi="sistem_nilai", jadwal=stages))["tender"]
    assert t["enquiryPeriod"]["startDate"] == "2026-12-08T02:00:00Z"
    assert t["awardPeriod"]["startDate"] == "2026-12-11T02:00:00Z"


def test_a_lelang_links_to_its_rup_and_a_retender_to_the_failed_lelang():
    directory = InMemoryDirectory()
    directory.learn(event("rup_announced", rup_id="rup-1"))
    directory.learn(event("paket_created", rup_id="rup-1",
                          paket_id="0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"))
    directory.learn(event("lelang_announced", lelang_id="old-id", kode="LL2026-OLD"))
    r = one(event("lelang_announced", retender_dari="old-id"), directory=directory)
    assert r["relatedProcesses"] == [
        {"id": "rup", "relationship": ["planning"], "scheme": "ocid",
         "identifier": "ocds-krgsm1-RUP-rup-1",
         "title": "Rehabilitasi Jalan Kabupaten"},
        {"id": "retender-dari", "relationship": ["unsuccessfulProcess"],
         "scheme": "ocid", "identifier": "ocds-krgsm1-LL2026-OLD"}]
    assert r["planning"]["budget"]["description"] == "APBD Tahun Anggaran 2026"


def test_a_lelang_without_a_known_rup_has_no_related_process():
    assert "relatedProcesses" not in one(event("lelang_announced"))


# ------------------------------------------------------------------ updates
def test_a_schedule_change_is_a_tender_update_with_its_public_reason():
    r = one(event("jadwal_changed", jadwal=PASCA_1))
    assert r["tag"] == ["tenderUpdate"]
    (amendment,) = r["tender"]["amendments"]
    assert amendment["rationale"] == "gangguan server LPSE"
    assert "Upload Dokumen Penawaran 2026-12-20T00:00:00Z/2026-12-22T08:00:00Z -> " \
           "2026-12-20T00:00:00Z/2026-12-23T08:00:00Z" in amendment["description"]
    assert r["tender"]["tenderPeriod"]["startDate"] == "2026-12-10T02:00:00Z"


def test_an_adendum_is_a_tender_amendment_listing_documents_without_links():
    r = one(event("adendum_issued"))
    assert r["tag"] == ["tenderAmendment"]
    assert r["tender"]["amendments"] == [{
        "id": "adendum-2", "date": "2026-12-04T02:00:00Z",
        "rationale": "perubahan spesifikasi",
        "description": "Adendum dokumen pemilihan versi 2"}]
    (doc,) = r["tender"]["documents"]
    assert doc["documentType"] == "biddingDocuments" and "url" not in doc
    assert doc["id"] == "dokumen-pemilihan-v2-1" and doc["format"] == "application/pdf"


def test_only_the_first_aanwijzing_answer_sets_has_enquiries():
    first = event("pertanyaan_answered")
    releases, after = step(first, state(), InMemoryDirectory(), PUBLISHER)
    assert releases[0]["tag"] == ["tenderUpdate"]
    assert releases[0]["tender"] == {"id": KODE, "hasEnquiries": True}
    assert step(event("pertanyaan_answered"), after, InMemoryDirectory(),
                PUBLISHER)[0] == []


# ------------------------------------------------------------------ award
def before_announcement() -> LelangState:
    return state(metode="pascakualifikasi_1_file",
                 peserta={PENYEDIA: "CV Karya Bali", "p-2": "CV Dua", "p-3": "CV Tiga",
                          "p-4": "CV Empat"},
                 diterima={PENYEDIA: "2026-12-21T03:59:12Z"},
                 dibuka={"single": "2026-12-22T01:00:00Z"},
                 ditetapkan_pada="2026-12-23T01:00:00Z",
                 parties={"SKPD-AG-DPUPR": ["buyer"]})


def test_the_winner_announcement_publishes_bids_and_a_pending_award():
    e = announcement()
    original, award = releases_for(e, before_announcement(), InMemoryDirectory(),
                                   PUBLISHER)
    assert award["tag"] == ["award"] and award["id"] == e.event_id
    (a,) = award["awards"]
    assert a == {
        "id": AWARD, "title": "Pemenang Rehabilitasi Jalan Amlapura - Bebandem",
        "description": "Pengumuman pemenang; Cadangan 1: CV Dua", "status": "pending",
        "date": "2026-12-23T01:00:00Z",  # penetapan pemenang
        "value": {"amount": 1350000000, "currency": "IDR"},
        "suppliers": [{"id": WINNER_PARTY, "name": "CV Karya Bali"}]}
    parties = {p["id"]: p for p in award["parties"]}
    assert parties[WINNER_PARTY]["roles"] == ["supplier", "tenderer"]
    assert parties[WINNER_PARTY]["identifier"] == {
        "scheme": "ID-NPWP", "id": f"NPWP-{PENYEDIA}", "legalName": "CV Karya Bali"}
    assert parties[WINNER_PARTY]["address"]["streetAddress"] == (
        "Jl. Ngurah Rai 5, Amlapura")
    assert parties["penyedia-p-3"]["roles"] == ["tenderer"]
    assert parties["penyedia-p-4"] == {"id": "penyedia-p-4", "name": "CV Empat",
                                       "roles": ["interestedParty"]}
    assert award["tender"]["numberOfTenderers"] == 4
    assert [t["id"] for t in award["tender"]["tenderers"]] == [
        WINNER_PARTY, "penyedia-p-2", "penyedia-p-3"]
    bids = {b["id"]: b for b in award["bids"]["details"]}
    winner_bid = bids[f"penawaran-{PENYEDIA}"]
    assert winner_bid["status"] == "valid" and winner_bid["date"] == (
        "2026-12-21T03:59:12Z")
    assert bids["penawaran-p-2"]["value"]["amount"] == 1390000000  # corrected
    assert bids["penawaran-p-3"]["status"] == "disqualified"
    assert bids["penawaran-p-3"]["description"] == (
        "Lulus administrasi, kualifikasi. Tidak lulus teknis. "
        "Alasan: metode kerja tidak memenuhi")
    assert bids["penawaran-p-3"]["value"]["amount"] == 1300000000  # not corrected
    assert award["bids"]["statistics"] == [
        {"id": "bids", "measure": "bids", "value": 4},
        {"id": "validBids", "measure": "validBids", "value": 2}]
    # the original prices, dated at the opening, before the corrected ones
    assert original["id"] == award["id"] + "-harga-penawaran"
    assert original["tag"] == ["tenderUpdate"]
    assert original["date"] == "2026-12-22T01:00:00Z"
    originals = {b["id"]: b for b in original["bids"]["details"]}
    assert originals["penawaran-p-2"]["value"]["amount"] == 1400000000
    assert {b["status"] for b in originals.values()} == {"pending"}
    assert {p["id"]: p["roles"] for p in original["parties"]}[WINNER_PARTY] == [
        "tenderer"]


def test_without_a_correction_the_announcement_is_one_release():
    (award,) = releases_for(event("pemenang_announced"), None, InMemoryDirectory(),
                            PUBLISHER)
    assert award["tag"] == ["award"]
    assert award["awards"][0]["date"] == "2026-12-04T02:00:00Z"  # no penetapan seen


def test_a_prakualifikasi_counts_qualified_and_disqualified_bidders():
    before = before_announcement()
    before.hasil["prakualifikasi"] = {"lulus": [PENYEDIA, "p-2", "p-3"],
                                      "tidak_lulus": ["p-4"]}
    award = releases_for(announcement(), before, InMemoryDirectory(), PUBLISHER)[-1]
    assert award["bids"]["statistics"][2:] == [
        {"id": "qualifiedBidders", "measure": "qualifiedBidders", "value": 3},
        {"id": "disqualifiedBidders", "measure": "disqualifiedBidders", "value": 1}]


def test_published_roles_are_kept_when_a_party_gains_one():
    before = before_announcement()
    before.parties[WINNER_PARTY] = ["interestedParty"]
    award = releases_for(announcement(), before, InMemoryDirectory(), PUBLISHER)[-1]
    roles = {p["id"]: p["roles"] for p in award["parties"]}
    assert roles[WINNER_PARTY] == ["interestedParty", "supplier", "tenderer"]


# ------------------------------------------------------------------ sanggah, failure
def awarded() -> LelangState:
    return state(awards={AWARD: "pending"}, parties={WINNER_PARTY: ["supplier",
                                                                    "tenderer"]})


def test_a_rejected_sanggah_changes_nothing_public():
    assert releases_for(event("sanggah_answered"), awarded(), InMemoryDirectory(),
                        PUBLISHER) == []


def test_an_upheld_sanggah_cancels_the_award_without_naming_the_objector():
    e = event("sanggah_answered", keputusan="diterima", penyedia_id="p-objector")
    r = one(e, awarded())
    assert r["tag"] == ["awardCancellation"]
    assert r["awards"] == [{"id": AWARD, "status": "cancelled",
                            "description": "Dibatalkan: sanggah diterima"}]
    assert "p-objector" not in str(r) and "parties" not in r


def test_an_upheld_sanggah_against_a_prakualifikasi_result_gives_nothing():
    e = event("sanggah_answered", keputusan="diterima", jenis="prakualifikasi")
    assert releases_for(e, awarded(), InMemoryDirectory(), PUBLISHER) == []


def test_a_failed_lelang_is_unsuccessful_with_its_reason():
    r = one(event("lelang_failed"))
    assert r["tag"] == ["tenderUpdate"]
    assert r["tender"]["status"] == "unsuccessful"
    (doc,) = r["tender"]["documents"]
    assert doc["documentType"] == "cancellationDetails"
    assert doc["description"] == "Jumlah penawaran kurang dari 3"
    assert doc["title"] == "Pelelangan gagal (ke-1)"


def test_a_failure_after_the_award_cancels_it_too():
    r = one(event("lelang_failed"), state(awards={AWARD: "pending",
                                                  "pemenang-old": "cancelled"}))
    assert r["tag"] == ["tenderUpdate", "awardCancellation"]
    assert [a["id"] for a in r["awards"]] == [AWARD]


def test_a_stopped_lelang_is_a_tender_cancellation_with_its_reason():
    e = event("lelang_stopped")
    r = one(e)
    assert r["id"] == e.event_id and r["ocid"] == OCID
    assert r["tag"] == ["tenderCancellation"]
    assert r["tender"]["status"] == "cancelled"
    (doc,) = r["tender"]["documents"]
    assert doc["documentType"] == "cancellationDetails"
    assert doc["description"] == "Anggaran dialihkan; pengadaan dihentikan"
    assert doc["id"] == "penghentian" and doc["datePublished"] == r["date"]
    assert "awards" not in r and "contracts" not in r


def test_a_stop_cancels_an_award_still_open():
    r = one(event("lelang_stopped"), state(awards={AWARD: "pending",
                                                   "pemenang-old": "cancelled"},
                                           contracts={CONTRACT: "pending"}))
    assert r["tag"] == ["tenderCancellation", "awardCancellation"]
    assert [a["id"] for a in r["awards"]] == [AWARD]
    assert r["contracts"] == [{"id": CONTRACT, "status": "cancelled"}]


def test_a_failed_then_stopped_lelang_validates_and_compiles_cancelled():
    releases = replay(stopped_stream(), PUBLISHER)
    uri = "https://lpse.karangasemkab.go.id/ocds/releases"
    assert [r["tag"] for r in releases][-2:] == [["tenderUpdate"],
                                                 ["tenderCancellation"]]
    assert problems(cove(release_package(releases, PUBLISHER, uri=uri,
                                         published=later(60)))) == {}
    records = compile_records(releases)
    assert problems(cove(record_package(records, PUBLISHER, uri=uri,
                                        published=later(60)))) == {}
    (lelang,) = [r for r in records if "-RUP-" not in r["ocid"]]
    tender = lelang["compiledRelease"]["tender"]
    assert tender["status"] == "cancelled"
    assert {d["id"]: d["documentType"] for d in tender["documents"]
            if d["documentType"] == "cancellationDetails"} == {
        "pelelangan-gagal-1": "cancellationDetails",
        "penghentian": "cancellationDetails"}


# ------------------------------------------------------------------ SPPBJ, kontrak
def test_the_sppbj_makes_the_award_active_and_the_contract_pending():
    r = one(event("sppbj_issued"), awarded())
    assert r["tag"] == ["awardUpdate", "contract"]
    assert r["awards"] == [{"id": AWARD, "status": "active",
                            "value": {"amount": 1350000000, "currency": "IDR"}}]
    (c,) = r["contracts"]
    assert c["id"] == CONTRACT and c["awardID"] == AWARD and c["status"] == "pending"
    assert c["description"] == "SPPBJ nomor SPPBJ/01 tanggal 2026-12-28"


def test_an_sppbj_without_a_published_award_is_the_award():
    r = one(event("sppbj_issued"))
    assert r["tag"] == ["award", "contract"]
    assert r["awards"][0]["suppliers"] == [{"id": WINNER_PARTY}]


def test_the_kontrak_is_active_and_the_tender_complete():
    r = one(event("kontrak_signed"), state(contracts={CONTRACT: "pending"}))
    assert r["tag"] == ["contractUpdate", "tenderUpdate"]
    assert r["tender"] == {"id": KODE, "status": "complete"}
    assert r["contracts"] == [{
        "id": CONTRACT, "awardID": AWARD, "title": "Kontrak nomor KONTRAK/01",
        "status": "active", "dateSigned": "2027-01-05T00:00:00+08:00",
        "value": {"amount": 1350000000, "currency": "IDR"}}]
    assert one(event("kontrak_signed"))["tag"] == ["contract", "tenderUpdate"]


# ------------------------------------------------------------------ the fold
def test_the_state_remembers_what_was_published_and_what_is_held_back():
    s = fold(None, event("lelang_announced"))
    assert (s.lelang_id, s.kode, s.metode) == (LELANG_ID, KODE,
                                               "pascakualifikasi_1_file")
    s = fold(s, event("peserta_registered"))
    s = fold(s, event("penawaran_submitted"))
    s = fold(s, event("penawaran_opened", at=later(1)))
    s = fold(s, event("hasil_announced"))
    s = fold(s, event("pemenang_decided", at=later(2)))
    assert s.peserta == {PENYEDIA: "CV Karya Bali"}
    assert s.diterima == {PENYEDIA: "2026-12-21T03:59:12Z"}
    assert s.dibuka == {"single": "2026-12-05T02:00:00Z"}
    assert s.hasil == {"evaluasi_file_1": {"lulus": [PENYEDIA], "tidak_lulus": []}}
    assert s.ditetapkan_pada == "2026-12-06T02:00:00Z"
    releases, s2 = step(event("pemenang_announced"), s, InMemoryDirectory(), PUBLISHER)
    assert s2.awards == {AWARD: "pending"}
    assert s2.parties[WINNER_PARTY] == ["supplier", "tenderer"]
    assert s.awards == {}  # step returns a new state
    assert type(s2).from_dict(s2.to_dict()) == s2


def test_a_replay_drops_duplicate_event_ids():
    e = event("lelang_announced")
    assert len(replay([e, e, e], PUBLISHER)) == 1


def test_an_event_before_the_announcement_still_starts_a_state():
    s = fold(None, event("peserta_registered"))
    assert s is not None and s.peserta == {PENYEDIA: "CV Karya Bali"}
    assert fold(None, event("rup_announced")) is None
    assert sample("rup_announced")["rup_id"]  # a RUP has no lelang state
