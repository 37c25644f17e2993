"""Fixtures and helpers for the website's unit tests (imported by test_web_*.py).

The website gets an app of its own per module (not the suite's shared app) so its
page cache and rate limiter start empty, with options set per test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import html5lib
from flask import Flask
from flask.testing import FlaskClient

from gateway.app import create_app
from gateway.options import GatewayOptions
from gateway.tests.unit import lelang_samples as s
from gateway.tests.unit.helpers import FakeRpc
from gateway.web import configure
from gateway.web.options import WebOptions
from gateway.web.state import WebState
from services.common.contracts import lelang as lc
from services.common.contracts import registrasi as rc
from services.common.contracts.reporting import GET_LAPORAN
from services.common.testing import make_settings

AGENCIES = [{"agency_id": "a-1", "kode": "DPUPR", "nama": "Dinas PUPR Karangasem",
             "jenis": "SKPD", "created_at": s.T}]
DAFTAR_HITAM = [{"penyedia_id": "p-9", "nama": "CV Nakal", "npwp": "019876543210000",
                 "alasan": "Dokumen palsu", "sejak": s.T, "berlaku_sampai": None}]


def page_of(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    return {"items": list(items), "total": len(items) if total is None else total,
            "page": 1, "per_page": 20}


@dataclass
class Web:
    app: Flask
    client: FlaskClient
    rpc: FakeRpc

    @property
    def state(self) -> WebState:
        return self.app.extensions["lpse_web"]

    def configure(self, **options: Any) -> WebState:
        return configure(self.app, WebOptions(**options))

    def public_data(self) -> None:
        """Answers for every public read (a lelang list, RUP, agencies, ...)."""
        self.rpc.on(lc.LIST_LELANG, page_of(s.SUMMARY))
        self.rpc.on(lc.LIST_RUP, page_of(s.RUP))
        self.rpc.on(lc.GET_LELANG, s.lelang())
        self.rpc.on(rc.LIST_AGENCIES, AGENCIES)
        self.rpc.on(rc.LIST_DAFTAR_HITAM, DAFTAR_HITAM)
        self.rpc.on(GET_LAPORAN, {"laporan": {"groups": [], "total": {"lelang": {
            "jumlah": 2, "per_status": {"selesai": 1, "berjalan": 1}}}}})

    def calls(self, contract: Any) -> int:
        return len(self.rpc.requests(contract))


def build_app(tmp_path_factory: Any) -> tuple[Flask, FakeRpc]:
    """An app of the website's own (one per test module: ~40 ms)."""
    root = tmp_path_factory.mktemp("web")
    settings = make_settings(var_dir=str(root / "var"), blob_dir=str(root / "blobs"),
                             upload_max_bytes=4096)
    rpc = FakeRpc()
    return create_app(settings, rpc=rpc, options=GatewayOptions()), rpc


def fresh(built: tuple[Flask, FakeRpc]) -> Web:
    """The app with no canned answers, an empty cache and default options."""
    app, rpc = built
    rpc.reset()
    configure(app, WebOptions())
    return Web(app, app.test_client(), rpc)


# ------------------------------------------------------------------ HTML checks
def assert_valid_html(html: str) -> None:
    """Strict HTML5 parsing (html5lib raises on any parse error), plus the rules
    the pages promise: lang="id", one h1, a skip link, labels for form controls,
    unique ids, no external resource."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(html)
    assert '<html lang="id">' in html
    assert html.count("<h1") == 1, "exactly one h1 per page"
    assert 'href="#konten"' in html and 'id="konten"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    for control in re.findall(r'<(?:input|select|textarea)\b[^>]*>', html):
        if 'type="hidden"' in control or 'type="submit"' in control:
            continue
        ident = re.search(r'\sid="([^"]+)"', control)
        assert ident, f"form control without id: {control}"
        assert f'for="{ident.group(1)}"' in html, f"no label for {control}"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "external resource"
    assert "<script" not in html


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def error_next_to(html: str, field: str) -> str:
    """The error message shown for ``field`` (right before its control)."""
    match = re.search(rf'<p class="pesan-salah" id="f-{field}-salah">([^<]+)</p>',
                      html)
    assert match, f"no error shown for {field}"
    return match.group(1)


def value_of(html: str, field: str) -> str | None:
    match = re.search(rf'<input id="f-{field}" name="{field}" type="[a-z]+" '
                      r'value="([^"]*)"', html)
    return match.group(1) if match else None
