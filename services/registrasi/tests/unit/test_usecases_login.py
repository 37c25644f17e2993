"""Login, authenticate, logout, password change, throttling and the audit read."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from services.common.auth import verify_token
from services.common.contracts import registrasi as c
from services.common.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from services.registrasi import usecases as uc
from services.registrasi.storage.audit import verify_audit
from services.registrasi.tests.helpers import PASSWORD, load


def login(
    uow, hasher, config, now, username="verifikator", password=PASSWORD, ip="10.0.0.7"
):
    return uc.login(
        uow,
        {"username": username, "password": password, "ip": ip},
        now,
        hasher=hasher,
        config=config,
    )


def actions(uow, n):
    entries, _ = uow.audit.list(object_type=None, object_id=None, page=1, per_page=n)
    return [e.action for e in reversed(entries)]


def test_login_issues_a_token_for_a_session(world, uow, now, config):
    result = login(uow, world.hasher, config, now, username=" Verifikator ")
    dumped = c.LOGIN.dump_response(result)
    assert dumped["token_type"] == "Bearer" and dumped["actor"]["roles"] == [
        "verifikator"
    ]
    claims = verify_token(
        config.jwt_secret,
        result["token"],
        audience=config.jwt_audience,
        issuer=config.jwt_issuer,
        now=now,
    )
    session = uow.login.get_session(claims["sid"])
    assert session.user_id == world.verifikator["user_id"] and session.ip == "10.0.0.7"
    assert session.expires_at == now + timedelta(seconds=3600) == result["expires_at"]
    assert result["must_change_password"] is True
    assert actions(uow, 1) == ["login_succeeded"]


def test_unknown_user_and_wrong_password_look_the_same(world, uow, now, config):
    errors = []
    for username, password in [("nobody", PASSWORD), ("verifikator", "Wrong#Pass2012")]:
        world.hasher.calls.clear()
        with pytest.raises(Unauthenticated) as refused:
            login(uow, world.hasher, config, now, username=username, password=password)
        errors.append(
            (refused.value.code, refused.value.message, refused.value.details)
        )
        assert world.hasher.calls in (["dummy_verify"], ["verify"])
    assert errors[0] == errors[1] and errors[0][0] == "LOGIN_FAILED"
    assert actions(uow, 2) == ["login_failed", "login_failed"]
    entries, _ = uow.audit.list(object_type="user", object_id=None, page=1, per_page=2)
    assert [e.details["reason"] for e in entries] == ["wrong_password", "unknown_user"]


def test_throttled_per_account(world, uow, now, config):
    for _ in range(config.policy.max_failures_per_account):
        with pytest.raises(Unauthenticated):
            login(uow, world.hasher, config, now, password="Wrong#Pass2012")
    world.hasher.calls.clear()
    with pytest.raises(RateLimited) as refused:
        login(uow, world.hasher, config, now)  # even the right password
    assert refused.value.code == "LOGIN_RATE_LIMITED"
    assert refused.value.details["scope"] == "account" and world.hasher.calls == []
    # the window moves on
    later = now + timedelta(seconds=config.policy.window_seconds + 1)
    assert login(uow, world.hasher, config, later)["token"]


def test_throttled_per_address(world, uow, now, config):
    for i in range(config.policy.max_failures_per_address):
        with pytest.raises(Unauthenticated):
            login(uow, world.hasher, config, now, username=f"guess{i}", ip="6.6.6.6")
    with pytest.raises(RateLimited) as refused:
        login(uow, world.hasher, config, now, ip="6.6.6.6")
    assert refused.value.details["scope"] == "address"
    assert login(uow, world.hasher, config, now, ip="10.0.0.8")["token"]


def test_penyedia_status_is_revealed_only_after_the_right_password(
    world, uow, now, config
):
    world.register("cv.tunggu")
    with pytest.raises(Unauthenticated, match="LOGIN_FAILED"):
        login(
            uow, world.hasher, config, now, username="cv.tunggu", password="Salah#2012x"
        )
    with pytest.raises(Forbidden) as refused:
        login(uow, world.hasher, config, now, username="cv.tunggu")
    assert refused.value.code == "PENYEDIA_NOT_ACTIVE"
    # pending: no reason yet (one comes with a rejection, deactivation, blacklisting)
    assert refused.value.details == {"status": "menunggu_verifikasi", "alasan": None}
    assert actions(uow, 1) == ["login_refused"]


def test_old_hashes_are_rehashed(world, uow, now, config):
    user = uow.user.get_by_username("helpdesk")
    user.password_hash = f"old${PASSWORD}"
    uow.user.save(user)
    uow.commit()
    login(uow, world.hasher, config, now, username="helpdesk")
    assert uow.user.get_by_username("helpdesk").password_hash == f"fake${PASSWORD}"


def test_authenticate_returns_the_current_actor(world, uow, now, config):
    token = login(uow, world.hasher, config, now, username="ppk.dpu", ip="1.1.1.1")[
        "token"
    ]
    actor = uc.authenticate(uow, {"token": token, "ip": "2.2.2.2"}, now, config=config)
    assert (actor.user_id, actor.roles, actor.ip) == (
        world.ppk["user_id"],
        ("ppk",),
        "2.2.2.2",
    )
    assert actor.agency_id == world.agency["agency_id"] and actor.session_id
    with pytest.raises(Unauthenticated, match="TOKEN_EXPIRED"):
        uc.authenticate(uow, {"token": token}, now + timedelta(hours=2), config=config)
    with pytest.raises(Unauthenticated, match="TOKEN_INVALID"):
        uc.authenticate(uow, {"token": token + "x"}, now, config=config)
    user = uow.user.get(world.ppk["user_id"])
    user.deactivate(now=now)
    uow.user.save(user)
    with pytest.raises(Unauthenticated, match="ACCOUNT_NOT_ACTIVE"):
        uc.authenticate(uow, {"token": token}, now, config=config)


def test_logout_revokes_the_session(world, uow, now, config):
    result = login(uow, world.hasher, config, now)
    actor = result["actor"]
    assert uc.logout(uow, load(c.LOGOUT, actor=actor), now) == {"ok": True}
    with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
        uc.authenticate(uow, {"token": result["token"]}, now, config=config)
    assert uc.logout(uow, load(c.LOGOUT, actor=actor), now) == {"ok": True}
    assert actions(uow, 2) == ["login_succeeded", "logout"]
    with pytest.raises(NotFound):
        uc.logout(
            uow, load(c.LOGOUT, actor=world.actor(world.admin, session_id="x")), now
        )


def test_change_password_ends_every_session(world, uow, now, config):
    first = login(uow, world.hasher, config, now)
    second = login(uow, world.hasher, config, now)
    request = dict(
        actor=first["actor"], old_password=PASSWORD, new_password="Verifikasi#Baru2012"
    )
    assert uc.change_password(
        uow, load(c.CHANGE_PASSWORD, **request), now, hasher=world.hasher, config=config
    ) == {"ok": True}
    for token in (first["token"], second["token"]):
        with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
            uc.authenticate(uow, {"token": token}, now, config=config)
    fresh = login(uow, world.hasher, config, now, password="Verifikasi#Baru2012")
    assert fresh["must_change_password"] is False


@pytest.mark.parametrize(
    "old,new,error,code",
    [
        ("Wrong#Pass2012", "Verifikasi#Baru2012", Forbidden, "OLD_PASSWORD_INCORRECT"),
        (PASSWORD, PASSWORD, BadRequest, "PASSWORD_UNCHANGED"),
        (PASSWORD, "password1234", BadRequest, "PASSWORD_TOO_COMMON"),
        (PASSWORD, "VERIFIKATOR", BadRequest, "PASSWORD_EQUALS_USERNAME"),
    ],
)
def test_change_password_refusals(world, uow, now, config, old, new, error, code):
    actor = world.actor(world.verifikator, session_id="s")
    with pytest.raises(error) as refused:
        uc.change_password(
            uow,
            load(c.CHANGE_PASSWORD, actor=actor, old_password=old, new_password=new),
            now,
            hasher=world.hasher,
            config=config,
        )
    assert refused.value.code == code
    uow.rollback()
    if code == "OLD_PASSWORD_INCORRECT":  # written in its own transaction: kept
        assert actions(uow, 1) == ["password_change_failed"]
        assert uow.login.count_failures(
            username="verifikator", ip=None, since=now - timedelta(1)
        ) == (1, 0)


def test_audit_is_read_only_for_admin_ppe_and_auditor(world, uow, now):
    for reader in (world.admin, world.auditor):
        page = uc.list_audit(
            uow,
            load(
                c.LIST_AUDIT, actor=world.actor(reader), object_type="user", per_page=3
            ),
            now,
        )
        assert page["total"] == 6 and len(page["items"]) == 3
        c.LIST_AUDIT.dump_response(page)
    for other in (world.verifikator, world.helpdesk, world.admin_agency):
        with pytest.raises(Forbidden):
            uc.list_audit(uow, load(c.LIST_AUDIT, actor=world.actor(other)), now)
    assert verify_audit(uow.session).ok


# ------------------------------------------------------------- initial password
def _create_ppk(uow, now, hasher, actor, username):
    return uc.create_user(
        uow,
        load(
            c.CREATE_USER,
            actor=actor,
            username=username,
            email=f"{username}@x.id",
            nama=username.title(),
            password=PASSWORD,
            roles=["ppk"],
        ),
        now,
        hasher=hasher,
    )


def test_initial_password_must_be_changed_before_any_write(world, uow, now, config):
    """An admin-created account carries the flag on its actor; writes are refused
    until the password is changed, after which the flag is gone."""
    first = login(uow, world.hasher, config, now, username="admin.dpu")
    assert first["must_change_password"] is True
    assert first["actor"].must_change_password is True
    dumped = c.LOGIN.dump_response(first)
    assert dumped["actor"]["must_change_password"] is True
    actor = uc.authenticate(uow, {"token": first["token"]}, now, config=config)
    assert actor.must_change_password is True
    assert c.AUTHENTICATE.load_response(
        c.AUTHENTICATE.dump_response(actor)
    ).must_change_password is True

    with pytest.raises(Forbidden) as refused:
        _create_ppk(uow, now, world.hasher, actor, "ppk.baru")
    assert refused.value.code == "PASSWORD_CHANGE_REQUIRED"
    uow.rollback()
    assert uow.user.get_by_username("ppk.baru") is None

    assert uc.change_password(
        uow,
        load(
            c.CHANGE_PASSWORD,
            actor=actor,
            old_password=PASSWORD,
            new_password="Admin#Dinas2012",
        ),
        now,
        hasher=world.hasher,
        config=config,
    ) == {"ok": True}
    with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
        uc.authenticate(uow, {"token": first["token"]}, now, config=config)

    again = login(
        uow, world.hasher, config, now, username="admin.dpu", password="Admin#Dinas2012"
    )
    assert again["must_change_password"] is False
    actor = uc.authenticate(uow, {"token": again["token"]}, now, config=config)
    assert actor.must_change_password is False
    created = _create_ppk(uow, now, world.hasher, actor, "ppk.baru")
    assert created["username"] == "ppk.baru" and created["must_change_password"]


@pytest.mark.parametrize(
    "contract,extra",
    [
        (c.CREATE_AGENCY, {"kode": "DKS", "nama": "Dinas Kesehatan", "jenis": "SKPD"}),
        (c.VERIFY_PENYEDIA, {"penyedia_id": "p-x", "dokumen_diperiksa": ["a" * 64]}),
        (c.DEACTIVATE_USER, {"user_id": "u-x", "alasan": "pindah tugas"}),
    ],
)
def test_flagged_actor_is_refused_by_write_use_cases(world, uow, now, contract, extra):
    actor = dataclasses.replace(
        world.actor(world.admin), roles=("admin_ppe", "verifikator"),
        must_change_password=True,
    )
    usecase = getattr(uc, contract.method)
    with pytest.raises(Forbidden) as refused:
        usecase(uow, load(contract, actor=actor, **extra), now)
    assert refused.value.code == "PASSWORD_CHANGE_REQUIRED"


def test_flagged_actor_may_log_out(world, uow, now, config):
    result = login(uow, world.hasher, config, now)  # the verifikator: flagged
    assert result["actor"].must_change_password is True
    assert uc.logout(uow, load(c.LOGOUT, actor=result["actor"]), now) == {"ok": True}
