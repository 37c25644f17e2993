"""The national portal: OCDS 1.1 release packages over HTTPS, signed with HMAC.

One POST carries up to ``max_per_request`` releases in one release package
(``uri``, ``publishedDate``, ``publisher.name``, ``version`` "1.1", ``releases``):
batching is what makes a 10,000-release backlog drain in seconds rather than minutes.

Headers (what a receiver checks)

* ``Content-Type: application/json``.
* ``X-LPSE-Signature: sha256=<hex>``: HMAC-SHA256 of the **raw body bytes** with the
  shared secret (``FORWARD_PORTAL_SECRET``). The receiver recomputes it over the bytes
  it read, before parsing, and compares in constant time.
* ``X-LPSE-Timestamp``: when this attempt was made (UTC, ISO 8601). It is informative;
  the signed body carries the same instant as the package's ``publishedDate``, so a
  receiver that wants to refuse replays of old requests checks that.
* ``Idempotency-Key`` and ``X-LPSE-Delivery-Id``: the same value, a hash of the sorted
  release ids of the package, so a retry of the same batch carries the same key. A
  retry may group releases differently (some were delivered meanwhile), so the
  receiver's real duplicate check is the release ``id``, which never changes.

What an answer means

* 2xx: every release of the package is delivered.
* 400, 413, 415, 422 (the receiver refuses *this content*): the package is split in
  halves and each half sent again, down to single releases, so only the malformed
  release is dead; a single release refused so is dead at once (retrying the same bytes
  cannot help; an operator fixes the cause and replays). 413 is in the list because
  splitting is exactly what a "too large" needs.
* 408, 425, 429, 5xx, 3xx (redirects are not followed: a moved endpoint is a
  configuration matter), 401/403 (a wrong secret or a clock problem: every package
  would fail, so this is the configuration, not the content), 404, 409 and any other
  answer, connection errors and timeouts: temporary, retried with backoff up to the
  maximum age; ``Retry-After`` (seconds) is honoured.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import requests

from services.reporting.forwarding.ports import Failure, Item, Results

SIGNATURE_HEADER = "X-LPSE-Signature"
TIMESTAMP_HEADER = "X-LPSE-Timestamp"
DELIVERY_HEADER = "X-LPSE-Delivery-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: statuses that say the content itself is refused (see the module docstring)
CONTENT_REFUSED = frozenset({400, 413, 415, 422})


def sign(body: bytes, secret: str) -> str:
    """The ``X-LPSE-Signature`` value of ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return "sha256=" + digest


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """What a receiver does with the header (used by the test receiver)."""
    return bool(header) and hmac.compare_digest(sign(body, secret), header or "")


def delivery_id(release_ids: Sequence[str]) -> str:
    """Stable per batch content: the same releases give the same id, in any order."""
    joined = "\n".join(sorted(release_ids)).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_package(releases: Sequence[Mapping[str, Any]], *, uri: str,
                  published: datetime, publisher_name: str) -> dict[str, Any]:
    """A minimal valid OCDS 1.1 release package around ``releases``."""
    return {"uri": uri, "version": "1.1", "publishedDate": _iso(published),
            "publisher": {"name": publisher_name}, "releases": list(releases)}


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare from an API; the backoff applies


def classify(status: int) -> str:
    """``delivered``, ``refused`` (the content) or ``temporary``."""
    if 200 <= status < 300:
        return "delivered"
    if status in CONTENT_REFUSED:
        return "refused"
    return "temporary"


class PortalSender:
    """POSTs release packages; one ``requests.Session`` (keep-alive) per sender."""

    def __init__(self, url: str, secret: str, *, publisher_name: str,
                 package_uri_base: str, timeout: float = 15.0,
                 max_per_request: int = 100,
                 clock: Any = None) -> None:
        self.url = url
        self.secret = secret
        self.publisher_name = publisher_name
        self.package_uri_base = package_uri_base.rstrip("/")
        self.timeout = timeout
        self.max_per_request = max_per_request
        self._clock = clock or (lambda: datetime.now(UTC))
        self._session: requests.Session | None = None

    def describe(self) -> str:
        return f"POST {self.url}"

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = "lpse-karangasem-reporting"
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def send(self, items: Sequence[Item]) -> Results:
        results: dict[str, Failure | None] = {}
        for start in range(0, len(items), self.max_per_request):
            self._send_split(items[start:start + self.max_per_request], results)
        return results

    def _send_split(self, items: Sequence[Item],
                    results: dict[str, Failure | None]) -> None:
        """Send ``items`` as one package; a refused package of several releases is
        split to find the refused ones."""
        outcome = self.post(items)
        if outcome is not None and outcome.permanent and len(items) > 1:
            middle = len(items) // 2
            self._send_split(items[:middle], results)
            self._send_split(items[middle:], results)
            return
        for item in items:
            results[item.item_id] = outcome

    def post(self, items: Sequence[Item]) -> Failure | None:
        """One POST of one package; None when acknowledged."""
        ids = [item.item_id for item in items]
        key = delivery_id(ids)
        now = self._clock()
        package = build_package([item.body for item in items],
                                uri=f"{self.package_uri_base}/{key}", published=now,
                                publisher_name=self.publisher_name)
        body = json.dumps(package, ensure_ascii=False, separators=(",", ":"),
                          sort_keys=True).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   SIGNATURE_HEADER: sign(body, self.secret),
                   TIMESTAMP_HEADER: _iso(now), IDEMPOTENCY_HEADER: key,
                   DELIVERY_HEADER: key}
        try:
            response = self.session.post(self.url, data=body, headers=headers,
                                         timeout=(min(self.timeout, 5.0),
                                                  self.timeout),
                                         allow_redirects=False)
        except requests.RequestException as exc:
            self.close()  # a broken keep-alive connection: start afresh
            return Failure(f"{type(exc).__name__}: {exc}")
        kind = classify(response.status_code)
        if kind == "delivered":
            return None
        text = f"HTTP {response.status_code}: {response.text[:500]}"
        if kind == "refused":
            return Failure(text, permanent=True)
        return Failure(text, retry_after=_retry_after(response))
