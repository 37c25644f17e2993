"""Compiled records with ocdsmerge and the copied 1.1.5 release schema (offline)."""

from __future__ import annotations

import pytest

from services.reporting.ocds_compile import compile_record, compile_records
from services.reporting.tests.ocds_support import OCID, offline


def release(rid: str, date: str, **sections) -> dict:
    return {"ocid": OCID, "id": rid, "date": date, "tag": ["tenderUpdate"],
            "initiationType": "tender", **sections}


def test_a_record_holds_the_releases_in_date_order_and_the_compiled_state():
    late = release("b", "2026-12-05T00:00:00Z",
                   tender={"id": "t", "status": "complete"})
    early = release("a", "2026-12-04T00:00:00Z", tender={"id": "t", "status": "active",
                                                         "title": "Jalan"})
    with offline():
        record = compile_record([late, early], versioned=True)
    assert record["ocid"] == OCID
    assert [r["id"] for r in record["releases"]] == ["a", "b"]
    c = record["compiledRelease"]
    assert c["tag"] == ["compiled"] and c["date"] == "2026-12-05T00:00:00Z"
    assert c["tender"] == {"id": "t", "status": "complete", "title": "Jalan"}
    history = record["versionedRelease"]["tender"]["status"]
    assert [v["value"] for v in history] == ["active", "complete"]
    assert [v["releaseID"] for v in history] == ["a", "b"]


def test_releases_of_the_same_second_keep_the_event_order():
    first = release("a", "2026-12-04T00:00:00Z", tender={"id": "t", "status": "active"})
    then = release("b", "2026-12-04T00:00:00Z", tender={"id": "t",
                                                        "status": "unsuccessful"})
    assert compile_record([first, then])["compiledRelease"]["tender"]["status"] == (
        "unsuccessful")


def test_roles_merge_as_a_whole_list_and_bids_by_id():
    a = release("a", "2026-12-04T00:00:00Z",
                parties=[{"id": "p", "roles": ["interestedParty"]}],
                bids={"details": [{"id": "b1", "value": {"amount": 10}},
                                  {"id": "b2", "value": {"amount": 20}}]})
    b = release("b", "2026-12-05T00:00:00Z",
                parties=[{"id": "p", "roles": ["tenderer"]}],
                bids={"details": [{"id": "b1", "value": {"amount": 9}}]})
    c = compile_record([a, b])["compiledRelease"]
    assert c["parties"] == [{"id": "p", "roles": ["tenderer"]}]  # hence: repeat roles
    assert c["bids"]["details"] == [{"id": "b1", "value": {"amount": 9}},
                                    {"id": "b2", "value": {"amount": 20}}]


def test_a_record_is_of_exactly_one_ocid():
    with pytest.raises(ValueError):
        compile_record([])
    with pytest.raises(ValueError):
        compile_record([release("a", "2026-12-04T00:00:00Z"),
                        {**release("b", "2026-12-04T00:00:00Z"), "ocid": "other"}])


def test_records_are_grouped_by_ocid_in_first_seen_order():
    other = {**release("x", "2026-12-01T00:00:00Z"), "ocid": "ocds-krgsm1-RUP-1"}
    records = compile_records([release("a", "2026-12-04T00:00:00Z"), other,
                               release("b", "2026-12-05T00:00:00Z")])
    assert [(r["ocid"], len(r["releases"])) for r in records] == [
        (OCID, 2), ("ocds-krgsm1-RUP-1", 1)]
