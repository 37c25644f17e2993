"""The access rule of Pasal 17(1) as a matrix: role x jenis x anonim ->
(can read, sees the identity). One complaint about lelang L1 (agency AG1, PPK
"ppk-1", Pokja "pokja-1"), filed by user "pelapor-1"."""

import pytest

from services.common.auth import Actor
from services.pengaduan.domain import (
    FaktaPengaduan,
    JenisPengaduan,
    Pihak,
    akses_pengaduan,
    akses_penyimpangan,
)

J = JenisPengaduan
PIHAK = Pihak("L1", "AG1", "ppk-1", ("pokja-1", "pokja-2"))

ACTORS = {
    "public": Actor.anonymous(ip="203.0.113.5"),
    "none": None,
    "pelapor": Actor(user_id="pelapor-1", roles=("penyedia",), penyedia_id="P1"),
    "helpdesk": Actor(user_id="hd-1", roles=("helpdesk",)),
    "admin_ppe": Actor(user_id="adm-1", roles=("admin_ppe",)),
    "verifikator": Actor(user_id="ver-1", roles=("verifikator",)),
    "auditor": Actor(user_id="aud-1", roles=("auditor",)),
    "pokja_of_lelang": Actor(user_id="pokja-1", roles=("pokja",), agency_id="AG1"),
    "ppk_of_lelang": Actor(user_id="ppk-1", roles=("ppk",), agency_id="AG1"),
    "pa_of_agency": Actor(user_id="pa-1", roles=("pa",), agency_id="AG1"),
    "kpa_of_agency": Actor(user_id="kpa-1", roles=("kpa",), agency_id="AG1"),
    "stranger_pokja": Actor(user_id="pokja-9", roles=("pokja",), agency_id="AG1"),
    "stranger_ppk": Actor(user_id="ppk-9", roles=("ppk",), agency_id="AG1"),
    "pa_other_agency": Actor(user_id="pa-9", roles=("pa",), agency_id="AG2"),
    "other_penyedia": Actor(user_id="pen-9", roles=("penyedia",), penyedia_id="P9"),
    # a PPK id in the Pokja list is not a Pokja without the role
    "pokja_id_without_role": Actor(user_id="pokja-2", roles=("penyedia",)),
}

PARTY = {"pokja_of_lelang", "ppk_of_lelang", "pa_of_agency", "kpa_of_agency"}
NEVER = {"public", "none", "verifikator", "stranger_pokja", "stranger_ppk",
         "pa_other_agency", "other_penyedia", "pokja_id_without_role"}


def expected(who: str, jenis: J, anonim: bool, about_lelang: bool) -> tuple[bool,
                                                                            bool]:
    protected = anonim or jenis is J.KKN
    if who in ("helpdesk", "admin_ppe", "pelapor"):
        return True, True
    if who == "auditor":
        return True, not protected
    if who in PARTY:
        return (True, not protected) if about_lelang else (False, False)
    assert who in NEVER
    return False, False


CASES = [(who, jenis, anonim, about)
         for who in ACTORS for jenis in J for anonim in (False, True)
         for about in (True, False)]


@pytest.mark.parametrize(("who", "jenis", "anonim", "about_lelang"), CASES,
                         ids=lambda v: str(v))
def test_matrix(who, jenis, anonim, about_lelang):
    fakta = FaktaPengaduan(jenis, anonim, "pelapor-1",
                           PIHAK if about_lelang else None)
    akses = akses_pengaduan(ACTORS[who], fakta)
    assert (akses.can_read, akses.sees_identity) == expected(
        who, jenis, anonim, about_lelang)
    # nobody sees the identity of what they cannot read
    assert akses.can_read or not akses.sees_identity


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_internal_notes_only_for_lpse_staff_and_auditors(who):
    akses = akses_pengaduan(ACTORS[who], FaktaPengaduan(J.LELANG, False, "pelapor-1",
                                                        PIHAK))
    assert akses.sees_internal == (who in ("helpdesk", "admin_ppe", "auditor"))


def test_an_anonymous_public_complaint_has_no_author_to_match():
    fakta = FaktaPengaduan(J.LELANG, True, None, PIHAK)
    assert not akses_pengaduan(Actor.anonymous(), fakta).can_read
    assert not akses_pengaduan(ACTORS["other_penyedia"], fakta).can_read


@pytest.mark.parametrize(("who", "reads"), [
    ("helpdesk", True), ("admin_ppe", True), ("auditor", True),
    ("ppk_of_lelang", True), ("pa_of_agency", True), ("kpa_of_agency", True),
    ("pokja_of_lelang", False), ("stranger_ppk", False), ("pa_other_agency", False),
    ("verifikator", False), ("public", False), ("none", False), ("pelapor", False),
])
def test_who_reads_a_deviation_report(who, reads):
    assert akses_penyimpangan(ACTORS[who], PIHAK) is reads
