"""What notifikasi consumes matches its table; SMTP failures are classified for the
retry schedule; the backoff grows, is capped and jittered; the message is built with
a stable Message-ID and both bodies."""

from __future__ import annotations

import random
import smtplib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from services.common.contracts.subscriptions import NOTIFIKASI_EVENTS, SUBSCRIPTIONS
from services.notifikasi.domain.penerima import TABLE
from services.notifikasi.domain.pengiriman import (
    RetryPolicy,
    StatusPengiriman,
    after_failure,
    summary,
)
from services.notifikasi.smtp import build_message, classify

#: consumed only to learn addressees (they notify nobody themselves)
FEEDERS = {("lelang", "peserta_registered"), ("pengaduan", "pengaduan_filed")}
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_notifikasi_consumes_exactly_its_table_and_the_feeders():
    consumed = {(c.source, c.type) for c in NOTIFIKASI_EVENTS}
    assert consumed == set(TABLE) | FEEDERS
    rows = {(s.method, s.contract.source, s.contract.type) for s in SUBSCRIPTIONS
            if s.service == "notifikasi"}
    assert rows == {(f"on_{t}", s, t) for s, t in consumed}
    assert len({m for m, _, _ in rows}) == len(rows)  # one handler name per event


def test_the_service_has_a_handler_for_every_subscription():
    from services.notifikasi.service import NotifikasiService

    for contract in NOTIFIKASI_EVENTS:
        handler = getattr(NotifikasiService, f"on_{contract.type}")
        assert handler.__lpse_consumes__ is contract


def test_a_5xx_for_the_recipient_is_permanent_everything_else_is_retried():
    refused = smtplib.SMTPRecipientsRefused({"a@x.id": (550, b"no such user")})
    assert classify(refused).permanent
    busy = smtplib.SMTPRecipientsRefused({"a@x.id": (450, b"busy")})
    assert not classify(busy).permanent
    assert classify(smtplib.SMTPDataError(554, b"rejected")).permanent
    assert not classify(smtplib.SMTPDataError(451, b"later")).permanent
    assert not classify(smtplib.SMTPAuthenticationError(535, b"bad")).permanent
    assert not classify(ConnectionRefusedError(111, "refused")).permanent
    assert not classify(smtplib.SMTPServerDisconnected("gone")).permanent
    assert not classify(TimeoutError("slow")).permanent
    assert "550" in classify(refused).reason


def test_backoff_doubles_is_capped_and_jittered_and_gives_up_at_the_limit():
    policy = RetryPolicy(max_attempts=5, base_seconds=10, max_seconds=50)
    rng = random.Random(7)
    waits = [(after_failure(n, False, policy, NOW, rng).next_attempt_at - NOW)
             .total_seconds() for n in range(3)]
    assert 8 <= waits[0] <= 12 and 16 <= waits[1] <= 24 and 32 <= waits[2] <= 48
    capped = after_failure(3, False, policy, NOW, rng)
    assert capped.next_attempt_at - NOW <= timedelta(seconds=50)
    last = after_failure(4, False, policy, NOW, rng)
    assert (last.status, last.attempts, last.next_attempt_at) == (
        StatusPengiriman.GAGAL, 5, None)
    assert after_failure(0, True, policy, NOW).status is StatusPengiriman.GAGAL
    spread = {round(policy.delay(1, random.Random(seed)), 3) for seed in range(20)}
    assert len(spread) > 10  # not everyone retries at the same instant


def test_summary_of_an_addressee():
    T, G, R = (StatusPengiriman.TERKIRIM, StatusPengiriman.GAGAL,
               StatusPengiriman.DICOBA_ULANG)
    assert summary([T, T]) is T
    assert summary([T, G]) is G
    assert summary([T, R]) is None


def test_the_message_has_both_bodies_and_a_stable_message_id():
    row = SimpleNamespace(
        pengiriman_id="d1", alamat="cv@example.co.id", subjek="[LPSE] Jadwal berubah",
        isi_teks="Jadwal berubah.", isi_html="<p>Jadwal berubah.</p>",
        dibuat_pada=NOW, jenis="lelang.jadwal_changed", event_id="e1")
    msg = build_message(row, "LPSE <noreply@lpse.karangasemkab.go.id>")
    again = build_message(row, "LPSE <noreply@lpse.karangasemkab.go.id>")
    assert msg["Message-ID"] == again["Message-ID"] == (
        "<d1@lpse.karangasemkab.go.id>")
    assert msg.get_body(("plain",)).get_content().strip() == "Jadwal berubah."
    assert "<p>Jadwal berubah.</p>" in msg.get_body(("html",)).get_content()
    assert msg["X-LPSE-Event"] == "lelang.jadwal_changed e1"
