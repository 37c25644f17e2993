"""The forwarding rules (``domain.penerusan``): states, backoff with jitter, max age,
routing keys and which destination takes which kind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import retry_horizon
from services.reporting.domain.penerusan import (
    DUE_STATES,
    FINAL_STATES,
    PORTAL_KINDS,
    PUSAT_KINDS,
    Delivery,
    InvalidTransition,
    ItemKind,
    RetryPolicy,
    Status,
    after_failure,
    after_success,
    is_due,
    replayed,
    routing_key,
)

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=10, max_seconds=600, max_age_seconds=3600)


def seconds(moment: datetime | None) -> float:
    assert moment is not None
    return (moment - T0).total_seconds()


# ------------------------------------------------------------------ backoff
def test_backoff_doubles_from_base_up_to_the_maximum_within_the_jitter():
    rng = random.Random(7)
    for attempt, nominal in [(1, 10), (2, 20), (3, 40), (4, 80), (7, 600), (30, 600)]:
        for _ in range(50):
            delay = POLICY.delay(attempt, rng)
            assert nominal * 0.8 - 1e-9 <= delay <= min(nominal * 1.2, 600) + 1e-9


def test_jitter_spreads_a_backlog_instead_of_one_burst():
    rng = random.Random(1)
    delays = {round(POLICY.delay(3, rng), 3) for _ in range(100)}
    assert len(delays) > 50  # not all at the same instant
    assert min(delays) < 38 and max(delays) > 42


def test_no_jitter_gives_exact_delays_and_the_maximum_is_never_exceeded():
    exact = RetryPolicy(1, 30, None, jitter=0)
    assert [exact.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert RetryPolicy(1, 30, None).delay(100) <= 30


@pytest.mark.parametrize("kwargs", [
    {"base_seconds": -1, "max_seconds": 1, "max_age_seconds": None},
    {"base_seconds": 10, "max_seconds": 5, "max_age_seconds": None},
    {"base_seconds": 1, "max_seconds": 5, "max_age_seconds": -1},
    {"base_seconds": 1, "max_seconds": 5, "max_age_seconds": None, "jitter": 1.0},
])
def test_nonsense_policies_are_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


# ------------------------------------------------------------------ transitions
def test_success_on_the_first_try_is_delivered_and_starts_the_clock():
    outcome = after_success(Delivery(Status.PENDING), T0)
    assert outcome.status is Status.DELIVERED
    assert (outcome.attempts, outcome.first_attempt_at, outcome.delivered_at,
            outcome.next_attempt_at) == (1, T0, T0, None)


def test_a_temporary_failure_is_retried_later_and_keeps_the_first_attempt():
    first = after_failure(Delivery(Status.PENDING), T0, POLICY, rng=random.Random(0))
    assert first.status is Status.RETRYING and first.attempts == 1
    assert first.first_attempt_at == T0
    assert 8 <= seconds(first.next_attempt_at) <= 12
    later = T0 + timedelta(seconds=15)
    second = after_failure(Delivery(first.status, first.attempts,
                                    first.first_attempt_at), later, POLICY,
                           rng=random.Random(0))
    assert second.attempts == 2 and second.first_attempt_at == T0
    assert 16 <= (second.next_attempt_at - later).total_seconds() <= 24
    done = after_success(Delivery(second.status, 2, T0), later)
    assert done.status is Status.DELIVERED and done.attempts == 3
    assert done.first_attempt_at == T0


def test_a_permanent_refusal_is_dead_at_once():
    outcome = after_failure(Delivery(Status.PENDING), T0, POLICY, permanent=True)
    assert outcome.status is Status.DEAD and outcome.reason == "refused"
    assert outcome.next_attempt_at is None and outcome.attempts == 1


def test_max_age_counts_from_the_first_attempt_and_ends_with_a_try_at_the_deadline():
    state = Delivery(Status.PENDING)
    now = T0
    seen = []
    for _ in range(100):
        outcome = after_failure(state, now, POLICY, rng=random.Random(3))
        seen.append(outcome)
        if outcome.status is Status.DEAD:
            break
        assert outcome.next_attempt_at <= T0 + timedelta(seconds=3600)
        state = Delivery(outcome.status, outcome.attempts, outcome.first_attempt_at)
        now = outcome.next_attempt_at
    assert seen[-1].status is Status.DEAD and seen[-1].reason == "max_age"
    assert seconds(now) == 3600  # the last try was exactly at the deadline
    assert seen[-2].next_attempt_at == T0 + timedelta(seconds=3600)
    assert all(o.status is Status.RETRYING for o in seen[:-1])


def test_a_delivery_enqueued_long_ago_is_not_dead_on_its_first_failure():
    # the clock starts at the first attempt, not at enqueue
    outcome = after_failure(Delivery(Status.PENDING), T0 + timedelta(days=30), POLICY)
    assert outcome.status is Status.RETRYING


def test_retry_after_is_a_lower_bound_capped_by_the_maximum_and_the_deadline():
    state = Delivery(Status.RETRYING, 1, T0)
    asked = after_failure(state, T0, POLICY, retry_after=300, rng=random.Random(0))
    assert 300 <= seconds(asked.next_attempt_at) <= 300.001
    huge = after_failure(state, T0, POLICY, retry_after=10**6, rng=random.Random(0))
    assert seconds(huge.next_attempt_at) == 600  # the policy's maximum
    near_deadline = T0 + timedelta(seconds=3500)
    late = after_failure(state, near_deadline, POLICY, retry_after=600)
    assert late.next_attempt_at == T0 + timedelta(seconds=3600)


def test_without_max_age_a_delivery_is_retried_for_ever():
    forever = RetryPolicy(1, 60, None)
    outcome = after_failure(Delivery(Status.RETRYING, 10_000, T0),
                            T0 + timedelta(days=365), forever)
    assert outcome.status is Status.RETRYING


def test_replay_brings_a_dead_delivery_back_with_a_fresh_clock():
    outcome = replayed(Delivery(Status.DEAD, 17, T0), T0 + timedelta(days=4))
    assert outcome.status is Status.PENDING
    assert (outcome.attempts, outcome.first_attempt_at) == (0, None)
    assert outcome.next_attempt_at == T0 + timedelta(days=4)
    # and it may fail again without dying at once
    again = after_failure(Delivery(outcome.status), T0 + timedelta(days=4), POLICY)
    assert again.status is Status.RETRYING


@pytest.mark.parametrize("status", sorted(FINAL_STATES))
def test_no_attempt_is_recorded_on_a_final_delivery(status):
    with pytest.raises(InvalidTransition):
        after_success(Delivery(status, 1, T0), T0)
    with pytest.raises(InvalidTransition):
        after_failure(Delivery(status, 1, T0), T0, POLICY)


@pytest.mark.parametrize("status", [Status.PENDING, Status.RETRYING, Status.DELIVERED])
def test_only_dead_deliveries_are_replayed(status):
    with pytest.raises(InvalidTransition):
        replayed(Delivery(status, 1, T0), T0)


def test_due_means_pending_or_retrying_and_its_time_has_come():
    assert DUE_STATES == {Status.PENDING, Status.RETRYING}
    assert is_due(Delivery(Status.PENDING), T0, T0)
    assert not is_due(Delivery(Status.RETRYING, 1, T0), T0 + timedelta(seconds=1), T0)
    assert not is_due(Delivery(Status.DEAD, 1, T0), T0, T0)
    assert not is_due(Delivery(Status.PENDING), None, T0)


def test_a_clock_that_stepped_back_strands_nothing():
    """Scheduled by a clock a day ahead, then put right: a pending delivery is due
    whatever its stamp; a retry further ahead than any wait (max_seconds) is due; one
    within the longest wait keeps its turn."""
    ahead = T0 + timedelta(days=1)
    retrying = Delivery(Status.RETRYING, 1, ahead)
    horizon = retry_horizon(T0, POLICY.max_seconds)
    assert is_due(Delivery(Status.PENDING), ahead, T0, horizon)
    assert is_due(retrying, ahead, T0, horizon)
    within = T0 + timedelta(seconds=POLICY.max_seconds)
    assert not is_due(retrying, within, T0, horizon)
    assert not is_due(retrying, ahead, T0)  # without a horizon: waits
    assert not is_due(Delivery(Status.DEAD, 1, ahead), ahead, T0, horizon)


# ------------------------------------------------------------------ what goes where
def test_releases_go_to_both_destinations_complaints_and_snapshots_to_pusat_only():
    assert PORTAL_KINDS == {ItemKind.OCDS_RELEASE}
    assert PUSAT_KINDS == set(ItemKind)


def test_routing_keys_follow_the_lpse_pusat_contract():
    assert routing_key(ItemKind.OCDS_RELEASE) == "ocds.release"
    assert routing_key(ItemKind.EREPORTING_SNAPSHOT) == "ereporting.snapshot"
    assert routing_key(ItemKind.PENGADUAN, "pengaduan_filed") == "pengaduan.diajukan"
    assert (routing_key(ItemKind.PENGADUAN, "pengaduan_forwarded")
            == "pengaduan.diteruskan")
    # a new event is forwarded under its own name rather than dropped
    assert (routing_key(ItemKind.PENGADUAN, "pengaduan_reopened")
            == "pengaduan.reopened")
    with pytest.raises(ValueError):
        routing_key(ItemKind.PENGADUAN)
