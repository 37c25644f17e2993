from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.common.errors import BadRequest, InvalidTransition
from services.lelang.domain import (
    PERPRES_54_2010,
    PERPRES_70_2012,
    JenisTransisi,
    Kalender,
    KategoriPengadaan,
    Lelang,
    MetodeEvaluasi,
    MetodeLelang,
    StatusLelang,
    Transition,
    apply_due,
    due_transitions,
    metode_definition,
)
from services.lelang.domain import TahapanLelang as T
from services.lelang.tests.helpers import EXPECTED_SEQUENCE, build_jadwal, wita

S, J, M = StatusLelang, JenisTransisi, MetodeLelang
KALENDER = Kalender({date(2012, 9, 5): "Galungan"})
START_54, NOW_54 = date(2012, 6, 18), wita(date(2012, 6, 15))
START_70, NOW_70 = date(2012, 8, 6), wita(date(2012, 8, 1))
MINUTE = timedelta(minutes=1)
EVALUASI = {
    M.PASCAKUALIFIKASI_1_FILE: MetodeEvaluasi.SISTEM_GUGUR,
    M.PASCAKUALIFIKASI_2_FILE: MetodeEvaluasi.SISTEM_NILAI,
    M.PRAKUALIFIKASI_1_FILE: MetodeEvaluasi.SISTEM_GUGUR,
    M.PRAKUALIFIKASI_2_FILE: MetodeEvaluasi.UMUR_EKONOMIS,
}


def _jadwal(metode=M.PASCAKUALIFIKASI_1_FILE, ruleset=PERPRES_70_2012, start=START_70):
    return build_jadwal(metode_definition(metode), ruleset, KALENDER, start)


def _lelang(metode=M.PASCAKUALIFIKASI_1_FILE, jadwal=None, now=NOW_70):
    return Lelang.buat(
        lelang_id="L-1",
        paket_id="P-1",
        nilai_hps=Decimal("1500000000.00"),
        kategori=KategoriPengadaan.PEKERJAAN_KONSTRUKSI,
        metode=metode,
        metode_evaluasi=EVALUASI[metode],
        jadwal=_jadwal(metode) if jadwal is None else jadwal,
        now=now,
    )


def _announced(metode=M.PASCAKUALIFIKASI_1_FILE):
    lelang = _lelang(metode)
    lelang.umumkan(NOW_70, KALENDER)
    return lelang


def _start(lelang, tahapan):
    return next(e.mulai for e in lelang.jadwal if e.tahapan == tahapan)


def _running_at(tahapan, metode=M.PASCAKUALIFIKASI_1_FILE):
    lelang = _announced(metode)
    now = _start(lelang, tahapan)
    apply_due(lelang, now)
    assert lelang.tahapan is tahapan
    return lelang, now


# ------------------------------------------------------------------ creation
@pytest.mark.parametrize(
    "changes, code",
    [
        ({"nilai_hps": Decimal(0)}, "NILAI_HPS_INVALID"),
        ({"nilai_hps": Decimal("-5")}, "NILAI_HPS_INVALID"),
        ({"nilai_hps": "satu miliar"}, "NILAI_HPS_INVALID"),
        ({"nilai_hps": Decimal("NaN")}, "NILAI_HPS_INVALID"),
        ({"jadwal": [("lelang_cepat", NOW_70, NOW_70)]}, "TAHAPAN_UNKNOWN"),
        (
            {"metode_evaluasi": MetodeEvaluasi.SISTEM_NILAI},
            "METODE_EVALUASI_NOT_ALLOWED",
        ),
    ],
)
def test_buat_refuses_bad_paket_data(changes, code):
    kwargs = {
        "lelang_id": "L-1",
        "paket_id": "P-1",
        "nilai_hps": Decimal("100"),
        "kategori": KategoriPengadaan.BARANG,
        "metode": M.PASCAKUALIFIKASI_1_FILE,
        "metode_evaluasi": MetodeEvaluasi.SISTEM_GUGUR,
        "now": NOW_70,
    } | changes
    with pytest.raises(BadRequest) as exc:
        Lelang.buat(**kwargs)
    assert exc.value.code == code


# ------------------------------------------------------------------ umumkan
@pytest.mark.parametrize("metode", list(MetodeLelang))
@pytest.mark.parametrize(
    "ruleset, start, now",
    [(PERPRES_54_2010, START_54, NOW_54), (PERPRES_70_2012, START_70, NOW_70)],
)
def test_umumkan_valid_schedule_stores_ruleset_of_the_day(metode, ruleset, start, now):
    lelang = _lelang(metode, _jadwal(metode, ruleset, start), now)
    lelang.umumkan(now, KALENDER)
    assert lelang.status is S.DIUMUMKAN
    assert lelang.ruleset_code == ruleset.code
    assert lelang.ruleset is ruleset
    assert lelang.diumumkan_pada == now
    assert lelang.tahapan is None
    assert [e.tahapan for e in lelang.jadwal] == EXPECTED_SEQUENCE[metode]
    assert [t.jenis for t in lelang.riwayat] == [J.DIBUAT, J.UMUMKAN]
    assert lelang.version == 2


def test_umumkan_invalid_schedule_lists_every_problem_and_stays_draft():
    jadwal = [e for e in _jadwal() if e[0] != T.SANGGAH]
    (t, mulai, _), rest = jadwal[0], jadwal[1:]
    jadwal = [(t, mulai, mulai + timedelta(hours=4)), *rest]  # pengumuman: 1 day
    lelang = _lelang(jadwal=jadwal)
    with pytest.raises(BadRequest) as exc:
        lelang.umumkan(NOW_70, KALENDER)
    assert exc.value.code == "JADWAL_INVALID"
    problems = {(p["code"], p["tahapan"]) for p in exc.value.details["problems"]}
    assert problems == {
        ("TAHAPAN_MISSING", "sanggah"),
        ("TAHAPAN_TOO_SHORT", "pengumuman"),
    }
    assert (lelang.status, lelang.ruleset_code, lelang.version) == (S.DRAFT, None, 1)


def test_umumkan_twice_is_refused():
    lelang = _announced()
    with pytest.raises(InvalidTransition) as exc:
        lelang.umumkan(NOW_70, KALENDER)
    assert exc.value.code == "LELANG_NOT_DRAFT"


def test_atur_jadwal_only_in_draft():
    lelang = _lelang(jadwal=[])
    lelang.atur_jadwal(_jadwal(), NOW_70)
    lelang.umumkan(NOW_70, KALENDER)
    with pytest.raises(InvalidTransition) as exc:
        lelang.atur_jadwal(_jadwal(), NOW_70)
    assert exc.value.code == "LELANG_NOT_DRAFT"


# ------------------------------------------------------------------ the timer
@pytest.mark.parametrize("metode", list(MetodeLelang))
def test_timer_walks_through_every_stage_in_order(metode):
    lelang = _announced(metode)
    assert lelang.next_check(NOW_70) == lelang.jadwal[0].mulai
    entered = []
    for i, entry in enumerate(lelang.jadwal):
        assert due_transitions(lelang, entry.mulai - MINUTE) == []
        applied = apply_due(lelang, entry.mulai)
        assert applied == [
            Transition(J.MASUK_TAHAPAN, entry.mulai, S.BERJALAN, entry.tahapan)
        ]
        entered += [t.tahapan for t in applied]
        assert (lelang.status, lelang.tahapan) == (S.BERJALAN, entry.tahapan)
        # inside the stage and after its end nothing more is due until the next start
        assert due_transitions(lelang, entry.selesai) == []
        following = lelang.jadwal[i + 1].mulai if i + 1 < len(lelang.jadwal) else None
        assert lelang.next_check(entry.selesai) == following
    assert entered == EXPECTED_SEQUENCE[metode]
    assert lelang.version == 2 + len(entered)
    assert due_transitions(lelang, lelang.jadwal[-1].selesai + timedelta(days=30)) == []


def test_late_timer_catches_up_in_order():
    lelang = _announced()
    now = lelang.jadwal[3].mulai + timedelta(hours=1)
    assert lelang.next_check(now) == now  # overdue
    applied = apply_due(lelang, now)
    assert [(t.tahapan, t.at) for t in applied] == [
        (e.tahapan, e.mulai) for e in lelang.jadwal[:4]
    ]
    assert lelang.tahapan is T.UPLOAD_PENAWARAN
    assert apply_due(lelang, now) == []


@pytest.mark.parametrize("final", ["draft", "gagal", "selesai", "dihentikan",
                                   "dibatalkan"])
def test_nothing_is_due_for_draft_failed_or_finished(final):
    lelang = _lelang()
    if final in ("gagal", "dihentikan"):
        lelang.umumkan(NOW_70, KALENDER)
        lelang.gagalkan(NOW_70, "HPS keliru")
        if final == "dihentikan":
            lelang.hentikan(NOW_70, "anggaran dialihkan")
    elif final == "dibatalkan":
        lelang.batalkan(NOW_70, "spesifikasi disusun ulang")
    elif final == "selesai":
        lelang, _ = _running_at(T.PENANDATANGANAN_KONTRAK)
        lelang.selesaikan(lelang.jadwal[-1].selesai)
    later = lelang.jadwal[-1].selesai + timedelta(days=1)
    assert due_transitions(lelang, later) == []
    assert apply_due(lelang, later) == []
    assert lelang.next_check(later) is None


# ------------------------------------------------------------------ sanggah banding
def test_halt_stops_the_timer_until_resumed():
    lelang, now = _running_at(T.SANGGAH)
    lelang.hentikan_sanggah_banding(now, "sanggah banding ke Bupati")
    version = lelang.version
    later = lelang.jadwal[-1].mulai
    assert lelang.status is S.DIHENTIKAN_SEMENTARA
    assert due_transitions(lelang, later) == []
    assert apply_due(lelang, later) == []
    assert lelang.next_check(later) is None
    assert lelang.version == version
    for act, code in [
        (lambda: lelang.hentikan_sanggah_banding(later, "lagi"), "LELANG_HALTED"),
        (lambda: lelang.selesaikan(later), "LELANG_HALTED"),
    ]:
        with pytest.raises(InvalidTransition) as exc:
            act()
        assert exc.value.code == code
    lelang.lanjutkan(later, "sanggah banding ditolak")
    assert lelang.status is S.BERJALAN
    assert [t.tahapan for t in apply_due(lelang, later)] == [
        T.PENUNJUKAN_PENYEDIA,
        T.PENANDATANGANAN_KONTRAK,
    ]


def test_resume_may_move_the_stages_the_halt_overran():
    lelang, now = _running_at(T.SANGGAH)
    lelang.hentikan_sanggah_banding(now, "sanggah banding")
    later = lelang.jadwal[-2].mulai + timedelta(hours=1)
    shifted = [
        (t, m + timedelta(days=28), s + timedelta(days=28))
        if t in (T.PENUNJUKAN_PENYEDIA, T.PENANDATANGANAN_KONTRAK)
        else (t, m, s)
        for t, m, s in lelang.jadwal
    ]
    lelang.lanjutkan(later, "banding ditolak", shifted, KALENDER)
    assert [t.jenis for t in lelang.riwayat[-2:]] == [J.UBAH_JADWAL, J.LANJUTKAN]
    assert apply_due(lelang, later) == []
    assert lelang.next_check(later) == shifted[-2][1]


@pytest.mark.parametrize("tahapan", [T.PENGUMUMAN, T.PENGUMUMAN_PEMENANG])
def test_no_sanggah_banding_before_the_sanggah_stage(tahapan):
    lelang, now = _running_at(tahapan)
    with pytest.raises(InvalidTransition) as exc:
        lelang.hentikan_sanggah_banding(now, "terlalu dini")
    assert exc.value.code == "SANGGAH_BANDING_NOT_OPEN"


# ------------------------------------------------------------------ ubah jadwal
def _shift_from(lelang, index, days=28, extend=None):
    """Move stages ``index``.. by ``days``; optionally extend stage ``extend``."""
    out = []
    for i, (t, m, s) in enumerate(lelang.jadwal):
        if i >= index:
            m, s = m + timedelta(days=days), s + timedelta(days=days)
        elif i == extend:
            s = s + timedelta(days=days)
        out.append((t, m, s))
    return out


def test_ubah_jadwal_moves_future_stages_and_is_recorded():
    lelang, now = _running_at(T.PEMBUKAAN_PENAWARAN)
    version = lelang.version
    new = _shift_from(lelang, 6)
    transition = lelang.ubah_jadwal(new, "  gangguan server LPSE  ", now, KALENDER)
    assert lelang.riwayat[-1] == transition
    assert (transition.jenis, transition.alasan) == (
        J.UBAH_JADWAL,
        "gangguan server LPSE",
    )
    assert [c["tahapan"] for c in transition.details["perubahan"]] == [
        str(t) for t, *_ in new[6:]
    ]
    assert transition.details["perubahan"][0]["baru"][0] == new[6][1].isoformat()
    assert [tuple(e) for e in lelang.jadwal] == new
    assert lelang.version == version + 1
    assert (lelang.status, lelang.tahapan) == (S.BERJALAN, T.PEMBUKAAN_PENAWARAN)


def test_ubah_jadwal_may_extend_the_running_stage():
    lelang, now = _running_at(T.EVALUASI_PENAWARAN)
    running = lelang.jadwal[5]
    new = _shift_from(lelang, 6, extend=5)
    lelang.ubah_jadwal(new, "evaluasi diperpanjang", now, KALENDER)
    assert lelang.jadwal[5] == (
        T.EVALUASI_PENAWARAN,
        running.mulai,
        running.selesai + timedelta(days=28),
    )


@pytest.mark.parametrize("alasan", [None, "", "   "])
def test_ubah_jadwal_needs_a_reason(alasan):
    lelang, now = _running_at(T.PEMBUKAAN_PENAWARAN)
    before = (lelang.jadwal, len(lelang.riwayat), lelang.version)
    with pytest.raises(BadRequest) as exc:
        lelang.ubah_jadwal(_shift_from(lelang, 6), alasan, now, KALENDER)
    assert exc.value.code == "ALASAN_REQUIRED"
    assert (lelang.jadwal, len(lelang.riwayat), lelang.version) == before


@pytest.mark.parametrize(
    "change, error, code, tahapan",
    [
        # the announcement (ended) moved along with the rest
        (
            lambda j: _shift_from(j, 0),
            InvalidTransition,
            "JADWAL_STAGE_ALREADY_ENDED",
            "pengumuman",
        ),
        # upload (ended) lengthened
        (
            lambda j: _shift_from(j, 6, extend=3),
            InvalidTransition,
            "JADWAL_STAGE_ALREADY_ENDED",
            "upload_penawaran",
        ),
        # the running stage may not start later
        (
            lambda j: _shift_from(j, 4),
            InvalidTransition,
            "JADWAL_STAGE_ALREADY_STARTED",
            "pembukaan_penawaran",
        ),
        (lambda j: list(j.jadwal), BadRequest, "JADWAL_UNCHANGED", None),
        # the running stage cut short to an end already past
        (
            lambda j: [
                (t, m, m + timedelta(seconds=30))
                if t == T.PEMBUKAAN_PENAWARAN
                else (t, m, s)
                for t, m, s in j.jadwal
            ],
            BadRequest,
            "JADWAL_STAGE_END_IN_PAST",
            "pembukaan_penawaran",
        ),
        (
            lambda j: [*j.jadwal, ("lelang_cepat", j.jadwal[-1][1], j.jadwal[-1][2])],
            BadRequest,
            "TAHAPAN_UNKNOWN",
            None,
        ),
        # a future stage squeezed below the rule-set minimum (sanggah: 5 days)
        (
            lambda j: [
                (t, m, m + timedelta(hours=2)) if t == T.SANGGAH else (t, m, s)
                for t, m, s in j.jadwal
            ],
            BadRequest,
            "JADWAL_INVALID",
            None,
        ),
    ],
)
def test_ubah_jadwal_refusals(change, error, code, tahapan):
    lelang, now = _running_at(T.PEMBUKAAN_PENAWARAN)
    before = (lelang.jadwal, lelang.version)
    with pytest.raises(error) as exc:
        lelang.ubah_jadwal(change(lelang), "alasan", now + MINUTE, KALENDER)
    assert exc.value.code == code
    if tahapan:
        assert tahapan in exc.value.details["tahapan"]
    assert (lelang.jadwal, lelang.version) == before


def test_ubah_jadwal_refused_before_announcement_and_after_the_end():
    lelang = _lelang()
    with pytest.raises(InvalidTransition) as exc:
        lelang.ubah_jadwal(_jadwal(), "alasan", NOW_70, KALENDER)
    assert exc.value.code == "LELANG_NOT_RUNNING"
    lelang.umumkan(NOW_70, KALENDER)
    lelang.gagalkan(NOW_70, "dibatalkan")
    with pytest.raises(InvalidTransition) as exc:
        lelang.ubah_jadwal(_shift_from(lelang, 0), "alasan", NOW_70, KALENDER)
    assert exc.value.code == "LELANG_NOT_RUNNING"


# ------------------------------------------------------------------ gagal, selesai
@pytest.mark.parametrize("halted", [False, True])
def test_gagalkan_needs_a_reason_and_ends_the_lelang(halted):
    lelang, now = _running_at(T.SANGGAH)
    if halted:  # sanggah banding upheld by the Bupati
        lelang.hentikan_sanggah_banding(now, "banding")
    with pytest.raises(BadRequest) as exc:
        lelang.gagalkan(now, " ")
    assert exc.value.code == "ALASAN_REQUIRED"
    lelang.gagalkan(now, "penawaran masuk kurang dari 3")
    last = lelang.riwayat[-1]
    assert (last.jenis, last.status, last.alasan) == (
        J.GAGALKAN,
        S.GAGAL,
        "penawaran masuk kurang dari 3",
    )
    with pytest.raises(InvalidTransition) as exc:
        lelang.gagalkan(now, "lagi")
    assert exc.value.code == "LELANG_NOT_RUNNING"


def test_gagalkan_a_draft_is_refused():
    with pytest.raises(InvalidTransition) as exc:
        _lelang().gagalkan(NOW_70, "alasan")
    assert exc.value.code == "LELANG_NOT_RUNNING"


# ------------------------------------------------------------ penghentian, batal
def test_hentikan_only_after_gagal_needs_a_reason_and_is_final():
    lelang, now = _running_at(T.EVALUASI_PENAWARAN)
    with pytest.raises(InvalidTransition) as exc:  # running: fail it first
        lelang.hentikan(now, "anggaran dialihkan")
    assert exc.value.code == "LELANG_NOT_FAILED"
    lelang.gagalkan(now, "tidak ada penawaran yang lulus")
    with pytest.raises(BadRequest) as exc:
        lelang.hentikan(now, "  ")
    assert exc.value.code == "ALASAN_REQUIRED"
    lelang.hentikan(now, "anggaran dialihkan")
    last = lelang.riwayat[-1]
    assert (last.jenis, last.status, last.alasan, last.tahapan) == (
        J.HENTIKAN, S.DIHENTIKAN, "anggaran dialihkan", T.EVALUASI_PENAWARAN)
    for again in (lelang.hentikan, lelang.gagalkan):
        with pytest.raises(InvalidTransition):
            again(now, "lagi")


def test_batalkan_only_a_draft():
    lelang = _lelang()
    with pytest.raises(BadRequest) as exc:
        lelang.batalkan(NOW_70, "")
    assert exc.value.code == "ALASAN_REQUIRED"
    lelang.batalkan(NOW_70, "spesifikasi disusun ulang")
    assert (lelang.status, lelang.riwayat[-1].jenis) == (S.DIBATALKAN, J.BATALKAN)
    with pytest.raises(InvalidTransition) as exc:
        lelang.umumkan(NOW_70, KALENDER)
    assert exc.value.code == "LELANG_NOT_DRAFT"
    announced = _lelang()
    announced.umumkan(NOW_70, KALENDER)
    with pytest.raises(InvalidTransition) as exc:
        announced.batalkan(NOW_70, "terlambat")
    assert exc.value.code == "LELANG_NOT_DRAFT"


def test_selesaikan_only_at_the_last_stage():
    lelang, now = _running_at(T.PENUNJUKAN_PENYEDIA)
    with pytest.raises(InvalidTransition) as exc:
        lelang.selesaikan(now)
    assert exc.value.code == "LELANG_NOT_AT_LAST_STAGE"
    end = lelang.jadwal[-1].mulai
    apply_due(lelang, end)
    lelang.selesaikan(end)
    assert (lelang.status, lelang.riwayat[-1].jenis) == (S.SELESAI, J.SELESAIKAN)
    with pytest.raises(InvalidTransition) as exc:
        lelang.selesaikan(end)
    assert exc.value.code == "LELANG_NOT_RUNNING"


def test_selesaikan_before_any_stage_is_refused():
    lelang = _announced()
    with pytest.raises(InvalidTransition) as exc:
        lelang.selesaikan(NOW_70)
    assert exc.value.code == "LELANG_NOT_RUNNING"
