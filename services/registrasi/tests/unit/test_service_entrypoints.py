"""``service.py`` through nameko's ``worker_factory``: translation only - requests are
loaded by the contract, the use case is called with the clock's ``now``, responses are
dumped to plain JSON, errors keep their types, idempotent calls replay."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from nameko.testing.services import worker_factory

from services.common.clock import FixedClock
from services.common.contracts.base import RPC_CONTRACTS
from services.common.errors import ContractViolation, EprocError, Unauthenticated
from services.registrasi import service as service_module
from services.registrasi.service import RegistrasiService
from services.registrasi.tests.helpers import PASSWORD, actor_of, key, register_raw


@pytest.fixture
def service(uow, now, hasher, blobs, config, world):
    return worker_factory(
        RegistrasiService,
        uow=uow,
        clock=FixedClock(now),
        hasher=hasher,
        auth=config,
        blobs=blobs,
    )


def test_every_registrasi_contract_is_implemented():
    found = (
        getattr(getattr(RegistrasiService, name), "__lpse_implements__", None)
        for name in dir(RegistrasiService)
    )
    implemented = {contract.key for contract in found if contract is not None}
    wanted = {
        contract.key
        for (svc, _), contract in RPC_CONTRACTS.items()
        if svc == "registrasi"
    }
    assert wanted == implemented
    assert service_module.SERVICE_CLASS is RegistrasiService
    assert service_module.REQUIRED_SETTINGS == ("JWT_SECRET",)
    assert RegistrasiService.name == "registrasi"


def test_ping_dumps_plain_json(service, now):
    assert service.ping({}) == {"service": "registrasi", "time": now.isoformat()}


def test_requests_are_validated_by_the_contract(service):
    with pytest.raises(ContractViolation) as refused:
        service.register_penyedia(
            {**register_raw("cv.x", []), "npwp": "12-34", "idempotency_key": key()}
        )
    assert set(refused.value.details["fields"]) == {"npwp", "dokumen"}
    with pytest.raises(ContractViolation):
        service.login("not a dict")


def test_the_use_case_gets_the_loaded_request_and_the_clock(service, now, monkeypatch):
    fake = mock.Mock(return_value=[])
    monkeypatch.setattr(service_module.usecases, "list_satker", fake)
    assert service.list_satker({"agency_id": "a1"}) == []
    fake.assert_called_once_with(service.uow, {"agency_id": "a1"}, now)


def test_login_and_authenticate_round_trip_as_json(service, world):
    result = service.login(
        {"username": "helpdesk", "password": PASSWORD, "ip": "1.2.3.4"}
    )
    json.dumps(result)  # nothing left that kombu would have to wrap
    assert result["actor"]["roles"] == ["helpdesk"] and result["token_type"] == "Bearer"
    actor = service.authenticate({"token": result["token"], "ip": "1.2.3.4"})
    assert actor["user_id"] == world.helpdesk["user_id"] and actor["ip"] == "1.2.3.4"
    with pytest.raises(Unauthenticated) as refused:
        service.login({"username": "helpdesk", "password": "nope-nope"})
    assert refused.value.code == "LOGIN_FAILED"


def test_idempotent_rpc_replays_the_stored_response(service, world, uow):
    request = {
        "actor": actor_of(world.admin).to_dict(),
        "idempotency_key": key(),
        "kode": "PDAM",
        "nama": "PDAM Tirta Tohlangkir",
        "jenis": "BUMD",
    }
    events = len(uow.recorded.events)
    first = service.create_agency(request)
    second = service.create_agency(request)
    assert first == second and first["kode"] == "PDAM"
    assert len(uow.recorded.events) == events + 1
    assert [a.kode for a in uow.agency.list_agencies()] == ["DPU", "PDAM"]
    with pytest.raises(EprocError) as refused:
        service.create_agency({**request, "nama": "Another name"})
    assert refused.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_penyedia_entrypoints_translate(service, world, blobs):
    doc = blobs.add()
    registered = service.register_penyedia(
        {**register_raw("cv.rpc", [doc]), "idempotency_key": key()}
    )
    assert registered["status"] == "menunggu_verifikasi"
    verified = service.verify_penyedia(
        {
            "actor": actor_of(world.verifikator).to_dict(),
            "idempotency_key": key(),
            "penyedia_id": registered["penyedia_id"],
            "dokumen_diperiksa": [doc["sha256"]],
        }
    )
    assert verified["status"] == "terverifikasi" and verified["dokumen"][0]["size"]
    assert (
        service.check_penyedia_eligible({"penyedia_id": registered["penyedia_id"]})[
            "eligible"
        ]
        is True
    )
    assert service.list_daftar_hitam({}) == []


def test_failed_password_change_is_counted_through_the_idempotent_rpc(
    engine, world, now, hasher, blobs, config
):
    """On SQLite too: the failure is committed although the RPC's own transaction
    (holding the idempotency claim, and SQLite's write lock) is discarded."""
    import time

    from sqlalchemy.orm import sessionmaker

    from services.common.errors import Forbidden
    from services.registrasi.storage.models import INFRA
    from services.registrasi.storage.repository import REPOSITORIES
    from services.registrasi.tests.unit.conftest import RecordingUoW

    def fresh_service():  # nameko gives every worker a new unit of work
        uow = RecordingUoW(
            sessionmaker(bind=engine, expire_on_commit=False),
            REPOSITORIES,
            INFRA,
            "registrasi",
        )
        return uow, worker_factory(
            RegistrasiService,
            uow=uow,
            clock=FixedClock(now),
            hasher=hasher,
            auth=config,
            blobs=blobs,
        )

    actor = actor_of(world.helpdesk, session_id="s1").to_dict()
    started = time.monotonic()
    for _ in range(2):
        uow, service = fresh_service()
        with pytest.raises(Forbidden) as refused:
            service.change_password(
                {
                    "actor": actor,
                    "idempotency_key": key(),
                    "old_password": "Salah#Sekali2012",
                    "new_password": "Baru#Sekali2012",
                }
            )
        assert refused.value.code == "OLD_PASSWORD_INCORRECT"
        uow.close()
    assert time.monotonic() - started < 5  # no wait on a database lock
    uow, _ = fresh_service()
    failures = uow.login.count_failures(
        username="helpdesk", ip="10.0.0.1", since=now.replace(year=2000)
    )
    assert failures == (2, 2)
    entries, _ = uow.audit.list(
        object_type="user", object_id=world.helpdesk["user_id"], page=1, per_page=2
    )
    assert [e.action for e in entries] == ["password_change_failed"] * 2
    uow.close()
