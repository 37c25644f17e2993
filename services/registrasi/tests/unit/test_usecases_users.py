"""Use cases for agencies, users and roles (SQLite unit of work, recording outbox)."""

from __future__ import annotations

import pytest

from services.common.auth import Role
from services.common.contracts import registrasi as c
from services.common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
)
from services.registrasi import usecases as uc
from services.registrasi.storage.audit import verify_audit
from services.registrasi.tests.helpers import PASSWORD, load


def last_audit(uow):
    entries, _ = uow.audit.list(object_type=None, object_id=None, page=1, per_page=1)
    return entries[0]


def test_world_is_built_with_events_and_audit(world, uow):
    assert (
        uow.recorded.types()
        == ["user_created", "agency_created"] + ["user_created"] * 5
    )
    assert world.admin_agency["agency_id"] == world.agency["agency_id"]
    assert world.admin_agency["must_change_password"] is True
    assert world.admin["must_change_password"] is False
    report = verify_audit(uow.session)
    assert report.ok and report.count == 7


def test_only_admin_ppe_creates_agencies(world, uow, now):
    for who in (world.admin_agency, world.verifikator):
        with pytest.raises(Forbidden, match="ROLE_REQUIRED"):
            uc.create_agency(
                uow,
                load(
                    c.CREATE_AGENCY,
                    actor=world.actor(who),
                    kode="PDAM",
                    nama="PDAM Tirta",
                    jenis="BUMD",
                ),
                now,
            )
    with pytest.raises(Conflict, match="AGENCY_KODE_TAKEN"):
        uc.create_agency(
            uow,
            load(
                c.CREATE_AGENCY,
                actor=world.actor(world.admin),
                kode="DPU",
                nama="Dinas Lain",
                jenis="SKPD",
            ),
            now,
        )
    with pytest.raises(Unauthenticated):
        uc.create_agency(
            uow,
            load(
                c.CREATE_AGENCY,
                actor={"ip": "1.2.3.4"},
                kode="X1",
                nama="Dinas X",
                jenis="SKPD",
            ),
            now,
        )


def test_satker_by_admin_agency_of_its_own_agency(world, uow, now):
    pdam = uc.create_agency(
        uow,
        load(
            c.CREATE_AGENCY,
            actor=world.actor(world.admin),
            kode="PDAM",
            nama="PDAM Tirta",
            jenis="BUMD",
        ),
        now,
    )
    satker = uc.create_satker(
        uow,
        load(
            c.CREATE_SATKER,
            actor=world.actor(world.admin_agency),
            kode="DPU-BM",
            nama="Bidang Bina Marga",
        ),
        now,
    )
    assert satker["agency_id"] == world.agency["agency_id"]
    with pytest.raises(Forbidden, match="AGENCY_MISMATCH"):
        uc.create_satker(
            uow,
            load(
                c.CREATE_SATKER,
                actor=world.actor(world.admin_agency),
                agency_id=pdam["agency_id"],
                kode="P-1",
                nama="Bagian Umum",
            ),
            now,
        )
    with pytest.raises(Conflict, match="SATKER_KODE_TAKEN"):
        uc.create_satker(
            uow,
            load(
                c.CREATE_SATKER,
                actor=world.actor(world.admin),
                agency_id=world.agency["agency_id"],
                kode="DPU-BM",
                nama="Bidang Lain",
            ),
            now,
        )
    with pytest.raises(NotFound, match="AGENCY_NOT_FOUND"):
        uc.create_satker(
            uow,
            load(
                c.CREATE_SATKER,
                actor=world.actor(world.admin),
                agency_id="nope",
                kode="X-1",
                nama="Bidang X",
            ),
            now,
        )
    listed = uc.list_satker(uow, {"agency_id": world.agency["agency_id"]}, now)
    assert [s["kode"] for s in listed] == ["DPU-BM"]
    assert {a["kode"] for a in uc.list_agencies(uow, {}, now)} == {"DPU", "PDAM"}
    assert uow.recorded.types()[-1] == "satker_created"


@pytest.mark.parametrize(
    "creator,roles,code",
    [
        ("admin", [Role.PPK], "ROLE_NOT_GRANTABLE"),
        ("admin_agency", [Role.VERIFIKATOR], "ROLE_NOT_GRANTABLE"),
        ("admin_agency", [Role.PENYEDIA], "PENYEDIA_SELF_REGISTRATION_ONLY"),
        ("verifikator", [Role.HELPDESK], "ROLE_REQUIRED"),
        ("ppk", [Role.POKJA], "ROLE_REQUIRED"),
    ],
)
def test_who_may_create_whom(world, uow, now, creator, roles, code):
    with pytest.raises(Forbidden) as refused:
        world.user(getattr(world, creator), "new.user", roles, sertifikat_pbj="SKA-1")
    assert refused.value.code == code


def test_created_accounts_follow_the_rules(world, uow, now):
    with pytest.raises(BadRequest, match="SERTIFIKAT_PBJ_REQUIRED"):
        world.user(world.admin_agency, "pokja.x", [Role.POKJA])
    pokja = world.user(
        world.admin_agency,
        "pokja.x",
        [Role.POKJA],
        sertifikat_pbj="SKA-7",
        sk_nomor="SK/7",
    )
    assert pokja["agency_id"] == world.agency["agency_id"]  # defaults to own agency
    with pytest.raises(Conflict, match="USERNAME_TAKEN"):
        world.user(world.admin, "pokja.x", [Role.HELPDESK])
    with pytest.raises(Conflict, match="ROLE_SEPARATION_VIOLATION"):
        world.user(world.admin, "mixed", [Role.VERIFIKATOR, Role.PPK])
    with pytest.raises(BadRequest, match="PASSWORD_EQUALS_USERNAME"):
        uc.create_user(
            uow,
            load(
                c.CREATE_USER,
                actor=world.actor(world.admin),
                username="helpdesk2",
                email="h@x.id",
                nama="Helpdesk Dua",
                password="HELPDESK2",
                roles=["helpdesk"],
            ),
            now,
            hasher=world.hasher,
        )


def test_pasal_14_3_across_accounts_of_one_person(world, uow, now):
    world.user(world.admin, "verif.nip", [Role.VERIFIKATOR], nip="198001012005011001")
    with pytest.raises(Conflict, match="ROLE_SEPARATION_VIOLATION"):
        world.user(world.admin_agency, "ppk.nip", [Role.PPK], nip="198001012005011001")


@pytest.mark.parametrize("staff_first", [True, False])
def test_pasal_14_3_on_grant_whichever_came_first(world, uow, now, staff_first):
    if staff_first:  # a Verifikator; the Admin Agency tries to make it PPK
        target, granter, role = world.verifikator, world.admin_agency, Role.PPK
    else:  # a PPK; the Admin PPE tries to make it Verifikator
        target, granter, role = world.ppk, world.admin, Role.VERIFIKATOR
    with pytest.raises(Conflict) as refused:
        uc.grant_role(
            uow,
            load(
                c.GRANT_ROLE,
                actor=world.actor(granter),
                user_id=target["user_id"],
                role=str(role),
            ),
            now,
        )
    assert refused.value.code == "ROLE_SEPARATION_VIOLATION"
    assert uow.user.get(target["user_id"]).roles == set(target["roles"])


def test_grant_and_revoke_end_sessions_and_emit_events(world, uow, now, config):
    token = uc.login(
        uow,
        {"username": "ppk.dpu", "password": PASSWORD, "ip": "1.1.1.1"},
        now,
        hasher=world.hasher,
        config=config,
    )["token"]
    granted = uc.grant_role(
        uow,
        load(
            c.GRANT_ROLE,
            actor=world.actor(world.admin_agency),
            user_id=world.ppk["user_id"],
            role="pokja",
            sertifikat_pbj="SKA-2",
        ),
        now,
    )
    assert set(granted["roles"]) == {Role.PPK, Role.POKJA}
    with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
        uc.authenticate(uow, {"token": token}, now, config=config)
    revoked = uc.revoke_role(
        uow,
        load(
            c.REVOKE_ROLE,
            actor=world.actor(world.admin_agency),
            user_id=world.ppk["user_id"],
            role="ppk",
        ),
        now,
    )
    assert revoked["roles"] == [Role.POKJA]
    assert uow.recorded.types()[-2:] == ["role_granted", "role_revoked"]
    assert last_audit(uow).action == "role_revoked"
    with pytest.raises(Forbidden, match="AGENCY_MISMATCH|ROLE_NOT_GRANTABLE"):
        uc.revoke_role(
            uow,
            load(
                c.REVOKE_ROLE,
                actor=world.actor(world.admin),
                user_id=world.ppk["user_id"],
                role="pokja",
            ),
            now,
        )
    with pytest.raises(Forbidden, match="USER_NOT_MANAGEABLE"):
        uc.grant_role(
            uow,
            load(
                c.GRANT_ROLE,
                actor=world.actor(world.admin),
                user_id=world.admin["user_id"],
                role="auditor",
            ),
            now,
        )


def test_deactivate_and_reactivate_user(world, uow, now, config):
    uc.login(
        uow,
        {"username": "helpdesk", "password": PASSWORD},
        now,
        hasher=world.hasher,
        config=config,
    )
    request = dict(
        actor=world.actor(world.admin),
        user_id=world.helpdesk["user_id"],
        alasan="pindah tugas",
    )
    with pytest.raises(Forbidden, match="USER_NOT_MANAGEABLE"):
        uc.deactivate_user(
            uow,
            load(
                c.DEACTIVATE_USER,
                **{**request, "actor": world.actor(world.admin_agency)},
            ),
            now,
        )
    result = uc.deactivate_user(uow, load(c.DEACTIVATE_USER, **request), now)
    assert result["status"] == c.StatusUser.NONAKTIF
    assert last_audit(uow).details["sessions_revoked"] == 1
    with pytest.raises(Forbidden, match="USER_NOT_ACTIVE"):
        uc.login(
            uow,
            {"username": "helpdesk", "password": PASSWORD},
            now,
            hasher=world.hasher,
            config=config,
        )
    uc.reactivate_user(uow, load(c.REACTIVATE_USER, **request), now)
    assert uow.recorded.types()[-2:] == ["user_deactivated", "user_reactivated"]
    pid, _ = world.register("cv.user")
    penyedia_user = uow.penyedia.get(pid).user_id
    with pytest.raises(BadRequest, match="USER_IS_PENYEDIA"):
        uc.deactivate_user(
            uow, load(c.DEACTIVATE_USER, **{**request, "user_id": penyedia_user}), now
        )


def test_who_sees_which_users(world, uow, now):
    ppk_id = world.ppk["user_id"]
    for reader in (
        world.admin,
        world.auditor,
        world.helpdesk,
        world.admin_agency,
        world.ppk,
    ):
        got = uc.get_user(
            uow, load(c.GET_USER, actor=world.actor(reader), user_id=ppk_id), now
        )
        assert got["username"] == "ppk.dpu"
    with pytest.raises(NotFound, match="USER_NOT_FOUND"):
        uc.get_user(
            uow,
            load(c.GET_USER, actor=world.actor(world.verifikator), user_id=ppk_id),
            now,
        )
    page = uc.list_users(
        uow, load(c.LIST_USERS, actor=world.actor(world.admin_agency)), now
    )
    assert {u["username"] for u in page["items"]} == {"admin.dpu", "ppk.dpu"}
    page = uc.list_users(
        uow,
        load(
            c.LIST_USERS,
            actor=world.actor(world.auditor),
            role="verifikator",
            per_page=1,
        ),
        now,
    )
    assert page["total"] == 1 and page["items"][0]["username"] == "verifikator"
    with pytest.raises(Forbidden):
        uc.list_users(uow, load(c.LIST_USERS, actor=world.actor(world.ppk)), now)
    with pytest.raises(Forbidden, match="AGENCY_MISMATCH"):
        uc.list_users(
            uow,
            load(
                c.LIST_USERS, actor=world.actor(world.admin_agency), agency_id="other"
            ),
            now,
        )


def test_contracts_dump_every_view(world, uow, now):
    assert c.CREATE_USER.dump_response(world.ppk)["roles"] == ["ppk"]
    assert c.CREATE_AGENCY.dump_response(world.agency)["jenis"] == "SKPD"


def test_ids_the_contract_leaves_optional_are_still_required(world, uow, now):
    from services.common.errors import ContractViolation

    with pytest.raises(ContractViolation) as refused:
        uc.get_user(uow, load(c.GET_USER, actor=world.actor(world.admin)), now)
    assert refused.value.details == {
        "fields": {"user_id": ["Missing data for required field."]}
    }
    with pytest.raises(ContractViolation):
        uc.reject_penyedia(
            uow,
            load(
                c.REJECT_PENYEDIA,
                actor=world.actor(world.verifikator),
                alasan="data tidak lengkap",
            ),
            now,
        )
