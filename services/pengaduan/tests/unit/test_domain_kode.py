"""Tracking codes, secrets and deliveries."""

import re
from datetime import UTC, datetime

import pytest

from services.common.errors import InvalidTransition
from services.pengaduan.domain import (
    StatusPengiriman,
    delivery,
    hash_rahasia,
    new_kode,
    new_rahasia,
    new_salt,
    normalize_kode,
    verify_rahasia,
)
from services.pengaduan.domain.kode import ALPHABET

P = StatusPengiriman


def test_kode_is_human_typable_and_varies():
    codes = {new_kode(datetime(2026, 6, 1, tzinfo=UTC)) for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"PGD-2026-[2-9A-HJKMNP-TV-Z]{6}", code), code
    assert not set("01ILOU") & set(ALPHABET)


@pytest.mark.clock
@pytest.mark.parametrize(("filed_at", "year"), [
    ("2026-12-31T15:59:59+00:00", 2026),  # 23:59:59 WITA
    ("2026-12-31T16:00:00+00:00", 2027),  # 00:00 WITA on 1 January, still 2026 in UTC
    ("2027-01-01T07:59:00+08:00", 2027),
])
def test_kode_carries_the_year_filed_in_wita(filed_at, year):
    assert new_kode(datetime.fromisoformat(filed_at)).startswith(f"PGD-{year}-")


def test_kode_needs_an_aware_moment():
    with pytest.raises(ValueError):
        new_kode(datetime(2026, 6, 1))


def test_kode_typed_back_in_lower_case_is_found():
    assert normalize_kode("  pgd-2026-ab2cd3 ") == "PGD-2026-AB2CD3"


def test_rahasia_is_long_random_and_url_safe():
    secrets = {new_rahasia() for _ in range(100)}
    assert len(secrets) == 100
    assert all(len(s) >= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", s) for s in secrets)


def test_only_the_right_secret_verifies_and_the_hash_is_salted():
    rahasia, salt = new_rahasia(), new_salt()
    stored = hash_rahasia(salt, rahasia)
    assert rahasia not in stored
    assert verify_rahasia(salt, stored, rahasia)
    assert not verify_rahasia(salt, stored, rahasia[:-1])
    assert not verify_rahasia(salt, stored, rahasia + "x")
    assert not verify_rahasia(new_salt(), stored, rahasia)
    assert hash_rahasia(new_salt(), rahasia) != stored


@pytest.mark.parametrize(("dari", "ke", "changes"), [
    (P.MENUNGGU, P.TERKIRIM, True), (P.MENUNGGU, P.GAGAL, True),
    (P.GAGAL, P.TERKIRIM, True), (P.GAGAL, P.GAGAL, True),
    (P.TERKIRIM, P.TERKIRIM, False),
])
def test_delivery_states(dari, ke, changes):
    assert delivery(dari, ke) is changes


def test_a_failure_after_delivery_is_refused():
    with pytest.raises(InvalidTransition) as err:
        delivery(P.TERKIRIM, P.GAGAL)
    assert err.value.code == "PENGIRIMAN_ALREADY_DELIVERED"
    with pytest.raises(InvalidTransition) as err:
        delivery(P.MENUNGGU, P.MENUNGGU)
    assert err.value.code == "PENGIRIMAN_TRANSITION_NOT_ALLOWED"
