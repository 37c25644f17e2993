"""Forwarding (penerusan) of one item to one destination: its states and retry schedule.

Pasal 16(2) and 17(2) of Perbup 30/2012 ask that OCDS releases, complaints and the
e-reporting figures reach LPSE Pusat and the national portal. Each destination keeps its
own delivery state per item (ARCHITECTURE decision 12), so a portal outage never holds
back LPSE Pusat and vice versa::

    pending --acknowledged--> delivered
       |  \\--temporary failure, still young--> retrying --(due again)--> ...
       |  \\--permanent failure (the receiver refuses the content itself), or the
       |     delivery has been failing for longer than max age--> dead
    dead --operator replays (``lpse reporting replay``)--> pending

Why a *max age* rather than a number of attempts: the backoff grows to
``max_seconds``, so the number of attempts says little about how long a receiver has
been unreachable; what an operator can reason about ("the portal may be down for up
to three days") is time. The clock of a delivery starts at its first attempt, not at
enqueue, so a backlog that waits behind a slow destination is not dead before it was
ever tried. The last retry is scheduled no later than the deadline, so a delivery is
always tried once more at its deadline before it is given up.

A clock that steps back (an NTP correction, a test clock reset) must not strand work:
a pending delivery (never tried) is due whatever its timestamp says, and a retrying one
whose next attempt lies further ahead than any wait the policy can set
(``max_seconds``) was scheduled by a clock that has since gone back, so it is due too.

A temporary failure waits ``base * 2^(attempt-1)`` seconds, at most ``max_seconds``,
spread by +-``jitter`` so that a backlog of thousands does not hit a recovering receiver
in one burst; a receiver's ``Retry-After`` is honoured as a lower bound. Pure: the
caller passes ``now`` and, for reproducible tests, the random source.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_JITTER = 0.2


class Status(enum.StrEnum):
    PENDING = "pending"  # not tried yet (or replayed)
    RETRYING = "retrying"  # failed for now, tried again at next_attempt_at
    DELIVERED = "delivered"  # the destination acknowledged it
    DEAD = "dead"  # given up: too old, or refused for good; an operator may replay


class ItemKind(enum.StrEnum):
    OCDS_RELEASE = "ocds_release"
    PENGADUAN = "pengaduan"
    EREPORTING_SNAPSHOT = "ereporting_snapshot"


#: what each destination takes (DOMAIN 12): the national portal publishes procurement
#: data only; LPSE Pusat gets everything, complaints included (Pasal 17(2))
PORTAL_KINDS = frozenset({ItemKind.OCDS_RELEASE})
PUSAT_KINDS = frozenset(ItemKind)

#: pengaduan's event types as the routing keys agreed with LPSE Pusat
#: (deploy/rabbitmq/SHOVEL.md: ``pengaduan.<event>``, e.g. ``pengaduan.diajukan``)
PENGADUAN_ROUTING = {
    "pengaduan_filed": "pengaduan.diajukan",
    "pengaduan_status_changed": "pengaduan.status_berubah",
    "pengaduan_forwarded": "pengaduan.diteruskan",
    "pengaduan_closed": "pengaduan.ditutup",
    "penyimpangan_reported": "pengaduan.penyimpangan_dilaporkan",
}


def routing_key(kind: ItemKind, event_type: str | None = None) -> str:
    """The routing key of an item on the ``lpse.pusat`` exchange. A pengaduan event
    not in :data:`PENGADUAN_ROUTING` keeps its own name (without a ``pengaduan_``
    prefix), so a new event is forwarded rather than lost."""
    if kind is ItemKind.OCDS_RELEASE:
        return "ocds.release"
    if kind is ItemKind.EREPORTING_SNAPSHOT:
        return "ereporting.snapshot"
    if not event_type:
        raise ValueError("a pengaduan item needs its event type")
    known = PENGADUAN_ROUTING.get(event_type)
    return known or "pengaduan." + event_type.removeprefix("pengaduan_")


#: states the forwarding loop picks up (when due)
DUE_STATES = frozenset({Status.PENDING, Status.RETRYING})
FINAL_STATES = frozenset({Status.DELIVERED, Status.DEAD})


class InvalidTransition(ValueError):
    """A delivery was asked to move in a way the state diagram does not allow (a bug
    in the caller: e.g. recording an attempt on an item already delivered)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How one destination is retried.

    :param base_seconds: wait after the first failure.
    :param max_seconds: the longest wait between two attempts.
    :param max_age_seconds: how long after its first attempt a delivery may keep
        failing before it is dead; ``None`` retries for ever.
    :param jitter: relative spread of each wait (0.2 = +-20%).
    """

    base_seconds: float
    max_seconds: float
    max_age_seconds: float | None
    jitter: float = DEFAULT_JITTER

    def __post_init__(self) -> None:
        if self.base_seconds < 0 or self.max_seconds < self.base_seconds:
            raise ValueError("need 0 <= base_seconds <= max_seconds")
        if self.max_age_seconds is not None and self.max_age_seconds < 0:
            raise ValueError("max_age_seconds must be >= 0 (or None)")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.base_seconds * 2 ** max(attempt - 1, 0), self.max_seconds)
        spread = (rng or random).uniform(1 - self.jitter, 1 + self.jitter)
        return max(0.0, min(raw * spread, self.max_seconds))

    def deadline(self, first_attempt_at: datetime) -> datetime | None:
        if self.max_age_seconds is None:
            return None
        return first_attempt_at + timedelta(seconds=self.max_age_seconds)


@dataclass(frozen=True)
class Delivery:
    """What the rules need to know about one (destination, item) delivery."""

    status: Status
    attempts: int = 0
    first_attempt_at: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    """The delivery after an attempt (or a replay): every field to store."""

    status: Status
    attempts: int
    first_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None = None
    #: why it is dead: "refused" (permanent) or "max_age"; None otherwise
    reason: str | None = None


def _require_due(delivery: Delivery) -> None:
    if delivery.status not in DUE_STATES:
        raise InvalidTransition(f"an attempt on a {delivery.status} delivery")


def after_success(delivery: Delivery, now: datetime) -> Outcome:
    """The destination acknowledged the item."""
    _require_due(delivery)
    return Outcome(Status.DELIVERED, delivery.attempts + 1,
                   delivery.first_attempt_at or now, None, delivered_at=now)


def after_failure(delivery: Delivery, now: datetime, policy: RetryPolicy, *,
                  permanent: bool = False, retry_after: float | None = None,
                  rng: random.Random | None = None) -> Outcome:
    """The state after a failed attempt at ``now``.

    ``permanent``: the receiver refused this content for good (a malformed package),
    so retrying cannot help: dead at once. ``retry_after``: the receiver asked to wait
    at least that many seconds (HTTP ``Retry-After``); it never pushes the next
    attempt past the deadline, so a long Retry-After cannot keep a delivery alive.
    """
    _require_due(delivery)
    attempts = delivery.attempts + 1
    first = delivery.first_attempt_at or now
    if permanent:
        return Outcome(Status.DEAD, attempts, first, None, reason="refused")
    deadline = policy.deadline(first)
    if deadline is not None and now >= deadline:
        return Outcome(Status.DEAD, attempts, first, None, reason="max_age")
    wait = policy.delay(attempts, rng)
    if retry_after is not None:
        wait = max(wait, min(float(retry_after), policy.max_seconds))
    next_at = now + timedelta(seconds=wait)
    if deadline is not None and next_at > deadline:
        next_at = deadline  # one last try at the deadline, then dead
    return Outcome(Status.RETRYING, attempts, first, next_at)


def replayed(delivery: Delivery, now: datetime) -> Outcome:
    """An operator puts a dead delivery back: due now, with a fresh clock and fresh
    attempts (otherwise its old first attempt would make it dead again at once)."""
    if delivery.status is not Status.DEAD:
        raise InvalidTransition(f"replay of a {delivery.status} delivery")
    return Outcome(Status.PENDING, 0, None, now)


def is_due(delivery: Delivery, next_attempt_at: datetime | None, now: datetime,
           horizon: datetime | None = None) -> bool:
    """Whether the loop takes ``delivery`` at ``now`` (the SQL of
    ``forwarding.repository.claim_due`` says the same): pending ones always, retrying
    ones once their time has come or when it lies beyond ``horizon``
    (``services.common.clock.retry_horizon`` of the policy's ``max_seconds``) - the
    clock went back since it was set."""
    if delivery.status not in DUE_STATES or next_attempt_at is None:
        return False
    if delivery.status is Status.PENDING or next_attempt_at <= now:
        return True
    return horizon is not None and next_attempt_at > horizon
