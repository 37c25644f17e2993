"""SQLite writes one at a time per process, queued without blocking the eventlet hub.

The failure (ARCHITECTURE decision 17; measured on the SQLite default): SQLite admits
one writer per database file. A second writer's statement waits in SQLite's busy
handler, which sleeps *in C, in the calling OS thread*. Every greenthread of a nameko
service shares that thread, so the whole process - every other request, the AMQP
heartbeats, ``/readyz`` - stood still until the first writer committed, or until
``busy_timeout`` (30 s) ran out with ``database is locked``. Two overlapping
registrations froze registrasi for about 30 s.

The fix, for SQLite engines only (PostgreSQL is untouched: it has row locks and no
file lock):

1. **One green lock per database file per process** (:class:`WriteGate`). A
   connection takes it just before its first write statement (``INSERT``,
   ``UPDATE``, ``DELETE``, ``REPLACE``) and opens the transaction with ``BEGIN
   IMMEDIATE``; it gives it back when that transaction ends (commit, rollback, close -
   and the pool rolls back every connection it takes back). Other writers of the
   process queue on the lock cooperatively, in order, while the hub serves everything
   else; SQLite never sees two writers from one process, so its busy handler never
   runs for them. Reads before the first write run outside any transaction
   (pysqlite's own behaviour, kept), so they never wait.
2. **Another process** (the CLI, the forwarding worker, an operator's ``sqlite3``)
   may still hold the file's write lock. ``BEGIN IMMEDIATE`` meets it with a short
   busy timeout (:data:`BUSY_TIMEOUT_MS`) and is retried after a cooperative sleep
   with backoff until :data:`WRITE_WAIT_SECONDS`, then fails with ``database is
   locked``. The same short busy timeout is the only wait left for any other
   statement (a reader meeting a checkpoint): milliseconds, never seconds.
3. **A greenthread that already holds the gate** through one connection and writes
   through a second would wait for itself for ever: that raises at once
   (:class:`WriteGateReentry`), a programming error made visible.

The gate serializes whole write transactions, so a transaction must be short: no
write transaction may wait on an RPC or a password hash. :func:`check_not_writing`
logs a warning (``sqlite_write_held_across_call``) when one does; the use cases do
their RPCs and hashing before their first write, and an idempotent RPC on SQLite
records its key at the end of its transaction (``messaging._idempotent_call``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

#: SQLite's own busy wait (it blocks the whole process under eventlet): kept short
BUSY_TIMEOUT_MS = 20
#: how long a writer waits for the gate, or for another process's write lock
WRITE_WAIT_SECONDS = 10.0
#: the cooperative sleeps between ``BEGIN IMMEDIATE`` attempts (doubling up to max)
RETRY_FIRST_SECONDS = 0.005
RETRY_MAX_SECONDS = 0.2

_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


class WriteGateReentry(RuntimeError):
    """The current greenthread holds the gate through another connection."""


class WriteGate:
    """The write lock of one SQLite database in this process.

    A FIFO-ish green lock (``threading.Lock`` as eventlet patches it; a real lock in
    an unpatched process such as the CLI) that remembers which connection and which
    greenthread hold it.
    """

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self.holder: Any = None  # the DBAPI connection that holds the gate
        self.owner: int | None = None  # the thread / greenthread that took it

    def acquire(self, connection: Any, timeout: float) -> None:
        me = threading.get_ident()
        if self.owner == me and self.holder is not connection:
            raise WriteGateReentry(
                f"this greenthread already writes to {self.name} through another "
                "connection: a second write transaction would wait for itself")
        if not self._lock.acquire(timeout=timeout):
            raise sqlite3.OperationalError(
                f"database is locked (waited {timeout:.0f} s for the write gate "
                f"of {self.name})")
        self.holder, self.owner = connection, me

    def release(self, connection: Any) -> None:
        if self.holder is connection:
            self.holder = self.owner = None
            self._lock.release()

    def held_by_current(self) -> bool:
        return self.holder is not None and self.owner == threading.get_ident()


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(path: str) -> WriteGate:
    """The one gate of the database file at ``path`` in this process."""
    with _gates_lock:
        if path not in _gates:
            _gates[path] = WriteGate(path)
        return _gates[path]


class GatedConnection(sqlite3.Connection):
    """A pysqlite connection that gives its gate back when its transaction ends."""

    gate: WriteGate | None = None

    @property
    def holds_gate(self) -> bool:
        return self.gate is not None and self.gate.holder is self

    def begin_write(self) -> None:
        """Take the gate, then open the write transaction (``BEGIN IMMEDIATE``)."""
        assert self.gate is not None
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        self.gate.acquire(self, WRITE_WAIT_SECONDS)
        if self.in_transaction:  # opened without a write (a SAVEPOINT): keep it
            return
        delay = RETRY_FIRST_SECONDS
        try:
            while True:
                try:
                    self.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:  # another process writes
                    if not _is_busy(exc) or time.monotonic() + delay > deadline:
                        raise
                time.sleep(delay)  # green under eventlet: the hub keeps serving
                delay = min(delay * 2, RETRY_MAX_SECONDS)
        except BaseException:
            self.gate.release(self)
            raise

    def _end(self) -> None:
        if self.gate is not None and not self.in_transaction:
            self.gate.release(self)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end()  # a failed COMMIT leaves the transaction open: rollback ends it

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.gate is not None:
                self.gate.release(self)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_write(statement: str) -> bool:
    head = statement.lstrip()[:8].upper()
    return head.split(None, 1)[0] in _WRITES if head else False


def connect_args(path: str) -> dict[str, Any]:
    """pysqlite arguments for a gated connection to the file at ``path``."""
    return {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000,
            "factory": type("GatedConnection", (GatedConnection,),
                            {"gate": gate_for(path)})}


def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    """The engine hook: open a gated write transaction before the first write."""
    dbapi = cursor.connection
    if (isinstance(dbapi, GatedConnection) and not dbapi.holds_gate
            and is_write(statement)):
        dbapi.begin_write()


def check_not_writing(what: str) -> bool:
    """Warn if this greenthread holds a SQLite write gate while it starts ``what``
    (an RPC, a password hash): every other writer of the process waits meanwhile.
    Returns whether it does."""
    held = [g.name for g in list(_gates.values()) if g.held_by_current()]
    if held:
        log.warning("a SQLite write transaction is held across %s", what, extra={
            "message_id": "sqlite_write_held_across_call", "call": what,
            "database": held[0]})
    return bool(held)


@contextmanager
def keyed_lock(key: tuple[Any, ...]) -> Iterator[None]:
    """A green lock per ``key`` in this process (made on first use, dropped when no
    one holds or waits for it)."""
    with _keyed_guard:
        entry = _keyed.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _keyed_guard:
            entry[1] -= 1
            if entry[1] == 0:
                _keyed.pop(key, None)


_keyed: dict[tuple[Any, ...], list[Any]] = {}
_keyed_guard = threading.Lock()
