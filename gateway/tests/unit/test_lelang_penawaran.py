"""Sealed bids through the gateway: plain files and prices are sealed on arrival
(only ciphertext is stored), client-sealed files are stored unchanged, and opened
files are sent only when lelang lists them for the actor."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from typing import Any

import pytest

from gateway.routes.lelang_penawaran import KEY_CACHE, sealed_size
from gateway.tests.unit import lelang_samples as s
from gateway.tests.unit.helpers import assert_error
from services.common import sealing
from services.common.contracts import lelang as c
from services.common.errors import Forbidden

URL = "/api/v1/lelang/l-1/penawaran"
BID = b"%PDF-1.7\nPenawaran CV Karya Bali: RAB, metode pelaksanaan\n" * 20


@pytest.fixture
def keys(app, fake_rpc) -> tuple[bytes, bytes]:
    """A key pair of the lelang's single sampul, published through GET_LELANG."""
    app.extensions.pop(KEY_CACHE, None)
    private, public = sealing.generate_keypair()
    fake_rpc.on(c.GET_LELANG, s.lelang(kunci_publik=[s.kunci(public)]))
    fake_rpc.on(c.SUBMIT_PENAWARAN, s.tanda_terima)
    yield private, public
    app.extensions.pop(KEY_CACHE, None)


@pytest.fixture
def penyedia(signed_in) -> dict[str, str]:
    return signed_in(roles=["penyedia"], penyedia_id="p-1", user_id="u-p1")


def submit(client, headers, data: bytes = BID, **form: Any):
    fields = {"sampul": "single", "dokumen": (io.BytesIO(data), "penawaran.pdf"),
              **form}
    fields = {k: v for k, v in fields.items() if v is not None}
    return client.post(URL, headers=headers, data=fields,
                       content_type="multipart/form-data")


def stored(app, sha256: str) -> bytes:
    with app.extensions["lpse"].blobs.open(sha256) as fh:
        return fh.read()


def test_a_plain_upload_is_sealed_on_arrival(client, app, fake_rpc, keys, penyedia):
    private, _ = keys
    response = submit(client, penyedia, harga="1250000000.00")
    assert response.status_code == 201, response.get_json()
    sent = fake_rpc.requests(c.SUBMIT_PENAWARAN)[0]
    blob = stored(app, sent["sha256"])
    assert blob.startswith(b"LPSESEAL1") and BID not in blob
    assert hashlib.sha256(blob).hexdigest() == sent["sha256"]
    assert sent["size"] == len(blob) and sent["filename"] == "penawaran.pdf"
    assert sealing.open_bytes(private, blob) == BID
    price = sealing.open_bytes(private, base64.b64decode(sent["harga_sealed"]))
    assert json.loads(price) == {"harga": "1250000000.00"}
    assert sent["actor"]["penyedia_id"] == "p-1" and sent["idempotency_key"]
    assert (sent["sampul"], sent["lelang_id"]) == ("single", "l-1")
    body = response.get_json()
    assert body["sha256"] == sent["sha256"] and body["tanda_tangan"]


def test_the_public_key_is_asked_for_anonymously_and_cached(client, fake_rpc, keys,
                                                            penyedia):
    for price in ("1000", "2000.5"):
        assert submit(client, penyedia, harga=price).status_code == 201
    lookups = fake_rpc.requests(c.GET_LELANG)
    assert len(lookups) == 1 and lookups[0]["actor"]["user_id"] is None
    assert len(fake_rpc.requests(c.SUBMIT_PENAWARAN)) == 2


def test_a_price_without_cents_is_sent_with_two_decimals(client, fake_rpc, keys,
                                                         penyedia):
    private, _ = keys
    assert submit(client, penyedia, harga="7").status_code == 201
    sealed = fake_rpc.requests(c.SUBMIT_PENAWARAN)[0]["harga_sealed"]
    assert json.loads(sealing.open_bytes(private, base64.b64decode(sealed))) == {
        "harga": "7.00"}


def test_a_client_sealed_upload_is_stored_unchanged(client, app, fake_rpc, keys,
                                                    penyedia):
    private, public = keys
    sealed = sealing.seal_bytes(public, BID)
    harga = base64.b64encode(sealing.seal_bytes(public, b'{"harga": "9.00"}')).decode()
    response = submit(client, penyedia, data=sealed, harga_sealed=harga)
    assert response.status_code == 201, response.get_json()
    sent = fake_rpc.requests(c.SUBMIT_PENAWARAN)[0]
    assert sent["sha256"] == hashlib.sha256(sealed).hexdigest()
    assert stored(app, sent["sha256"]) == sealed and sent["size"] == len(sealed)
    assert sent["harga_sealed"] == harga


def test_a_file_sealed_for_another_key_is_refused(client, fake_rpc, keys, penyedia):
    _, other = sealing.generate_keypair()
    body = assert_error(submit(client, penyedia, data=sealing.seal_bytes(other, BID),
                               harga="5"), 422, "PENAWARAN_KEY_MISMATCH")
    assert body["details"]["field"] == "dokumen"
    assert not fake_rpc.requests(c.SUBMIT_PENAWARAN)


def test_a_damaged_seal_header_is_refused(client, fake_rpc, keys, penyedia):
    _, public = keys
    damaged = bytearray(sealing.seal_bytes(public, BID))
    damaged[9] = 0x7F  # flags
    assert_error(submit(client, penyedia, data=bytes(damaged), harga="5"), 422,
                 "PENAWARAN_NOT_SEALED")


def test_harga_and_harga_sealed_together_are_422(client, fake_rpc, keys, penyedia):
    body = assert_error(submit(client, penyedia, harga="5", harga_sealed="QUJD"), 422,
                        "HARGA_AMBIGUOUS")
    assert body["details"]["fields"] == ["harga", "harga_sealed"]
    assert not fake_rpc.requests(c.GET_LELANG)
    assert not fake_rpc.requests(c.SUBMIT_PENAWARAN)


@pytest.mark.parametrize(("sampul", "form", "code"), [
    ("single", {}, "HARGA_REQUIRED"),
    ("file_2", {}, "HARGA_REQUIRED"),
    ("file_1", {"harga": "5"}, "HARGA_NOT_ALLOWED"),
])
def test_the_price_belongs_to_single_and_file_2(client, fake_rpc, keys, penyedia,
                                                sampul, form, code):
    assert_error(submit(client, penyedia, sampul=sampul, **form), 422, code)
    assert fake_rpc.requests(c.GET_LELANG) == []


@pytest.mark.parametrize(("field", "value"), [
    ("sampul", "file_3"),
    ("harga", "1.234"),
    ("harga", "-5"),
    ("harga", "0"),
    ("harga", "1e5"),
    ("harga", "99999999999999999"),
    ("harga_sealed", "not base64!"),
    ("actor", "u-1"),
])
def test_bad_form_fields_are_422(client, fake_rpc, keys, penyedia, field, value):
    body = assert_error(submit(client, penyedia, **{"harga": "5", field: value}),
                        422, "VALIDATION_FAILED")
    assert field in body["details"]["fields"]
    assert not fake_rpc.requests(c.SUBMIT_PENAWARAN)


def test_a_bad_sampul_in_the_withdraw_path_is_404(client, fake_rpc, penyedia):
    assert_error(client.post("/api/v1/lelang/l-1/penawaran/semua/tarik",
                             headers=penyedia), 404, "NOT_FOUND")
    assert not fake_rpc.requests(c.WITHDRAW_PENAWARAN)


def test_a_sampul_the_lelang_has_no_key_for(client, fake_rpc, keys, penyedia):
    body = assert_error(submit(client, penyedia, sampul="file_2", harga="5"), 422,
                        "SAMPUL_NOT_IN_METODE")
    assert body["details"]["sampul"] == "file_2"
    fake_rpc.on(c.GET_LELANG, s.lelang(lelang_id="l-9", status="draft"))
    response = client.post("/api/v1/lelang/l-9/penawaran", headers=penyedia, data={
        "sampul": "single", "harga": "5", "dokumen": (io.BytesIO(BID), "a.pdf")},
        content_type="multipart/form-data")
    assert_error(response, 409, "LELANG_NOT_ANNOUNCED")
    assert not fake_rpc.requests(c.SUBMIT_PENAWARAN)


def test_upload_limits_keep_their_codes(client, fake_rpc, keys, penyedia, settings):
    big = b"%PDF-" + b"x" * settings.upload_max_bytes
    body = assert_error(submit(client, penyedia, data=big, harga="5"), 413,
                        "UPLOAD_TOO_LARGE")
    assert body["details"]["field"] == "dokumen"
    assert_error(submit(client, penyedia, data=b"", harga="5"), 422, "UPLOAD_EMPTY")
    assert not fake_rpc.requests(c.SUBMIT_PENAWARAN)


def test_a_client_sealed_file_of_the_largest_plaintext_fits(client, keys, penyedia,
                                                            settings):
    _, public = keys
    sealed = sealing.seal_bytes(public, b"x" * settings.upload_max_bytes)
    assert len(sealed) <= sealed_size(settings.upload_max_bytes)
    assert submit(client, penyedia, data=sealed, harga="5").status_code == 201


def test_the_plain_file_is_never_spooled_to_disk(client, app, monkeypatch, keys,
                                                 penyedia):
    def no_disk(*args: Any, **kwargs: Any):
        raise AssertionError("multipart part spooled to a temporary file")

    monkeypatch.setattr("werkzeug.formparser.SpooledTemporaryFile", no_disk)
    monkeypatch.setattr("werkzeug.formparser.TemporaryFile", no_disk, raising=False)
    assert submit(client, penyedia, harga="5").status_code == 201
    root = app.extensions["lpse"].blobs.root
    assert not any(BID in p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_withdraw_and_receipts(client, fake_rpc, penyedia):
    fake_rpc.on(c.WITHDRAW_PENAWARAN, s.tanda_terima)
    response = client.post("/api/v1/lelang/l-1/penawaran/file_2/tarik",
                           headers=penyedia)
    assert response.status_code == 200
    sent = fake_rpc.requests(c.WITHDRAW_PENAWARAN)[0]
    assert sent["sampul"] == "file_2" and sent["idempotency_key"]


# ------------------------------------------------------------------ opened files
def opened_setup(app, fake_rpc) -> str:
    ref = app.extensions["lpse"].blobs.put(io.BytesIO(BID), max_bytes=4096)
    dokumen = {"sha256": ref.sha256, "filename": "penawaran.pdf",
               "content_type": "application/pdf", "size": ref.size}
    fake_rpc.on(c.LIST_PENAWARAN, [s.penawaran(None), s.penawaran(dokumen)])
    return ref.sha256


def test_an_opened_file_listed_for_the_actor_is_sent(client, app, fake_rpc,
                                                     signed_in):
    sha = opened_setup(app, fake_rpc)
    response = client.get(f"{URL}/dokumen/{sha}?sampul=single",
                          headers=signed_in(roles=["pokja"]))
    assert response.status_code == 200 and response.data == BID
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sent = fake_rpc.requests(c.LIST_PENAWARAN)[0]
    assert sent["sampul"] == "single" and sent["actor"]["roles"] == ["pokja"]


def test_a_file_not_in_the_list_is_refused(client, app, fake_rpc, signed_in):
    opened_setup(app, fake_rpc)
    other = app.extensions["lpse"].blobs.put(io.BytesIO(b"%PDF-other"),
                                             max_bytes=4096)
    assert_error(client.get(f"{URL}/dokumen/{other.sha256}", headers=signed_in()),
                 404, "DOKUMEN_NOT_FOUND")
    assert_error(client.get(f"{URL}/dokumen/not-a-sha", headers=signed_in()), 404,
                 "DOKUMEN_NOT_FOUND")


def test_sealed_bids_are_not_listed(client, fake_rpc, signed_in):
    fake_rpc.on(c.LIST_PENAWARAN, Forbidden("PENAWARAN_SEALED", "sealed",
                                            {"sampul": ["single"]}))
    body = assert_error(client.get(f"{URL}/dokumen/{'d' * 64}", headers=signed_in()),
                        403, "PENAWARAN_SEALED")
    assert body["message"].startswith("Penawaran masih tersegel")


def test_a_retry_with_the_same_key_is_the_same_request(client, fake_rpc, keys,
                                                       penyedia):
    """Same Idempotency-Key, file and price: byte-identical sealed request (the
    service then answers with the first receipt); anything else differs."""
    key = {**penyedia, "Idempotency-Key": "bid-retry-0001"}
    for _ in range(2):
        assert submit(client, key, harga="1250000000.00").status_code == 201
    assert submit(client, key, harga="1250000000.01").status_code == 201
    assert submit(client, {**penyedia, "Idempotency-Key": "bid-other-0002"},
                  harga="1250000000.00").status_code == 201
    assert submit(client, penyedia, harga="1250000000.00").status_code == 201
    sent = fake_rpc.requests(c.SUBMIT_PENAWARAN)
    first, retry, other_price, other_key, no_key = (
        (r["sha256"], r["harga_sealed"]) for r in sent)
    assert first == retry
    assert other_price[0] != first[0] and other_price[1] != first[1]
    assert other_key[0] != first[0] and no_key[0] != first[0]
