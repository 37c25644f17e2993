"""Bearer token -> Actor: local JWT check, then registrasi AUTHENTICATE, cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.app import create_app
from gateway.auth import current_actor_or_anonymous
from gateway.options import GatewayOptions
from gateway.tests.unit.helpers import actor_json, assert_error
from services.common.contracts.registrasi import (
    AUTHENTICATE,
    CHANGE_PASSWORD,
    LIST_AGENCIES,
    LIST_USERS,
    LOGIN,
    LOGOUT,
)
from services.common.errors import Unauthenticated


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_401(client, fake_rpc):
    assert_error(client.get("/api/v1/me"), 401, "UNAUTHENTICATED")
    assert fake_rpc.calls == []


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token"]
)
def test_malformed_authorization_header_is_401(client, fake_rpc, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert_error(response, 401, "TOKEN_INVALID")
    assert fake_rpc.calls == []


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 5000])
def test_garbage_token_is_rejected_without_an_rpc(client, fake_rpc, token):
    response = client.get("/api/v1/me", headers=bearer(token))
    assert_error(response, 401, "TOKEN_INVALID")
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert fake_rpc.calls == []


@pytest.mark.parametrize(
    "claims",
    [
        {"secret": "another-secret-another-secret-another-secret"},
        {"audience": "someone-else"},
        {"issuer": "someone-else"},
    ],
)
def test_token_not_ours_is_rejected_without_an_rpc(
    client, fake_rpc, make_token, claims
):
    assert_error(
        client.get("/api/v1/me", headers=bearer(make_token(**claims))),
        401,
        "TOKEN_INVALID",
    )
    assert fake_rpc.calls == []


def test_expired_token_is_rejected_without_an_rpc(client, fake_rpc, make_token):
    old = datetime.now(UTC) - timedelta(hours=2)
    response = client.get(
        "/api/v1/me", headers=bearer(make_token(ttl_seconds=60, now=old))
    )
    assert_error(response, 401, "TOKEN_EXPIRED")
    assert fake_rpc.calls == []


def test_token_expires_by_the_test_clock(client, app, fake_rpc, make_token):
    token = make_token(ttl_seconds=600)
    app.extensions["lpse"].clock.set_offset(3600)  # LPSE_ENV=test: an hour later
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "TOKEN_EXPIRED")


def test_valid_token_gives_the_actor_from_registrasi(client, fake_rpc, make_token):
    fake_rpc.on(
        AUTHENTICATE,
        actor_json(
            user_id="u-7", username="wayan", roles=["ppk", "pokja"], agency_id="a-1"
        ),
    )
    token = make_token()
    response = client.get(
        "/api/v1/me", headers=bearer(token), environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "user_id": "u-7",
        "username": "wayan",
        "roles": ["ppk", "pokja"],
        "agency_id": "a-1",
        "penyedia_id": None,
        "must_change_password": False,
    }
    assert fake_rpc.requests(AUTHENTICATE) == [{"token": token, "ip": "10.1.2.3"}]


def test_revoked_session_is_401(client, fake_rpc, make_token):
    fake_rpc.on(AUTHENTICATE, Unauthenticated("SESSION_REVOKED", "revoked"))
    assert_error(
        client.get("/api/v1/me", headers=bearer(make_token())), 401, "SESSION_REVOKED"
    )


def test_authenticate_answers_are_cached_briefly(client, fake_rpc, make_token):
    fake_rpc.on(AUTHENTICATE, actor_json())
    headers = bearer(make_token())
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(fake_rpc.requests(AUTHENTICATE)) == 1


def test_cache_expires(app, client, fake_rpc, make_token):
    now = [1000.0]
    app.extensions["lpse"].authenticator._monotonic = lambda: now[0]
    fake_rpc.on(AUTHENTICATE, actor_json())
    headers = bearer(make_token())
    client.get("/api/v1/me", headers=headers)
    now[0] += 2.5
    client.get("/api/v1/me", headers=headers)
    assert len(fake_rpc.requests(AUTHENTICATE)) == 2


def test_cache_can_be_disabled(settings, fake_rpc, make_token):
    app = create_app(
        settings, rpc=fake_rpc, options=GatewayOptions(auth_cache_seconds=0)
    )
    fake_rpc.on(AUTHENTICATE, actor_json())
    headers = bearer(make_token())
    for _ in range(2):
        app.test_client().get("/api/v1/me", headers=headers)
    assert len(fake_rpc.requests(AUTHENTICATE)) == 2


def test_logout_evicts_the_cached_session_at_once(client, fake_rpc, make_token):
    fake_rpc.on(AUTHENTICATE, actor_json())
    fake_rpc.on(LOGOUT, {"ok": True})
    headers = bearer(make_token())
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).get_json() == {
        "ok": True
    }
    assert fake_rpc.requests(LOGOUT)[0]["actor"]["session_id"] == "s-1"
    fake_rpc.on(AUTHENTICATE, Unauthenticated("SESSION_REVOKED", "revoked"))
    assert_error(client.get("/api/v1/me", headers=headers), 401, "SESSION_REVOKED")


def test_forwarded_for_is_ignored_unless_trusted(client, fake_rpc, make_token):
    fake_rpc.on(AUTHENTICATE, actor_json())
    client.get(
        "/api/v1/me",
        headers={**bearer(make_token()), "X-Forwarded-For": "1.1.1.1"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert fake_rpc.requests(AUTHENTICATE)[0]["ip"] == "10.0.0.1"


def test_forwarded_for_is_honoured_behind_a_trusted_proxy(settings, fake_rpc):
    app = create_app(settings, rpc=fake_rpc, options=GatewayOptions(trust_proxy=1))
    fake_rpc.on(LOGIN, Unauthenticated("LOGIN_FAILED", "no"))
    app.test_client().post(
        "/api/v1/auth/login",
        json={"username": "a", "password": "b"},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    # the rightmost entry is the one our proxy added; the rest is client-supplied
    assert fake_rpc.requests(LOGIN)[0]["ip"] == "203.0.113.9"


def test_public_routes_ignore_the_token(client, fake_rpc):
    fake_rpc.on(LIST_AGENCIES, [])
    assert client.get("/api/v1/agency", headers=bearer("garbage")).status_code == 200
    assert [c.key for c, _, _ in fake_rpc.calls] == ["registrasi.list_agencies"]


def test_current_actor_or_anonymous(app, fake_rpc, make_token):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
        actor = current_actor_or_anonymous()
        assert actor.is_anonymous and actor.ip == "10.9.9.9"
    fake_rpc.on(AUTHENTICATE, actor_json())
    with app.test_request_context(
        headers=bearer(make_token()), environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        actor = current_actor_or_anonymous()
        assert actor.user_id == "u-admin" and actor.ip == "127.0.0.1"
        assert current_actor_or_anonymous() is actor  # once per request
    assert len(fake_rpc.requests(AUTHENTICATE)) == 1
    with app.test_request_context(headers=bearer("garbage")):
        with pytest.raises(Unauthenticated):
            current_actor_or_anonymous()


def test_authentication_comes_before_validation(client):
    assert_error(client.post("/api/v1/user", json={"junk": 1}), 401, "UNAUTHENTICATED")


def test_token_issued_while_the_test_clock_is_ahead_is_accepted(
    client, app, fake_rpc, make_token
):
    clock = app.extensions["lpse"].clock
    clock.set_offset(3600)
    fake_rpc.on(AUTHENTICATE, actor_json())
    token = make_token(now=clock.now())
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


# ------------------------------------------------------------- initial password
def test_pending_password_change_blocks_every_route_but_three(client, fake_rpc,
                                                              signed_in):
    """An admin-set initial password: 403 PASSWORD_CHANGE_REQUIRED until changed."""
    headers = signed_in(roles=["admin_ppe"], must_change_password=True)
    body = assert_error(client.get("/api/v1/user", headers=headers), 403,
                        "PASSWORD_CHANGE_REQUIRED")
    assert body["message"] == "Anda harus mengganti kata sandi terlebih dahulu."
    assert_error(client.post("/api/v1/agency", headers=headers,
                             json={"kode": "X", "nama": "X", "jenis": "SKPD"}),
                 403, "PASSWORD_CHANGE_REQUIRED")
    assert_error(client.get("/api/v1/penyedia", headers=headers), 403,
                 "PASSWORD_CHANGE_REQUIRED")
    assert [c.key for c, _, _ in fake_rpc.calls] == [AUTHENTICATE.key]  # nothing else

    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.get_json()["must_change_password"] is True

    fake_rpc.on(CHANGE_PASSWORD, {"ok": True})
    changed = client.post("/api/v1/auth/password", headers=headers,
                          json={"old_password": "awal-dari-admin",
                                "new_password": "pilihan-sendiri-99"})
    assert changed.status_code == 200 and changed.get_json() == {"ok": True}
    assert fake_rpc.requests(CHANGE_PASSWORD)[0]["actor"]["must_change_password"]

    fake_rpc.on(LOGOUT, {"ok": True})
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200


def test_changed_password_opens_the_routes_again(client, fake_rpc, signed_in):
    fake_rpc.on(LIST_USERS, {"items": [], "total": 0, "page": 1, "per_page": 20})
    headers = signed_in(roles=["admin_ppe"], must_change_password=False)
    assert client.get("/api/v1/user", headers=headers).status_code == 200
