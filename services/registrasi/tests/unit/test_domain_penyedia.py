"""The Penyedia state machine, table-driven, with a fixed ``now``."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from services.common.auth import Role
from services.common.contracts import registrasi as contracts
from services.common.errors import BadRequest, InvalidTransition
from services.registrasi.domain import (
    TRANSITIONS,
    Dokumen,
    Penyedia,
    PenyediaAction,
    Permintaan,
    StatusPenyedia,
    normalise_npwp,
    target_status,
)

S, A = StatusPenyedia, PenyediaAction
SHA = "a" * 64
PERMINTAAN = Permintaan(peran=Role.PPK, nama="I Made PPK", nomor_surat="027/1/DPU/2012")

#: (from, action) -> to; every pair not listed must be refused
ALLOWED = {
    (S.MENUNGGU_VERIFIKASI, A.VERIFY): S.TERVERIFIKASI,
    (S.MENUNGGU_VERIFIKASI, A.REJECT): S.DITOLAK,
    (S.DITOLAK, A.RESUBMIT): S.MENUNGGU_VERIFIKASI,
    (S.TERVERIFIKASI, A.DEACTIVATE): S.NONAKTIF,
    (S.TERVERIFIKASI, A.BLACKLIST): S.DAFTAR_HITAM,
    (S.NONAKTIF, A.REACTIVATE): S.TERVERIFIKASI,
    (S.DAFTAR_HITAM, A.REACTIVATE): S.TERVERIFIKASI,
}


def make(status: StatusPenyedia, now) -> Penyedia:
    p = Penyedia.register(
        penyedia_id="p1",
        user_id="u1",
        username="cv.a",
        nama=" CV A ",
        bentuk_usaha="CV",
        npwp="01.234.567.8-901.000",
        nib="9120001234567",
        alamat="Jl. A 1",
        email="a@x.id",
        telepon="0363",
        now=now,
        dokumen=[Dokumen("akta", SHA, "a.pdf", "application/pdf", 9, now)],
    )
    p.status = status
    return p


def apply(p: Penyedia, action: PenyediaAction, now):
    kwargs = {"actor_user_id": "v1", "now": now}
    if action is A.VERIFY:
        return p.verify(dokumen_diperiksa=[SHA], **kwargs)
    if action is A.RESUBMIT:
        return p.resubmit(now=now, changes={"alamat": "Jl. B 2"}, dokumen=[])
    if action is A.BLACKLIST:
        return p.blacklist(
            alasan="wanprestasi kontrak", permintaan=PERMINTAAN, **kwargs
        )
    method = {
        A.REJECT: p.reject,
        A.DEACTIVATE: p.deactivate,
        A.REACTIVATE: p.reactivate,
    }
    return method[action](alasan="alasan yang cukup", **kwargs)


@pytest.mark.parametrize("status,action", list(itertools.product(S, A)))
def test_transition_table(status, action, frozen_now):
    p = make(status, frozen_now)
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            apply(p, action, frozen_now)
        assert refused.value.code == "PENYEDIA_TRANSITION_NOT_ALLOWED"
        assert refused.value.details["status"] == status
        assert p.status is status
        return
    change = apply(p, action, frozen_now)
    assert p.status is expected
    assert (change.status_from, change.status_to, change.at) == (
        status,
        expected,
        frozen_now,
    )
    assert p.riwayat[-1] is change


def test_table_matches_declared_transitions():
    declared = {(s, a): to for a, (froms, to) in TRANSITIONS.items() for s in froms}
    assert declared == ALLOWED
    assert target_status(S.NONAKTIF, A.REACTIVATE) is S.TERVERIFIKASI


def test_domain_enum_matches_the_contract():
    assert [s.value for s in S] == [s.value for s in contracts.StatusPenyedia]


def test_register_normalises_and_records_history(frozen_now):
    p = make(S.MENUNGGU_VERIFIKASI, frozen_now)
    assert p.npwp == "012345678901000"
    assert p.nama == "CV A"
    assert [(c.status_from, c.status_to) for c in p.riwayat] == [
        (None, S.MENUNGGU_VERIFIKASI)
    ]
    assert not p.is_eligible


def test_register_needs_a_document(frozen_now):
    with pytest.raises(BadRequest) as refused:
        Penyedia.register(
            penyedia_id="p",
            user_id="u",
            username="x",
            nama="CV X",
            bentuk_usaha="CV",
            npwp="012345678901000",
            nib="1" * 13,
            alamat="Jl. X",
            email="x@x.id",
            telepon="1",
            dokumen=[],
            now=frozen_now,
        )
    assert refused.value.code == "DOKUMEN_REQUIRED"


@pytest.mark.parametrize("action", [A.REJECT, A.DEACTIVATE, A.BLACKLIST, A.REACTIVATE])
@pytest.mark.parametrize("alasan", ["", "   ", "ok"])
def test_reason_required(action, alasan, frozen_now):
    start = {
        A.REJECT: S.MENUNGGU_VERIFIKASI,
        A.DEACTIVATE: S.TERVERIFIKASI,
        A.BLACKLIST: S.TERVERIFIKASI,
        A.REACTIVATE: S.NONAKTIF,
    }[action]
    p = make(start, frozen_now)
    method = {
        A.REJECT: p.reject,
        A.DEACTIVATE: p.deactivate,
        A.REACTIVATE: p.reactivate,
        A.BLACKLIST: lambda **k: p.blacklist(permintaan=PERMINTAAN, **k),
    }[action]
    with pytest.raises(BadRequest) as refused:
        method(actor_user_id="v", now=frozen_now, alasan=alasan)
    assert refused.value.code == "ALASAN_REQUIRED"
    assert p.status is start


def test_verify_records_the_documents_checked(frozen_now):
    p = make(S.MENUNGGU_VERIFIKASI, frozen_now)
    change = p.verify(
        actor_user_id="v1",
        now=frozen_now,
        dokumen_diperiksa=[SHA, SHA],
        catatan="asli sesuai",
    )
    assert change.dokumen_diperiksa == (SHA,)
    assert change.catatan == "asli sesuai"
    assert p.verified_at == frozen_now and p.is_eligible


@pytest.mark.parametrize("checked", [[], ["b" * 64], [SHA, "c" * 64]])
def test_verify_refuses_unknown_documents(checked, frozen_now):
    p = make(S.MENUNGGU_VERIFIKASI, frozen_now)
    with pytest.raises(BadRequest) as refused:
        p.verify(actor_user_id="v1", now=frozen_now, dokumen_diperiksa=checked)
    assert refused.value.code == "DOKUMEN_NOT_IN_PENYEDIA"


def test_blacklist_needs_the_request(frozen_now):
    p = make(S.TERVERIFIKASI, frozen_now)
    with pytest.raises(BadRequest) as refused:
        p.blacklist(
            actor_user_id="v", now=frozen_now, alasan="wanprestasi", permintaan=None
        )
    assert refused.value.code == "PERMINTAAN_REQUIRED"
    with pytest.raises(BadRequest) as refused:
        p.blacklist(
            actor_user_id="v",
            now=frozen_now,
            alasan="wanprestasi",
            permintaan=PERMINTAAN,
            berlaku_sampai=frozen_now.date(),
        )
    assert refused.value.code == "BERLAKU_SAMPAI_INVALID"


@pytest.mark.clock
def test_blacklist_end_date_is_after_today_in_wita():
    # 00:30 WITA on 1 January 2027 is 31 December 2026 in UTC: 1 January is today
    now = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    p = make(S.TERVERIFIKASI, now)
    with pytest.raises(BadRequest) as refused:
        p.blacklist(actor_user_id="v", now=now, alasan="wanprestasi",
                    permintaan=PERMINTAAN, berlaku_sampai=date(2027, 1, 1))
    assert refused.value.code == "BERLAKU_SAMPAI_INVALID"
    p.blacklist(actor_user_id="v", now=now, alasan="wanprestasi",
                permintaan=PERMINTAAN, berlaku_sampai=date(2027, 1, 2))
    assert p.berlaku_sampai == date(2027, 1, 2)


def test_blacklist_records_the_request_and_reactivation_clears_it(frozen_now):
    p = make(S.TERVERIFIKASI, frozen_now)
    until = frozen_now.date() + timedelta(days=365)
    change = p.blacklist(
        actor_user_id="v",
        now=frozen_now,
        alasan="wanprestasi kontrak",
        permintaan=PERMINTAAN,
        berlaku_sampai=until,
    )
    assert change.permintaan == PERMINTAAN and p.berlaku_sampai == until
    assert p.status_alasan == "wanprestasi kontrak" and p.sejak == frozen_now
    later = frozen_now + timedelta(days=400)
    p.reactivate(actor_user_id="v", now=later, alasan="masa sanksi selesai")
    assert p.berlaku_sampai is None and p.sejak == later


@pytest.mark.parametrize(
    "peran", [Role.VERIFIKATOR, Role.PENYEDIA, Role.ADMIN_PPE, Role.HELPDESK]
)
def test_permintaan_only_from_pa_kpa_ppk_pokja_pejabat(peran):
    with pytest.raises(BadRequest) as refused:
        Permintaan(peran=peran, nama="X", nomor_surat="1")
    assert refused.value.code == "PERMINTAAN_INVALID"


def test_permintaan_round_trip():
    p = Permintaan(
        peran=Role.POKJA,
        nama="Pokja 1",
        nomor_surat="9/2012",
        user_id="u9",
        tanggal_surat=date(2012, 9, 1),
    )
    assert Permintaan.from_dict(p.to_dict()) == p
    with pytest.raises(BadRequest):
        Permintaan(peran=Role.PA, nama="PA", nomor_surat="  ")


def test_resubmit_updates_data_and_adds_documents(frozen_now):
    p = make(S.DITOLAK, frozen_now)
    doc = Dokumen("npwp", "d" * 64, "npwp.pdf", "application/pdf", 5, frozen_now)
    p.resubmit(
        now=frozen_now,
        changes={"alamat": " Jl. Baru 2 ", "npwp": "999", "nama": None},
        dokumen=[doc, doc],
    )
    assert p.alamat == "Jl. Baru 2" and p.npwp == "012345678901000"
    assert p.nama == "CV A" and [d.sha256 for d in p.dokumen] == [SHA, "d" * 64]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("01.234.567.8-901.000", "012345678901000"),
        ("012345678901000", "012345678901000"),
        (" 0123456789012345 ", "0123456789012345"),
    ],
)
def test_npwp_normalised(raw, expected):
    assert normalise_npwp(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "01.234.567.8-901.00",
        "0123456789012",
        "01234567890123456",
        "01-234-567-8-901-000",
        "000000000000000",
        "01234567890100A",
    ],
)
def test_npwp_invalid(raw):
    with pytest.raises(BadRequest) as refused:
        normalise_npwp(raw)
    assert refused.value.code == "NPWP_INVALID"
