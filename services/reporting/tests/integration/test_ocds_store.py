"""reporting's ingestion on PostgreSQL: recorded full tenders (real lelang events)
go through ``apply_event`` as the consumer would hand them over; the public OCDS
API answers release packages, compiled records and the feed, valid against OCDS
1.1.5; a replayed event adds nothing; ``rebuild`` from the event log gives the same
releases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.common.contracts.base import EVENT_CONTRACTS
from services.common.db import Database, UoW
from services.common.errors import NotFound
from services.reporting import usecases
from services.reporting.domain.ocds import Publisher, lelang_ocid
from services.reporting.storage import read_models  # noqa: F401
from services.reporting.storage.models import INFRA, Base
from services.reporting.tests import ocds_support as s

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
PUBLISHER = Publisher(s.PREFIX, uri="https://lpse.example.go.id")


@pytest.fixture
def db(pg_database):
    database = Database(pg_database("reporting"))
    Base.metadata.create_all(database.engine)
    yield database
    database.engine.dispose()


def uow(db) -> UoW:
    return UoW(db.sessionmaker, {}, INFRA, "reporting")


def deps() -> usecases.Deps:
    return usecases.Deps(PUBLISHER, api_uri="https://lpse.example.go.id/api/v1/ocds")


def ingest(db, events) -> int:
    new = 0
    for event in events:
        work = uow(db)
        try:
            wire = EVENT_CONTRACTS[event.key].dump_payload(dict(event.payload))
            new += len(usecases.apply_event(work, event, wire, NOW, deps()))
            work.commit()
        finally:
            work.close()
    return new


def call(db, name: str, request: dict[str, Any]) -> Any:
    work = uow(db)
    try:
        return getattr(usecases, name)(work, request, NOW, deps())
    finally:
        work.close()


@pytest.mark.parametrize("name", ["tender_pascakualifikasi_1_file",
                                  "tender_prakualifikasi_2_file"])
def test_a_full_tender_is_published_valid_and_fed(db, name):
    events = s.recorded(name)
    published = ingest(db, events)
    kode = next(e.payload["kode"] for e in events if e.event_type == "lelang_announced")
    ocid = lelang_ocid(s.PREFIX, kode)
    package = call(db, "get_release_package", {"ocid": ocid})["package"]
    assert {r["ocid"] for r in package["releases"]} == {ocid}
    tags = [t for r in package["releases"] for t in r["tag"]]
    assert tags[0] == "tender" and "award" in tags and "contract" in tags
    record = call(db, "get_record_package", {"ocid": ocid})["package"]
    assert record["records"][0]["compiledRelease"]["tender"]["status"] == "complete"
    with s.offline():  # no database work inside: it forbids every connection
        assert s.problems(s.cove(package)) == {}
        assert s.problems(s.cove(record)) == {}

    first = call(db, "list_releases", {"cursor": 0, "limit": 2})
    rest = call(db, "list_releases", {"cursor": first["next_cursor"], "limit": 1000})
    fed = [r["id"] for r in first["package"]["releases"] + rest["package"]["releases"]]
    assert len(fed) == len(set(fed)) == published
    empty = call(db, "list_releases", {"cursor": rest["next_cursor"]})
    assert empty["count"] == 0 and empty["package"]["releases"] == []
    assert empty["next_cursor"] == rest["next_cursor"]


def test_a_redelivered_event_adds_nothing_and_rebuild_gives_the_same(db):
    events = s.recorded("tender_pascakualifikasi_2_file")
    ingest(db, events)
    before = call(db, "list_releases", {"cursor": 0, "limit": 1000})["package"]
    # the same events again (e.g. the log replayed into a fresh consumer): the
    # processed-event table normally stops them; the release ids stop them anyway
    work = uow(db)
    try:
        for event in events[-3:]:
            usecases._derive(work.session, event, NOW, deps())
        work.commit()
    finally:
        work.close()
    again = call(db, "list_releases", {"cursor": 0, "limit": 1000})["package"]
    assert [r["id"] for r in again["releases"]] == [r["id"] for r in before["releases"]]

    applied = usecases.rebuild(db.sessionmaker, usecases.load_row, NOW, deps())
    assert applied == len(events)
    rebuilt = call(db, "list_releases", {"cursor": 0, "limit": 1000})["package"]
    assert rebuilt["releases"] == before["releases"]


def test_unknown_ocid_is_not_found(db):
    with pytest.raises(NotFound) as err:
        call(db, "get_release_package", {"ocid": f"{s.PREFIX}-NOPE"})
    assert err.value.code == "OCID_NOT_FOUND"


def test_e_reporting_and_red_flags_from_the_stored_events(db):
    from services.common.auth import Actor
    from services.common.errors import Forbidden

    for name in ("tender_pascakualifikasi_1_file", "failed_then_retender"):
        ingest(db, s.recorded(name))
    report = call(db, "get_laporan", {"group_by": ["agency_id"]})["laporan"]
    total = report["total"]
    assert total["lelang"]  # the finished tender, the failed one and its retender
    csv = call(db, "get_laporan_csv", {"group_by": ["agency_id"], "tabel": "lelang"})
    header = csv["csv"].split("\r\n")[0]
    assert "," in header and csv["csv"].count("\r\n") >= 2
    failed = call(db, "get_laporan_csv", {"group_by": ["agency_id"],
                                          "tabel": "lelang_gagal"})["csv"]
    assert failed.count("\r\n") >= 2  # the header and the failed lelang
    auditor = Actor(user_id="u-aud", username="aud", roles=("auditor",))
    flags = call(db, "list_bendera", {"actor": auditor, "hanya_terangkat": False})
    assert flags["total"] >= 2
    codes = {b["kode"] for item in flags["items"] for b in item["bendera"]}
    assert {"R003", "R018", "R028", "ID-HPS95"} <= codes
    with pytest.raises(Forbidden):
        call(db, "list_bendera", {"actor": Actor(user_id="u-p", username="p",
                                                 roles=("pokja",))})


def test_the_hourly_snapshot_is_built_once_per_hour(db):
    from services.reporting.forwarding import repository
    from services.reporting.forwarding.config import (
        ForwardingSettings,
        build_destinations,
    )

    ingest(db, s.recorded("tender_pascakualifikasi_1_file"))
    destinations = build_destinations(ForwardingSettings(pusat_amqp_uri="amqp://x"))
    work = uow(db)
    try:
        item = usecases.snapshot(work, NOW, deps())
        assert item.item_id == "ereporting-2027-03-01T10"  # 02:00 UTC is 10:00 WITA
        assert item.body["tahun_anggaran"] == 2027 and "total" in item.body["laporan"]
        repository.enqueue(work.session, [item], destinations, NOW)
        work.commit()
        assert usecases.snapshot(work, NOW, deps()) is None
    finally:
        work.close()


def test_release_writers_take_turns_so_a_feed_reader_never_passes_one(db):
    """Two replicas ingesting at once: the second waits for the first one's commit
    before it stores a release, so its ``urutan`` is larger and committed later; a
    reader paging by cursor in between cannot skip a release still to commit."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    def announcement_of(name):
        return next(e for e in s.recorded(name) if e.event_type == "lelang_announced")

    first = announcement_of("tender_pascakualifikasi_1_file")
    second = announcement_of("tender_prakualifikasi_2_file")

    def apply(work, event):
        wire = EVENT_CONTRACTS[event.key].dump_payload(dict(event.payload))
        return usecases.apply_event(work, event, wire, NOW, deps())

    holding = uow(db)
    waiting = uow(db)
    try:
        assert apply(holding, first)  # stored, not committed yet
        waiting.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            apply(waiting, second)
        waiting.rollback()
        assert call(db, "list_releases", {"cursor": 0})["count"] == 0  # not visible
        holding.commit()
        assert apply(waiting, second)
        waiting.commit()
    finally:
        holding.close()
        waiting.close()
    fed = call(db, "list_releases", {"cursor": 0, "limit": 1000})["package"]
    kodes = [r["tender"]["id"] for r in fed["releases"]]
    assert kodes == [first.payload["kode"], second.payload["kode"]]
