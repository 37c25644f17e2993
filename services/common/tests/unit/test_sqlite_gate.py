"""The SQLite write gate (``services/common/sqlite.py``): one writer per database file
per process, the others waiting cooperatively - the hub keeps running meanwhile."""

from __future__ import annotations

import sqlite3
import time

import eventlet
import pytest
from sqlalchemy import Column, Integer, String, Table, insert, select, text

from services.common import sqlite as gate_module
from services.common.db import Database, make_metadata
from services.common.testing import HubTicker

metadata = make_metadata()
note = Table("note", metadata, Column("id", Integer, primary_key=True),
             Column("who", String(20)))


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'gate.db'}")
    metadata.create_all(db.engine)
    yield db
    db.engine.dispose()


def gate_of(database):
    with database.engine.connect() as conn:
        return conn.connection.dbapi_connection.gate


def test_a_second_writer_waits_cooperatively_for_the_first(database):
    order: list[str] = []
    first_in = eventlet.event.Event()

    def first() -> None:
        with database.sessionmaker() as session:
            session.execute(insert(note).values(id=1, who="first"))
            order.append("first wrote")
            first_in.send()
            eventlet.sleep(0.3)  # a slow transaction: the hub must keep running
            order.append("first commits")
            session.commit()

    def second() -> None:
        first_in.wait()
        with database.sessionmaker() as session:
            session.execute(insert(note).values(id=2, who="second"))
            order.append("second wrote")
            session.commit()

    ticker = HubTicker()
    threads = [eventlet.spawn(first), eventlet.spawn(second)]
    for thread in threads:
        thread.wait()
    longest = ticker.stop()

    assert order == ["first wrote", "first commits", "second wrote"]
    with database.sessionmaker() as session:
        assert session.execute(select(note.c.who).order_by(note.c.id)).scalars().all() \
            == ["first", "second"]
    # without the gate the second insert sleeps in SQLite's busy handler, in C, for
    # the whole 0.3 s: no greenthread runs meanwhile
    assert longest < 0.15, f"the hub stood still for {longest * 1000:.0f} ms"


def test_reads_do_not_wait_for_a_writer(database):
    with database.sessionmaker() as writer:
        writer.execute(insert(note).values(id=1, who="open"))
        assert gate_of(database).holder is not None
        with database.sessionmaker() as reader:
            assert reader.execute(select(note.c.id)).all() == []  # not committed yet
        writer.commit()
    assert gate_of(database).holder is None


def test_the_gate_is_released_by_rollback_close_and_failed_statements(database):
    gate = gate_of(database)
    with database.sessionmaker() as session:
        session.execute(insert(note).values(id=1, who="x"))
        assert gate.holder is not None
        session.rollback()
        assert gate.holder is None
        session.execute(insert(note).values(id=1, who="x"))
        session.commit()
        with pytest.raises(Exception, match="UNIQUE"):
            session.execute(insert(note).values(id=1, who="again"))
        session.rollback()
        assert gate.holder is None
        session.execute(insert(note).values(id=2, who="y"))
    # closed without commit: the pool's rollback gives the gate back
    assert gate.holder is None
    with database.sessionmaker() as session:
        assert session.execute(select(note.c.id)).scalars().all() == [1]


def test_a_greenthread_writing_through_two_connections_fails_at_once(database):
    with database.sessionmaker() as one, database.sessionmaker() as two:
        one.execute(insert(note).values(id=1, who="one"))
        started = time.monotonic()
        with pytest.raises(gate_module.WriteGateReentry):
            two.execute(insert(note).values(id=2, who="two"))
        assert time.monotonic() - started < 1


def test_another_process_holding_the_file_is_waited_for_with_cooperative_retries(
        database, tmp_path, monkeypatch):
    other = sqlite3.connect(tmp_path / "gate.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as the CLI writing in another process
    monkeypatch.setattr(gate_module, "WRITE_WAIT_SECONDS", 5.0)

    def release_later() -> None:
        eventlet.sleep(0.4)
        other.execute("COMMIT")

    ticker = HubTicker()
    eventlet.spawn(release_later)
    started = time.monotonic()
    with database.sessionmaker() as session:
        session.execute(insert(note).values(id=1, who="after"))
        session.commit()
    waited = time.monotonic() - started
    longest = ticker.stop()
    other.close()
    assert 0.3 < waited < 3
    assert longest < 0.15, f"the hub stood still for {longest * 1000:.0f} ms"


def test_another_process_holding_the_file_too_long_fails_cleanly(
        database, tmp_path, monkeypatch):
    other = sqlite3.connect(tmp_path / "gate.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(gate_module, "WRITE_WAIT_SECONDS", 0.3)
    try:
        with database.sessionmaker() as session, \
                pytest.raises(Exception, match="database is locked"):
            session.execute(insert(note).values(id=1, who="late"))
        assert gate_of(database).holder is None
    finally:
        other.close()


def test_gate_wait_times_out_with_database_is_locked(database, monkeypatch):
    monkeypatch.setattr(gate_module, "WRITE_WAIT_SECONDS", 0.2)
    failures: list[str] = []

    def holder() -> None:
        with database.sessionmaker() as session:
            session.execute(insert(note).values(id=1, who="long"))
            eventlet.sleep(0.6)
            session.commit()

    def late() -> None:
        eventlet.sleep(0.05)
        with database.sessionmaker() as session:
            try:
                session.execute(insert(note).values(id=2, who="late"))
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(str(exc))

    for thread in [eventlet.spawn(holder), eventlet.spawn(late)]:
        thread.wait()
    assert len(failures) == 1 and "database is locked" in failures[0]


def test_text_writes_and_postgres_style_reads_are_classified():
    assert gate_module.is_write("INSERT INTO x VALUES (1)")
    assert gate_module.is_write("  update x set a = 1")
    assert gate_module.is_write("DELETE FROM x")
    assert gate_module.is_write("REPLACE INTO x VALUES (1)")
    assert not gate_module.is_write("SELECT 1")
    assert not gate_module.is_write("PRAGMA foreign_keys=ON")
    assert not gate_module.is_write("")


def test_check_not_writing_warns_inside_a_write_transaction(database, caplog):
    assert not gate_module.check_not_writing("an RPC")
    with database.sessionmaker() as session:
        session.execute(text("INSERT INTO note (id, who) VALUES (1, 'x')"))
        assert gate_module.check_not_writing("an RPC")
    assert "held across an RPC" in caplog.text


def test_keyed_lock_serializes_one_key_only():
    events: list[str] = []

    def hold(key: str, name: str, pause: float) -> None:
        with gate_module.keyed_lock(("k", key)):
            events.append(f"{name} in")
            eventlet.sleep(pause)
            events.append(f"{name} out")

    threads = [eventlet.spawn(hold, "a", "a1", 0.1), eventlet.spawn(hold, "a", "a2", 0),
               eventlet.spawn(hold, "b", "b1", 0)]
    for thread in threads:
        thread.wait()
    assert events.index("a1 out") < events.index("a2 in")
    assert events.index("b1 in") < events.index("a1 out")
    assert gate_module._keyed == {}
