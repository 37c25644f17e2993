"""Database plumbing: engine set-up, UTC datetimes, infrastructure tables, unit of work.

* :class:`UTCDateTime` stores UTC and always returns timezone-aware values (SQLite
  returns naive ones otherwise).
* :func:`infra_tables` adds ``outbox``, ``processed_event`` and ``idempotency_record``
  to a service's own metadata, so each service's database has its own.
* :class:`UnitOfWork` is the nameko DependencyProvider: engine and sessionmaker are
  built in ``setup()``, every worker gets a *new* :class:`UoW`, and ``worker_teardown``
  rolls back whatever was not committed. Commits are explicit (``uow.commit()``).
* On SQLite, :func:`create_db_engine` queues the writers of one file on one green
  lock per process and keeps SQLite's own (hub-blocking) busy wait short
  (``sqlite.py``, ARCHITECTURE decision 17); PostgreSQL engines are unchanged.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

try:
    from nameko.extensions import DependencyProvider
except ImportError:  # pragma: no cover
    DependencyProvider = object  # type: ignore[misc,assignment]

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime stored as UTC; refuses naive values on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None,
                           dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None,
                             dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@dataclass(frozen=True)
class InfraTables:
    outbox: Table
    processed_event: Table
    idempotency_record: Table


def infra_tables(metadata: MetaData) -> InfraTables:
    """Create the messaging tables in ``metadata`` (call once per service)."""
    outbox = Table(
        "outbox", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("source", String(40), nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )
    Index("ix_outbox_pending", outbox.c.published_at, outbox.c.id)
    processed_event = Table(
        "processed_event", metadata,
        Column("consumer", String(160), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("processed_at", UTCDateTime(), nullable=False),
    )
    idempotency_record = Table(
        "idempotency_record", metadata,
        Column("method", String(80), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("response", JSON, nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    return InfraTables(outbox, processed_event, idempotency_record)


def make_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the right settings for SQLite files and for PostgreSQL."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_recycle", 1800)
    # an explicit None unsets a default (NullPool refuses pool_size/max_overflow)
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    """A SQLite engine whose writers queue on one green lock per file (``sqlite.py``):
    two writers never meet in SQLite's busy handler, which would stop the hub."""
    from services.common import sqlite

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        # a private in-memory database has one writer by construction
        args: dict[str, Any] = {"check_same_thread": False,
                                "timeout": sqlite.BUSY_TIMEOUT_MS / 1000}
    else:
        args = sqlite.connect_args(os.path.realpath(database))
    engine = create_engine(url, connect_args=args, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={sqlite.BUSY_TIMEOUT_MS}")
        cur.close()

    event.listen(engine, "before_cursor_execute", sqlite.before_cursor_execute)
    return engine


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = (session_or_engine.get_bind() if isinstance(session_or_engine, Session)
            else session_or_engine)
    return bind.dialect.name == "postgresql"


class UoW:
    """One unit of work: a session, the repositories on it, and the outbox.

    Repositories are attributes built lazily from the factories given to
    :class:`UnitOfWork` (``uow.penyedia``). ``commit()`` is explicit; when an
    idempotent RPC has deferred the commit (``defer_commit()``), use-case commits are
    recorded and the entrypoint performs the single real commit at the end.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        repositories: Mapping[str, Callable[[Session], Any]],
        infra: InfraTables,
        source: str,
        on_commit: Callable[[], None] | None = None,
    ):
        self._session_factory = session_factory
        self._session: Session | None = None
        self._repositories = dict(repositories)
        self._built: dict[str, Any] = {}
        self.infra = infra
        self.source = source
        self._on_commit = on_commit
        self._deferred = False
        self.commit_requested = False
        self._before_commit: list[Callable[[UoW], None]] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._session_factory()
        return self._session

    def __getattr__(self, name: str) -> Any:
        repos = self.__dict__.get("_repositories", {})
        if name in repos:
            built = self.__dict__["_built"]
            if name not in built:
                built[name] = repos[name](self.session)
            return built[name]
        raise AttributeError(name)

    @property
    def outbox(self) -> Any:
        from services.common.outbox import OutboxWriter

        if "_outbox" not in self._built:
            self._built["_outbox"] = OutboxWriter(self.session, self.infra.outbox,
                                                  self.source)
        return self._built["_outbox"]

    def defer_commit(self) -> None:
        self._deferred = True

    def before_commit(self, hook: Callable[[UoW], None]) -> None:
        self._before_commit.append(hook)

    def commit(self) -> None:
        if self._deferred:
            self.session.flush()
            self.commit_requested = True
            return
        self._commit_now()

    def _commit_now(self) -> None:
        for hook in self._before_commit:
            hook(self)
        self._before_commit.clear()
        had_outbox = bool(self.session.info.pop("outbox_written", False))
        self.session.commit()
        if had_outbox and self._on_commit:
            self._on_commit()

    def complete_deferred(self) -> None:
        """Perform the real commit of a deferred unit of work."""
        self._deferred = False
        self._commit_now()
        self.commit_requested = False

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.rollback()
            finally:
                self._session.close()
                self._session = None
                self._built.clear()


class Database:
    """Engine + sessionmaker for one service database (one per process)."""

    _lock = threading.Lock()
    _by_url: dict[str, Database] = {}

    def __init__(self, url: str):
        self.url = url
        self.engine = create_db_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)

    @classmethod
    def shared(cls, url: str) -> Database:
        """One Database per URL per process (the UoW and the outbox relay share it)."""
        with cls._lock:
            if url not in cls._by_url:
                cls._by_url[url] = cls(url)
            return cls._by_url[url]

    @classmethod
    def dispose_all(cls) -> None:
        with cls._lock:
            for db in cls._by_url.values():
                db.engine.dispose()
            cls._by_url.clear()


class UnitOfWork(DependencyProvider):  # type: ignore[misc]
    """Injects a fresh :class:`UoW` into every worker.

    :param service: the owning service's name (events source, database default name).
    :param infra: the service's :class:`InfraTables`.
    :param repositories: ``{"attr": factory(session)}`` exposed as ``uow.attr``.
    """

    def __init__(self, service: str, infra: InfraTables,
                 repositories: Mapping[str, Callable[[Session], Any]] | None = None):
        self.service = service
        self.infra = infra
        self.repositories = dict(repositories or {})
        self.database: Database | None = None
        self.on_commit: Callable[[], None] | None = None
        self._active: dict[Any, UoW] = {}

    def setup(self) -> None:
        from services.common.config import settings_for

        settings = settings_for(self.container.config)
        self.database = Database.shared(settings.database_url_for(self.service))
        from services.common.outbox import relay_wakeup

        self.on_commit = relay_wakeup(self.database.url)

    def make_uow(self) -> UoW:
        assert self.database is not None, "UnitOfWork used before setup()"
        return UoW(self.database.sessionmaker, self.repositories, self.infra,
                   self.service, self.on_commit)

    def get_dependency(self, worker_ctx: Any) -> UoW:
        uow = self.make_uow()
        self._active[worker_ctx] = uow
        return uow

    def worker_teardown(self, worker_ctx: Any) -> None:
        uow = self._active.pop(worker_ctx, None)
        if uow is None:
            return
        try:
            uow.close()
        except Exception:  # noqa: BLE001
            # an exception leaving a dependency's teardown kills the whole nameko
            # container (the process exits); a connection the database dropped is
            # invalidated by the pool and the next worker gets a fresh one
            log.warning("worker_teardown: closing the unit of work failed",
                        exc_info=True, extra={"message_id": "uow_close_failed",
                                              "service": self.service})
