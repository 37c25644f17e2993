"""The website's building blocks: page cache, token buckets, CSRF guard, formats,
options and the SVG charts."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from gateway.web.cache import Page, PageCache
from gateway.web.charts import Bar, bar_chart
from gateway.web.csrf import COOKIE, FIELD, CsrfError, CsrfGuard
from gateway.web.formats import angka, rupiah, tanggal, ukuran, waktu, waktu_text
from gateway.web.labels import label
from gateway.web.options import load_web_options
from gateway.web.ratelimit import TokenBucketLimiter
from services.common.config import ConfigError
from services.common.errors import Unavailable

SVG = "{http://www.w3.org/2000/svg}"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------ cache
def test_cache_fresh_then_recomputed():
    clock, computed = Clock(), []
    cache = PageCache(5, 10, monotonic=clock)

    def compute() -> str:
        computed.append(1)
        return f"v{len(computed)}"

    assert cache.get("k", compute) == "v1"
    assert cache.get("k", compute) == "v1"
    clock.now += 5.1
    assert cache.get("k", compute) == "v2"
    assert cache.renders == 2


def test_cache_is_bounded_lru():
    cache = PageCache(60, 3)
    for key in "abcd":
        cache.get(key, lambda key=key: key)
    cache.get("b", lambda: "again")  # b was used: stays; a was dropped
    assert cache.get("a", lambda: "new-a") == "new-a"
    assert cache.get("b", lambda: "x") == "b"
    assert len(cache._entries) == 3


def test_cache_does_not_keep_what_is_not_cacheable():
    cache = PageCache(60, 10)
    cache.get("k", lambda: 503, cacheable=lambda v: v == 200)
    assert cache.get("k", lambda: 200) == 200


def test_stale_if_error_only_within_its_window():
    clock = Clock()
    cache = PageCache(5, 10, 30, stale_on=(Unavailable,), monotonic=clock)
    cache.get("k", lambda: "good")
    clock.now += 10

    def down() -> str:
        raise Unavailable("SERVICE_UNAVAILABLE", "down")

    assert cache.get("k", down) == "good"
    clock.now += 30
    with pytest.raises(Unavailable):
        cache.get("k", down)


def test_a_stale_entry_is_served_while_another_thread_refreshes():
    clock = Clock()
    cache = PageCache(5, 10, monotonic=clock)
    cache.get("k", lambda: "old")
    clock.now += 6
    started, release, results = threading.Event(), threading.Event(), []

    def slow() -> str:
        started.set()
        release.wait(5)
        return "new"

    refresher = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    refresher.start()
    started.wait(5)
    assert cache.get("k", lambda: "never") == "old"  # not blocked, not recomputed
    release.set()
    refresher.join(5)
    assert results == ["new"] and cache.get("k", lambda: "never") == "new"


def test_page_etag_follows_the_content():
    assert Page(b"a").etag == Page(b"a").etag != Page(b"b").etag


# ------------------------------------------------------------------ rate limit
def test_token_bucket_refills_over_time():
    clock = Clock()
    limiter = TokenBucketLimiter(2, 60, monotonic=clock)
    assert limiter.take("ip") == 0 and limiter.take("ip") == 0
    assert limiter.take("ip") == pytest.approx(30, rel=0.01)
    assert limiter.take("other") == 0
    clock.now += 30
    assert limiter.take("ip") == 0


def test_token_bucket_disabled_and_bounded():
    assert TokenBucketLimiter(0, 60).take("ip") == 0
    limiter = TokenBucketLimiter(1, 60, max_clients=2)
    for ip in ("a", "b", "c"):
        limiter.take(ip)
    assert len(limiter._buckets) == 2


# ------------------------------------------------------------------ CSRF
def _app() -> Flask:
    return Flask(__name__)


def test_csrf_token_round_trip_and_refusals():
    guard = CsrfGuard("secret-" * 5, max_age=60)
    app = _app()
    with app.test_request_context("/"):
        token = guard.token()
        from flask import g
        cookie = g.csrf_cookie
    good = {"environ_base": {"HTTP_COOKIE": f"{COOKIE}={cookie}"},
            "method": "POST", "data": {FIELD: token}}
    with app.test_request_context("/", **good):
        guard.check()
    cases = [
        ({"data": {FIELD: token}}, "no_cookie"),
        ({**good, "data": {FIELD: token + "x"}}, "bad_token"),
        ({**good, "headers": {"Origin": "https://evil.example"}}, "origin"),
        ({**good, "headers": {"Sec-Fetch-Site": "cross-site"}}, "cross_site"),
        ({"environ_base": {"HTTP_COOKIE": f"{COOKIE}={'z' * 43}"},
          "data": {FIELD: token}}, "mismatch"),
    ]
    for kwargs, reason in cases:
        with app.test_request_context("/", method="POST", **{
                k: v for k, v in kwargs.items() if k != "method"}):
            with pytest.raises(CsrfError) as refused:
                guard.check()
            assert refused.value.reason == reason
    other = CsrfGuard("another-secret-" * 3, max_age=60)
    with app.test_request_context("/", **good), pytest.raises(CsrfError):
        other.check()


def test_csrf_token_expires():
    guard = CsrfGuard("secret-" * 5, max_age=60)
    app = _app()
    with app.test_request_context("/"):
        token = guard.token()
        from flask import g
        cookie = g.csrf_cookie
    import itsdangerous.timed

    later = datetime.now(UTC).timestamp() + 120
    with app.test_request_context("/", method="POST", data={FIELD: token},
                                  environ_base={"HTTP_COOKIE": f"{COOKIE}={cookie}"}):
        original = itsdangerous.timed.TimestampSigner.get_timestamp
        itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: int(later)
        try:
            with pytest.raises(CsrfError):
                guard.check()
        finally:
            itsdangerous.timed.TimestampSigner.get_timestamp = original


# ------------------------------------------------------------------ formats
def test_indonesian_formats_and_wita():
    at = datetime(2013, 3, 4, 23, 30, tzinfo=UTC)  # next day in WITA
    assert waktu_text(at) == "5 Maret 2013 07.30 WITA"
    assert str(waktu(at)) == ('<time datetime="2013-03-05T07:30+08:00">'
                              '5 Maret 2013 07.30 WITA</time>')
    assert tanggal(date(2013, 12, 31)) == "31 Desember 2013"
    assert rupiah("1500000000.00") == "Rp1.500.000.000"
    assert rupiah(Decimal("1234.5")) == "Rp1.234,50"
    assert rupiah("-5000") == "-Rp5.000" and rupiah(None) == "-"
    assert angka(1234567) == "1.234.567" and angka(-1000) == "-1.000"
    assert ukuran(2048) == "2 KB" and ukuran(3 * 1024 * 1024 // 2) == "1,5 MB"
    assert label("tahapan", "upload_penawaran") == "Upload Dokumen Penawaran"
    assert label("tahapan", "tahap_baru_x") == "Tahap baru x"


def test_options_from_the_environment():
    options = load_web_options({"WEB_CACHE_SECONDS": "2.5", "WEB_FORM_RATE": "5/30",
                                "WEB_CONTACT_EMAIL": "helpdesk@example.org"})
    assert options.cache_seconds == 2.5
    assert (options.form_rate, options.form_rate_seconds) == (5, 30)
    assert options.contact_email == "helpdesk@example.org"
    assert load_web_options({"WEB_FORM_RATE": "0"}).form_rate == 0
    with pytest.raises(ConfigError) as bad:
        load_web_options({"WEB_CACHE_SECONDS": "soon", "WEB_FORM_RATE": "x/y"})
    assert set(bad.value.problems) == {"WEB_CACHE_SECONDS", "WEB_FORM_RATE"}


# ------------------------------------------------------------------ charts
def test_bar_chart_is_accessible_svg_with_proportional_bars():
    svg = str(bar_chart("Lelang per status", [
        Bar("Selesai", 8, "8"), Bar("Gagal <&> \"x\"", 2, "2"),
        Bar("Kosong", 0, "0"), Bar("Minus", -3, "-3")], chart_id="g1"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-judul g1-isi"
    assert root.find(f"{SVG}title").text == "Lelang per status"
    assert "Gagal <&> \"x\": 2" in root.find(f"{SVG}desc").text
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > 0 and widths[1] == pytest.approx(widths[0] / 4)
    assert widths[2] == 0 and widths[3] == 0  # no bar for zero or negative
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "-3" in texts and "Gagal <&> \"x\"" in texts


def test_bar_chart_long_labels_and_no_data():
    svg = str(bar_chart("Metode", [Bar("e-Lelang Umum Prakualifikasi Dua File", 1,
                                       "1")]))
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "metode-judul metode-isi"
    label_text = next(root.iter(f"{SVG}text")).text
    assert label_text.endswith("…") and len(label_text) == 30
    assert "Belum ada data" in str(bar_chart("Kosong", []))
