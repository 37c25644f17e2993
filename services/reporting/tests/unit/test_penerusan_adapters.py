"""Forwarding adapters without a network: the portal's signature, package and answer
classification, the split of a refused package, the confirm bookkeeping of the LPSE
Pusat sender, the settings and destinations, and the CLI's parser."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from services.reporting.domain.penerusan import ItemKind
from services.reporting.forwarding import cli
from services.reporting.forwarding.config import (
    PORTAL,
    PUSAT,
    ForwardingSettings,
    build_destinations,
)
from services.reporting.forwarding.portal import (
    PortalSender,
    build_package,
    classify,
    delivery_id,
    sign,
    verify,
)
from services.reporting.forwarding.ports import (
    Failure,
    Item,
    ocds_release_item,
    pengaduan_item,
    snapshot_item,
)
from services.reporting.forwarding.pusat import _Batch

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def release(n: int) -> dict:
    return {"id": f"r-{n}", "ocid": "ocds-krgsm1-1", "date": "2026-11-02T02:00:00Z",
            "tag": ["tender"]}


# ------------------------------------------------------------------ portal
def test_signature_is_hmac_sha256_of_the_raw_body_and_verifies_only_that_body():
    body = b'{"releases":[]}'
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert sign(body, "secret") == "sha256=" + expected
    assert verify(body, "secret", sign(body, "secret"))
    assert not verify(body + b" ", "secret", sign(body, "secret"))
    assert not verify(body, "other", sign(body, "secret"))
    assert not verify(body, "secret", None)


def test_delivery_id_is_stable_per_batch_content_whatever_the_order():
    assert delivery_id(["a", "b", "c"]) == delivery_id(["c", "a", "b"])
    assert delivery_id(["a", "b"]) != delivery_id(["a", "b", "c"])


def test_package_is_a_minimal_ocds_1_1_release_package():
    package = build_package([release(1)], uri="https://x/p/1", published=T0,
                            publisher_name="LPSE Kabupaten Karangasem")
    assert package == {"uri": "https://x/p/1", "version": "1.1",
                       "publishedDate": "2026-11-02T02:00:00Z",
                       "publisher": {"name": "LPSE Kabupaten Karangasem"},
                       "releases": [release(1)]}


@pytest.mark.parametrize("status, kind", [
    (200, "delivered"), (201, "delivered"), (202, "delivered"), (204, "delivered"),
    (400, "refused"), (413, "refused"), (415, "refused"), (422, "refused"),
    (401, "temporary"), (403, "temporary"), (404, "temporary"), (408, "temporary"),
    (409, "temporary"), (425, "temporary"), (429, "temporary"), (301, "temporary"),
    (500, "temporary"), (502, "temporary"), (503, "temporary"), (504, "temporary"),
])
def test_answers_are_classified(status, kind):
    assert classify(status) == kind


class FakePortal(PortalSender):
    """Refuses (400) any package containing a release id in ``bad``."""

    def __init__(self, bad: set[str], down: bool = False):
        super().__init__("http://127.0.0.1:9/", "s", publisher_name="P",
                         package_uri_base="https://x/p", max_per_request=4)
        self.bad, self.down = bad, down
        self.posts: list[list[str]] = []

    def post(self, items: Sequence[Item]) -> Failure | None:
        ids = [i.item_id for i in items]
        self.posts.append(ids)
        if self.down:
            return Failure("HTTP 503", retry_after=30)
        if self.bad & set(ids):
            return Failure("HTTP 400: release without ocid", permanent=True)
        return None


def test_a_refused_package_is_split_so_only_the_malformed_release_is_refused():
    items = [ocds_release_item(release(n)) for n in range(10)]
    portal = FakePortal({"r-5"})
    results = portal.send(items)
    assert {k for k, v in results.items() if v is not None} == {"r-5"}
    assert results["r-5"].permanent
    assert all(len(ids) <= 4 for ids in portal.posts)
    assert len(results) == 10


def test_a_portal_that_is_down_gives_every_release_a_temporary_failure():
    items = [ocds_release_item(release(n)) for n in range(6)]
    portal = FakePortal(set(), down=True)
    results = portal.send(items)
    assert len(portal.posts) == 2  # no splitting for a temporary failure
    assert all(not f.permanent and f.retry_after == 30 for f in results.values())


# ------------------------------------------------------------------ items
def test_items_keep_their_stable_ids_and_routing_keys():
    assert ocds_release_item(release(1)) == Item("r-1", ItemKind.OCDS_RELEASE,
                                                 "ocds.release", release(1))
    complaint = pengaduan_item("ev-1", "pengaduan_filed", {"kode": "P-1"})
    assert (complaint.item_id, complaint.routing_key) == ("ev-1", "pengaduan.diajukan")
    snapshot = snapshot_item("ereporting-2026-11", {"paket": 3})
    assert snapshot.routing_key == "ereporting.snapshot"


# ------------------------------------------------------------------ pusat confirms
def test_confirms_are_matched_to_messages_by_delivery_tag():
    batch = _Batch(first_tag=5)
    for item_id in ("a", "b", "c", "d", "e"):
        batch.published(item_id)  # tags 5..9
    batch.returned["c"] = "returned by the broker: NO_ROUTE"
    batch.settle(7, multiple=True, ok=True)  # a, b, c
    batch.settle(8, multiple=False, ok=False)  # d nacked
    assert batch.open  # e still waits
    batch.settle(9, multiple=False, ok=True)
    assert not batch.open
    assert batch.results["a"] is None and batch.results["b"] is None
    assert batch.results["c"].reason.startswith("returned")
    assert batch.results["d"].reason == "nacked by the broker"
    assert batch.results["e"] is None
    batch.settle(3, multiple=True, ok=True)  # an old tag changes nothing
    assert len(batch.results) == 5


# ------------------------------------------------------------------ settings
def test_settings_from_the_environment_with_the_platform_broker_as_default():
    settings = ForwardingSettings.from_env({
        "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672//",
        "FORWARD_PORTAL_URL": "https://portal.example/ocds",
        "FORWARD_PORTAL_SECRET": "k", "FORWARD_PORTAL_MAX_AGE_SECONDS": "60",
        "FORWARD_RETRY_BASE_SECONDS": "0.5", "FORWARD_BATCH_SIZE": "50",
        "FORWARD_PUSAT_ENABLED": "yes"})
    assert settings.pusat_amqp_uri == "amqp://guest:guest@127.0.0.1:5672//"
    assert (settings.portal_max_age_seconds, settings.retry_base_seconds,
            settings.batch_size) == (60.0, 0.5, 50)
    names = {d.name: d for d in build_destinations(settings)}
    assert set(names) == {PORTAL, PUSAT}
    assert names[PORTAL].takes("ocds_release") and not names[PORTAL].takes(
        "pengaduan")
    assert names[PUSAT].takes("pengaduan") and names[PUSAT].takes("ocds_release")
    assert names[PORTAL].policy.max_age_seconds == 60.0


def test_the_portal_is_off_without_a_url_and_refused_without_a_secret():
    assert [d.name for d in build_destinations(ForwardingSettings())] == [PUSAT]
    with pytest.raises(ValueError):
        ForwardingSettings(portal_url="https://portal.example/ocds")


def test_settings_from_the_platform_settings_object():
    platform = SimpleNamespace(amqp_uri="amqp://b//", forward_batch_size=7,
                               forward_portal_url=None)
    settings = ForwardingSettings.from_settings(platform)
    assert (settings.pusat_amqp_uri, settings.batch_size, settings.portal_url) == (
        "amqp://b//", 7, None)


# ------------------------------------------------------------------ CLI
def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lpse")
    cli.add_reporting_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_parses_forwarding_and_replay():
    args = parse(["reporting", "forwarding", "--destination", PORTAL])
    assert args.func is cli.forwarding_command and args.destination == PORTAL
    args = parse(["reporting", "replay", "--all-dead", "--destination", PUSAT])
    assert args.func is cli.replay_command and args.all_dead and args.ids == []
    args = parse(["reporting", "replay", "r-1", "r-2"])
    assert args.ids == ["r-1", "r-2"] and not args.all_dead


def test_replay_needs_ids_or_all_dead(capsys):
    assert cli.replay_command(parse(["reporting", "replay"]), now=T0) == 2
    assert "--all-dead" in capsys.readouterr().err


def test_backlog_table():
    text = cli.format_backlog({(PUSAT, "delivered"): 12, (PORTAL, "dead"): 1})
    lines = text.splitlines()
    assert lines[0].split() == ["destination", "pending", "retrying", "delivered",
                                "dead"]
    assert lines[1].split() == [PUSAT, "0", "0", "12", "0"] or lines[2].split() == [
        PUSAT, "0", "0", "12", "0"]
    assert json.dumps(cli.format_backlog({})) == '"no forwarding deliveries yet"'
