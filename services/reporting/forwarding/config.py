"""Where forwarded items go: the configured destinations and their settings.

The settings are a plain frozen dataclass so that the forwarding code does not depend on
how the platform loads its configuration; :meth:`ForwardingSettings.from_settings`
reads them from the platform's ``Settings`` (attribute names = the environment
variables in lower case) and :meth:`ForwardingSettings.from_env` straight from an
environment mapping (the standalone worker, the benchmark).

=================================  ===========================  ========================
environment variable               default                      meaning
=================================  ===========================  ========================
``FORWARD_PORTAL_URL``             (unset: no portal)           national portal endpoint
``FORWARD_PORTAL_SECRET``          (required with the URL)      HMAC-SHA256 key
``FORWARD_PORTAL_MAX_AGE_SECONDS`` 259200 (3 days)              then dead
``FORWARD_PORTAL_TIMEOUT_SECONDS`` 15                           per POST (connect, read)
``FORWARD_PORTAL_BATCH_SIZE``      100                          releases per POST
``FORWARD_PUSAT_ENABLED``          true                         publish to lpse.pusat
``FORWARD_PUSAT_AMQP_URI``         the platform's ``AMQP_URI``  broker of the exchange
``FORWARD_PUSAT_MAX_AGE_SECONDS``  259200 (3 days)              then dead
``FORWARD_RETRY_BASE_SECONDS``     5                            first wait
``FORWARD_RETRY_MAX_SECONDS``      900                          longest wait
``FORWARD_BATCH_SIZE``             200                          deliveries per round
``FORWARD_PUBLISHER_NAME``         LPSE Kabupaten Karangasem    OCDS package publisher
``FORWARD_PACKAGE_URI_BASE``       https://lpse.karangasemkab   base of a package's uri
                                   .go.id/ocds/forwarded
=================================  ===========================  ========================

Why the portal is off until a URL is given: there is no sensible default endpoint, and
a made-up one would fill the backlog with deliveries that can only die. The portal
destination starts taking releases enqueued from the moment it is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.reporting.domain.penerusan import (
    PORTAL_KINDS,
    PUSAT_KINDS,
    ItemKind,
    RetryPolicy,
)

#: the destination names (labels of the metrics and of the CLI)
PORTAL = "portal_nasional"
PUSAT = "lpse_pusat"

THREE_DAYS = 3 * 24 * 3600.0


@dataclass(frozen=True)
class ForwardingSettings:
    portal_url: str | None = None
    portal_secret: str | None = None
    portal_max_age_seconds: float = THREE_DAYS
    portal_timeout_seconds: float = 15.0
    portal_batch_size: int = 100
    pusat_enabled: bool = True
    pusat_amqp_uri: str | None = None
    pusat_max_age_seconds: float = THREE_DAYS
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 900.0
    batch_size: int = 200
    publisher_name: str = "LPSE Kabupaten Karangasem"
    package_uri_base: str = "https://lpse.karangasemkab.go.id/ocds/forwarded"

    def __post_init__(self) -> None:
        if self.portal_url and not self.portal_secret:
            raise ValueError("FORWARD_PORTAL_URL needs FORWARD_PORTAL_SECRET "
                             "(the receiver checks the HMAC signature)")
        if self.batch_size < 1 or self.portal_batch_size < 1:
            raise ValueError("batch sizes must be >= 1")

    @classmethod
    def from_env(cls, env: Mapping[str, str],
                 amqp_uri: str | None = None) -> ForwardingSettings:
        """From ``FORWARD_*`` variables; ``amqp_uri`` is the platform's broker (the
        default of ``FORWARD_PUSAT_AMQP_URI``, else ``AMQP_URI`` in ``env``)."""
        def get(name: str) -> str | None:
            value = env.get("FORWARD_" + name.upper())
            return value if value not in (None, "") else None

        values: dict[str, Any] = {}
        for name, kind in _FIELDS.items():
            raw = get(name)
            if raw is not None:
                values[name] = _parse(raw, kind)
        values.setdefault("pusat_amqp_uri", amqp_uri or env.get("AMQP_URI"))
        return cls(**values)

    @classmethod
    def from_settings(cls, settings: Any) -> ForwardingSettings:
        """From the platform's Settings (``settings.forward_portal_url`` ...); an
        attribute it does not have yet keeps the default here."""
        values: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(settings, "forward_" + name, None)
            if value is not None:
                values[name] = value
        values.setdefault("pusat_amqp_uri", getattr(settings, "amqp_uri", None))
        return cls(**values)


_FIELDS = {name: kind for name, kind in ForwardingSettings.__annotations__.items()}


def _parse(raw: str, kind: str) -> Any:
    if "bool" in kind:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    return raw


@dataclass(frozen=True)
class Destination:
    """One configured destination: what it takes and how it is retried. How items
    are sent is the sender's business (``forward_due`` gets senders by name)."""

    name: str
    kinds: frozenset[ItemKind]
    policy: RetryPolicy
    #: deliveries taken (and locked) per round of the loop
    batch_size: int

    def takes(self, kind: ItemKind | str) -> bool:
        return ItemKind(kind) in self.kinds


def build_destinations(settings: ForwardingSettings) -> list[Destination]:
    """The destinations configured: LPSE Pusat unless disabled, the national portal
    when it has a URL."""
    destinations = []
    if settings.pusat_enabled:
        destinations.append(Destination(
            PUSAT, PUSAT_KINDS,
            RetryPolicy(settings.retry_base_seconds, settings.retry_max_seconds,
                        settings.pusat_max_age_seconds),
            settings.batch_size))
    if settings.portal_url:
        destinations.append(Destination(
            PORTAL, PORTAL_KINDS,
            RetryPolicy(settings.retry_base_seconds, settings.retry_max_seconds,
                        settings.portal_max_age_seconds),
            settings.batch_size))
    return destinations


def build_senders(settings: ForwardingSettings,
                  destinations: list[Destination]) -> dict[str, Any]:
    """A sender per destination (connections are opened lazily, on first send)."""
    from services.reporting.forwarding.portal import PortalSender
    from services.reporting.forwarding.pusat import PusatSender

    senders: dict[str, Any] = {}
    for destination in destinations:
        if destination.name == PUSAT:
            if not settings.pusat_amqp_uri:
                raise ValueError("LPSE Pusat forwarding needs FORWARD_PUSAT_AMQP_URI "
                                 "or AMQP_URI")
            senders[PUSAT] = PusatSender(settings.pusat_amqp_uri)
        elif destination.name == PORTAL:
            assert settings.portal_url and settings.portal_secret
            senders[PORTAL] = PortalSender(
                settings.portal_url, settings.portal_secret,
                publisher_name=settings.publisher_name,
                package_uri_base=settings.package_uri_base,
                timeout=settings.portal_timeout_seconds,
                max_per_request=settings.portal_batch_size)
    return senders
