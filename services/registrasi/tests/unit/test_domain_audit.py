"""The audit hash chain: sealing, detecting changed, removed and reordered rows, and
- against checkpoints (heads kept elsewhere) - rows removed from the end."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from services.registrasi.domain import (
    GENESIS,
    AuditEntry,
    AuditHead,
    parse_heads,
    seal,
    verify_chain,
)


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


def head(entry: AuditEntry) -> AuditHead:
    return AuditHead(entry.seq, entry.hash)


def problems(report) -> list[tuple[int, str]]:
    return [(p.seq, p.problem) for p in report.problems]


def test_checkpoints_of_an_intact_chain_are_confirmed(frozen_now):
    entries = chain(6, frozen_now)
    marks = [AuditHead(0, GENESIS), head(entries[2]), head(entries[5])]
    report = verify_chain(entries, marks)
    assert report.ok and report.count == 6 and report.last_seq == 6
    assert report.checkpoints == tuple(marks)
    assert verify_chain([], [AuditHead(0, GENESIS)]).ok  # the empty trail's head


def test_a_removed_tail_is_seen_against_a_checkpoint(frozen_now):
    entries = chain(6, frozen_now)
    marks = [head(entries[3]), head(entries[5])]
    del entries[3:]
    assert verify_chain(entries).ok  # not from the rows alone ...
    report = verify_chain(entries, marks)  # ... but against the checkpoints
    assert problems(report) == [(4, "truncated")]
    assert "ends at seq 3" in str(report.problems[0])
    assert "at least 3 row(s) removed from the end" in str(report.problems[0])
    assert problems(verify_chain([], marks)) == [(1, "truncated")]


def test_a_tail_removed_and_appended_again_differs_from_the_checkpoint(frozen_now):
    original = chain(6, frozen_now)
    rewritten = chain(4, frozen_now) + [
        seal(dataclasses.replace(e, action="forged"), seq=e.seq, prev_hash="")
        for e in original[4:]
    ]
    prev = rewritten[3].hash  # relink the forged rows: the chain itself is intact
    for i in (4, 5):
        rewritten[i] = seal(rewritten[i], seq=i + 1, prev_hash=prev)
        prev = rewritten[i].hash
    assert verify_chain(rewritten).ok
    report = verify_chain(rewritten, [head(original[3]), head(original[5])])
    assert problems(report) == [(6, "checkpoint_differs")]
    assert "removed and appended again" in str(report.problems[0])


def test_a_checkpoint_row_removed_from_inside_the_trail(frozen_now):
    entries = chain(8, frozen_now)
    mark = head(entries[4])
    del entries[3:5]
    assert problems(verify_chain(entries, [mark])) == [
        (4, "missing"),
        (5, "checkpoint_missing"),
    ]


def test_a_wrong_genesis_checkpoint_differs():
    report = verify_chain([], [AuditHead(0, "f" * 64)])
    assert problems(report) == [(0, "checkpoint_differs")]


def test_head_parses_and_prints_as_one_line():
    digest = "ab" * 32
    assert AuditHead.parse(f" 12  {digest}\n") == AuditHead(12, digest)
    assert str(AuditHead(12, digest)) == f"12 {digest}"
    assert AuditHead.parse(f"0 {GENESIS}") == AuditHead(0, GENESIS)


@pytest.mark.parametrize(
    "line,error",
    [
        ("", "expected '<seq> <hash>'"),
        (f"1 {'a' * 64} extra", "expected '<seq> <hash>'"),
        (f"-1 {'a' * 64}", "seq must be a whole number"),
        (f"1 {'A' * 64}", "hash must be 64 lowercase hex digits"),
        (f"1 {'a' * 63}", "hash must be 64 lowercase hex digits"),
        (f"0 {'a' * 64}", "the only checkpoint at seq 0"),
    ],
)
def test_malformed_heads_are_refused(line, error):
    with pytest.raises(ValueError, match=error):
        AuditHead.parse(line)


def test_a_file_of_heads():
    a, b = f"3 {'a' * 64}", f"9 {'b' * 64}"
    assert parse_heads(f"# heads\n\n{a}\n  {b}  \n") == [
        AuditHead.parse(a),
        AuditHead.parse(b),
    ]
    with pytest.raises(ValueError, match="no checkpoint"):
        parse_heads("# none yet\n")
    with pytest.raises(ValueError, match="line 2: hash must be"):
        parse_heads(f"{a}\n4 xyz\n")
