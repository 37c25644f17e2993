"""The table event -> recipients, one case per event, on the real contract samples."""

from __future__ import annotations

import pytest

from services.notifikasi.domain.penerima import (
    NO_NOTICE,
    TABLE,
    InMemoryKnown,
    Penerima,
    recipients,
    rule_for,
)
from services.notifikasi.tests.unit.samples import event_keys, load

LELANG_ID = "5b3c1f0e-8a2d-4c6b-9e7f-112233445566"
PENGADUAN_ID = "7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
PENYEDIA = "0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"  # the sample penyedia / winner
PESERTA_2 = "py-peserta-2"
USER = "6f1c2a52-7c1e-4c55-9a57-3f1f0e8f9a01"
PPK = "3c2b1a00-1111-4222-8333-444455556666"
POKJA = ["u-pokja-1", "u-pokja-2", "u-pokja-3"]
PA = "u-pa-dpupr"
PELAPOR = "u-pelapor"

KNOWN = InMemoryKnown(peserta={LELANG_ID: [PENYEDIA, PESERTA_2]},
                      pa_kpa={"AG-DPUPR": [PA]},
                      pelapor={PENGADUAN_ID: PELAPOR})


def penyedia(value: str, why: str = "penyedia") -> Penerima:
    return Penerima("penyedia", value, why)


def user(value: str, why: str) -> Penerima:
    return Penerima("user", value, why)


def email(value: str, why: str) -> Penerima:
    return Penerima("email", value, why)


VERIFIKATOR = [Penerima("role", "verifikator", "verifikator")]
PENYEDIA_ONLY = [penyedia(PENYEDIA)]
USER_ONLY = [user(USER, "user")]
KNOWN_PESERTA = [penyedia(PENYEDIA, "peserta"), penyedia(PESERTA_2, "peserta")]
PAYLOAD_PESERTA = [penyedia(PENYEDIA, "peserta")]  # the sample's peserta_ids
THE_POKJA = [user(u, "pokja") for u in POKJA]
THE_PPK = [user(PPK, "ppk")]
BANDING = THE_POKJA + THE_PPK + [user(PA, "pa_kpa")]

#: (source, event_type) -> exactly who hears of the sample event
EXPECTED: dict[tuple[str, str], list[Penerima]] = {
    ("registrasi", "penyedia_registered"): VERIFIKATOR,
    ("registrasi", "penyedia_resubmitted"): VERIFIKATOR,
    ("registrasi", "penyedia_verified"): PENYEDIA_ONLY,
    ("registrasi", "penyedia_rejected"): PENYEDIA_ONLY,
    ("registrasi", "penyedia_deactivated"): PENYEDIA_ONLY,
    ("registrasi", "penyedia_blacklisted"): PENYEDIA_ONLY,
    ("registrasi", "penyedia_reactivated"): PENYEDIA_ONLY,
    ("registrasi", "user_created"): USER_ONLY,
    ("registrasi", "user_deactivated"): USER_ONLY,
    ("registrasi", "user_reactivated"): USER_ONLY,
    ("registrasi", "role_granted"): USER_ONLY,
    ("registrasi", "role_revoked"): USER_ONLY,
    ("registrasi", "agency_created"): [],
    ("registrasi", "satker_created"): [],
    ("lelang", "rup_announced"): [],
    ("lelang", "paket_created"): [],
    ("lelang", "lelang_announced"): THE_PPK,
    ("lelang", "jadwal_changed"): KNOWN_PESERTA,
    ("lelang", "adendum_issued"): KNOWN_PESERTA,
    ("lelang", "tahapan_started"): [],
    ("lelang", "peserta_registered"): [],
    ("lelang", "pertanyaan_asked"): THE_POKJA,
    ("lelang", "pertanyaan_answered"): KNOWN_PESERTA,
    ("lelang", "penawaran_submitted"): PENYEDIA_ONLY,
    ("lelang", "penawaran_opened"): KNOWN_PESERTA,
    ("lelang", "hasil_announced"): KNOWN_PESERTA,
    ("lelang", "pemenang_decided"): THE_PPK,
    ("lelang", "pemenang_announced"): PAYLOAD_PESERTA,
    ("lelang", "sanggah_filed"): THE_POKJA,
    ("lelang", "sanggah_answered"): PENYEDIA_ONLY,
    ("lelang", "sanggah_banding_recorded"): BANDING,
    ("lelang", "sanggah_banding_decided"): BANDING,
    ("lelang", "lelang_failed"): PAYLOAD_PESERTA,
    ("lelang", "lelang_stopped"): PAYLOAD_PESERTA,
    ("lelang", "sppbj_issued"): PENYEDIA_ONLY + THE_PPK,
    ("lelang", "kontrak_signed"): PENYEDIA_ONLY + THE_PPK,
    # the samples' complainant is anonymous: never addressed, even if known
    ("pengaduan", "pengaduan_filed"): [],
    ("pengaduan", "pengaduan_status_changed"): [],
    ("pengaduan", "pengaduan_closed"): [],
    ("pengaduan", "pengaduan_forwarded"): [
        email("tim.pengarah@karangasemkab.go.id", "tujuan_email")],
    ("pengaduan", "penyimpangan_reported"): [
        user(PA, "pa_kpa"), user(PPK, "ppk"),
        email("inspektorat@karangasemkab.go.id", "penerima_penyimpangan")],
}


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: ".".join(k))
def test_recipients_of_each_event(key: tuple[str, str]) -> None:
    assert recipients(*key, load(*key), KNOWN) == EXPECTED[key]


def test_every_event_contract_is_decided_once() -> None:
    keys = set(event_keys())
    assert set(TABLE) | set(NO_NOTICE) == keys
    assert not set(TABLE) & set(NO_NOTICE)
    assert set(EXPECTED) == keys  # and every one has its case here


def test_an_unknown_event_is_an_error_not_silence() -> None:
    with pytest.raises(KeyError):
        rule_for("lelang", "no_such_event")


@pytest.mark.parametrize("event_type", ["pengaduan_status_changed", "pengaduan_closed"])
def test_a_logged_in_complainant_hears_by_user_id(event_type: str) -> None:
    payload = load("pengaduan", event_type, anonim=False)
    assert recipients("pengaduan", event_type, payload, KNOWN) == [
        user(PELAPOR, "pelapor")]


@pytest.mark.parametrize("event_type", ["pengaduan_status_changed", "pengaduan_closed"])
def test_an_anonymous_complainant_is_never_addressed(event_type: str) -> None:
    payload = load("pengaduan", event_type, anonim=True)
    assert recipients("pengaduan", event_type, payload, KNOWN) == []


def test_a_complainant_unknown_to_notifikasi_is_not_addressed() -> None:
    payload = load("pengaduan", "pengaduan_closed", anonim=False)
    assert recipients("pengaduan", "pengaduan_closed", payload, InMemoryKnown()) == []


def test_peserta_carried_by_the_payload_win_over_the_kept_copy() -> None:
    payload = load("lelang", "lelang_failed", peserta_ids=["py-a", "py-b"])
    assert recipients("lelang", "lelang_failed", payload, KNOWN) == [
        penyedia("py-a", "peserta"), penyedia("py-b", "peserta")]


def test_a_stopped_lelang_reaches_its_peserta_like_a_failed_one() -> None:
    payload = load("lelang", "lelang_stopped", peserta_ids=["py-a", "py-b"])
    assert recipients("lelang", "lelang_stopped", payload, KNOWN) == [
        penyedia("py-a", "peserta"), penyedia("py-b", "peserta")]
    assert recipients("lelang", "lelang_stopped", payload, KNOWN) == recipients(
        "lelang", "lelang_failed", load("lelang", "lelang_failed",
                                        peserta_ids=["py-a", "py-b"]), KNOWN)


def test_a_lelang_without_peserta_tells_nobody() -> None:
    payload = load("lelang", "jadwal_changed")
    assert recipients("lelang", "jadwal_changed", payload, InMemoryKnown()) == []


def test_penyimpangan_addresses_each_recipient_once() -> None:
    # the PPK is both ppk_id and a penerima; the Inspektorat is both a penerima
    # and in inspektorat_emails: one mail each
    found = recipients("pengaduan", "penyimpangan_reported",
                       load("pengaduan", "penyimpangan_reported"), KNOWN)
    values = [(p.kind, p.value) for p in found]
    assert len(values) == len(set(values))
