"""The evaluation rules: HPS ceiling, the 80% flag, ranking per method, counts."""

from decimal import Decimal as D

from services.lelang.domain import (
    PERPRES_54_2010,
    PERPRES_70_2012,
    HasilPeserta,
    MetodeEvaluasi,
    checked_price,
    kurang_lulus_kualifikasi,
    kurang_penawaran,
    lulus,
    peringkat,
    under_threshold,
)

HPS = D("1000000000")


def ok(pid, harga, skor=None, **kw):
    return HasilPeserta(pid, D(harga), None, True, True, skor and D(skor), True,
                        True, **kw)


def test_a_price_above_the_hps_never_passes():
    over = checked_price(ok("a", "1000000000.01"), HPS)
    assert over.lulus_harga is False and not lulus(over, need_kualifikasi=True)
    at = checked_price(ok("b", "1000000000"), HPS)
    assert at.lulus_harga is True and lulus(at, need_kualifikasi=True)


def test_the_corrected_price_counts_over_the_offered_one():
    item = HasilPeserta("a", D("900"), D("950"), True, True, None, True, True)
    assert item.harga == D("950")


def test_prices_under_80_percent_of_hps_are_flagged():
    assert under_threshold(ok("a", "799999999.99"), HPS, PERPRES_70_2012)
    assert not under_threshold(ok("a", "800000000"), HPS, PERPRES_70_2012)


def test_sistem_gugur_ranks_passing_bids_by_price():
    items = [ok("a", "900"), ok("b", "800"),
             HasilPeserta("c", D("700"), None, True, False, None, True, True)]
    ranked = peringkat(items, MetodeEvaluasi.SISTEM_GUGUR, need_kualifikasi=True)
    assert [i.penyedia_id for i in ranked] == ["b", "a"]  # c failed teknis


def test_kualifikasi_matters_only_where_it_is_proved_after_the_bids():
    unproven = HasilPeserta("a", D("800"), None, True, True, None, True, None)
    assert not lulus(unproven, need_kualifikasi=True)
    assert lulus(unproven, need_kualifikasi=False)


def test_sistem_nilai_weighs_technical_score_and_price():
    # 0.7*90 + 0.3*(100*800/850) = 91.24 beats 0.7*80 + 0.3*100 = 86
    items = [ok("cheap", "800", "80"), ok("good", "850", "90")]
    ranked = peringkat(items, MetodeEvaluasi.SISTEM_NILAI, need_kualifikasi=True)
    assert [i.penyedia_id for i in ranked] == ["good", "cheap"]
    ranked = peringkat(items, MetodeEvaluasi.SISTEM_NILAI, need_kualifikasi=True,
                       bobot_teknis=D("0.2"))
    assert [i.penyedia_id for i in ranked] == ["cheap", "good"]


def test_fewer_than_three_bids_and_too_few_qualified_are_ruleset_values():
    assert kurang_penawaran(2, PERPRES_54_2010) and not kurang_penawaran(
        3, PERPRES_54_2010)
    assert kurang_lulus_kualifikasi(2, PERPRES_70_2012)
    assert not kurang_lulus_kualifikasi(3, PERPRES_70_2012)
