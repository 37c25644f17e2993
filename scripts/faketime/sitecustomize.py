"""Loaded by every Python process that ``scripts/test --at`` starts (it is put on
PYTHONPATH there, and nowhere else).

Debian's libfaketime 0.9.10 with ``FAKETIME_DONT_FAKE_MONOTONIC=1`` breaks
``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`` (it shifts the absolute
deadline by the fake offset, and the kernel answers EINVAL; libfaketime issue 426).
Python 3.11's ``time.sleep`` is that call, and so is every ``subprocess`` wait with a
timeout: a gateway worker or the test runner itself would fail with ``OSError: [Errno
22] Invalid argument``. Faking the monotonic clock instead is worse (threads waiting
on it hang: the kernel is handed fake deadlines). So under libfaketime
``time.sleep`` waits in ``select``, whose timeout is relative and left alone.
eventlet's monkey patching replaces ``time.sleep`` again with its green sleep;
its hub keeps an unpatched copy of the module (``patcher.original("time")``, a
fresh import kept in ``sys.modules``), which gets the same fix here.
"""

import os
import sys

if "faketime" in os.environ.get("LD_PRELOAD", ""):
    import importlib
    import select
    import time

    _select = select.select  # the real one: eventlet patches the module's later

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        _select([], [], [], seconds)

    _sleep.__doc__ = time.sleep.__doc__
    time.sleep = _sleep
    # what eventlet.patcher.original("time") returns once it is in sys.modules
    sys.modules.pop("time")
    try:
        _original = importlib.import_module("time")
    finally:
        sys.modules["time"] = time
    _original.sleep = _sleep
    sys.modules["__original_module_time"] = _original
