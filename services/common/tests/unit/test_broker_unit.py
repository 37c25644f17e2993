"""What a caller is told when a worker met an outage: 503, not 500 (issue 11)."""

from __future__ import annotations

import sys

import pytest
from amqp.exceptions import ConnectionForced
from kombu.exceptions import OperationalError as KombuOperationalError
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from services.common.broker import transient_as_unavailable
from services.common.errors import BadRequest, Unavailable


def _exc_info(exc: BaseException):
    try:
        raise exc
    except BaseException:  # noqa: BLE001
        return sys.exc_info()


@pytest.mark.parametrize("exc,reason", [
    (ConnectionResetError(104, "ECONNRESET"), "broker"),
    (ConnectionForced("closed via management plugin"), "broker"),
    (KombuOperationalError("handshake timeout"), "broker"),
    (OperationalError("SELECT 1", {}, Exception(
        "FATAL:  sorry, too many clients already")), "database"),
    (OperationalError("INSERT", {}, Exception("database is locked")), "database"),
    (DisconnectionError("server closed the connection"), "database"),
    (PoolTimeout("QueuePool limit of size 5 overflow 10 reached"), "database"),
])
def test_an_outage_is_answered_as_unavailable(exc, reason):
    answered = transient_as_unavailable(_exc_info(exc))
    assert answered[0] is Unavailable
    assert answered[1].code == "SERVICE_UNAVAILABLE"
    assert answered[1].details == {"reason": reason}


@pytest.mark.parametrize("exc", [
    BadRequest("JADWAL_INVALID", "", {}), ValueError("a bug"), KeyError("x")])
def test_anything_else_is_passed_on_as_it_is(exc):
    info = _exc_info(exc)
    assert transient_as_unavailable(info) is info


def test_no_error_stays_no_error():
    assert transient_as_unavailable(None) is None
