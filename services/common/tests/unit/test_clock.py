"""Clocks: the test clock's offset is shared through one file; the system clock
cannot be set."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.common.clock import FixedClock, SystemClock, TestClock, clock_for
from services.common.errors import Forbidden


def test_system_clock_is_aware_utc_and_refuses_set():
    clock = SystemClock()
    assert clock.now().tzinfo is UTC
    assert not clock.settable
    with pytest.raises(Forbidden) as error:
        clock.set_offset(3600)
    assert error.value.code == "TEST_CLOCK_DISABLED"


def test_test_clock_offset_is_shared_through_the_file(tmp_path):
    path = tmp_path / "test-clock.json"
    writer, reader = TestClock(path), TestClock(path)  # e.g. two processes
    assert reader.offset() == 0.0
    writer.set_offset(86400 * 3)
    assert reader.offset() == 86400 * 3
    assert reader.now() - datetime.now(UTC) > timedelta(days=3) - timedelta(seconds=5)
    writer.set_offset(-60)
    os.utime(path, (1, 1))  # a new mtime even within the file system's resolution
    assert reader.offset() == -60


def test_broken_clock_file_means_no_offset(tmp_path):
    path = tmp_path / "test-clock.json"
    path.write_text("{not json")
    assert TestClock(path).offset() == 0.0


def test_clock_for_gives_a_settable_clock_only_in_test(tmp_path):
    test = clock_for(SimpleNamespace(lpse_env="test", var_dir=str(tmp_path)))
    assert isinstance(test, TestClock) and test.settable
    assert test.path == tmp_path / "test-clock.json"
    for env in ("dev", "production"):
        clock = clock_for(SimpleNamespace(lpse_env=env, var_dir="x"))
        assert type(clock) is SystemClock


def test_fixed_clock():
    start = datetime(2012, 9, 3, 2, tzinfo=UTC)
    clock = FixedClock(start)
    clock.advance(hours=2)
    assert clock.now() == start + timedelta(hours=2)
    with pytest.raises(ValueError):
        FixedClock(datetime(2012, 9, 3))
