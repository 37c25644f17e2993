"""reporting's tables (SQLAlchemy 2 declarative). No behaviour here.

Row classes end in ``Row``.

Forwarding (Pasal 16(2), 17(2); ARCHITECTURE decision 12):

* ``forwarding_item``: what is to be forwarded, written once per stable id (an OCDS
  release id, a pengaduan event id, a snapshot id): its kind, the routing key on the
  ``lpse.pusat`` exchange and the JSON body exactly as it will be sent. The id is what a
  receiver drops duplicates by, so it never changes.
* ``forwarding_delivery``: one row per (destination, item) with its own state
  (``domain.penerusan``): a portal outage leaves LPSE Pusat's deliveries untouched.
  ``next_attempt_at`` is NULL once a delivery is final, so the due index holds only
  what is still to do, however many deliveries have been delivered over the years.

(The read-model tables are added to this module by the read-model work.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, infra_tables, make_metadata

#: an OCDS release id may be an event id with a suffix (``<uuid>-harga-penawaran``)
ITEM_ID = String(200)
DESTINATION = String(40)


class Base(DeclarativeBase):
    metadata = make_metadata()


INFRA = infra_tables(Base.metadata)


class ForwardingItemRow(Base):
    """One item to forward, as it will be sent."""

    __tablename__ = "forwarding_item"

    item_id: Mapped[str] = mapped_column(ITEM_ID, primary_key=True)
    #: ``ocds_release`` | ``pengaduan`` | ``ereporting_snapshot`` (penerusan.ItemKind)
    kind: Mapped[str] = mapped_column(String(40))
    routing_key: Mapped[str] = mapped_column(String(120))
    body: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ForwardingDeliveryRow(Base):
    """One item for one destination, with that destination's delivery state."""

    __tablename__ = "forwarding_delivery"
    __table_args__ = (
        # the loop's query: due rows of one destination, oldest first
        Index("ix_forwarding_delivery_due", "destination", "next_attempt_at"),
        # the backlog gauge and the operators' list
        Index("ix_forwarding_delivery_status", "destination", "status"),
    )

    destination: Mapped[str] = mapped_column(DESTINATION, primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ITEM_ID, ForeignKey("forwarding_item.item_id", ondelete="CASCADE"),
        primary_key=True)
    #: pending | retrying | delivered | dead (penerusan.Status)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: NULL when final (delivered or dead)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
