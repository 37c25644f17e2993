"""Bad input is a 4xx in the platform's error body, never a 500 (issue 11 §5).

Bodies that used to reach a traceback: JSON nested 100,000 deep (RecursionError), a
5,000-digit number (ValueError), ``1e999``/``NaN``; and correctly signed tokens whose
claims have the wrong types (TypeError comparing ``exp``).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import jwt
import pytest

from gateway.jsonbody import MAX_DEPTH, MAX_NUMBER_CHARS, loads, too_deep
from gateway.tests.unit import test_web_support as support
from gateway.tests.unit.helpers import actor_json, assert_error
from services.common.auth import Role
from services.common.contracts.registrasi import AUTHENTICATE, LOGIN
from services.common.errors import BadRequest, Unauthenticated

LOGIN_PATH = "/api/v1/auth/login"


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def login_body(username: str) -> str:
    """A login body with ``username`` as raw JSON text."""
    return '{"username": ' + username + ', "password": "rahasia-sekali"}'


def post_json(client: Any, path: str, text: str, **kwargs: Any) -> Any:
    return client.post(path, data=text, content_type="application/json", **kwargs)


# ------------------------------------------------------------------ JSON bodies
@pytest.mark.parametrize(("body", "code"), [
    (nested(100_000), "JSON_TOO_DEEP"),
    (login_body(nested(MAX_DEPTH)), "JSON_TOO_DEEP"),  # 1 + MAX_DEPTH levels
    ('{"a": ' * 5_000 + "1" + "}" * 5_000, "JSON_TOO_DEEP"),
    (login_body("9" * 5_000), "JSON_NUMBER_TOO_LARGE"),
    (login_body("-" + "9" * 5_000), "JSON_NUMBER_TOO_LARGE"),
    (login_body("1." + "0" * 5_000), "JSON_NUMBER_TOO_LARGE"),
    (login_body("1e999"), "JSON_NUMBER_TOO_LARGE"),
    (login_body("-1e999"), "JSON_NUMBER_TOO_LARGE"),
    (login_body("9" * (MAX_NUMBER_CHARS + 1)), "JSON_NUMBER_TOO_LARGE"),
    (login_body("NaN"), "MALFORMED_REQUEST"),
    (login_body("Infinity"), "MALFORMED_REQUEST"),
    (login_body("-Infinity"), "MALFORMED_REQUEST"),
    ('{"username": "a", "username": "b", "password": "rahasia-sekali"}',
     "JSON_DUPLICATE_KEY"),
    (b'{"username": "\xff"}', "MALFORMED_REQUEST"),  # not UTF-8
])
def test_unreadable_json_is_400_with_a_stable_code(client, fake_rpc, body, code):
    response = post_json(client, LOGIN_PATH, body)
    error = assert_error(response, 400, code)
    assert error["details"]["location"] == "json"
    assert re.search(r"[a-z]", error["message"]) and "JSON" in error["message"] or (
        code == "MALFORMED_REQUEST")
    assert fake_rpc.calls == []


def test_the_bounds_are_in_the_details(client):
    deep = assert_error(post_json(client, LOGIN_PATH, nested(10_000)), 400,
                        "JSON_TOO_DEEP")
    assert deep["details"] == {"location": "json", "max_depth": MAX_DEPTH}
    long = assert_error(post_json(client, LOGIN_PATH, login_body("9" * 5_000)), 400,
                        "JSON_NUMBER_TOO_LARGE")
    assert long["details"] == {"location": "json", "max_chars": MAX_NUMBER_CHARS}
    twice = assert_error(post_json(client, LOGIN_PATH, '{"a": 1, "a": 1}'), 400,
                         "JSON_DUPLICATE_KEY")
    assert twice["details"] == {"location": "json", "key": "a"}
    assert twice["message"] == ("Isi permintaan (JSON) memuat nama isian yang sama "
                                "lebih dari sekali.")


def test_within_the_bounds_the_body_reaches_validation(client, fake_rpc):
    # as deep as allowed, the longest number allowed, brackets and quotes in
    # strings: read, then refused by the schema (422), not by the reader
    for username in (nested(MAX_DEPTH - 1), "9" * MAX_NUMBER_CHARS, "1e308",
                     '"[[[[\\"{{{{"'):
        response = post_json(client, LOGIN_PATH, login_body(username))
        if username.startswith('"'):
            assert response.status_code != 400, response.get_json()
        else:
            assert_error(response, 422, "VALIDATION_FAILED")


def test_a_well_formed_login_reaches_registrasi(client, fake_rpc):
    fake_rpc.on(LOGIN, Unauthenticated("LOGIN_FAILED", "wrong password"))
    response = post_json(client, LOGIN_PATH, json.dumps(
        {"username": "admin", "password": "rahasia-sekali"}))
    assert_error(response, 401, "LOGIN_FAILED")
    assert fake_rpc.requests(LOGIN)


def test_brackets_inside_strings_do_not_count():
    assert not too_deep(json.dumps({"x": "[" * 1_000, "y": ['\\"[' * 100]}))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert not too_deep(nested(MAX_DEPTH))


def test_loads_keeps_the_values():
    assert loads(b'{"a": [1, 2.5, "x", null, true], "b": {"c": -3}}') == {
        "a": [1, 2.5, "x", None, True], "b": {"c": -3}}
    with pytest.raises(BadRequest) as caught:
        loads(nested(MAX_DEPTH + 1))
    assert caught.value.code == "JSON_TOO_DEEP"
    with pytest.raises(json.JSONDecodeError):
        loads("[NaN]")


def test_request_get_json_has_the_same_bounds(app):
    with app.test_request_context(LOGIN_PATH, method="POST", data=nested(10_000),
                                  content_type="application/json"):
        from flask import request

        with pytest.raises(BadRequest) as caught:
            request.get_json()
        assert caught.value.code == "JSON_TOO_DEEP"


def _json_operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = (op.get("requestBody") or {}).get("content", {}) if isinstance(
                op, dict) else {}
            if "application/json" in content:
                found.append((method.upper(), path))
    return found


def test_every_json_route_refuses_each_bad_body(client, fake_rpc, signed_in):
    """Every documented JSON body (of every API route), with an actor holding every
    role: each bad body is the same 400 before any RPC, and never a 5xx."""
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = _json_operations(spec)
    assert len(operations) > 40, operations
    bodies = {nested(100_000): "JSON_TOO_DEEP",
              '{"x": ' + "9" * 5_000 + "}": "JSON_NUMBER_TOO_LARGE",
              '{"x": 1e999}': "JSON_NUMBER_TOO_LARGE",
              '{"x": NaN}': "MALFORMED_REQUEST",
              '{"x": 1, "x": 2}': "JSON_DUPLICATE_KEY"}
    headers = signed_in(roles=[str(r) for r in Role])
    for method, path in operations:
        url = re.sub(r"\{[a-z_0-9]+\}", "x1", path)
        for body, code in bodies.items():
            fake_rpc.calls.clear()
            response = client.open(url, method=method, data=body,
                                   content_type="application/json", headers=headers)
            assert response.status_code < 500, (method, path, response.get_json())
            assert_error(response, 400, code)
            assert [c for c, _, _ in fake_rpc.calls if c != AUTHENTICATE] == [], (
                method, path)


def test_the_website_forms_are_not_read_as_json(tmp_path_factory):
    """A website form carrying JSON-looking text is a form: rendered as a page with
    the fields' messages, never refused by the JSON reader."""
    web = support.fresh(support.build_app(tmp_path_factory))
    web.rpc.on(LOGIN, Unauthenticated("LOGIN_FAILED", "wrong password"))
    page = web.client.get("/penyedia/status")
    token = support.csrf_of(page.get_data(as_text=True))
    for username, password in ((nested(40), "9" * 5_000), ('{"a": 1, "a": 2}', "NaN")):
        response = web.client.post("/penyedia/status", data={
            "csrf_token": token, "username": username, "password": password},
            content_type="multipart/form-data")
        assert response.status_code < 500
        assert response.mimetype == "text/html", response.get_data(as_text=True)
        assert "JSON_" not in response.get_data(as_text=True)


# ------------------------------------------------------------------ tokens
def signed(settings: Any, **changes: Any) -> str:
    """A token signed with the deployment's secret, with claims changed or removed
    (a value of ``...`` removes the claim). Signed over raw JSON, since PyJWT's
    ``encode`` refuses to write some of these claims."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "u-admin", "sid": "s-1", "jti": "j-1", "iat": now, "nbf": now - 5,
        "exp": now + 600, "aud": settings.jwt_audience, "iss": settings.jwt_issuer}
    claims.update(changes)
    payload = json.dumps({k: v for k, v in claims.items() if v is not ...})
    return jwt.api_jws.encode(payload.encode(), settings.jwt_secret, algorithm="HS256")


@pytest.mark.parametrize("changes", [
    {"exp": "2030-01-01"}, {"exp": "1999999999"}, {"exp": True}, {"exp": None},
    {"exp": [1]}, {"exp": {"t": 1}}, {"exp": 10 ** 30}, {"exp": 1e300},
    {"exp": float("nan")}, {"exp": -1},
    {"iat": "kemarin"}, {"iat": None}, {"iat": False},
    {"nbf": [1]}, {"nbf": "0"}, {"nbf": float("inf")},
    {"sub": 5}, {"sub": ""}, {"sub": ["u-admin"]},
    {"sid": 5}, {"sid": ""}, {"sid": {"id": "s-1"}}, {"sid": None},
    {"jti": 7}, {"aud": 5}, {"aud": [5]}, {"iss": ["x"]}, {"iss": 5},
    {"exp": ...}, {"sub": ...}, {"sid": ...}, {"aud": ...}, {"iss": ...},
], ids=repr)
def test_a_well_signed_but_malformed_token_is_401(client, fake_rpc, settings,
                                                  changes):
    fake_rpc.on(AUTHENTICATE, actor_json())
    token = signed(settings, **changes)
    for path in ("/api/v1/me", LOGIN_PATH.replace("login", "logout")):
        response = client.open(path, method="GET" if path.endswith("me") else "POST",
                               headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 401, "TOKEN_INVALID")
    assert fake_rpc.requests(AUTHENTICATE) == []


def test_the_same_token_well_formed_is_accepted(client, fake_rpc, settings):
    fake_rpc.on(AUTHENTICATE, actor_json())
    response = client.get("/api/v1/me",
                          headers={"Authorization": f"Bearer {signed(settings)}"})
    assert response.status_code == 200, response.get_json()
