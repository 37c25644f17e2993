"""Who creates whom, Pasal 14(3), certificates, agencies; passwords; login rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.auth import Actor, Role
from services.common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidTransition,
    RateLimited,
    Unauthenticated,
)
from services.registrasi.domain import (
    GRANTABLE_BY,
    LoginPolicy,
    LoginSession,
    StatusPenyedia,
    StatusUser,
    User,
    can_manage,
    check_can_grant,
    check_may_log_in,
    check_password,
    check_role_set,
    check_still_allowed,
    check_throttle,
    common_passwords,
)

R = Role
ADMIN_PPE = Actor(user_id="a", roles=(R.ADMIN_PPE,))
ADMIN_AGENCY = Actor(user_id="b", roles=(R.ADMIN_AGENCY,), agency_id="dpu")
STAFF_ROLES = [R.ADMIN_PPE, R.VERIFIKATOR, R.HELPDESK]
PROCUREMENT = [R.PPK, R.POKJA, R.PEJABAT_PENGADAAN]


def user(*roles: Role, agency_id=None, sertifikat="SKA-1", now=None) -> User:
    return User(
        user_id="u",
        username="u1",
        email="u@x.id",
        nama="U",
        roles=set(roles),
        status=StatusUser.AKTIF,
        password_hash="h",
        created_at=now,
        agency_id=agency_id,
        sertifikat_pbj=sertifikat,
    )


@pytest.mark.parametrize(
    "creator",
    [
        ADMIN_PPE,
        ADMIN_AGENCY,
        Actor(user_id="v", roles=(R.VERIFIKATOR,)),
        Actor(user_id="p", roles=(R.PPK,), agency_id="dpu"),
    ],
)
@pytest.mark.parametrize("role", list(R))
def test_who_creates_whom(creator, role):
    allowed = (
        role in GRANTABLE_BY.get(R(creator.roles[0]), frozenset())
        and role is not R.PENYEDIA
    )
    agency = "dpu" if creator.agency_id else None
    if allowed:
        check_can_grant(creator, {role}, agency)
        return
    with pytest.raises(Forbidden) as refused:
        check_can_grant(creator, {role}, agency)
    expected = (
        "PENYEDIA_SELF_REGISTRATION_ONLY"
        if role is R.PENYEDIA
        else "ROLE_NOT_GRANTABLE"
    )
    assert refused.value.code == expected


def test_grant_table_is_domain_3_1():
    assert GRANTABLE_BY[R.ADMIN_PPE] == {
        R.ADMIN_PPE,
        R.ADMIN_AGENCY,
        R.VERIFIKATOR,
        R.HELPDESK,
        R.AUDITOR,
    }
    assert GRANTABLE_BY[R.ADMIN_AGENCY] == {
        R.PA,
        R.KPA,
        R.PPK,
        R.POKJA,
        R.PEJABAT_PENGADAAN,
    }


def test_admin_agency_only_in_its_own_agency():
    check_can_grant(ADMIN_AGENCY, {R.PPK}, "dpu")
    with pytest.raises(Forbidden) as refused:
        check_can_grant(ADMIN_AGENCY, {R.PPK}, "pdam")
    assert refused.value.code == "AGENCY_MISMATCH"
    check_can_grant(ADMIN_PPE, {R.ADMIN_AGENCY}, "pdam")  # Admin PPE: any agency


@pytest.mark.parametrize("staff", STAFF_ROLES)
@pytest.mark.parametrize("procurement", PROCUREMENT)
@pytest.mark.parametrize("staff_first", [True, False])
def test_pasal_14_3_whichever_role_comes_first(
    staff, procurement, staff_first, frozen_now
):
    first, second = (staff, procurement) if staff_first else (procurement, staff)
    u = user(first, agency_id=None if first in STAFF_ROLES else "dpu", now=frozen_now)
    with pytest.raises(Conflict) as refused:
        u.grant(second, now=frozen_now)
    assert refused.value.code == "ROLE_SEPARATION_VIOLATION"
    assert refused.value.details["requested"] == second
    assert u.roles == {first}


@pytest.mark.parametrize("other", [r for r in R if r is not R.PENYEDIA])
def test_penyedia_holds_no_other_role(other, frozen_now):
    with pytest.raises(Conflict) as refused:
        user(R.PENYEDIA, now=frozen_now).grant(other, now=frozen_now)
    assert refused.value.code == "PENYEDIA_ROLE_EXCLUSIVE"


@pytest.mark.parametrize(
    "roles,agency,sertifikat,code",
    [
        ({R.POKJA}, "dpu", None, "SERTIFIKAT_PBJ_REQUIRED"),
        ({R.PEJABAT_PENGADAAN}, "dpu", " ", "SERTIFIKAT_PBJ_REQUIRED"),
        ({R.PPK}, None, None, "AGENCY_REQUIRED"),
        ({R.ADMIN_AGENCY}, None, None, "AGENCY_REQUIRED"),
        ({R.VERIFIKATOR}, "dpu", None, "AGENCY_NOT_ALLOWED"),
        ({R.AUDITOR, R.HELPDESK}, "dpu", None, "AGENCY_NOT_ALLOWED"),
    ],
)
def test_role_requirements(roles, agency, sertifikat, code):
    with pytest.raises(BadRequest) as refused:
        check_role_set(roles, agency_id=agency, sertifikat_pbj=sertifikat)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "roles,agency",
    [
        ({R.POKJA, R.PPK}, "dpu"),
        ({R.AUDITOR}, None),
        ({R.AUDITOR}, "dpu"),
        ({R.PA, R.KPA}, "dpu"),
    ],
)
def test_role_sets_that_are_fine(roles, agency):
    check_role_set(roles, agency_id=agency, sertifikat_pbj="SKA-1")


def test_grant_revoke_and_status(frozen_now):
    u = user(R.PPK, agency_id="dpu", sertifikat=None, now=frozen_now)
    with pytest.raises(BadRequest):
        u.grant(R.POKJA, now=frozen_now)
    u.grant(R.POKJA, now=frozen_now, sertifikat_pbj="SKA-9", sk_nomor="SK/1")
    assert u.roles == {R.PPK, R.POKJA} and u.role_sk[R.POKJA] == "SK/1"
    with pytest.raises(Conflict, match="ROLE_ALREADY_HELD"):
        u.grant(R.POKJA, now=frozen_now)
    u.revoke(R.PPK, now=frozen_now)
    with pytest.raises(Conflict, match="ROLE_NOT_HELD"):
        u.revoke(R.PPK, now=frozen_now)
    with pytest.raises(Conflict, match="LAST_ROLE"):
        u.revoke(R.POKJA, now=frozen_now)
    u.deactivate(now=frozen_now)
    with pytest.raises(InvalidTransition, match="USER_TRANSITION_NOT_ALLOWED"):
        u.deactivate(now=frozen_now)
    u.reactivate(now=frozen_now)
    assert u.is_active


def test_who_manages_whom(frozen_now):
    ppk = user(R.PPK, agency_id="dpu", now=frozen_now)
    other_agency = user(R.PPK, agency_id="pdam", now=frozen_now)
    verifikator = user(R.VERIFIKATOR, now=frozen_now)
    assert can_manage(ADMIN_AGENCY, ppk) and not can_manage(ADMIN_AGENCY, other_agency)
    assert not can_manage(ADMIN_AGENCY, verifikator) and can_manage(
        ADMIN_PPE, verifikator
    )
    assert not can_manage(ADMIN_PPE, ppk)
    assert not can_manage(ADMIN_PPE, user(R.PENYEDIA, now=frozen_now))
    assert not can_manage(Actor(user_id="u", roles=(R.ADMIN_PPE,)), verifikator)  # self


# ------------------------------------------------------------------ passwords
@pytest.mark.parametrize(
    "password,username,code",
    [
        ("short7!", None, "PASSWORD_TOO_SHORT"),
        ("x" * 257, None, "PASSWORD_TOO_LONG"),
        ("budi.santoso", "Budi.Santoso", "PASSWORD_EQUALS_USERNAME"),
        ("password", None, "PASSWORD_TOO_COMMON"),
        ("Password123", None, "PASSWORD_TOO_COMMON"),
        ("12345678", None, "PASSWORD_TOO_COMMON"),
        ("qwertyuiop", None, "PASSWORD_TOO_COMMON"),
        ("Karangasem2012", None, "PASSWORD_TOO_COMMON"),
        ("rahasia123", None, "PASSWORD_TOO_COMMON"),
    ],
)
def test_password_policy_refuses(password, username, code):
    with pytest.raises(BadRequest) as refused:
        check_password(password, username=username)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "password", ["Karangasem#Aman2012", "tiga kata acak sekali", "Gx7!pQ2z"]
)
def test_password_policy_accepts(password):
    check_password(password, username="budi")


def test_common_password_list_is_large_and_clean():
    words = common_passwords()
    assert len(words) >= 1000
    assert all(w == w.strip().lower() and not w.startswith("#") for w in words)


# ------------------------------------------------------------------ login rules
def test_throttle_per_account_then_per_address():
    policy = LoginPolicy(max_failures_per_account=3, max_failures_per_address=5)
    check_throttle(policy, account_failures=2, address_failures=4)
    for account, address, scope in [(3, 0, "account"), (0, 5, "address")]:
        with pytest.raises(RateLimited) as refused:
            check_throttle(policy, account_failures=account, address_failures=address)
        assert refused.value.code == "LOGIN_RATE_LIMITED"
        assert refused.value.details["scope"] == scope


@pytest.mark.parametrize(
    "status", [s for s in StatusPenyedia if s is not StatusPenyedia.TERVERIFIKASI]
)
def test_penyedia_not_verified_may_not_log_in(status, frozen_now):
    with pytest.raises(Forbidden) as refused:
        check_may_log_in(user(R.PENYEDIA, now=frozen_now), status)
    assert refused.value.code == "PENYEDIA_NOT_ACTIVE"
    assert refused.value.details == {"status": status}
    with pytest.raises(Unauthenticated) as refused:
        check_still_allowed(user(R.PENYEDIA, now=frozen_now), status)
    assert refused.value.code == "ACCOUNT_NOT_ACTIVE"


def test_inactive_user_may_not_log_in(frozen_now):
    u = user(R.HELPDESK, now=frozen_now)
    check_may_log_in(u, None)
    check_may_log_in(user(R.PENYEDIA, now=frozen_now), StatusPenyedia.TERVERIFIKASI)
    u.deactivate(now=frozen_now)
    with pytest.raises(Forbidden, match="USER_NOT_ACTIVE"):
        check_may_log_in(u, None)
    with pytest.raises(Unauthenticated, match="ACCOUNT_NOT_ACTIVE"):
        check_still_allowed(None, None)


def test_session_lifetime(frozen_now):
    s = LoginSession("s", "u", frozen_now, frozen_now + timedelta(hours=1))
    s.check_usable(frozen_now)
    with pytest.raises(Unauthenticated, match="SESSION_EXPIRED"):
        s.check_usable(frozen_now + timedelta(hours=1))
    s.revoke(frozen_now)
    s.revoke(frozen_now + timedelta(minutes=5))
    assert s.revoked_at == frozen_now and not s.is_live(frozen_now)
    with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
        s.check_usable(frozen_now)
