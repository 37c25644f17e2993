"""registrasi in a real nameko container on real RabbitMQ and PostgreSQL, called over
AMQP by a standalone proxy; events observed on the ``registrasi.events`` exchange."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from services.common.auth import Actor
from services.common.blobstore import BlobStore
from services.common.errors import Conflict, Forbidden, Unauthenticated
from services.registrasi.demo import tiny_pdf
from services.registrasi.storage.models import INFRA, AgencyRow
from services.registrasi.tests.helpers import (
    PASSWORD,
    PERMINTAAN,
    actor_of,
    direct_uow,
    register_raw,
    with_key,
)

pytestmark = pytest.mark.integration


NEW_PASSWORD = "Verifikasi#Baru2012"


def login_actor(rpc, username: str, password: str = PASSWORD) -> tuple[str, dict]:
    token = rpc.login({"username": username, "password": password, "ip": "10.1.1.1"})
    actor = rpc.authenticate({"token": token["token"], "ip": "10.1.1.1"})
    return token["token"], actor


def upload(config, text: str) -> dict:
    ref = BlobStore(config["LPSE_SETTINGS"].blob_path()).put(
        io.BytesIO(tiny_pdf(text)), max_bytes=1_000_000
    )
    return {
        "jenis": "akta",
        "sha256": ref.sha256,
        "filename": "akta.pdf",
        "content_type": ref.content_type,
        "size": ref.size,
    }


def create_user(rpc, creator: Actor | dict, username: str, roles: list[str], **extra):
    return rpc.create_user(
        with_key(
            actor=creator,
            username=username,
            email=f"{username}@lpse.id",
            nama=username.title(),
            password=PASSWORD,
            roles=roles,
            **extra,
        )
    )


def test_penyedia_journey_with_events(rpc, admin, events, config):
    _, admin_actor = login_actor(rpc, "admin")
    assert admin_actor["roles"] == ["admin_ppe"] and admin_actor["session_id"]
    create_user(rpc, admin_actor, "verifikator", ["verifikator"])
    doc = upload(config, "Akta CV Maju")
    registered = rpc.register_penyedia(with_key(**register_raw("cv.maju", [doc])))
    assert registered["status"] == "menunggu_verifikasi"

    with pytest.raises(Forbidden) as refused:
        rpc.login({"username": "cv.maju", "password": PASSWORD})
    assert refused.value.code == "PENYEDIA_NOT_ACTIVE"
    assert refused.value.details == {"status": "menunggu_verifikasi", "alasan": None}

    # an admin-created account: its initial password must be changed before any write
    _, verifikator = login_actor(rpc, "verifikator")
    assert verifikator["must_change_password"] is True
    with pytest.raises(Forbidden) as refused:
        rpc.verify_penyedia(
            with_key(
                actor=verifikator,
                penyedia_id=registered["penyedia_id"],
                dokumen_diperiksa=[doc["sha256"]],
            )
        )
    assert refused.value.code == "PASSWORD_CHANGE_REQUIRED"
    rpc.change_password(
        with_key(actor=verifikator, old_password=PASSWORD, new_password=NEW_PASSWORD)
    )
    _, verifikator = login_actor(rpc, "verifikator", NEW_PASSWORD)
    assert verifikator["must_change_password"] is False
    verified = rpc.verify_penyedia(
        with_key(
            actor=verifikator,
            penyedia_id=registered["penyedia_id"],
            dokumen_diperiksa=[doc["sha256"]],
        )
    )
    assert verified["status"] == "terverifikasi"

    token, penyedia = login_actor(rpc, "cv.maju")
    assert penyedia["penyedia_id"] == registered["penyedia_id"]
    mine = rpc.get_penyedia({"actor": penyedia, "penyedia_id": penyedia["penyedia_id"]})
    assert mine["dokumen"][0]["sha256"] == doc["sha256"]

    rpc.blacklist_penyedia(
        with_key(
            actor=verifikator,
            penyedia_id=penyedia["penyedia_id"],
            alasan="wanprestasi kontrak 2011",
            permintaan=PERMINTAAN,
        )
    )
    with pytest.raises(Unauthenticated) as refused:  # the token in hand stops working
        rpc.authenticate({"token": token})
    assert refused.value.code == "SESSION_REVOKED"
    with pytest.raises(Forbidden) as refused:  # and no new one is issued
        rpc.login({"username": "cv.maju", "password": PASSWORD})
    assert refused.value.details == {"status": "daftar_hitam",
                                     "alasan": "wanprestasi kontrak 2011"}
    daftar = rpc.list_daftar_hitam({})
    assert [d["penyedia_id"] for d in daftar] == [penyedia["penyedia_id"]]

    received = events(5)
    assert [e["event_type"] for e in received] == [
        "user_created",
        "user_created",
        "penyedia_registered",
        "penyedia_verified",
        "penyedia_blacklisted",
    ]
    blacklisted = received[-1]
    assert blacklisted["source"] == "registrasi" and blacklisted["version"] == 1
    assert blacklisted["actor"]["user_id"] == verifikator["user_id"]
    assert (
        blacklisted["payload"]["permintaan"]["nomor_surat"] == PERMINTAAN["nomor_surat"]
    )
    assert blacklisted["payload"]["status"] == "daftar_hitam"


@pytest.mark.parametrize("staff_first", [True, False], ids=["staff-first", "ppk-first"])
def test_pasal_14_3_over_rpc(rpc, admin, staff_first):
    agency = rpc.create_agency(
        with_key(actor=admin, kode="DPU", nama="Dinas PU", jenis="SKPD")
    )
    admin_agency = create_user(
        rpc, admin, "admin.dpu", ["admin_agency"], agency_id=agency["agency_id"]
    )
    agency_actor = actor_of(admin_agency)
    if staff_first:
        target = create_user(rpc, admin, "verif.dua", ["verifikator"])
        granter, role = agency_actor, "ppk"
    else:
        target = create_user(rpc, agency_actor, "ppk.dua", ["ppk"])
        granter, role = admin, "verifikator"
    with pytest.raises(Conflict) as refused:
        rpc.grant_role(with_key(actor=granter, user_id=target["user_id"], role=role))
    assert refused.value.code == "ROLE_SEPARATION_VIOLATION"
    assert (
        rpc.get_user({"actor": admin.to_dict(), "user_id": target["user_id"]})["roles"]
        == target["roles"]
    )


def count(url: str, query) -> int:
    with direct_uow(url) as uow:
        return uow.session.scalar(query)


def outbox_count(url: str, event_type: str) -> int:
    table = INFRA.outbox
    return count(
        url,
        select(func.count()).select_from(table).where(table.c.event_type == event_type),
    )


def test_idempotent_rpc_sent_twice_applies_once(rpc, admin, pg_url):
    request = with_key(
        actor=admin, kode="PDAM", nama="PDAM Tirta Tohlangkir", jenis="BUMD"
    )
    first = rpc.create_agency(request)
    second = rpc.create_agency(request)
    assert first == second
    assert count(pg_url, select(func.count()).select_from(AgencyRow)) == 1
    assert outbox_count(pg_url, "agency_created") == 1


def test_idempotent_rpc_sent_twice_concurrently_applies_once(
    container, config, admin, pg_url
):
    import eventlet
    from nameko.standalone.rpc import ServiceRpcProxy

    doc = upload(config, "Akta PT Kembar")
    requests = {
        "create_agency": with_key(
            actor=admin, kode="BAPPEDA", nama="Bappeda", jenis="SKPD"
        ),
        "register_penyedia": with_key(**register_raw("pt.kembar", [doc])),
    }

    def call(method: str) -> tuple[dict, float, float]:
        with ServiceRpcProxy("registrasi", config, timeout=20) as proxy:
            started = time.monotonic()
            result = getattr(proxy, method)(requests[method])
            return result, started, time.monotonic()

    for method in requests:
        pool = eventlet.GreenPool(2)
        (a, a_start, a_end), (b, b_start, b_end) = pool.imap(call, [method, method])
        assert a == b, method
        assert b_start < a_end and a_start < b_end, "the two calls did not overlap"
    assert count(pg_url, select(func.count()).select_from(AgencyRow)) == 1
    assert outbox_count(pg_url, "agency_created") == 1
    assert outbox_count(pg_url, "penyedia_registered") == 1


def test_typed_client_round_trip(client, admin, config):
    """What the gateway does: dump requests and load responses with the contracts."""
    from services.common.contracts import registrasi as c

    login = client.call(
        c.LOGIN, {"username": "admin", "password": PASSWORD, "ip": "10.2.2.2"}
    )
    assert isinstance(login["actor"], Actor) and login["actor"].roles == ("admin_ppe",)
    actor = client.call(c.AUTHENTICATE, {"token": login["token"], "ip": "10.2.2.2"})
    assert actor == login["actor"]
    agency = client.call(
        c.CREATE_AGENCY,
        with_key(actor=actor, kode="DPU", nama="Dinas PU", jenis=c.JenisAgency.SKPD),
    )
    assert agency["jenis"] is c.JenisAgency.SKPD
    user = client.call(
        c.CREATE_USER,
        with_key(
            actor=actor,
            username="verifikator",
            email="v@lpse.id",
            nama="Verifikator",
            password=PASSWORD,
            roles=[c.Role.VERIFIKATOR],
        ),
    )
    assert user["roles"] == [c.Role.VERIFIKATOR]
    page = client.call(c.LIST_USERS, {"actor": actor, "role": c.Role.VERIFIKATOR})
    assert page["total"] == 1 and page["items"][0]["user_id"] == user["user_id"]
    audit = client.call(c.LIST_AUDIT, {"actor": actor, "per_page": 2})
    assert [e["action"] for e in audit["items"]] == ["user_created", "agency_created"]
    assert client.call(c.LOGOUT, {"actor": actor}) == {"ok": True}
    with pytest.raises(Unauthenticated):
        client.call(c.AUTHENTICATE, {"token": login["token"]})
