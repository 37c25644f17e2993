"""Use cases for penyedia registration, verification and reads."""

from __future__ import annotations

import pytest

from services.common.contracts import registrasi as c
from services.common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from services.registrasi import usecases as uc
from services.registrasi.domain import LoginPolicy
from services.registrasi.tests.helpers import PASSWORD, PERMINTAAN, load, register_raw

S = c.StatusPenyedia


def test_register_writes_account_penyedia_event_and_audit(world, uow, now):
    pid, doc = world.register("cv.maju", npwp="01.234.567.8-901.000")
    p = uow.penyedia.get(pid)
    assert p.status == S.MENUNGGU_VERIFIKASI and p.npwp == "012345678901000"
    assert [d.sha256 for d in p.dokumen] == [doc["sha256"]]
    user = uow.user.get_by_username("cv.maju")
    assert user.penyedia_id == pid and user.password_hash == f"fake${PASSWORD}"
    contract, payload = uow.recorded.events[-1]
    assert contract is c.PENYEDIA_REGISTERED
    assert (
        payload["status"] == "menunggu_verifikasi"
        and payload["user_id"] == user.user_id
    )
    entries, _ = uow.audit.list(
        object_type="penyedia", object_id=pid, page=1, per_page=5
    )
    assert [e.action for e in entries] == ["penyedia_registered"]
    assert entries[0].ip == "10.9.9.9" and entries[0].actor_user_id is None


@pytest.mark.parametrize(
    "overrides,error,code",
    [
        ({"setuju_pakta_integritas": False}, BadRequest, "PAKTA_INTEGRITAS_REQUIRED"),
        ({"password": "password123"}, BadRequest, "PASSWORD_TOO_COMMON"),
        (
            {"username": "cv.baru123", "password": "CV.Baru123"},
            BadRequest,
            "PASSWORD_EQUALS_USERNAME",
        ),
        ({"npwp": "01.234.567.8-901.000"}, Conflict, "NPWP_ALREADY_REGISTERED"),
        ({"username": "cv.lama"}, Conflict, "USERNAME_TAKEN"),
    ],
)
def test_register_refusals(world, uow, now, overrides, error, code):
    world.register("cv.lama", npwp="012345678901000")
    events = len(uow.recorded.events)
    with pytest.raises(error) as refused:
        world.register(overrides.pop("username", "cv.baru"), **overrides)
    assert refused.value.code == code
    assert len(uow.recorded.events) == events


def test_register_checks_documents_against_the_blob_store(world, uow, now, blobs):
    missing = {
        "jenis": "akta",
        "sha256": "e" * 64,
        "filename": "a.pdf",
        "content_type": "application/pdf",
        "size": 5,
    }
    wrong_size = {**blobs.add(), "size": 999}
    exe = blobs.add(b"MZ\x90\x00", content_type=None)
    for doc, code in [
        (missing, "DOKUMEN_NOT_UPLOADED"),
        (wrong_size, "DOKUMEN_MISMATCH"),
        (exe, "UPLOAD_TYPE_NOT_ALLOWED"),
    ]:
        with pytest.raises(BadRequest) as refused:
            uc.register_penyedia(
                uow,
                load(c.REGISTER_PENYEDIA, **register_raw("cv.dok", [doc])),
                now,
                hasher=world.hasher,
                blobs=blobs,
            )
        assert refused.value.code == code


def verifikator_request(world, contract, pid, **extra):
    return load(
        contract, actor=world.actor(world.verifikator), penyedia_id=pid, **extra
    )


def test_full_lifecycle_with_events_audit_and_sessions(world, uow, now, config):
    pid, doc = world.verified("cv.siklus")
    login = {"username": "cv.siklus", "password": PASSWORD}
    token = uc.login(uow, login, now, hasher=world.hasher, config=config)["token"]
    blacklisted = uc.blacklist_penyedia(
        uow,
        verifikator_request(
            world,
            c.BLACKLIST_PENYEDIA,
            pid,
            alasan="wanprestasi kontrak 2011",
            permintaan=PERMINTAAN,
            berlaku_sampai="2014-09-01",
        ),
        now,
    )
    assert blacklisted["status"] == S.DAFTAR_HITAM
    assert blacklisted["riwayat"][-1]["permintaan"]["nomor_surat"] == "027/123/DPU/2012"
    with pytest.raises(Unauthenticated, match="SESSION_REVOKED"):
        uc.authenticate(uow, {"token": token}, now, config=config)
    with pytest.raises(Forbidden) as refused:
        uc.login(uow, login, now, hasher=world.hasher, config=config)
    assert (refused.value.code, refused.value.details) == (
        "PENYEDIA_NOT_ACTIVE",
        {"status": "daftar_hitam", "alasan": "wanprestasi kontrak 2011"},
    )
    daftar = uc.list_daftar_hitam(uow, {}, now)
    assert [(d["penyedia_id"], d["alasan"]) for d in daftar] == [
        (pid, "wanprestasi kontrak 2011")
    ]
    assert (
        c.LIST_DAFTAR_HITAM.dump_response(daftar)[0]["berlaku_sampai"] == "2014-09-01"
    )
    uc.reactivate_penyedia(
        uow,
        verifikator_request(world, c.REACTIVATE_PENYEDIA, pid, alasan="sanksi dicabut"),
        now,
    )
    uc.deactivate_penyedia(
        uow,
        verifikator_request(
            world, c.DEACTIVATE_PENYEDIA, pid, alasan="melanggar ketentuan"
        ),
        now,
    )
    assert uow.recorded.types()[-5:] == [
        "penyedia_registered",
        "penyedia_verified",
        "penyedia_blacklisted",
        "penyedia_reactivated",
        "penyedia_deactivated",
    ]
    blacklist_event = uow.recorded.events[-3][1]
    assert blacklist_event["permintaan"]["peran"] == "ppk"
    entries, _ = uow.audit.list(
        object_type="penyedia", object_id=pid, page=1, per_page=9
    )
    assert [e.action for e in reversed(entries)] == [
        "penyedia_registered",
        "penyedia_verified",
        "penyedia_blacklisted",
        "penyedia_reactivated",
        "penyedia_deactivated",
    ]
    assert entries[2].details["sessions_revoked"] == 1
    assert entries[3].details["dokumen_diperiksa"] == [doc["sha256"]]


def test_only_the_verifikator_decides(world, uow, now):
    pid, doc = world.register("cv.hak")
    for who in (world.admin, world.helpdesk, world.auditor, world.ppk):
        with pytest.raises(Forbidden, match="ROLE_REQUIRED"):
            uc.verify_penyedia(
                uow,
                load(
                    c.VERIFY_PENYEDIA,
                    actor=world.actor(who),
                    penyedia_id=pid,
                    dokumen_diperiksa=[doc["sha256"]],
                ),
                now,
            )
    with pytest.raises(InvalidTransition, match="PENYEDIA_TRANSITION_NOT_ALLOWED"):
        uc.reactivate_penyedia(
            uow,
            verifikator_request(
                world, c.REACTIVATE_PENYEDIA, pid, alasan="tidak berlaku"
            ),
            now,
        )
    with pytest.raises(NotFound, match="PENYEDIA_NOT_FOUND"):
        uc.reject_penyedia(
            uow,
            verifikator_request(world, c.REJECT_PENYEDIA, "nope", alasan="data palsu"),
            now,
        )


def test_rejected_penyedia_resubmits(world, uow, now, blobs):
    pid, _ = world.register("cv.ulang")
    uc.reject_penyedia(
        uow,
        verifikator_request(world, c.REJECT_PENYEDIA, pid, alasan="NPWP tidak terbaca"),
        now,
    )
    new_doc = blobs.add(b"%PDF-1.4 npwp baru")
    result = uc.resubmit_penyedia(
        uow,
        load(
            c.RESUBMIT_PENYEDIA,
            actor={"ip": "10.1.1.1"},
            username="cv.ulang",
            password=PASSWORD,
            alamat="Jl. Baru 9, Amlapura",
            email="baru@cv-ulang.co.id",
            dokumen=[new_doc],
        ),
        now,
        hasher=world.hasher,
        policy=LoginPolicy(),
        blobs=blobs,
    )
    assert result["status"] == S.MENUNGGU_VERIFIKASI
    p = uow.penyedia.get(pid)
    assert p.alamat == "Jl. Baru 9, Amlapura" and len(p.dokumen) == 2
    assert uow.user.get(p.user_id).email == p.email == "baru@cv-ulang.co.id"
    assert [c.status_to for c in p.riwayat][-2:] == [S.DITOLAK, S.MENUNGGU_VERIFIKASI]


def test_failed_resubmit_is_recorded_even_though_the_call_rolls_back(world, uow, now):
    world.register("cv.salah")
    request = load(
        c.RESUBMIT_PENYEDIA,
        actor={"ip": "10.2.2.2"},
        username="cv.salah",
        password="wrong-password",
    )
    policy = LoginPolicy(max_failures_per_account=2)
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="LOGIN_FAILED"):
            uc.resubmit_penyedia(uow, request, now, hasher=world.hasher, policy=policy)
        uow.rollback()  # what an idempotent RPC does with its own transaction
    with pytest.raises(RateLimited, match="LOGIN_RATE_LIMITED"):
        uc.resubmit_penyedia(uow, request, now, hasher=world.hasher, policy=policy)
    entries, _ = uow.audit.list(object_type="user", object_id=None, page=1, per_page=1)
    assert (
        entries[0].action == "penyedia_resubmit_failed" and entries[0].ip == "10.2.2.2"
    )


def test_who_sees_penyedia_and_documents(world, uow, now):
    pid, doc = world.register("cv.lihat")
    other, _ = world.register("cv.lain")
    own = world.penyedia_actor(pid)
    seen = {}
    for name in ("verifikator", "admin", "auditor", "helpdesk"):
        got = uc.get_penyedia(
            uow,
            load(
                c.GET_PENYEDIA, actor=world.actor(getattr(world, name)), penyedia_id=pid
            ),
            now,
        )
        seen[name] = len(got["dokumen"])
    assert seen == {"verifikator": 1, "admin": 1, "auditor": 1, "helpdesk": 0}
    mine = uc.get_penyedia(uow, load(c.GET_PENYEDIA, actor=own, penyedia_id=pid), now)
    assert mine["dokumen"][0]["sha256"] == doc["sha256"]
    with pytest.raises(NotFound, match="PENYEDIA_NOT_FOUND"):
        uc.get_penyedia(uow, load(c.GET_PENYEDIA, actor=own, penyedia_id=other), now)
    with pytest.raises(Forbidden):
        uc.get_penyedia(
            uow,
            load(c.GET_PENYEDIA, actor=world.actor(world.ppk), penyedia_id=pid),
            now,
        )
    ref = uc.get_dokumen(
        uow, load(c.GET_DOKUMEN, actor=own, penyedia_id=pid, sha256=doc["sha256"]), now
    )
    assert ref["size"] == doc["size"]
    with pytest.raises(Forbidden):
        uc.get_dokumen(
            uow,
            load(
                c.GET_DOKUMEN,
                actor=world.actor(world.helpdesk),
                penyedia_id=pid,
                sha256=doc["sha256"],
            ),
            now,
        )
    with pytest.raises(NotFound, match="DOKUMEN_NOT_FOUND"):
        uc.get_dokumen(
            uow,
            load(
                c.GET_DOKUMEN,
                actor=world.actor(world.auditor),
                penyedia_id=pid,
                sha256="f" * 64,
            ),
            now,
        )


def test_list_and_eligibility(world, uow, now):
    verified, _ = world.verified("cv.satu")
    waiting, _ = world.register("pt.dua", nama="PT Dua Sejahtera")
    page = uc.list_penyedia(
        uow,
        load(
            c.LIST_PENYEDIA,
            actor=world.actor(world.helpdesk),
            status="menunggu_verifikasi",
        ),
        now,
    )
    assert [p["penyedia_id"] for p in page["items"]] == [waiting]
    assert page["items"][0]["dokumen"] == []
    page = uc.list_penyedia(
        uow, load(c.LIST_PENYEDIA, actor=world.actor(world.auditor), q="sejahtera"), now
    )
    assert page["total"] == 1
    c.LIST_PENYEDIA.dump_response(page)
    assert uc.check_penyedia_eligible(uow, {"penyedia_id": verified}, now)["eligible"]
    assert not uc.check_penyedia_eligible(uow, {"penyedia_id": waiting}, now)[
        "eligible"
    ]
    with pytest.raises(Forbidden):
        uc.list_penyedia(
            uow, load(c.LIST_PENYEDIA, actor=world.penyedia_actor(waiting)), now
        )
