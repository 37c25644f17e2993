"""The audit trail's hash chain.

Each entry's ``hash`` is ``sha256(prev_hash + canonical JSON of its fields)`` and its
``prev_hash`` is the hash of the entry before (``GENESIS`` for the first), with ``seq``
counting 1, 2, 3, ... without gaps. Changing, removing or reordering any row breaks
the chain at that row; :func:`verify_chain` names every break, first one first.

Removing the most recent rows (the tail) leaves a shorter chain that is still intact, so
it cannot be seen from the rows alone. An :class:`AuditHead` - the ``seq`` and ``hash``
of the last row at some moment, kept *outside* the database - closes that gap: given
checkpoints, :func:`verify_chain` also requires the row with each checkpoint's ``seq``
to exist with that ``hash``. As every hash covers all rows before it, a matching
checkpoint vouches for the whole chain up to its ``seq``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
_HASH = re.compile(r"[0-9a-f]{64}")


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


@dataclass(frozen=True, order=True)
class AuditHead:
    """A checkpoint: the last row's ``seq`` and ``hash`` (``0 GENESIS`` when empty).

    Written and read as one line ``"<seq> <hash>"`` (``lpse audit-head``).
    """

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"

    @classmethod
    def parse(cls, text: str) -> AuditHead:
        """``"<seq> <hash>"`` -> AuditHead; ValueError naming what is wrong."""
        parts = text.split()
        if len(parts) != 2:
            raise ValueError(f"expected '<seq> <hash>', got {text.strip()!r}")
        seq, digest = parts
        if not seq.isdigit():
            raise ValueError(f"seq must be a whole number >= 0, got {seq!r}")
        if not _HASH.fullmatch(digest):
            raise ValueError(f"hash must be 64 lowercase hex digits, got {digest!r}")
        if int(seq) == 0 and digest != GENESIS:
            raise ValueError("the only checkpoint at seq 0 is the empty trail's")
        return cls(int(seq), digest)


def parse_heads(text: str) -> list[AuditHead]:
    """Checkpoints, one ``"<seq> <hash>"`` a line; blank and ``#`` lines are skipped.

    A file that ``lpse audit-head`` is appended to holds every checkpoint taken; each
    one is checked. ValueError (with the line number) on a malformed line or none.
    """
    heads = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            heads.append(AuditHead.parse(line))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    if not heads:
        raise ValueError("no checkpoint ('<seq> <hash>' line) found")
    return heads


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    # "changed", "missing", "relinked", "out_of_order"; against a checkpoint:
    # "truncated", "checkpoint_missing", "checkpoint_differs"
    problem: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"seq {self.seq}: {self.problem}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class ChainReport:
    count: int
    problems: tuple[ChainProblem, ...]
    #: the checkpoints given, and the last row's seq (0 for an empty trail)
    checkpoints: tuple[AuditHead, ...] = ()
    last_seq: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        return self.problems[0].seq if self.problems else None


def verify_chain(
    entries: Iterable[AuditEntry], checkpoints: Iterable[AuditHead] = ()
) -> ChainReport:
    """Recompute the chain over ``entries`` (in storage order by ``seq``).

    * ``changed``: the row's content does not give its stored hash;
    * ``missing``: one or more rows before this one were removed (gap in ``seq``);
    * ``relinked``: the row does not point at the stored hash of the row before it
      (rows reordered, or a changed row whose hash was recomputed);
    * ``out_of_order``: ``seq`` does not increase.

    Against each of ``checkpoints`` (see :class:`AuditHead`):

    * ``truncated``: the trail ends before the checkpoint's ``seq`` - rows were removed
      from its end (reported at the first absent ``seq``);
    * ``checkpoint_missing``: the checkpoint's row is gone from inside the trail;
    * ``checkpoint_differs``: the row at the checkpoint's ``seq`` has another hash - the
      rows up to it were rewritten, or removed and then appended again.
    """
    marks = sorted(set(checkpoints))
    problems: list[ChainProblem] = []
    expected_seq, prev_hash, count, last_seq, m = 1, GENESIS, 0, 0, 0
    for mark in (h for h in marks if h.seq == 0):  # the empty trail's checkpoint
        m += 1
        if mark.hash != GENESIS:
            problems.append(_differs(mark, GENESIS))
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
        while m < len(marks) and marks[m].seq < seq:  # in the gap before this row
            problems.append(
                ChainProblem(
                    marks[m].seq,
                    "checkpoint_missing",
                    f"checkpoint {_short(marks[m])}: its row was removed",
                )
            )
            m += 1
        if chain_hash(entry.prev_hash or "", entry) != entry.hash:
            problems.append(ChainProblem(seq, "changed"))
        while m < len(marks) and marks[m].seq == seq:
            if marks[m].hash != entry.hash:
                problems.append(_differs(marks[m], entry.hash or ""))
            m += 1
        expected_seq, prev_hash = max(seq, expected_seq - 1) + 1, entry.hash or ""
        last_seq = max(last_seq, seq)
    beyond = [mark for mark in marks[m:] if mark.seq > last_seq]
    if beyond:
        problems.append(
            ChainProblem(
                last_seq + 1,
                "truncated",
                f"the trail ends at seq {last_seq} but checkpoint "
                f"{_short(beyond[-1])} was taken: at least "
                f"{beyond[-1].seq - last_seq} row(s) removed from the end",
            )
        )
    return ChainReport(count, tuple(problems), tuple(marks), last_seq)


def _short(head: AuditHead) -> str:
    return f"{head.seq} {head.hash[:12]}..."


def _differs(mark: AuditHead, found: str) -> ChainProblem:
    return ChainProblem(
        mark.seq,
        "checkpoint_differs",
        f"checkpoint {_short(mark)} but the row's hash is {found[:12]}...: "
        "rows up to it were rewritten, or removed and appended again",
    )
