"""The error table: class -> status, code -> Indonesian message, body shape."""

from __future__ import annotations

import pytest

from gateway.errors import (
    CLASS_MESSAGES,
    HTTP_CODES,
    HTTP_STATUS,
    MESSAGES,
    InternalError,
    describe,
    describe_http,
    status_for,
)
from services.common.errors import (
    DOMAIN_ERRORS,
    BadRequest,
    Conflict,
    ContractViolation,
    EprocError,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)

#: codes registrasi and the gateway use (issue 2 §3-4); each needs Indonesian text
REQUIRED_CODES = [
    "VALIDATION_FAILED",
    "CONTRACT_VIOLATION",
    "LOGIN_FAILED",
    "LOGIN_RATE_LIMITED",
    "PENYEDIA_NOT_ACTIVE",
    "USER_NOT_ACTIVE",
    "TOKEN_INVALID",
    "TOKEN_EXPIRED",
    "SESSION_REVOKED",
    "FORBIDDEN",
    "ROLE_SEPARATION_VIOLATION",
    "NPWP_ALREADY_REGISTERED",
    "USERNAME_TAKEN",
    "PASSWORD_TOO_WEAK",
    "INVALID_TRANSITION",
    "PENYEDIA_NOT_FOUND",
    "USER_NOT_FOUND",
    "IDEMPOTENCY_KEY_REUSED",
    "UPLOAD_TOO_LARGE",
    "UPLOAD_TYPE_NOT_ALLOWED",
    "UPLOAD_EMPTY",
    "SERVICE_UNAVAILABLE",
    "INTERNAL_ERROR",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "UNSUPPORTED_MEDIA_TYPE",
    "REQUEST_TOO_LARGE",
    "MALFORMED_REQUEST",
    "UNAUTHENTICATED",
    "IDEMPOTENCY_KEY_INVALID",
]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BadRequest(), 422),
        (BadRequest("VALIDATION_FAILED"), 422),
        (BadRequest("PASSWORD_TOO_WEAK"), 422),
        (BadRequest("UPLOAD_EMPTY"), 422),
        (BadRequest("UPLOAD_TOO_LARGE"), 413),
        (BadRequest("UPLOAD_TYPE_NOT_ALLOWED"), 415),
        (ContractViolation(), 422),
        (Unauthenticated("LOGIN_FAILED"), 401),
        (Unauthenticated("TOKEN_EXPIRED"), 401),
        (Forbidden("ROLE_SEPARATION_VIOLATION"), 403),
        (Forbidden(), 403),
        (NotFound("PENYEDIA_NOT_FOUND"), 404),
        (Conflict("NPWP_ALREADY_REGISTERED"), 409),
        (Conflict("ROLE_SEPARATION_VIOLATION"), 409),
        (InvalidTransition(), 409),
        (RateLimited("LOGIN_RATE_LIMITED"), 429),
        (Unavailable(), 503),
        (EprocError("IDEMPOTENCY_KEY_REUSED"), 422),
        (EprocError("SOMETHING_UNKNOWN"), 500),
        (InternalError(), 500),
    ],
)
def test_status_for_each_error(error, status):
    assert status_for(error) == status


@pytest.mark.parametrize("cls", DOMAIN_ERRORS + (InternalError,))
def test_every_error_class_has_a_status_and_a_generic_message(cls):
    assert cls in HTTP_STATUS
    assert cls in CLASS_MESSAGES


def test_a_subclass_not_in_the_table_inherits_its_parents_status():
    class PenawaranLate(Conflict):
        default_code = "SOMETHING_NEW_LATE"

    body = describe(PenawaranLate())
    assert (body.status, body.code) == (409, "SOMETHING_NEW_LATE")
    assert body.message == CLASS_MESSAGES[Conflict]


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_known_code_has_an_indonesian_message(code):
    message = MESSAGES[code]
    assert message and message[0].isupper() and message.endswith(".")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (Unauthenticated("LOGIN_FAILED", "bad credentials"), MESSAGES["LOGIN_FAILED"]),
        (NotFound("SOMETHING_NEW", "gone"), CLASS_MESSAGES[NotFound]),
        (RateLimited("NEW_LIMIT"), CLASS_MESSAGES[RateLimited]),
    ],
)
def test_message_is_the_codes_else_the_classs(error, message):
    body = describe(error)
    assert body.message == message
    assert body.json() == {"error": error.code, "message": message, "details": {}}


def test_details_pass_through_and_become_json_safe():
    body = describe(Conflict("USERNAME_TAKEN", "taken", {"username": "x", "n": {1, 2}}))
    assert body.details["username"] == "x"
    assert sorted(body.details["n"]) == [1, 2]


def test_internal_errors_hide_their_details():
    body = describe(EprocError("WEIRD", "stack trace here", {"secret": "x"}))
    assert body.json() == {
        "error": "INTERNAL_ERROR",
        "message": MESSAGES["INTERNAL_ERROR"],
        "details": {},
    }


@pytest.mark.parametrize(
    ("error", "header"),
    [
        (Unauthenticated("UNAUTHENTICATED"), "Bearer"),
        (Unauthenticated("TOKEN_EXPIRED"), 'Bearer error="invalid_token"'),
    ],
)
def test_401_says_how_to_authenticate(error, header):
    assert describe(error).headers["WWW-Authenticate"] == header


def test_429_and_503_say_when_to_retry():
    limited = describe(
        RateLimited("LOGIN_RATE_LIMITED", "", {"retry_after_seconds": 30})
    )
    assert limited.headers == {"Retry-After": "30"}
    assert describe(Unavailable()).headers == {"Retry-After": "5"}


@pytest.mark.parametrize(("status", "code"), sorted(HTTP_CODES.items()))
def test_http_errors_have_codes_and_messages(status, code):
    body = describe_http(status)
    assert (body.status, body.code) == (status, code)
    assert body.message == MESSAGES[code]


def test_unexpected_http_5xx_is_internal_error():
    assert describe_http(502).code == "INTERNAL_ERROR"
    assert describe_http(418).code == "HTTP_ERROR"
