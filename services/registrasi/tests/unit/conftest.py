"""Unit-test fixtures: a SQLite unit of work per test with a recording outbox, a fake
hasher and blob index, and a small seeded world built through the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from services.common.auth import Role
from services.common.contracts import registrasi as c
from services.common.db import UoW, create_db_engine
from services.common.testing import RecordingOutbox
from services.registrasi import usecases as uc
from services.registrasi.domain import LoginPolicy
from services.registrasi.storage.models import INFRA, Base
from services.registrasi.storage.repository import REPOSITORIES
from services.registrasi.tests.helpers import (
    PASSWORD,
    FakeBlobs,
    FakeHasher,
    actor_of,
    load,
    register_raw,
)

SECRET = "unit-test-secret-" + "x" * 32


class RecordingUoW(UoW):
    """The real UoW on SQLite, with the outbox replaced by a recording fake."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.recorded = RecordingOutbox()
        self.commits = 0

    @property
    def outbox(self) -> RecordingOutbox:
        return self.recorded

    def commit(self) -> None:
        self.commits += 1
        super().commit()


@pytest.fixture
def engine(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'registrasi.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    unit = RecordingUoW(
        sessionmaker(bind=engine, expire_on_commit=False),
        REPOSITORIES,
        INFRA,
        "registrasi",
    )
    yield unit
    unit.close()


@pytest.fixture
def now(frozen_now) -> datetime:
    return frozen_now


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def blobs() -> FakeBlobs:
    return FakeBlobs()


@pytest.fixture
def config() -> uc.AuthConfig:
    return uc.AuthConfig(
        SECRET,
        3600,
        "lpse-karangasem",
        "lpse-karangasem/registrasi",
        LoginPolicy(5, 8, 3600),
    )


class World:
    """Agencies and staff accounts, created through the use cases."""

    def __init__(
        self, uow: RecordingUoW, now: datetime, hasher: FakeHasher, blobs: FakeBlobs
    ):
        self.uow, self.now, self.hasher, self.blobs = uow, now, hasher, blobs
        self.admin = uc.bootstrap_admin(
            uow,
            {
                "username": "admin",
                "email": "a@x.id",
                "nama": "Admin",
                "password": PASSWORD,
            },
            now,
            hasher=hasher,
        )
        self.agency = uc.create_agency(
            uow,
            load(
                c.CREATE_AGENCY,
                actor=self.actor(self.admin),
                kode="DPU",
                nama="Dinas Pekerjaan Umum",
                jenis="SKPD",
            ),
            now,
        )
        self.admin_agency = self.user(
            self.admin,
            "admin.dpu",
            [Role.ADMIN_AGENCY],
            agency_id=self.agency["agency_id"],
        )
        self.verifikator = self.user(self.admin, "verifikator", [Role.VERIFIKATOR])
        self.helpdesk = self.user(self.admin, "helpdesk", [Role.HELPDESK])
        self.auditor = self.user(self.admin, "auditor", [Role.AUDITOR])
        self.ppk = self.user(self.admin_agency, "ppk.dpu", [Role.PPK])

    def actor(self, user: dict[str, Any], **kwargs: Any):
        return actor_of(user, **kwargs)

    def user(
        self, creator: dict, username: str, roles: list[Role], **extra: Any
    ) -> dict:
        return uc.create_user(
            self.uow,
            load(
                c.CREATE_USER,
                actor=self.actor(creator),
                username=username,
                email=f"{username}@x.id",
                nama=username.title(),
                password=PASSWORD,
                roles=[str(r) for r in roles],
                **extra,
            ),
            self.now,
            hasher=self.hasher,
        )

    def register(self, username: str, **overrides: Any) -> tuple[str, dict]:
        doc = self.blobs.add()
        result = uc.register_penyedia(
            self.uow,
            load(c.REGISTER_PENYEDIA, **register_raw(username, [doc], **overrides)),
            self.now,
            hasher=self.hasher,
            blobs=self.blobs,
        )
        return result["penyedia_id"], doc

    def verified(self, username: str) -> tuple[str, dict]:
        pid, doc = self.register(username)
        uc.verify_penyedia(
            self.uow,
            load(
                c.VERIFY_PENYEDIA,
                actor=self.actor(self.verifikator),
                penyedia_id=pid,
                dokumen_diperiksa=[doc["sha256"]],
            ),
            self.now,
        )
        return pid, doc

    def penyedia_actor(self, pid: str):
        p = self.uow.penyedia.get(pid)
        user = self.uow.user.get(p.user_id)
        return actor_of(
            {
                "user_id": user.user_id,
                "username": user.username,
                "roles": list(user.roles),
                "penyedia_id": pid,
            }
        )


@pytest.fixture
def world(uow, now, hasher, blobs) -> World:
    return World(uow, now, hasher, blobs)
