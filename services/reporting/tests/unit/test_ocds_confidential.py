"""Nothing confidential reaches a release (DOMAIN §9, §11): not the HPS breakdown, not
a bid or its price before the winner announcement, not who asked a question or
filed a sanggah, not the Pokja members or the PPK, not document contents."""

from __future__ import annotations

import json

import pytest

from services.reporting.domain.ocds import TABLE, releases_for, step
from services.reporting.domain.proyeksi import Event, InMemoryDirectory, LelangState
from services.reporting.tests.ocds_support import (
    KODE,
    LELANG_ID,
    PENYEDIA,
    PUBLISHER,
    T0,
    event,
    recorded,
    recorded_names,
    sample,
)

SECRET_HPS = "RINCIAN-HPS-RAHASIA-7731"  # the recorded pakets' HPS breakdown line


def _walk(name: str) -> list[tuple[Event, list[dict]]]:
    """Each event of the recorded stream with the releases it gave."""
    directory, states, out = InMemoryDirectory(), {}, []
    for e in recorded(name):
        lelang_id = str(e.payload.get("lelang_id", ""))
        releases, states[lelang_id] = step(e, states.get(lelang_id), directory,
                                           PUBLISHER)
        directory.learn(e)
        out.append((e, releases))
    return out


def _text(releases) -> str:
    return json.dumps(releases, ensure_ascii=False)


@pytest.mark.parametrize("name", recorded_names())
def test_no_internal_identity_or_secret_reaches_any_release(name):
    walked = _walk(name)
    text = _text([r for _, rs in walked for r in rs])
    secrets = {SECRET_HPS, "%PDF-bid", "%PDF-kual", "%PDF-bahp", "%PDF-adendum",
               "aspal impor", "Evaluasi teknis tidak sesuai"}  # question, sanggah text
    for e, _ in walked:
        p = e.payload
        secrets |= set(p.get("pokja_ids", [])) | {p.get("ppk_id"), p.get("dibuka_oleh"),
                                                  p.get("sanggah_id"),
                                                  p.get("pertanyaan_id")}
        if e.event_type == "penawaran_submitted":
            secrets |= {p["sha256"], p["penawaran_id"]}
        if e.event_type == "adendum_issued":
            secrets |= {d["sha256"] for d in p["dokumen"]}
    leaked = sorted(s for s in secrets - {None} if str(s) in text)
    assert leaked == []


@pytest.mark.parametrize("name", [n for n in recorded_names() if n.startswith(
    "tender_")])
def test_nothing_about_a_bid_is_published_before_the_winner_announcement(name):
    walked = _walk(name)
    announced = next(i for i, (e, _) in enumerate(walked)
                     if e.event_type == "pemenang_announced")
    before = _text([r for _, rs in walked[:announced] for r in rs])
    penyedia = {e.payload["penyedia_id"] for e, _ in walked
                if e.event_type in ("peserta_registered", "penawaran_submitted")}
    prices = {"1400000000", "1350000000", "1450000000", "1390000000"}
    assert [x for x in penyedia | prices if x in before] == []
    assert '"bids"' not in before and "numberOfTenderers" not in before
    assert "tenderers" not in before


@pytest.mark.parametrize("name", [n for n in recorded_names() if n.startswith(
    "tender_")])
def test_sanggah_and_aanwijzing_events_name_nobody(name):
    for e, releases in _walk(name):
        if e.event_type.startswith(("sanggah", "pertanyaan")):
            assert "penyedia-" not in _text(releases), e.event_type


#: keys a careless producer might add; the mapping picks fields by name, so none of
#: these may ever come out, whatever the event
SMUGGLED = {"rincian_hps": [{"uraian": "SMUGGLED-1", "harga_satuan": "SMUGGLED-2"}],
            "harga_sealed": "SMUGGLED-3", "isi": "SMUGGLED-4",
            "pertanyaan": "SMUGGLED-5", "jawaban": "SMUGGLED-6",
            "penanya_id": "SMUGGLED-7", "jaminan_nomor": "SMUGGLED-8",
            "email": "SMUGGLED-9@example.org", "tanda_tangan": "SMUGGLED-10"}


@pytest.mark.parametrize("key", sorted(TABLE), ids="/".join)
def test_fields_outside_the_contract_never_come_out(key):
    loaded = event(key[1], keputusan="diterima") if key[1] == "sanggah_answered" \
        else event(key[1])
    e = Event(loaded.source, loaded.event_type, loaded.event_id, T0,
              {**loaded.payload, **SMUGGLED})
    state = LelangState(lelang_id=LELANG_ID, kode=KODE,
                        awards={f"pemenang-{PENYEDIA}": "pending"})
    text = _text(releases_for(e, state, InMemoryDirectory(), PUBLISHER))
    assert "SMUGGLED" not in text


def test_the_sample_contracts_carry_no_breakdown_for_the_mapping_to_leak():
    # the second line of defence: lelang's event contracts themselves
    assert "rincian_hps" not in sample("paket_created")
    assert "harga" not in json.dumps(sample("penawaran_submitted"))
