"""Headless Chromium for the website's end-to-end tests: Debian's ``chromium``,
driven with Playwright for Python (Playwright's own browser download is never used).

Why a separate process: the test process is monkey-patched by eventlet (the root
``conftest.py``, for nameko), and Playwright's sync API runs an asyncio loop in a
greenlet talking to its driver over pipes, which does not survive that patching.
So :class:`Browser` starts ``python -m tests.e2e.browser`` (plain, unpatched) and
sends it one JSON command per line; the worker runs it on a Playwright page and
answers one JSON line. The tests see a small page API (:class:`RemotePage`).

As root and on a machine without internet, Chromium needs ``--no-sandbox``,
``--disable-gpu`` and the background-networking flags (otherwise it keeps trying
Google's hosts); every run gets a fresh ``--user-data-dir``. Screenshots go under
``var/artefacts/screenshots/`` (``var/`` is not committed), one per page visited.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "artefacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
#: page methods the worker runs as they are (arguments and results are JSON)
PASSTHROUGH = {"fill", "press", "check", "select_option", "inner_text",
               "input_value", "get_attribute", "content", "is_visible",
               "text_content", "set_viewport_size"}


def missing_reason() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} not installed (apt-get install -y chromium "
                "chromium-driver)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) not installed"
    return None


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"


# ------------------------------------------------------------------ the test side
class BrowserError(AssertionError):
    """What the browser refused or could not find (a failed test step)."""


class Browser:
    """The worker process; ``page()`` opens a tab in it."""

    def __init__(self, timeout_ms: int = 20_000):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.browser", str(timeout_ms)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._pages = 0
        self.send({"op": "ping"})

    def send(self, command: dict[str, Any]) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise BrowserError(f"browser worker exited ({self.proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise BrowserError(f"{command.get('op')}: {answer['error']}")
        return answer.get("result")

    def page(self) -> RemotePage:
        self._pages += 1
        page_id = self._pages
        self.send({"op": "new_page", "page": page_id})
        return RemotePage(self, page_id)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send({"op": "quit"})
            except (BrowserError, OSError, ValueError):
                pass
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class RemotePage:
    def __init__(self, browser: Browser, page_id: int):
        self.browser = browser
        self.page_id = page_id

    def _do(self, op: str, *args: Any, **kwargs: Any) -> Any:
        return self.browser.send({"op": op, "page": self.page_id, "args": list(args),
                                  "kwargs": kwargs})

    def __getattr__(self, name: str) -> Any:
        if name not in PASSTHROUGH:
            raise AttributeError(name)
        return lambda *args, **kwargs: self._do(name, *args, **kwargs)

    def goto(self, url: str) -> int:
        """Open ``url``; the HTTP status of the answer."""
        return self._do("goto", url)

    @property
    def url(self) -> str:
        return self._do("url")

    def click_and_wait(self, selector: str) -> None:
        """Click and wait for the page it leads to."""
        self._do("click_and_wait", selector)

    def click_link(self, name: str) -> None:
        """Follow the link with this accessible name (exactly)."""
        self._do("click_link", name)

    def press_and_wait(self, selector: str, key: str) -> None:
        self._do("press_and_wait", selector, key)

    def set_files(self, selector: str, files: list[tuple[str, str, bytes]]) -> None:
        self._do("set_files", selector, [
            {"name": n, "mimeType": t, "buffer": base64.b64encode(b).decode()}
            for n, t, b in files])

    def evaluate_width(self) -> int:
        """How wide the page's content is (a page wider than its viewport makes
        a phone scroll sideways)."""
        return self._do("document_width")

    def screenshot(self, name: str) -> Path:
        path = screenshot_path(name)
        self._do("screenshot", str(path))
        return path

    def close(self) -> None:
        self._do("close_page")


# ------------------------------------------------------------------ the worker
def _browser_env() -> dict[str, str]:
    """Chromium keeps the real clock under ``scripts/test --at``: it hangs with
    libfaketime preloaded (its crash handler's timed waits fail), and it only shows
    what the moved stack sends (the pages are rendered on the server)."""
    env = dict(os.environ)
    kept = [lib for lib in env.pop("LD_PRELOAD", "").split(":")
            if lib and "faketime" not in lib]
    if kept:
        env["LD_PRELOAD"] = ":".join(kept)
    return env


def _serve(timeout_ms: int) -> None:  # pragma: no cover - runs in the worker
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="lpse-chromium-")
    pages: dict[int, Any] = {}
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the answer channel
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS,
                locale="id-ID", viewport={"width": 1280, "height": 900},
                env=_browser_env())
            for line in sys.stdin:
                command = json.loads(line)
                if command["op"] == "quit":
                    out.write(json.dumps({"result": None}) + "\n")
                    out.flush()
                    break
                try:
                    result = _run(context, pages, command, timeout_ms)
                    answer = {"result": result}
                except Exception as exc:  # noqa: BLE001 - reported to the test
                    answer = {"error": f"{type(exc).__name__}: {exc}"[:4000]}
                out.write(json.dumps(answer) + "\n")
                out.flush()
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _run(context: Any, pages: dict[int, Any], command: dict[str, Any],
         timeout_ms: int) -> Any:  # pragma: no cover - runs in the worker
    op, args, kwargs = command["op"], command.get("args", []), command.get(
        "kwargs", {})
    if op == "ping":
        return "pong"
    if op == "new_page":
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        pages[command["page"]] = page
        return None
    page = pages[command["page"]]
    if op in PASSTHROUGH:
        return getattr(page, op)(*args, **kwargs)
    if op == "goto":
        response = page.goto(args[0])
        return response.status if response else None
    if op == "url":
        return page.url
    if op == "click_and_wait":
        with page.expect_navigation():
            page.click(args[0])
        return None
    if op == "click_link":
        with page.expect_navigation():
            page.get_by_role("link", name=args[0], exact=True).click()
        return None
    if op == "press_and_wait":
        with page.expect_navigation():
            page.press(args[0], args[1])
        return None
    if op == "set_files":
        page.set_input_files(args[0], files=[
            {**f, "buffer": base64.b64decode(f["buffer"])} for f in args[1]])
        return None
    if op == "screenshot":
        page.screenshot(path=args[0], full_page=True)
        return args[0]
    if op == "document_width":
        return page.evaluate("document.documentElement.scrollWidth")
    if op == "close_page":
        pages.pop(command["page"]).close()
        return None
    raise ValueError(f"unknown operation {op!r}")


if __name__ == "__main__":  # pragma: no cover
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
