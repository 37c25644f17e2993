"""A small HTTP client for the lelang journeys: accounts, sessions that are renewed
when the test clock has moved past them, and the test clock itself."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from services.common.clock import WITA
from services.common.pdf import tiny_pdf
from tests.e2e.conftest import Stack, auth

PASSWORD = "Lelang-" + secrets.token_urlsafe(10)
#: a session is renewed once it is older than this in server time
RENEW_AFTER = timedelta(hours=20)


@dataclass
class User:
    username: str
    password: str
    token: str = ""
    issued: datetime | None = None
    ids: dict[str, Any] = field(default_factory=dict)


class Client:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.offset = 0.0
        self.users: dict[str, User] = {
            "admin": User("admin", stack.admin_password)}

    # -------------------------------------------------------------- time
    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def today(self) -> date:
        """Today in Karangasem (WITA): from 00:00 to 08:00 WITA it is still
        yesterday in UTC, so never ``now().date()`` for a date the system reads."""
        return self.now().astimezone(WITA).date()

    def tahun(self) -> int:
        """This budget year (tahun anggaran): the WITA calendar year."""
        return self.today().year

    def set_time(self, when: datetime) -> None:
        offset = (when - datetime.now(UTC)).total_seconds()
        if offset < self.offset:  # never back: sessions would be "not valid yet"
            return
        r = self.request("admin", "POST", "/_test/clock",
                         json={"offset_seconds": offset})
        assert r.status_code == 200, r.text
        self.offset = offset

    def reset_clock(self) -> None:
        self.offset = 0.0
        admin = self.users["admin"]
        admin.token = self.stack.login(admin.username, admin.password)
        requests.post(self.stack.api("/_test/clock"), headers=auth(admin.token),
                      json={"offset_seconds": 0}, timeout=15)

    # -------------------------------------------------------------- HTTP
    def token(self, name: str) -> str:
        user = self.users[name]
        if not user.token or self.now() - user.issued > RENEW_AFTER:
            user.token = self.stack.login(user.username, user.password)
            user.issued = self.now()
        return user.token

    def request(self, who: str | None, method: str, path: str,
                **kw: Any) -> requests.Response:
        headers = dict(kw.pop("headers", {}))
        if who is not None:
            headers.update(auth(self.token(who)))
        return requests.request(method, self.stack.api(path), headers=headers,
                                timeout=kw.pop("timeout", 30), **kw)

    def ok(self, who: str | None, method: str, path: str, status: int = 200,
           **kw: Any) -> Any:
        r = self.request(who, method, path, **kw)
        assert r.status_code == status, f"{method} {path} as {who}: {r.text}"
        return r.json()

    def upload(self, who: str, text: str) -> dict[str, Any]:
        return self.ok(who, "POST", "/dokumen", 201, files={
            "file": (f"{text}.pdf", tiny_pdf(text), "application/pdf")})

    # -------------------------------------------------------------- accounts
    def staff_account(self, creator: str, name: str, roles: list[str],
                      agency_id: str | None, **extra: Any) -> User:
        username = f"{name}{uuid.uuid4().hex[:5]}"
        first = "Awal-" + secrets.token_urlsafe(10)
        made = self.ok(creator, "POST", "/user", 201, json={
            "username": username, "email": f"{username}@example.org",
            "nama": name.title(), "password": first, "roles": roles,
            "agency_id": agency_id, **extra})
        token = self.stack.login(username, first)
        r = requests.post(self.stack.api("/auth/password"), headers=auth(token),
                          json={"old_password": first, "new_password": PASSWORD},
                          timeout=15)
        assert r.status_code == 200, r.text
        self.users[name] = User(username, PASSWORD, ids=made)
        return self.users[name]

    def penyedia_account(self, name: str, verifikator: str) -> User:
        from tests.e2e.test_penyedia_journey import _npwp, _register

        username = f"{name}{uuid.uuid4().hex[:5]}"
        r = _register(self.stack, username, PASSWORD, _npwp())
        assert r.status_code == 201, r.text
        pid = r.json()["penyedia_id"]
        detail = self.ok(verifikator, "GET", f"/penyedia/{pid}")
        self.ok(verifikator, "POST", f"/penyedia/{pid}/verify", json={
            "dokumen_diperiksa": [d["sha256"] for d in detail["dokumen"]]})
        self.users[name] = User(username, PASSWORD, ids={"penyedia_id": pid})
        return self.users[name]


def eventually(check, timeout: float = 20.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)
