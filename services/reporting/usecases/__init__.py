"""reporting's use cases.

* :func:`apply_event` - one consumed event: appended to the event log, mapped to
  OCDS releases (``domain/ocds.py``, with the lelang's folded state and the
  cross-lelang facts), folded into the e-reporting summaries (``domain/laporan.py``),
  and handed to forwarding (releases and complaints, to their destinations). Runs
  inside ``@consumes`` (one transaction with the processed event id), and every
  write is keyed by a stable id, so a redelivered or replayed event changes nothing.
* :func:`rebuild` - everything derived, again from the event log (the CLI).
* the public OCDS API (``get_release_package``, ``get_record_package``,
  ``list_releases``), e-reporting (``get_laporan``), red flags (``list_bendera``),
  the forwarding state (``get_penerusan``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, select, text

from services.common.auth import Actor, Role
from services.common.db import is_postgres
from services.common.errors import Forbidden, NotFound, Unauthenticated
from services.reporting.domain import ocds
from services.reporting.domain.proyeksi import Event, InMemoryDirectory, LelangState
from services.reporting.ocds_compile import compile_record
from services.reporting.storage.read_models import (
    FaktaRow,
    OcdsStateRow,
    PeristiwaRow,
    RilisRow,
    RingkasanRow,
)

log = logging.getLogger(__name__)
WITA = timezone(timedelta(hours=8), "WITA")

#: who reads red flags and the evidence behind them (Pasal 18)
BENDERA_ROLES = frozenset({Role.ADMIN_PPE, Role.VERIFIKATOR, Role.HELPDESK,
                           Role.AUDITOR})
PENERUSAN_ROLES = frozenset({Role.ADMIN_PPE})

#: the facts :class:`~services.reporting.domain.proyeksi.InMemoryDirectory` keeps,
#: by the attribute that holds them and the ``fakta.jenis`` they are stored as
FACTS = {"agencies": "agency", "paket_rup": "paket_rup", "rups": "rup",
         "kodes": "kode"}


@dataclass
class Deps:
    publisher: ocds.Publisher
    #: where the public OCDS API lives (the packages' ``uri``)
    api_uri: str = "/api/v1/ocds"
    #: forwarding: ``enqueue(session, items, now)`` (None: not forwarding)
    enqueue: Callable[..., Any] | None = None
    #: called with each new release's tags (metrics)
    count: Callable[[str], None] = field(default=lambda tag: None)
    #: the configured forwarding destinations (names), for ``get_penerusan``
    destinations: tuple[str, ...] = ()


# ------------------------------------------------------------------ facts
class DbDirectory:
    """The OCDS mapping's :class:`~services.reporting.domain.proyeksi.Directory` on
    the ``fakta`` table; :meth:`learn` stores what the in-memory reference learns."""

    def __init__(self, session: Any):
        self.session = session

    def _get(self, jenis: str, kunci: str | None) -> Any:
        if not kunci:
            return None
        row = self.session.get(FaktaRow, (jenis, str(kunci)))
        return row.nilai if row else None

    def agency_name(self, agency_id: str) -> str | None:
        return self._get("agency", agency_id)

    def rup_of_paket(self, paket_id: str) -> str | None:
        return self._get("paket_rup", paket_id)

    def rup(self, rup_id: str) -> Mapping[str, Any] | None:
        return self._get("rup", rup_id)

    def kode_of(self, lelang_id: str) -> str | None:
        return self._get("kode", lelang_id)

    def learn(self, event: Event) -> None:
        scratch = InMemoryDirectory()
        scratch.learn(event)
        for attr, jenis in FACTS.items():
            for kunci, nilai in getattr(scratch, attr).items():
                row = self.session.get(FaktaRow, (jenis, kunci))
                if row is None:
                    self.session.add(FaktaRow(jenis=jenis, kunci=kunci, nilai=nilai))
                else:
                    row.nilai = nilai


# ------------------------------------------------------------------ ingestion
def apply_event(uow: Any, event: Event, payload_wire: Mapping[str, Any],
                now: datetime, deps: Deps) -> list[dict[str, Any]]:
    """Log, map, fold and forward one event; returns its new releases."""
    session = uow.session
    lelang_id = event.payload.get("lelang_id") if event.source == "lelang" else None
    session.add(PeristiwaRow(event_id=event.event_id, source=event.source,
                             event_type=event.event_type,
                             lelang_id=str(lelang_id) if lelang_id else None,
                             occurred_at=event.occurred_at, payload=dict(payload_wire)))
    releases = _derive(session, event, now, deps)
    session.flush()
    return releases


def _derive(session: Any, event: Event, now: datetime,
            deps: Deps) -> list[dict[str, Any]]:
    """What the event changes in the derived tables (also used by :func:`rebuild`)."""
    directory = DbDirectory(session)
    releases: list[dict[str, Any]] = []
    lelang_id = str(event.payload.get("lelang_id") or "")
    if event.source == "lelang":
        row = session.get(OcdsStateRow, lelang_id) if lelang_id else None
        state = LelangState.from_dict(row.state) if row and row.state else None
        releases, new_state = ocds.step(event, state, directory, deps.publisher)
        if lelang_id and new_state is not None:
            if row is None:
                session.add(OcdsStateRow(lelang_id=lelang_id,
                                         state=new_state.to_dict()))
            else:
                row.state = new_state.to_dict()
        _store_releases(session, releases, now, deps)
    directory.learn(event)
    apply_summaries(session, event, now)
    if deps.enqueue is not None:
        deps.enqueue(session, event, releases, now)
    return releases


def _store_releases(session: Any, releases: Iterable[dict[str, Any]], now: datetime,
                    deps: Deps) -> None:
    """Store new releases in the feed's order (``urutan``).

    The feed's cursor is that order, so a release must never commit after a
    larger ``urutan`` is visible: a reader paging at that moment would pass it
    for good. Two replicas of reporting could do exactly that, so on PostgreSQL
    release writers take turns (``EXCLUSIVE`` on ``rilis``: reads go on; the lock
    is held to the commit, which ends the transaction's short ingestion of one
    event). Taken after this event's other rows are flushed, in the same order in
    every transaction. SQLite has one writer anyway."""
    releases = list(releases)
    if releases and is_postgres(session):
        session.flush()
        session.execute(text(f"LOCK TABLE {RilisRow.__tablename__} IN EXCLUSIVE MODE"))
    for release in releases:
        if session.scalar(select(RilisRow.urutan).where(
                RilisRow.release_id == release["id"])) is not None:
            continue  # the same event mapped again: the same release id
        session.add(RilisRow(release_id=release["id"], ocid=release["ocid"],
                             tags=list(release["tag"]), date=release["date"],
                             body=release, dibuat_pada=now))
        session.flush()
        for tag in release["tag"]:
            deps.count(tag)


def apply_summaries(session: Any, event: Event, now: datetime) -> None:
    """Fold the event into the e-reporting summaries it touches (``laporan``: the
    routes of the event, in order; a ``via`` route reads a summary stored before)."""
    from services.reporting.domain import laporan

    def lookup(jenis: str, kunci: str) -> Any:
        row = session.get(RingkasanRow, (jenis, kunci))
        return row.data if row else None

    for jenis, kunci in laporan.targets(event, lookup):
        row = session.get(RingkasanRow, (jenis, kunci))
        before = row.data if row else None
        after = laporan.FOLDS[jenis](before, event)
        if after is None or after == before:
            continue
        if row is None:
            row = RingkasanRow(jenis=jenis, kunci=kunci)
            session.add(row)
        row.data = after
        for column in laporan.INDEX_KEYS:
            setattr(row, column, after.get(column))
        row.diperbarui_pada = now
        session.flush()


def rebuild(session_factory: Callable[[], Any], load: Callable[[PeristiwaRow], Event],
            now: datetime, deps: Deps, batch: int = 500) -> int:
    """Drop every derived row and apply the event log again, in its order. Releases
    keep their ids (derived from event ids), so receivers see no new release; the
    forwarding queue is not touched (``deps.enqueue`` is ignored)."""
    deps = Deps(deps.publisher, deps.api_uri, None, deps.count, deps.destinations)
    session = session_factory()
    try:
        for model in (FaktaRow, OcdsStateRow, RilisRow, RingkasanRow):
            session.execute(delete(model))
        session.commit()
        last, applied = 0, 0
        while True:
            rows = list(session.scalars(select(PeristiwaRow).where(
                PeristiwaRow.urutan > last).order_by(PeristiwaRow.urutan).limit(batch)))
            if not rows:
                break
            for row in rows:
                _derive(session, load(row), now, deps)
                last = row.urutan
                applied += 1
            session.commit()
        return applied
    finally:
        session.close()


def forwarding_items(event: Event, releases: Sequence[dict[str, Any]]) -> list[Any]:
    """What goes to LPSE Pusat and the portal: every new release (both), and every
    complaint event (LPSE Pusat, Pasal 17(2)) as its envelope. A complaint event
    never carries the identity of an anonymous or whistleblowing complainant (the
    pengaduan contract), so nothing is removed here."""
    from services.common.contracts.base import EVENT_CONTRACTS
    from services.reporting.forwarding.ports import ocds_release_item, pengaduan_item

    items = [ocds_release_item(release) for release in releases]
    if event.source == "pengaduan":
        contract = EVENT_CONTRACTS[(event.source, event.event_type)]
        items.append(pengaduan_item(event.event_id, event.event_type, {
            "event_id": event.event_id, "source": event.source,
            "event_type": event.event_type,
            "occurred_at": event.occurred_at.isoformat(),
            "payload": contract.dump_payload(dict(event.payload))}))
    return items


def snapshot(uow: Any, now: datetime, deps: Deps) -> Any:
    """The hourly e-reporting snapshot for LPSE Pusat (Pasal 20(1)c): this budget
    year's figures, under an id stable for the hour; None when this hour's is
    enqueued already (the 15-second timer asks far more often than once an hour)."""
    from services.reporting.forwarding.ports import snapshot_item
    from services.reporting.storage.models import ForwardingItemRow

    wita = now.astimezone(WITA)
    snapshot_id = f"ereporting-{wita:%Y-%m-%dT%H}"
    if uow.session.get(ForwardingItemRow, snapshot_id) is not None:
        return None  # this hour's is enqueued already: no need to build it again
    body = get_laporan(uow, {"tahun_anggaran": wita.year,
                             "group_by": ["agency_id"]}, now, deps)
    return snapshot_item(snapshot_id, {"snapshot_id": snapshot_id,
                                       "dibuat_pada": now.isoformat(),
                                       "tahun_anggaran": wita.year, **body})


def get_penerusan(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict[str, Any]:
    """Admin PPE: deliveries per destination and state."""
    from services.reporting.domain.penerusan import Status
    from services.reporting.forwarding import repository

    _reader(request["actor"], PENERUSAN_ROLES)
    counts = repository.backlog(uow.session)
    oldest = repository.oldest_due(uow.session)
    names = sorted(set(deps.destinations) | {dest for dest, _ in counts})
    return {"tujuan": [{
        "nama": name, "aktif": name in deps.destinations,
        **{str(status): counts.get((name, str(status)), 0) for status in Status},
        "tertua_menunggu": oldest[name].isoformat() if name in oldest else None}
        for name in names]}


# ------------------------------------------------------------------ OCDS API
def _releases_of(session: Any, ocid: str) -> list[dict[str, Any]]:
    return [row.body for row in session.scalars(select(RilisRow).where(
        RilisRow.ocid == ocid).order_by(RilisRow.urutan))]


def get_release_package(uow: Any, request: dict[str, Any], now: datetime,
                        deps: Deps) -> dict[str, Any]:
    releases = _releases_of(uow.session, request["ocid"])
    if not releases:
        raise NotFound("OCID_NOT_FOUND", "no release with this ocid")
    return {"package": ocds.release_package(
        releases, deps.publisher, uri=f"{deps.api_uri}/releases/{request['ocid']}",
        published=max(r["date"] for r in releases))}


def get_record_package(uow: Any, request: dict[str, Any], now: datetime,
                       deps: Deps) -> dict[str, Any]:
    releases = _releases_of(uow.session, request["ocid"])
    if not releases:
        raise NotFound("OCID_NOT_FOUND", "no release with this ocid")
    record = compile_record(releases)
    return {"package": ocds.record_package(
        [record], deps.publisher, uri=f"{deps.api_uri}/records/{request['ocid']}",
        published=max(r["date"] for r in releases))}


def list_releases(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict[str, Any]:
    """The feed: releases after ``cursor`` in the order they were stored."""
    cursor, limit = request.get("cursor", 0), request.get("limit", 100)
    rows = list(uow.session.scalars(select(RilisRow).where(
        RilisRow.urutan > cursor).order_by(RilisRow.urutan).limit(limit)))
    releases = [row.body for row in rows]
    published = max((r["date"] for r in releases), default=now.isoformat())
    return {"package": ocds.release_package(
        releases, deps.publisher, uri=f"{deps.api_uri}/releases?cursor={cursor}",
        published=published),
        "next_cursor": rows[-1].urutan if rows else cursor, "count": len(rows)}


# ------------------------------------------------------------------ e-reporting
def _summaries(session: Any, jenis: str, tahun: int | None,
               agency_id: str | None) -> list[dict[str, Any]]:
    stmt = select(RingkasanRow.data).where(RingkasanRow.jenis == jenis)
    if tahun is not None and jenis in ("lelang", "paket", "rup"):
        stmt = stmt.where(RingkasanRow.tahun_anggaran == tahun)
    if agency_id:
        stmt = stmt.where(RingkasanRow.agency_id == agency_id)
    return list(session.scalars(stmt))


def get_laporan(uow: Any, request: dict[str, Any], now: datetime,
                deps: Deps) -> dict[str, Any]:
    from services.reporting.domain import laporan

    tahun, agency_id = request.get("tahun_anggaran"), request.get("agency_id")
    kinds = {jenis: _summaries(uow.session, jenis, tahun, agency_id)
             for jenis in ("lelang", "paket", "rup", "pengaduan", "penyedia")}
    return {"laporan": laporan.aggregate(
        kinds["lelang"], kinds["paket"], kinds["rup"], kinds["pengaduan"],
        kinds["penyedia"], tahun=tahun, agency_id=agency_id,
        group_by=tuple(request.get("group_by") or ("agency_id",)))}


# ------------------------------------------------------------------ red flags
def _reader(actor: Actor | None, roles: frozenset[Role]) -> Actor:
    if actor is None or actor.is_anonymous:
        raise Unauthenticated("UNAUTHENTICATED", "authentication required")
    if not set(actor.roles) & roles:
        raise Forbidden("FORBIDDEN", "not allowed to read this")
    return actor


def lelang_events(session: Any, lelang_id: str,
                  load: Callable[[PeristiwaRow], Event]) -> list[Event]:
    return [load(row) for row in session.scalars(select(PeristiwaRow).where(
        PeristiwaRow.lelang_id == lelang_id).order_by(PeristiwaRow.urutan))]


def bendera_of(events: Sequence[Event], now: datetime) -> dict[str, Any] | None:
    from services.reporting.domain import bendera, red_flags

    lelang = bendera.flag_input(events)
    if lelang is None:
        return None
    flags = red_flags.compute(lelang, now=now)
    return {"lelang_id": lelang.lelang_id, "kode": lelang.kode, "nama": lelang.nama,
            "agency_id": lelang.agency_id,
            "bendera": [_flag_dict(f) for f in flags],
            "usulan_laporan": red_flags.propose_laporan(lelang, flags)}


def _flag_dict(flag: Any) -> dict[str, Any]:
    return {"kode": flag.code, "judul": flag.title, "status": str(flag.status),
            "penjelasan": flag.explanation, "audiens": str(flag.audience),
            "tingkat": str(flag.severity) if flag.severity else None,
            "bukti": flag.evidence}


def load_row(row: PeristiwaRow) -> Event:
    """A logged event, loaded through its contract again (as the consumer had it)."""
    from services.common.contracts.base import EVENT_CONTRACTS

    contract = EVENT_CONTRACTS[(row.source, row.event_type)]
    return Event(row.source, row.event_type, row.event_id, row.occurred_at,
                 contract.load_payload(row.payload))


def list_bendera(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Any) -> dict[str, Any]:
    """Red flags per lelang, computed from the lelang's events (LPSE staff and
    Auditors; the evidence may hold bid receipt times)."""
    _reader(request["actor"], BENDERA_ROLES)
    load = load_row
    session = uow.session
    stmt = select(RingkasanRow.kunci).where(RingkasanRow.jenis == "lelang")
    if request.get("lelang_id"):
        stmt = stmt.where(RingkasanRow.kunci == request["lelang_id"])
    if request.get("tahun_anggaran"):
        stmt = stmt.where(RingkasanRow.tahun_anggaran == request["tahun_anggaran"])
    # every announced lelang has its summary (and flags need the announcement)
    ids = list(session.scalars(stmt.order_by(RingkasanRow.kunci)))
    items = []
    for lelang_id in ids:
        view = bendera_of(lelang_events(session, lelang_id, load), now)
        if view is None:
            continue
        if request.get("hanya_terangkat", True) and not any(
                b["status"] == "raised" for b in view["bendera"]):
            continue
        items.append(view)
    page, per_page = request.get("page", 1), request.get("per_page", 20)
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "total": len(items),
            "page": page, "per_page": per_page}


# ------------------------------------------------------------------ gauges
CLOSED_PENGADUAN = ("selesai", "ditolak")


def figures(uow: Any) -> dict[str, Any]:
    """Complaints still open and lelang by status, from the summaries."""
    session = uow.session
    by_status = dict(session.execute(select(RingkasanRow.status, func.count()).where(
        RingkasanRow.jenis == "lelang").group_by(RingkasanRow.status)).all())
    open_ = session.scalar(select(func.count()).where(
        RingkasanRow.jenis == "pengaduan",
        RingkasanRow.status.not_in(CLOSED_PENGADUAN))) or 0
    uow.rollback()
    return {"lelang_by_status": {str(k): int(v) for k, v in by_status.items() if k},
            "pengaduan_open": int(open_)}


def get_laporan_csv(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict[str, Any]:
    """One table of the report as CSV (``laporan.csv_rows``)."""
    import csv
    import io

    from services.reporting.domain import laporan

    report = get_laporan(uow, request, now, deps)["laporan"]
    tables = laporan.csv_rows(report)
    if request["tabel"] not in tables:
        raise NotFound("TABEL_NOT_FOUND", "no such table",
                       {"tabel": sorted(tables)})
    header, rows = tables[request["tabel"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return {"tabel": request["tabel"], "csv": out.getvalue()}
