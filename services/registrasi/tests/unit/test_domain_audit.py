"""The audit hash chain: sealing, and detecting changed, removed and reordered rows."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from services.registrasi.domain import GENESIS, AuditEntry, seal, verify_chain


def chain(n: int, now) -> list[AuditEntry]:
    entries, prev = [], GENESIS
    for i in range(1, n + 1):
        entry = seal(
            AuditEntry(
                action="login_succeeded",
                object_type="user",
                object_id=f"u{i}",
                at=now + timedelta(seconds=i),
                actor_user_id=f"u{i}",
                ip="10.0.0.1",
                details={"n": i, "nama": "Gede"},
            ),
            seq=i,
            prev_hash=prev,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_intact_chain(frozen_now):
    entries = chain(5, frozen_now)
    report = verify_chain(entries)
    assert report.ok and report.count == 5 and report.first_bad_seq is None
    assert entries[0].prev_hash == GENESIS
    assert all(
        b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False)
    )


def test_hash_covers_every_field(frozen_now):
    base = chain(1, frozen_now)[0]
    for name, value in [
        ("action", "logout"),
        ("object_id", "x"),
        ("ip", "1.1.1.1"),
        ("actor_user_id", None),
        ("details", {"n": 2, "nama": "Gede"}),
        ("at", frozen_now),
        ("seq", 2),
    ]:
        changed = dataclasses.replace(base, **{name: value})
        assert verify_chain([changed]).problems, name


def test_canonical_json_is_order_independent(frozen_now):
    a = AuditEntry("x", "user", "1", frozen_now, details={"a": 1, "b": [1, 2]})
    b = AuditEntry("x", "user", "1", frozen_now, details={"b": [1, 2], "a": 1})
    assert a.canonical() == b.canonical()


@pytest.mark.parametrize(
    "tamper,first_bad,problems",
    [
        (
            lambda e: e.__setitem__(2, dataclasses.replace(e[2], details={"n": 99})),
            3,
            ["changed"],
        ),
        (lambda e: e.pop(3), 4, ["missing"]),
        (
            lambda e: e.pop(),
            None,
            [],
        ),  # a removed tail is not visible in the chain itself
        (
            lambda e: e.__setitem__(
                1,
                seal(
                    dataclasses.replace(e[1], ip="6.6.6.6"), seq=2, prev_hash=e[0].hash
                ),
            ),
            3,
            ["relinked"],
        ),
    ],
)
def test_tampering_is_detected(tamper, first_bad, problems, frozen_now):
    entries = chain(6, frozen_now)
    tamper(entries)
    report = verify_chain(entries)
    assert report.first_bad_seq == first_bad
    assert [p.problem for p in report.problems] == problems


def test_reordered_rows_are_detected(frozen_now):
    entries = chain(4, frozen_now)
    a, b = entries[1], entries[2]
    entries[1] = dataclasses.replace(b, seq=2)
    entries[2] = dataclasses.replace(a, seq=3)
    report = verify_chain(entries)
    assert report.first_bad_seq == 2
    assert {p.problem for p in report.problems} >= {"relinked", "changed"}


def test_several_breaks_are_all_named(frozen_now):
    entries = chain(8, frozen_now)
    entries[2] = dataclasses.replace(entries[2], action="forged")
    del entries[5]
    report = verify_chain(entries)
    assert [(p.seq, p.problem) for p in report.problems] == [
        (3, "changed"),
        (6, "missing"),
    ]
    assert "seq 6: missing" in str(report.problems[1])
