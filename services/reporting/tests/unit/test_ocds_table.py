"""The event -> release table itself: complete, consistent with the standard's
codelists, and deterministic."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from services.reporting.domain.ocds import (
    NO_RELEASE,
    TABLE,
    Publisher,
    lelang_ocid,
    releases_for,
    rup_ocid,
    step,
)
from services.reporting.domain.proyeksi import InMemoryDirectory, LelangState
from services.reporting.ocds_compile import STANDARD_ZIP
from services.reporting.tests.ocds_support import (
    KODE,
    LELANG_ID,
    OCID,
    PENYEDIA,
    PUBLISHER,
    event,
    lelang_event_keys,
)


def _codes(codelist: str) -> set[str]:
    with zipfile.ZipFile(STANDARD_ZIP) as zf:
        text = zf.read(f"standard-1__1__5/schema/codelists/{codelist}").decode()
    return {row["Code"] for row in csv.DictReader(io.StringIO(text))}


def test_every_lelang_event_is_in_exactly_one_of_the_two_tables():
    keys = set(lelang_event_keys())
    assert set(TABLE) | set(NO_RELEASE) == keys
    assert not set(TABLE) & set(NO_RELEASE)


def test_every_no_release_entry_says_why():
    assert all(len(reason) > 30 for reason in NO_RELEASE.values())


def test_every_tag_of_the_table_is_an_ocds_1_1_release_tag():
    tags = {t for rule in TABLE.values() for t in rule.tags}
    assert tags <= _codes("releaseTag.csv") - {"compiled"}


def test_a_stopped_lelang_is_a_tender_cancellation_as_domain_13_says():
    # "Tender stopped/cancelled | tenderCancellation (tender.status=cancelled)"
    rule = TABLE[("lelang", "lelang_stopped")]
    assert rule.tags[0] == "tenderCancellation"
    (release,) = releases_for(event("lelang_stopped"), None, InMemoryDirectory(),
                              PUBLISHER)
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    assert {"cancelled", "unsuccessful"} <= _codes("tenderStatus.csv")


@pytest.mark.parametrize("key", sorted(NO_RELEASE), ids="/".join)
def test_an_event_of_no_release_gives_none(key):
    assert releases_for(event(key[1]), None, InMemoryDirectory(), PUBLISHER) == []


def test_events_of_other_sources_give_none():
    agency = event("agency_created", source="registrasi")
    assert releases_for(agency, None, InMemoryDirectory(), PUBLISHER) == []


#: sample changes that make the event give a release (a rejected sanggah gives none)
GIVES_A_RELEASE = {"sanggah_answered": {"keputusan": "diterima"}}


@pytest.mark.parametrize("key", sorted(TABLE), ids="/".join)
def test_the_release_id_is_the_event_id_and_a_replay_is_identical(key):
    e = event(key[1], **GIVES_A_RELEASE.get(key[1], {}))
    state = LelangState(lelang_id=LELANG_ID, kode=KODE,
                        awards={f"pemenang-{PENYEDIA}": "pending"})
    first = releases_for(e, state, InMemoryDirectory(), PUBLISHER)
    again = releases_for(e, state, InMemoryDirectory(), PUBLISHER)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert first, key
    assert first[-1]["id"] == e.event_id
    assert all(r["id"].startswith(e.event_id) for r in first)
    assert len({(r["ocid"], r["id"]) for r in first}) == len(first)
    assert all(set(r["tag"]) <= set(TABLE[key].tags) for r in first)
    assert all(r["initiationType"] == "tender" and r["date"] == "2026-12-04T02:00:00Z"
               for r in first if not r["id"].endswith("-harga-penawaran"))


def test_ocids_follow_the_prefix_and_the_kode_or_the_rup():
    assert lelang_ocid("ocds-krgsm1", "LL2026-5B3C1F0E") == OCID
    assert rup_ocid("ocds-krgsm1", "r1") == "ocds-krgsm1-RUP-r1"
    (planning,), _ = step(event("rup_announced"), None, InMemoryDirectory(), PUBLISHER)
    assert planning["ocid"] == "ocds-krgsm1-RUP-0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"
    (tender,), _ = step(event("lelang_announced"), None, InMemoryDirectory(), PUBLISHER)
    assert tender["ocid"] == OCID and tender["tender"]["id"] == "LL2026-5B3C1F0E"


@pytest.mark.parametrize("prefix", ["ocds-abc", "OCDS-ABCDEF", "abcdef",
                                    "ocds-abcdefg"])
def test_a_malformed_ocid_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        Publisher(prefix)


def test_a_naive_event_time_is_refused():
    from datetime import datetime

    with pytest.raises(ValueError):
        step(event("lelang_announced", at=datetime(2026, 12, 4, 10, 0)), None,
             InMemoryDirectory(), PUBLISHER)
