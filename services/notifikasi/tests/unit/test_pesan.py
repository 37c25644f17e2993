"""The messages: every template renders its real sample; HTML escapes every value."""

from __future__ import annotations

import re

import pytest

from services.notifikasi.domain import pesan
from services.notifikasi.domain.penerima import TABLE
from services.notifikasi.domain.pesan import Pesan, render
from services.notifikasi.tests.unit.samples import load

ROWS = sorted(TABLE.items())


@pytest.mark.parametrize(("key", "rule"), ROWS, ids=[".".join(k) for k, _ in ROWS])
def test_every_template_renders_its_sample(key: tuple[str, str], rule) -> None:
    message = render(rule.template, load(*key))
    assert isinstance(message, Pesan)
    assert message.subject.startswith("[LPSE Karangasem] ")
    assert "\n" not in message.subject
    assert "$" not in message.subject + message.text + message.html
    assert pesan.FOOTER in message.text
    assert message.html.startswith("<!DOCTYPE html>")
    assert "<p>" in message.html


def test_jadwal_changed_says_what_and_why() -> None:
    message = render("lelang.jadwal_changed", load("lelang", "jadwal_changed"))
    assert message.subject == ("[LPSE Karangasem] Jadwal lelang Rehabilitasi Jalan "
                               "Amlapura - Bebandem (LL2026-5B3C1F0E) diubah")
    assert message.text.startswith(
        "Jadwal lelang Rehabilitasi Jalan Amlapura - Bebandem (LL2026-5B3C1F0E) "
        "diubah: gangguan server LPSE\n")


def test_values_are_shown_for_people() -> None:
    sppbj = render("lelang.sppbj_issued", load("lelang", "sppbj_issued")).text
    assert re.search(r"Rp \d{1,3}(\.\d{3})*,\d{2}", sppbj)
    receipt = render("lelang.penawaran_submitted",
                     load("lelang", "penawaran_submitted")).text
    assert "WITA" in receipt
    winner = render("lelang.pemenang_announced", load("lelang", "pemenang_announced"))
    assert "diumumkan: CV Karya Bali." in winner.text


def test_a_stopped_lelang_says_it_is_final_and_why() -> None:
    message = render("lelang.lelang_stopped", load("lelang", "lelang_stopped"))
    assert message.subject == ("[LPSE Karangasem] Proses pengadaan Rehabilitasi Jalan "
                               "Amlapura - Bebandem (LL2026-5B3C1F0E) dihentikan")
    assert "(penghentian): Anggaran dialihkan; pengadaan dihentikan" in message.text
    assert "Tidak akan ada lelang ulang" in message.text


def test_every_payload_value_is_escaped_in_html() -> None:
    payload = load("lelang", "jadwal_changed", nama="<script>alert(1)</script>",
                   alasan='"a" & <b>b</b>')
    message = render("lelang.jadwal_changed", payload)
    assert "<script>" not in message.html and "<b>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert "&quot;a&quot; &amp; &lt;b&gt;b&lt;/b&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text stays plain


def test_a_value_cannot_add_a_header_line_to_the_subject() -> None:
    payload = load("lelang", "jadwal_changed", nama="X\r\nBcc: a@b.c")
    assert "\n" not in render("lelang.jadwal_changed", payload).subject


def test_unknown_template_is_an_error() -> None:
    with pytest.raises(KeyError):
        render("lelang.no_such_template", {})


def test_a_table_entry_without_template_fails_the_import_check(monkeypatch) -> None:
    templates = dict(pesan.TEMPLATES)
    del templates["lelang.jadwal_changed"]
    monkeypatch.setattr(pesan, "TEMPLATES", templates)
    with pytest.raises(RuntimeError, match="lelang.jadwal_changed"):
        pesan._check()


def test_a_malformed_template_fails_the_import_check(monkeypatch) -> None:
    templates = dict(pesan.TEMPLATES)
    templates["lelang.jadwal_changed"] = ("Jadwal $", "x")
    monkeypatch.setattr(pesan, "TEMPLATES", templates)
    with pytest.raises(RuntimeError, match="malformed"):
        pesan._check()
