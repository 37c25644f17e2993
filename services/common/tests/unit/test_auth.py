"""JWT: only HS256 with the right audience and issuer, not expired."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from services.common.auth import Actor, ActorSchema, issue_token, verify_token
from services.common.errors import Unauthenticated

SECRET = "0123456789abcdef" * 4
AUD, ISS = "lpse-karangasem", "lpse-karangasem/registrasi"
NOW = datetime.now(UTC)


def token(**overrides) -> str:
    kwargs = {"user_id": "u1", "session_id": "s1", "now": NOW, "ttl_seconds": 600,
              "audience": AUD, "issuer": ISS, **overrides}
    return issue_token(SECRET, **kwargs)[0]


def claims_of(tok: str) -> dict:
    return jwt.decode(tok, options={"verify_signature": False})


def verify(tok: str, **kwargs):
    return verify_token(SECRET, tok, audience=kwargs.pop("audience", AUD),
                        issuer=kwargs.pop("issuer", ISS), **kwargs)


def test_valid_token_is_accepted():
    claims = verify(token())
    assert (claims["sub"], claims["sid"], claims["aud"]) == ("u1", "s1", AUD)


def test_alg_none_is_refused():
    unsigned = jwt.encode(claims_of(token()), key=None, algorithm="none")
    assert unsigned.endswith(".")
    with pytest.raises(Unauthenticated) as error:
        verify(unsigned)
    assert error.value.code == "TOKEN_INVALID"


def test_forged_alg_header_is_refused():
    header, payload, signature = token().split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        verify(f"{forged}.{payload}.{signature}")


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_algorithms_are_refused_even_with_the_right_key(alg):
    other = jwt.encode(claims_of(token()), SECRET, algorithm=alg)
    with pytest.raises(Unauthenticated) as error:
        verify(other)
    assert error.value.code == "TOKEN_INVALID"


@pytest.mark.parametrize("kwargs", [{"audience": "someone-else"}, {"issuer": "evil"}])
def test_wrong_audience_or_issuer_is_refused(kwargs):
    with pytest.raises(Unauthenticated) as error:
        verify(token(), **kwargs)
    assert error.value.code == "TOKEN_INVALID"


def test_wrong_key_is_refused():
    with pytest.raises(Unauthenticated):
        verify_token("another-secret-" * 3, token(), audience=AUD, issuer=ISS)


def test_expired_token_is_refused():
    old = token(now=NOW - timedelta(hours=2), ttl_seconds=60)
    with pytest.raises(Unauthenticated) as error:
        verify(old)
    assert error.value.code == "TOKEN_EXPIRED"


def test_expiry_is_checked_against_server_time_when_given():
    fresh = token()
    assert verify(fresh, now=NOW)["sub"] == "u1"
    with pytest.raises(Unauthenticated) as error:  # a test clock 1 h ahead
        verify(fresh, now=NOW + timedelta(hours=1))
    assert error.value.code == "TOKEN_EXPIRED"


def test_actor_schema_round_trip():
    actor = ActorSchema().load({"user_id": "u1", "roles": ["ppk"], "agency_id": "a"})
    assert isinstance(actor, Actor) and actor.has_role("ppk") and not actor.is_anonymous
    assert ActorSchema().load(actor.to_dict()) == actor
    assert Actor.anonymous("10.0.0.1").is_anonymous
