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


def signed_with(**changes) -> str:
    """Our own token with claims changed (``...`` removes one), correctly signed."""
    claims = {**claims_of(token()), **changes}
    payload = json.dumps({k: v for k, v in claims.items() if v is not ...})
    return jwt.api_jws.encode(payload.encode(), SECRET, algorithm="HS256")


@pytest.mark.parametrize("changes", [
    {"exp": "2099-01-01"}, {"exp": True}, {"exp": float("nan")}, {"exp": 10 ** 20},
    {"exp": -5}, {"exp": None}, {"exp": ...}, {"iat": "now"}, {"iat": [0]},
    {"nbf": {"at": 0}}, {"nbf": float("-inf")}, {"sid": 12}, {"sid": ""},
    {"sid": ...}, {"sub": ["u1"]}, {"sub": ""},
], ids=repr)
@pytest.mark.parametrize("now", [None, NOW], ids=["pyjwt-times", "server-times"])
def test_a_well_signed_token_with_odd_claims_is_invalid(changes, now):
    with pytest.raises(Unauthenticated) as caught:
        verify(signed_with(**changes), now=now)
    assert caught.value.code == "TOKEN_INVALID"


def test_a_fractional_time_is_a_numeric_date():
    later = (NOW + timedelta(minutes=5)).timestamp() + 0.5
    assert verify(signed_with(exp=later), now=NOW)["exp"] == later


def test_actor_schema_round_trip():
    actor = ActorSchema().load({"user_id": "u1", "roles": ["ppk"], "agency_id": "a"})
    assert isinstance(actor, Actor) and actor.has_role("ppk") and not actor.is_anonymous
    assert ActorSchema().load(actor.to_dict()) == actor
    assert Actor.anonymous("10.0.0.1").is_anonymous
