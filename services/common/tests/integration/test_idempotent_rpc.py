"""Guarantee 5: a state-changing RPC retried after a timeout, or run late because the
service was down, is applied once; every such RPC carries an idempotency key.

The effect is counted in the producer's own database (``catatan`` rows and their
outbox rows): exactly one per key. Both calls that complete return the same
response, and it is the response of the execution that took effect.
"""

from __future__ import annotations

import uuid

import pytest
from nameko.exceptions import RpcTimeout

from services.common.errors import Conflict
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import equals, wait_until

pytestmark = pytest.mark.integration


def assert_applied_once(harness, response) -> None:
    (row,) = harness.catatan_rows()
    assert row.id == response["catatan_id"]  # the stored response of the one execution
    assert len(harness.outbox_event_ids()) == 1


def test_rpc_retried_after_caller_timeout_is_applied_once(harness):
    harness.producer()
    request = harness.request(1, key=f"retry-{uuid.uuid4().hex}")
    s.CONTROL.rpc_delay = 1.0  # the service is slow: the caller gives up first

    with pytest.raises(RpcTimeout):
        harness.call_create(request, timeout=0.3)
    # retried at once with the same key, while the first execution is still running
    first = harness.call_create(request, timeout=10)
    s.CONTROL.rpc_delay = 0.0
    second = harness.call_create(request, timeout=10)

    assert first == second
    assert first["nomor"] == 1
    assert_applied_once(harness, first)


def test_rpc_that_ran_late_because_service_was_down_is_applied_once(harness):
    harness.producer().stop()  # its RPC queue exists; nobody consumes it now
    request = harness.request(2, key=f"late-{uuid.uuid4().hex}")

    with pytest.raises(RpcTimeout):
        harness.call_create(request, timeout=0.5)
    assert harness.catatan_rows() == []

    harness.producer()  # the service comes back and runs the stale call
    wait_until(equals(lambda: len(harness.catatan_rows()), 1), what="late execution")
    first = harness.call_create(request)
    second = harness.call_create(request)

    assert first == second
    assert_applied_once(harness, first)


def test_reused_idempotency_key_with_a_different_request_is_refused(harness):
    harness.producer()
    key = f"reuse-{uuid.uuid4().hex}"
    response = harness.call_create(harness.request(3, key=key))

    with pytest.raises(Conflict) as refused:
        harness.call_create({**harness.request(3, key=key), "judul": "another"})

    assert refused.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert refused.value.details == {"idempotency_key": key}
    assert_applied_once(harness, response)
