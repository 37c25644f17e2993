"""What the forwarding loop exchanges with its senders, and how items are made.

A sender takes a batch of items and says, per item id, whether the destination
acknowledged it. Why per item and not per batch: LPSE Pusat confirms message by message,
and a portal that refuses one malformed release in a package must not take its 99
neighbours down with it (the portal sender splits the package to find it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from services.reporting.domain.penerusan import ItemKind, routing_key


@dataclass(frozen=True)
class Item:
    """One thing to forward, with the stable id a receiver drops duplicates by."""

    item_id: str
    kind: ItemKind
    routing_key: str
    body: Any


@dataclass(frozen=True)
class Failure:
    """An item the destination did not acknowledge.

    ``permanent``: the destination refused this content for good (retrying cannot
    help). ``retry_after``: seconds the destination asked us to wait.
    """

    reason: str
    permanent: bool = False
    retry_after: float | None = None


#: per item id: None = acknowledged, else why not
Results = Mapping[str, Failure | None]


class Sender(Protocol):
    def send(self, items: Sequence[Item]) -> Results:
        """Hand ``items`` to the destination. Must not raise for a destination that
        is down: every item then gets a temporary :class:`Failure`. An item missing
        from the result counts as not acknowledged."""

    def close(self) -> None:
        """Release connections (a closed sender reconnects on the next send)."""


def ocds_release_item(release: Mapping[str, Any]) -> Item:
    """An OCDS release, forwarded under its own release id (stable: the OCDS mapping
    derives it from the event id)."""
    return Item(str(release["id"]), ItemKind.OCDS_RELEASE,
                routing_key(ItemKind.OCDS_RELEASE), dict(release))


def pengaduan_item(event_id: str, event_type: str, body: Mapping[str, Any]) -> Item:
    """A complaint event for LPSE Pusat (Pasal 17(2)), under its event id. ``body`` is
    what LPSE Pusat receives: the event envelope or a public view of it; the caller
    decides, and never puts a whistleblower's identity in it."""
    return Item(str(event_id), ItemKind.PENGADUAN,
                routing_key(ItemKind.PENGADUAN, event_type), dict(body))


def snapshot_item(snapshot_id: str, body: Mapping[str, Any]) -> Item:
    """A periodic e-reporting snapshot (Pasal 20(1)c), under an id stable per period
    (e.g. ``ereporting-2026-11``), so a re-run of the same period is not sent twice."""
    return Item(str(snapshot_id), ItemKind.EREPORTING_SNAPSHOT,
                routing_key(ItemKind.EREPORTING_SNAPSHOT), dict(body))

