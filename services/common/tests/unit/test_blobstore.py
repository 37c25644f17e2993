"""Blob store: type sniffed from content, size limit, content-addressed and
idempotent."""

from __future__ import annotations

import hashlib
import io

import pytest

from services.common.blobstore import BlobStore, sniff_type
from services.common.errors import BadRequest, NotFound
from services.common.sealing import SEALED_CONTENT_TYPE, generate_keypair, seal_bytes

PDF = b"%PDF-1.4\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 50


@pytest.mark.parametrize(("head", "expected"), [
    (PDF, "application/pdf"), (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
    (b"MZ\x90\x00 an exe", None), (b"<html>", None), (b"", None)])
def test_type_is_sniffed_from_the_first_bytes(head, expected):
    assert sniff_type(head) == expected


def test_put_stores_content_addressed_and_reads_back(tmp_path):
    store = BlobStore(tmp_path)
    ref = store.put(io.BytesIO(PDF), max_bytes=1024)
    sha = hashlib.sha256(PDF).hexdigest()
    assert (ref.sha256, ref.size, ref.content_type) == (
        sha, len(PDF), "application/pdf")
    assert store.path_for(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    with store.open(sha) as fh:
        assert fh.read() == PDF


def test_put_is_idempotent(tmp_path):
    store = BlobStore(tmp_path)
    first = store.put(io.BytesIO(PNG), max_bytes=1024)
    second = store.put(io.BytesIO(PNG), max_bytes=1024)
    assert first == second
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [store.path_for(first.sha256)]  # no temporary files left


def test_size_limit(tmp_path):
    store = BlobStore(tmp_path)
    with pytest.raises(BadRequest) as error:
        store.put(io.BytesIO(PDF), max_bytes=len(PDF) - 1)
    assert error.value.code == "UPLOAD_TOO_LARGE"
    assert error.value.details == {"max_bytes": len(PDF) - 1}
    assert store.put(io.BytesIO(PDF), max_bytes=len(PDF)).size == len(PDF)
    assert [p for p in tmp_path.rglob(".upload-*")] == []


@pytest.mark.parametrize(("data", "allowed", "code"), [
    (b"", ("application/pdf",), "UPLOAD_EMPTY"),
    (b"GIF89a....", ("application/pdf",), "UPLOAD_TYPE_NOT_ALLOWED"),
    (PNG, ("application/pdf",), "UPLOAD_TYPE_NOT_ALLOWED"),  # real type, not allowed
])
def test_refused_uploads_leave_nothing(tmp_path, data, allowed, code):
    store = BlobStore(tmp_path)
    with pytest.raises(BadRequest) as error:
        store.put(io.BytesIO(data), max_bytes=1024, allowed=allowed)
    assert error.value.code == code
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_sealed_files_are_accepted_only_where_allowed(tmp_path):
    sealed = seal_bytes(generate_keypair()[1], b"penawaran")
    assert sniff_type(sealed[:16]) == SEALED_CONTENT_TYPE
    assert SEALED_CONTENT_TYPE == "application/vnd.lpse.sealed"
    store = BlobStore(tmp_path)
    with pytest.raises(BadRequest) as error:  # the default stays PDF, JPEG, PNG
        store.put(io.BytesIO(sealed), max_bytes=1024)
    assert error.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    assert error.value.details == {
        "allowed": ["application/pdf", "image/jpeg", "image/png"]}
    with pytest.raises(BadRequest):  # and a sealed-only upload refuses a plain PDF
        store.put(io.BytesIO(PDF), max_bytes=1024, allowed=(SEALED_CONTENT_TYPE,))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    ref = store.put(io.BytesIO(sealed), max_bytes=1024, allowed=(SEALED_CONTENT_TYPE,))
    assert (ref.sha256, ref.size, ref.content_type) == (
        hashlib.sha256(sealed).hexdigest(), len(sealed), SEALED_CONTENT_TYPE)
    with store.open(ref.sha256) as fh:
        assert fh.read() == sealed


@pytest.mark.parametrize("name", ["../../etc/passwd", "abc", "A" * 64, "0" * 63])
def test_unknown_or_malformed_references_are_not_found(tmp_path, name):
    store = BlobStore(tmp_path)
    with pytest.raises(NotFound):
        store.open(name)
    assert not store.exists("0" * 64)


def test_a_sealed_blob_opens_into_a_plain_blob(tmp_path):
    from services.common import sealing

    store = BlobStore(tmp_path)
    private, public = sealing.generate_keypair()
    plain = b"%PDF-1.4 penawaran" + b"x" * 200_000
    sealed, size = store.put_sealed(io.BytesIO(plain), public, max_bytes=10**6)
    assert size == len(plain)
    opened = store.put_opened(sealed.sha256, private)
    assert opened.sha256 == hashlib.sha256(plain).hexdigest()
    assert (opened.size, opened.content_type) == (len(plain), "application/pdf")
    assert store.open(opened.sha256).read() == plain
    other, _ = sealing.generate_keypair()
    with pytest.raises(sealing.SealError):
        store.put_opened(sealed.sha256, other)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".opened-")]
