"""NamekoBackend and ProxyPool without a broker: retries, error translation, pooling."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from amqp.exceptions import ConnectionForced
from nameko.exceptions import MethodNotFound, RemoteError, RpcTimeout, UnknownService

from gateway.errors import InternalError
from gateway.rpc import NamekoBackend, PooledProxy, ProxyPool
from services.common.auth import Actor
from services.common.contracts.registrasi import (
    CREATE_AGENCY,
    GET_USER,
    LIST_AGENCIES,
    JenisAgency,
)
from services.common.errors import Conflict, ContractViolation, Unavailable

AGENCY = {
    "agency_id": "a-1",
    "kode": "DISPUPR",
    "nama": "Dinas PUPR",
    "jenis": "SKPD",
    "created_at": "2012-09-03T02:00:00+00:00",
}
USER = {
    "user_id": "u-1",
    "username": "budi",
    "email": "b@x.id",
    "nama": "Budi",
    "roles": ["verifikator"],
    "status": "aktif",
    "must_change_password": False,
    "created_at": "2012-09-03T02:00:00+00:00",
}
ADMIN = Actor(user_id="u-admin", roles=("admin_ppe",), session_id="s")


def create_agency_request(key: str = "key-12345678") -> dict[str, Any]:
    return {
        "actor": ADMIN,
        "idempotency_key": key,
        "kode": "DISPUPR",
        "nama": "Dinas PUPR",
        "jenis": JenisAgency.SKPD,
    }


class Script:
    """The answers the 'service' gives, in order; records every request."""

    def __init__(self, *outcomes: Any):
        self.outcomes = list(outcomes)
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def answer(self, method: str, request: dict[str, Any]) -> Any:
        self.requests.append((method, request))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class FakeProxy(PooledProxy):
    def __init__(self, script: Script):
        super().__init__(runner=None, cluster=self)
        self.script = script
        self.timeouts: list[float] = []
        self.alive = True
        self.stopped = False
        self.in_use = False

    def __getitem__(self, service: str) -> Any:
        proxy = self

        class Service:
            def __getattr__(self, method: str) -> Any:
                def call(request: dict[str, Any]) -> Any:
                    assert not proxy.in_use, "a proxy was shared by two threads"
                    proxy.in_use = True
                    try:
                        time.sleep(0.001)
                        return proxy.script.answer(f"{service}.{method}", request)
                    finally:
                        proxy.in_use = False

                return call

        return Service()

    def set_timeout(self, seconds: float) -> None:
        self.timeouts.append(seconds)

    def looks_alive(self) -> bool:
        return self.alive

    def stop(self) -> None:
        self.stopped = True


def make_backend(script: Script, max_size: int = 4) -> tuple[NamekoBackend, ProxyPool]:
    proxies: list[FakeProxy] = []

    def factory() -> FakeProxy:
        proxies.append(FakeProxy(script))
        return proxies[-1]

    pool = ProxyPool({}, timeout=5.0, max_size=max_size, factory=factory)
    pool.proxies = proxies  # type: ignore[attr-defined]
    return NamekoBackend("amqp://unused", timeout=5.0, pool=pool), pool


def test_idempotent_call_is_retried_once_after_a_timeout_with_the_same_key():
    script = Script(RpcTimeout(5.0), AGENCY)
    backend, pool = make_backend(script)
    result = backend.call(CREATE_AGENCY, create_agency_request("key-abcdefgh"))
    assert result["agency_id"] == "a-1"
    keys = [request["idempotency_key"] for _, request in script.requests]
    assert keys == ["key-abcdefgh", "key-abcdefgh"]
    assert (pool.created, pool.dropped) == (2, 1)  # the timed-out proxy is dropped
    assert pool.proxies[0].stopped


def test_idempotent_call_gives_up_after_the_second_timeout():
    script = Script(RpcTimeout(5.0), RpcTimeout(5.0))
    backend, _ = make_backend(script)
    with pytest.raises(Unavailable) as info:
        backend.call(CREATE_AGENCY, create_agency_request())
    assert info.value.details == {"service": "registrasi", "reason": "timeout"}
    assert len(script.requests) == 2


def test_other_calls_are_never_retried():
    script = Script(RpcTimeout(5.0))
    backend, _ = make_backend(script)
    with pytest.raises(Unavailable):
        backend.call(GET_USER, {"actor": ADMIN, "user_id": "u-1"})
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    "error",
    [
        ConnectionResetError(104, "reset"),
        ConnectionForced("closed by broker"),
        RuntimeError("This consumer has been disconnected, and can no longer be used"),
    ],
)
def test_connection_errors_drop_the_proxy(error):
    script = Script(error, AGENCY)
    backend, pool = make_backend(script)
    assert backend.call(CREATE_AGENCY, create_agency_request())["kode"] == "DISPUPR"
    assert pool.dropped == 1
    script = Script(error)
    backend, pool = make_backend(script)
    with pytest.raises(Unavailable) as info:
        backend.call(GET_USER, {"actor": ADMIN, "user_id": "u-1"})
    assert info.value.details["reason"] == "connection"
    assert pool.dropped == 1


def test_platform_errors_come_back_typed_and_keep_the_proxy():
    script = Script(Conflict("AGENCY_KODE_TAKEN", "taken", {"kode": "DISPUPR"}))
    backend, pool = make_backend(script)
    with pytest.raises(Conflict) as info:
        backend.call(CREATE_AGENCY, create_agency_request())
    assert info.value.code == "AGENCY_KODE_TAKEN"
    assert len(script.requests) == 1
    assert (pool.dropped, pool.idle_count) == (0, 1)


@pytest.mark.parametrize(
    "error", [RemoteError("KeyError", "'x'"), MethodNotFound("get_user")]
)
def test_unexpected_remote_errors_become_internal_errors(error):
    backend, pool = make_backend(Script(error))
    with pytest.raises(InternalError):
        backend.call(GET_USER, {"actor": ADMIN, "user_id": "u-1"})
    assert pool.idle_count == 1


def test_unknown_service_is_unavailable_without_retry():
    script = Script(UnknownService("registrasi"))
    backend, _ = make_backend(script)
    with pytest.raises(Unavailable) as info:
        backend.call(CREATE_AGENCY, create_agency_request())
    assert info.value.details["reason"] == "not_running"
    assert len(script.requests) == 1


def test_a_response_breaking_its_contract_is_an_internal_error():
    backend, _ = make_backend(Script({"user_id": "u-1"}))
    with pytest.raises(InternalError):
        backend.call(GET_USER, {"actor": ADMIN, "user_id": "u-1"})


def test_a_request_breaking_its_contract_is_the_callers_error_and_never_sent():
    script = Script()
    backend, _ = make_backend(script)
    with pytest.raises(ContractViolation):
        backend.call(GET_USER, {"actor": ADMIN, "user_id": "x" * 100})
    assert script.requests == []


def test_load_only_fields_travel():  # the passwords of LOGIN, CREATE_USER, ...
    from services.common.contracts.registrasi import LOGIN

    script = Script(
        {
            "token": "t" * 20,
            "token_type": "Bearer",
            "expires_at": "2012-09-03T03:00:00+00:00",
            "must_change_password": False,
            "actor": {"user_id": "u-1"},
        }
    )
    backend, _ = make_backend(script)
    result = backend.call(
        LOGIN, {"username": "budi", "password": "rahasia123", "ip": None}
    )
    assert script.requests[0][1]["password"] == "rahasia123"
    assert result["actor"].user_id == "u-1"


def test_the_timeout_is_set_per_call():
    backend, pool = make_backend(Script([], []))
    backend.call(LIST_AGENCIES, {}, timeout=2.0)
    backend.call(LIST_AGENCIES, {})
    # per call: 2 s, back to RPC_TIMEOUT on release; then the default call
    assert pool.proxies[0].timeouts == [2.0, 5.0, 5.0, 5.0]


def test_the_pool_reuses_proxies():
    backend, pool = make_backend(Script([], [], []))
    for _ in range(3):
        backend.call(LIST_AGENCIES, {})
    assert (pool.created, pool.idle_count) == (1, 1)


def test_a_broken_idle_proxy_is_replaced_on_check_out():
    backend, pool = make_backend(Script([], []))
    backend.call(LIST_AGENCIES, {})
    pool.proxies[0].alive = False
    backend.call(LIST_AGENCIES, {})
    assert (pool.created, pool.dropped) == (2, 1)
    assert pool.proxies[0].stopped


def test_an_exhausted_pool_is_unavailable():
    _, pool = make_backend(Script(), max_size=1)
    first = pool.acquire()
    with pytest.raises(Unavailable) as info:
        pool.acquire(wait=0.01)
    assert info.value.details["reason"] == "rpc_pool_exhausted"
    pool.release(first)
    assert pool.acquire(wait=0.01) is first


def test_an_unreachable_broker_is_unavailable_and_frees_the_slot():
    def factory() -> PooledProxy:
        raise ConnectionRefusedError(111, "refused")

    pool = ProxyPool({}, timeout=1.0, max_size=1, factory=factory)
    for _ in range(2):  # the slot came back after the first failure
        with pytest.raises(Unavailable) as info:
            pool.acquire(wait=0.01)
        assert info.value.details["reason"] == "broker_unreachable"


def test_after_fork_the_pool_forgets_inherited_proxies_without_closing_them():
    backend, pool = make_backend(Script([], []))
    backend.call(LIST_AGENCIES, {})
    inherited = pool.proxies[0]
    pool._pid = -1  # as seen from a forked child
    backend.call(LIST_AGENCIES, {})
    assert pool.created == 2 and not inherited.stopped


def test_sixteen_threads_never_share_a_proxy():
    script = Script(*([[]] * 160))
    backend, pool = make_backend(script, max_size=4)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                assert backend.call(LIST_AGENCIES, {}) == []
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert pool.created <= 4 and len(script.requests) == 160


def test_check_broker_reports_an_unreachable_broker():
    backend = NamekoBackend("amqp://guest:guest@127.0.0.1:1//", timeout=1.0)
    with pytest.raises(Unavailable):
        backend.check_broker(timeout=1.0)


class WorkerAbort(BaseException):
    """Like gunicorn's SystemExit in a timed-out worker."""


def test_an_interrupted_call_drops_the_proxy():
    backend, pool = make_backend(Script(WorkerAbort()))
    with pytest.raises(WorkerAbort):
        backend.call(LIST_AGENCIES, {})
    assert (pool.dropped, pool.idle_count) == (1, 0)
