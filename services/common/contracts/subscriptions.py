"""Who consumes which event: the static table the topology is declared from.

Every ``@consumes`` in the code base must have its row here (the handler refuses to
start otherwise, and a contract test walks the services to check it), because the
queues are declared from this table *before* any publisher goes live: an event
published before its consumer ever started waits in the consumer's queue.
"""

from __future__ import annotations

from services.common.contracts import lelang
from services.common.messaging import Subscription

#: (consumer service, handler method, contract); later issues add their rows here
SUBSCRIPTIONS: list[Subscription] = [
    # the lelang's Pokja, PPK and agency, for the access rule of Pasal 17(1)
    Subscription("pengaduan", "on_lelang_announced", lelang.LELANG_ANNOUNCED),
]


def register_subscription(sub: Subscription) -> Subscription:
    """Add a row at run time (tests and tools only; services use the table above)."""
    if sub not in SUBSCRIPTIONS:
        SUBSCRIPTIONS.append(sub)
    return sub


def find_subscription(service: str, method: str, source: str,
                      event_type: str) -> Subscription | None:
    for sub in SUBSCRIPTIONS:
        if (sub.service, sub.method, sub.contract.source, sub.contract.type) == (
                service, method, source, event_type):
            return sub
    return None


def all_sources() -> set[str]:
    """Every service that publishes events (their exchanges are declared too)."""
    from services.common.contracts import (  # noqa: F401  (registers contracts)
        lelang,
        pengaduan,
        registrasi,
    )
    from services.common.contracts.base import EVENT_CONTRACTS

    return {source for source, _ in EVENT_CONTRACTS}
