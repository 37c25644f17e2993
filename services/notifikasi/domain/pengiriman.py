"""Delivery of one e-mail (``pengiriman``): its states and the retry schedule.

::

    menunggu --sent--> terkirim
       |  \\--temporary failure, attempts left--> dicoba_ulang --(due again)--> ...
       |  \\--permanent failure (5xx for the recipient), or no attempt left--> gagal
    gagal --operator requeues (``lpse notifikasi retry``)--> menunggu

A temporary failure (server down, refused connection, timeout, 4xx) waits
``base * 2^(attempt-1)`` seconds, at most ``max_delay``, spread by +-20% jitter so a
backlog does not hit a recovering server all at once. Pure: the caller passes
``now`` and the random source.

A clock that steps back (an NTP correction, a test clock reset) strands nothing: a
pending e-mail is due whatever its timestamp, and a retrying one whose next attempt
lies further ahead than ``max_seconds`` (no wait is longer) is due as well
(``services.common.clock.retry_horizon``, given to the repository's ``next_due``).
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

JITTER = 0.2


class StatusPengiriman(enum.StrEnum):
    MENUNGGU = "menunggu"  # pending: not tried yet (or requeued)
    DICOBA_ULANG = "dicoba_ulang"  # retrying: failed for now, tried again later
    TERKIRIM = "terkirim"  # sent: the server accepted it
    GAGAL = "gagal"  # failed: given up; an operator may requeue


#: states the delivery timer picks up (when due)
DUE_STATES = frozenset({StatusPengiriman.MENUNGGU, StatusPengiriman.DICOBA_ULANG})
FINAL_STATES = frozenset({StatusPengiriman.TERKIRIM, StatusPengiriman.GAGAL})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.base_seconds * 2 ** max(attempt - 1, 0), self.max_seconds)
        spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)
        return max(0.0, min(raw * spread, self.max_seconds))


@dataclass(frozen=True)
class Outcome:
    status: StatusPengiriman
    attempts: int
    next_attempt_at: datetime | None


def after_failure(attempts_before: int, permanent: bool, policy: RetryPolicy,
                  now: datetime, rng: random.Random | None = None) -> Outcome:
    """The state after a failed attempt (``attempts_before`` tries came before it)."""
    attempts = attempts_before + 1
    if permanent or attempts >= policy.max_attempts:
        return Outcome(StatusPengiriman.GAGAL, attempts, None)
    return Outcome(StatusPengiriman.DICOBA_ULANG, attempts,
                   now + timedelta(seconds=policy.delay(attempts, rng)))


def after_success(attempts_before: int) -> Outcome:
    return Outcome(StatusPengiriman.TERKIRIM, attempts_before + 1, None)


def summary(statuses: list[StatusPengiriman]) -> StatusPengiriman | None:
    """The delivery state of one addressee of a deviation report from the states of
    its e-mails: None while any is still due, ``gagal`` if any was given up, else
    ``terkirim`` (an addressee with no e-mail at all is decided by the caller)."""
    if any(status in DUE_STATES for status in statuses):
        return None
    if any(status is StatusPengiriman.GAGAL for status in statuses):
        return StatusPengiriman.GAGAL
    return StatusPengiriman.TERKIRIM
