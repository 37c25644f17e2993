"""argon2id password hashing, run off the eventlet hub.

One argon2 hash or verify takes tens to hundreds of milliseconds of CPU; run on the
hub it would stop every other greenthread of the process (heartbeats included, STACK
trap 11). The service passes ``offload=bounded_offload(...)``, which runs the work
through ``eventlet.tpool.execute`` in a real OS thread (argon2-cffi releases the GIL
while hashing), a bounded number at a time and at a lower CPU priority; command-line
tools, which have no hub to protect, call it directly.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.common.sqlite import check_not_writing

Offload = Callable[..., Any]
#: CPU priority (nice) of the password-hashing threads
HASHING_NICE = 10


def _direct(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


class Argon2Hasher:
    """The use cases' ``Hasher`` port with argon2id (parameters from Settings)."""

    def __init__(
        self,
        *,
        memory_kib: int,
        time_cost: int,
        parallelism: int = 1,
        offload: Offload | None = None,
    ):
        self._ph = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            type=Type.ID,
        )
        self._offload = offload or _direct
        self._dummy: str | None = None

    @classmethod
    def from_settings(
        cls, settings: Any, offload: Offload | None = None
    ) -> Argon2Hasher:
        return cls(
            memory_kib=settings.argon2_memory_kib,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
            offload=offload,
        )

    def hash(self, password: str) -> str:
        return self._offload(self._ph.hash, password)

    def verify(self, password_hash: str, password: str) -> bool:
        return bool(self._offload(self._check, password_hash, password))

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        try:
            return self._ph.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def dummy_verify(self, password: str) -> None:
        """Spend one verify's time (unknown users answer as slowly as known ones)."""
        if self._dummy is None:
            self._dummy = self._offload(self._ph.hash, secrets.token_urlsafe(16))
        self.verify(self._dummy, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._ph.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def bounded_offload(limit: int, nice: int = HASHING_NICE) -> Any:
    """``tpool.execute`` with at most ``limit`` calls running at once, in OS threads
    of lower CPU priority.

    A thread pool keeps the hub free of the GIL (argon2-cffi releases it), but not of
    the CPU: 20 argon2 runs in 20 threads on 2 cores left the hub's thread a tenth of
    a core (pings took 300 ms here). So hashing gets at most ``limit`` threads, and
    those run at a higher ``nice`` value (Linux schedules threads individually), so
    the hub - and its heartbeats - win the CPU whenever they need it; logins then
    wait their turn instead of slowing everything else down.
    """
    from eventlet import semaphore, tpool

    gate = semaphore.Semaphore(limit)

    def offload(fn: Any, *args: Any) -> Any:
        check_not_writing("a password hash")
        with gate:
            return tpool.execute(_deprioritised, nice, fn, *args)

    return offload


_thread_state = threading.local()


def _deprioritised(nice: int, fn: Any, *args: Any) -> Any:
    if nice and getattr(_thread_state, "nice", None) != nice:
        with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(
                os.PRIO_PROCESS, threading.get_native_id(), max(current, nice)
            )
        _thread_state.nice = nice
    return fn(*args)


def hashing_slots() -> int:
    """CPU cores for hashing in this process: all but one, at least one."""
    return max(1, (os.cpu_count() or 1) - 1)
