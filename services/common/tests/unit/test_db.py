"""Database plumbing on SQLite (no server): aware datetimes, explicit and deferred
commits, the outbox written in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, Table, func, insert, select

from services.common.contracts.base import EVENT_CONTRACTS, EventContract
from services.common.db import (
    Database,
    UoW,
    UTCDateTime,
    infra_tables,
    make_metadata,
)
from services.common.errors import ContractViolation

metadata = make_metadata()
INFRA = infra_tables(metadata)
stamp = Table("stamp", metadata, Column("id", Integer, primary_key=True),
              Column("at", UTCDateTime(), nullable=True))


class NotePayload(Schema):
    n = fields.Integer(required=True)


NOTE_ADDED = EventContract(source="unitdb", type="note_added", version=1,
                           payload=NotePayload)
EVENT_CONTRACTS.pop(("unitdb", "note_added"), None)  # test-only: keep registry clean


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'unit.db'}")
    metadata.create_all(db.engine)
    yield db
    db.engine.dispose()


def make_uow(database, woken=None) -> UoW:
    return UoW(database.sessionmaker, {}, INFRA, "unitdb",
               on_commit=(lambda: woken.append(1)) if woken is not None else None)


def test_utc_datetime_on_sqlite_returns_aware_utc(database):
    wita = timezone(timedelta(hours=8))
    with database.sessionmaker() as session:
        at = datetime(2012, 9, 3, 10, tzinfo=wita)
        session.execute(insert(stamp).values(id=1, at=at))
        session.execute(insert(stamp).values(id=2, at=None))
        session.commit()
        rows = dict(session.execute(select(stamp.c.id, stamp.c.at)).all())
    assert rows[1] == datetime(2012, 9, 3, 2, tzinfo=UTC)
    assert rows[1].tzinfo is not None and rows[1].utcoffset() == timedelta(0)
    assert rows[2] is None


def test_utc_datetime_refuses_naive_values(database):
    with database.sessionmaker() as session, pytest.raises(Exception, match="naive"):
        session.execute(insert(stamp).values(id=3, at=datetime(2012, 9, 3, 10)))


def test_outbox_rows_are_written_in_the_callers_transaction(database):
    woken: list[int] = []
    uow = make_uow(database, woken)
    now = datetime.now(UTC)
    event_id = uow.outbox.add(NOTE_ADDED, {"n": 1}, occurred_at=now)
    uow.rollback()
    uow.outbox.add(NOTE_ADDED, {"n": 2}, occurred_at=now)
    uow.commit()
    uow.close()
    with database.sessionmaker() as session:
        rows = session.execute(select(INFRA.outbox.c.event_id,
                                      INFRA.outbox.c.envelope)).all()
    assert len(rows) == 1 and rows[0].event_id != event_id
    assert rows[0].envelope["payload"] == {"n": 2}
    assert rows[0].envelope["event_type"] == "note_added"
    assert woken == [1]  # the relay was woken once, by the commit with outbox rows


def test_outbox_refuses_invalid_payloads_and_foreign_contracts(database):
    uow = make_uow(database)
    with pytest.raises(ContractViolation):
        uow.outbox.add(NOTE_ADDED, {"n": "x"}, occurred_at=datetime.now(UTC))
    other = UoW(database.sessionmaker, {}, INFRA, "someone_else")
    with pytest.raises(ValueError, match="cannot publish"):
        other.outbox.add(NOTE_ADDED, {"n": 1}, occurred_at=datetime.now(UTC))
    uow.close()
    other.close()


def test_deferred_commit_is_one_real_commit_at_the_end(database):
    uow = make_uow(database)
    uow.defer_commit()
    uow.session.execute(insert(stamp).values(id=10, at=datetime.now(UTC)))
    uow.commit()  # a use case's commit: only flushed
    assert uow.commit_requested
    with database.sessionmaker() as other:
        assert other.execute(select(func.count()).select_from(stamp)).scalar_one() == 0
    uow.complete_deferred()
    with database.sessionmaker() as other:
        assert other.execute(select(func.count()).select_from(stamp)).scalar_one() == 1
    uow.close()


def test_repositories_are_built_lazily_on_the_uow_session(database):
    built = []
    uow = UoW(database.sessionmaker, {"stamps": lambda s: built.append(s) or "repo"},
              INFRA, "unitdb")
    assert built == []
    assert uow.stamps == "repo" and uow.stamps == "repo"
    assert built == [uow.session]
    with pytest.raises(AttributeError):
        uow.nothing  # noqa: B018
    uow.close()


def test_a_failing_close_at_worker_teardown_is_logged_not_raised(database, caplog):
    """An exception leaving a dependency's worker_teardown kills the nameko
    container; a dropped database connection must not take the process down."""
    from services.common.db import UnitOfWork

    provider = UnitOfWork("unitdb", INFRA)
    provider.database = database
    worker = object()
    uow = provider.get_dependency(worker)

    def broken_close():
        raise OSError("server closed the connection unexpectedly")

    uow.close = broken_close
    provider.worker_teardown(worker)  # does not raise
    assert worker not in provider._active
    assert any(getattr(r, "message_id", None) == "uow_close_failed"
               for r in caplog.records)
