"""The audit trail's hash chain.

Each entry's ``hash`` is ``sha256(prev_hash + canonical JSON of its fields)`` and its
``prev_hash`` is the hash of the entry before (``GENESIS`` for the first), with ``seq``
counting 1, 2, 3, ... without gaps. Changing, removing or reordering any row breaks
the chain at that row; :func:`verify_chain` names every break, first one first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One account action: who (and from where), what, on which object, when."""

    action: str
    object_type: str
    object_id: str | None
    at: datetime
    actor_user_id: str | None = None
    actor_username: str | None = None
    ip: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None

    def canonical(self) -> str:
        """The hashed fields as canonical JSON (sorted keys, no spaces, ASCII)."""
        data = {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_user_id": self.actor_user_id,
            "actor_username": self.actor_username,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
        }
        return json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
        )


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + entry.canonical()).encode("ascii")).hexdigest()


def seal(entry: AuditEntry, *, seq: int, prev_hash: str) -> AuditEntry:
    """The entry with its place in the chain and its hash."""
    placed = AuditEntry(
        **{**entry.__dict__, "seq": seq, "prev_hash": prev_hash, "hash": None}
    )
    return AuditEntry(**{**placed.__dict__, "hash": chain_hash(prev_hash, placed)})


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str  # "changed", "missing", "relinked", "out_of_order"
    detail: str = ""

    def __str__(self) -> str:
        text = f"seq {self.seq}: {self.problem}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class ChainReport:
    count: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        return self.problems[0].seq if self.problems else None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Recompute the chain over ``entries`` (in storage order by ``seq``).

    * ``changed``: the row's content does not give its stored hash;
    * ``missing``: one or more rows before this one were removed (gap in ``seq``);
    * ``relinked``: the row does not point at the stored hash of the row before it
      (rows reordered, or a changed row whose hash was recomputed);
    * ``out_of_order``: ``seq`` does not increase.
    """
    problems: list[ChainProblem] = []
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for entry in entries:
        count += 1
        seq = entry.seq or 0
        if seq < expected_seq:
            problems.append(ChainProblem(seq, "out_of_order"))
        elif seq > expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq,
                    "missing",
                    f"{seq - expected_seq} row(s) before seq {seq}",
                )
            )
        elif entry.prev_hash != prev_hash:
            problems.append(ChainProblem(seq, "relinked"))
        if chain_hash(entry.prev_hash or "", entry) != entry.hash:
            problems.append(ChainProblem(seq, "changed"))
        expected_seq, prev_hash = max(seq, expected_seq - 1) + 1, entry.hash or ""
    return ChainReport(count, tuple(problems))
