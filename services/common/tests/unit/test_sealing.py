"""Sealed bids (LPSESEAL1): round trips, the exact byte layout, every tamper case,
wrapped private keys and the master key loader."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import random

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.common import sealing
from services.common.sealing import (
    HEADER_SIZE,
    SealError,
    SealTooLarge,
    generate_keypair,
    key_id,
    open_bytes,
    open_stream,
    seal_bytes,
    seal_stream,
)

KIB64 = 64 * 1024
RECORD = KIB64 + 16


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


def _data(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def _expected_size(plaintext_size: int) -> int:
    records = max(1, -(-plaintext_size // KIB64))
    return HEADER_SIZE + plaintext_size + 16 * records


def _flip(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0x01
    return bytes(changed)


# -- a second reader and writer, written from the module docstring only -------------


def _reference_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    return AESGCM(HKDF(hashes.SHA256(), 32, ephemeral + recipient,
                       b"lpse-seal-v1").derive(shared))


def _reference_open(private_raw: bytes, blob: bytes) -> bytes:
    private = X25519PrivateKey.from_private_bytes(private_raw)
    recipient = private.public_key().public_bytes_raw()
    header, payload = blob[:58], blob[58:]
    assert header[:10] == b"LPSESEAL1\x00"
    assert header[10:26] == hashlib.sha256(recipient).digest()[:16]
    ephemeral = header[26:58]
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    aead = _reference_key(shared, ephemeral, recipient)
    records = [payload[i:i + RECORD] for i in range(0, len(payload), RECORD)]
    out = []
    for i, record in enumerate(records):
        last = b"\x01" if i == len(records) - 1 else b"\x00"
        out.append(aead.decrypt(i.to_bytes(11, "big") + last, record, header))
    return b"".join(out)


def _reference_seal(public_raw: bytes, chunks: list[bytes]) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_pub = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_raw))
    aead = _reference_key(shared, ephemeral_pub, public_raw)
    header = (b"LPSESEAL1\x00" + hashlib.sha256(public_raw).digest()[:16]
              + ephemeral_pub)
    out = [header]
    for i, chunk in enumerate(chunks):
        last = b"\x01" if i == len(chunks) - 1 else b"\x00"
        out.append(aead.encrypt(i.to_bytes(11, "big") + last, chunk, header))
    return b"".join(out)


# -- round trips and layout ----------------------------------------------------------

SIZES = [0, 1, 65535, 65536, 65537, 3 * KIB64, 1024 * 1024]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip(keys, size):
    private, public = keys
    data = _data(size)
    sealed = seal_bytes(public, data)
    assert len(sealed) == _expected_size(size)
    assert sealed.startswith(b"LPSESEAL1")
    assert open_bytes(private, sealed) == data
    assert _reference_open(private, sealed) == data  # matches the documented format


@pytest.mark.parametrize("size", [0, 65536, 65537])
def test_stream_round_trip_reports_the_ciphertext(keys, size):
    private, public = keys
    data = _data(size)
    out = io.BytesIO()
    info = seal_stream(public, io.BytesIO(data), out)
    sealed = out.getvalue()
    assert info.size == len(sealed) == _expected_size(size)
    assert info.sha256 == hashlib.sha256(sealed).hexdigest()
    assert info.plaintext_size == size
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.size = 0
    plain = io.BytesIO()
    assert open_stream(private, io.BytesIO(sealed), plain) == size
    assert plain.getvalue() == data


class Trickle(io.RawIOBase):
    """A stream that returns at most ``step`` bytes per read (like a socket)."""

    def __init__(self, data: bytes, step: int):
        self.source = io.BytesIO(data)
        self.step = step

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.source.read(min(len(buffer), self.step))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def test_short_reads_give_the_same_layout(keys):
    private, public = keys
    data = _data(2 * KIB64 + 5)
    out = io.BytesIO()
    info = seal_stream(public, Trickle(data, 1000), out)
    assert info.size == _expected_size(len(data))
    plain = io.BytesIO()
    assert open_stream(private, Trickle(out.getvalue(), 777), plain) == len(data)
    assert plain.getvalue() == data


def test_every_seal_uses_a_fresh_ephemeral_key(keys):
    _, public = keys
    first, second = seal_bytes(public, b"penawaran"), seal_bytes(public, b"penawaran")
    assert first[26:58] != second[26:58]
    assert first[58:] != second[58:]


def test_reference_writer_output_opens(keys):
    private, public = keys
    chunks = [_data(KIB64), b"tail"]
    assert open_bytes(private, _reference_seal(public, chunks)) == b"".join(chunks)


@pytest.mark.parametrize(("chunks", "message"), [
    ([_data(KIB64), b""], "empty final chunk"),  # not canonical
    ([b"short", b"more"], "authentication")])  # a non-final chunk that is not full
def test_badly_chunked_files_are_refused(keys, chunks, message):
    private, public = keys
    with pytest.raises(SealError, match=message):
        open_bytes(private, _reference_seal(public, chunks))


# -- wrong key and tampering ---------------------------------------------------------


def test_wrong_private_key_fails(keys):
    _, public = keys
    other_private, other_public = generate_keypair()
    sealed = seal_bytes(public, b"nilai penawaran 1.000.000")
    with pytest.raises(SealError, match="another key"):
        open_bytes(other_private, sealed)
    # even when the key_id is rewritten to the other key's, decryption fails
    forged = sealed[:10] + bytes.fromhex(key_id(other_public)) + sealed[26:]
    with pytest.raises(SealError, match="authentication"):
        open_bytes(other_private, forged)


@pytest.fixture(scope="module")
def four_chunks(keys):
    """3 full chunks and a 100-byte final chunk."""
    data = _data(3 * KIB64 + 100)
    sealed = seal_bytes(keys[1], data)
    assert len(sealed) == HEADER_SIZE + 3 * RECORD + 116
    return data, sealed


def _record(i: int) -> slice:
    return slice(HEADER_SIZE + i * RECORD, HEADER_SIZE + (i + 1) * RECORD)


def _swap(sealed: bytes, a: int, b: int) -> bytes:
    parts = bytearray(sealed)
    parts[_record(a)], parts[_record(b)] = sealed[_record(b)], sealed[_record(a)]
    return bytes(parts)


TAMPERS = {
    "header magic": lambda s: _flip(s, 0),
    "header flags": lambda s: _flip(s, 9),
    "header key_id": lambda s: _flip(s, 20),
    "header ephemeral": lambda s: _flip(s, 40),
    "header last byte": lambda s: _flip(s, HEADER_SIZE - 1),
    "first chunk body": lambda s: _flip(s, HEADER_SIZE + 5),
    "middle chunk body": lambda s: _flip(s, HEADER_SIZE + RECORD + 1000),
    "final chunk body": lambda s: _flip(s, len(s) - 20),
    "first chunk tag": lambda s: _flip(s, HEADER_SIZE + RECORD - 1),
    "final chunk tag": lambda s: _flip(s, len(s) - 1),
    "empty input": lambda s: b"",
    "header only": lambda s: s[:HEADER_SIZE],
    "mid header": lambda s: s[:HEADER_SIZE - 10],
    "cut at first boundary": lambda s: s[:HEADER_SIZE + RECORD],
    "cut at second boundary": lambda s: s[:HEADER_SIZE + 2 * RECORD],
    "drop the final chunk": lambda s: s[:HEADER_SIZE + 3 * RECORD],
    "cut mid chunk": lambda s: s[:HEADER_SIZE + RECORD + 500],
    "cut inside the final tag": lambda s: s[:-1],
    "cut to less than a tag": lambda s: s[:HEADER_SIZE + 3 * RECORD + 15],
    "append one byte": lambda s: s + b"\x00",
    "append a record": lambda s: s + s[_record(0)],
    "repeat the final chunk": lambda s: s + s[HEADER_SIZE + 3 * RECORD:],
    "swap chunks 0 and 1": lambda s: _swap(s, 0, 1),
    "swap chunks 1 and 2": lambda s: _swap(s, 1, 2),
    "drop a middle chunk": lambda s: s[:_record(1).start] + s[_record(2).start:],
}


@pytest.mark.parametrize("tamper", list(TAMPERS), ids=list(TAMPERS))
def test_every_tamper_fails(keys, four_chunks, tamper):
    private, _ = keys
    data, sealed = four_chunks
    changed = TAMPERS[tamper](sealed)
    assert changed != sealed
    with pytest.raises(SealError):
        open_bytes(private, changed)


@pytest.mark.parametrize("change", ["drop final", "append", "flip final"])
def test_tampering_when_the_final_chunk_is_full(keys, change):
    private, public = keys
    sealed = seal_bytes(public, _data(2 * KIB64))
    assert len(sealed) == HEADER_SIZE + 2 * RECORD
    changed = {"drop final": sealed[:HEADER_SIZE + RECORD],
               "append": sealed + b"x",
               "flip final": _flip(sealed, len(sealed) - 1)}[change]
    with pytest.raises(SealError):
        open_bytes(private, changed)


def test_only_authenticated_chunks_reach_dst(keys, four_chunks):
    private, _ = keys
    data, sealed = four_chunks
    out = io.BytesIO()
    with pytest.raises(SealError, match="chunk 1"):
        open_stream(private, io.BytesIO(_flip(sealed, HEADER_SIZE + RECORD + 7)), out)
    assert out.getvalue() == data[:KIB64]


# -- header, key ids, public keys, size limit ----------------------------------------


def test_read_header_names_the_recipient_key(keys):
    _, public = keys
    sealed = seal_bytes(public, b"x")
    header = sealing.read_header(sealed[:HEADER_SIZE])
    assert HEADER_SIZE == 58
    assert header.key_id == key_id(public) == hashlib.sha256(public).digest()[:16].hex()
    assert header.ephemeral == sealed[26:58]
    assert sealing.read_header(sealed) == header  # longer input is fine
    assert sealing.is_sealed(sealed[:HEADER_SIZE])


@pytest.mark.parametrize("head", [
    b"", b"%PDF-1.4\n" + b"0" * 80, b"LPSESEAL1", b"LPSESEAL2" + bytes(49),
    b"LPSESEAL1\x01" + bytes(48), b"LPSESEAL1\x00" + bytes(47)])
def test_read_header_refuses_what_is_not_a_header(head):
    assert not sealing.is_sealed(head)
    with pytest.raises(SealError):
        sealing.read_header(head)


def test_public_key_base64_round_trip(keys):
    _, public = keys
    text = sealing.public_key_b64(public)
    assert text == base64.b64encode(public).decode() and len(text) == 44
    assert sealing.public_key_from_b64(text) == public


@pytest.mark.parametrize("text", [
    base64.b64encode(bytes(31)).decode(), base64.b64encode(bytes(33)).decode(),
    "", "not base64 at all!", "A" * 43])
def test_public_key_from_b64_refuses_wrong_input(text):
    with pytest.raises(SealError):
        sealing.public_key_from_b64(text)


@pytest.mark.parametrize("bad", [b"", bytes(31), bytes(33)])
def test_wrong_length_keys_are_refused(keys, bad):
    private, public = keys
    with pytest.raises(SealError):
        seal_bytes(bad, b"x")
    with pytest.raises(SealError):
        open_bytes(bad, seal_bytes(public, b"x"))
    with pytest.raises(SealError):
        key_id(bad)


def test_generated_keypairs_match_and_differ():
    private, public = generate_keypair()
    assert len(private) == len(public) == 32
    derived = X25519PrivateKey.from_private_bytes(private).public_key()
    assert derived.public_bytes_raw() == public != generate_keypair()[1]


@pytest.mark.parametrize(("size", "limit"), [
    (0, 0), (100, 100), (KIB64 + 1, KIB64 + 1), (1, 0), (101, 100), (KIB64 + 1, KIB64)])
def test_max_plaintext_is_enforced(keys, size, limit):
    def seal():
        return seal_stream(keys[1], io.BytesIO(_data(size)), io.BytesIO(),
                           max_plaintext=limit)
    if size <= limit:
        assert seal().plaintext_size == size
    else:
        with pytest.raises(SealTooLarge) as error:
            seal()
        assert isinstance(error.value, SealError)


# -- wrapped private keys and the master key -----------------------------------------

AAD = b"3f2c1a:sampul-1"


def test_wrap_unwrap_round_trip(keys):
    private, _ = keys
    master = sealing.load_master_key(sealing.generate_master_key())
    wrapped = sealing.wrap_private_key(master, private, AAD)
    assert wrapped.startswith("v1:")
    assert len(base64.b64decode(wrapped[3:])) == 12 + 32 + 16
    assert private not in base64.b64decode(wrapped[3:])
    assert sealing.unwrap_private_key(master, wrapped, AAD) == private
    assert sealing.wrap_private_key(master, private, AAD) != wrapped  # fresh nonce


def test_unwrap_refuses_wrong_master_key_aad_or_damage(keys):
    private, _ = keys
    master = bytes(range(32))
    wrapped = sealing.wrap_private_key(master, private, AAD)
    other_master = bytes(range(1, 33))
    damaged = wrapped[:10] + ("A" if wrapped[10] != "A" else "B") + wrapped[11:]
    cases = [(other_master, wrapped, AAD), (master, wrapped, b"3f2c1a:sampul-2"),
             (master, wrapped, b""), (master, damaged, AAD),
             (master, "v2:" + wrapped[3:], AAD), (master, wrapped[:-4], AAD),
             (master, "v1:***", AAD)]
    for case in cases:
        with pytest.raises(SealError):
            sealing.unwrap_private_key(*case)
    with pytest.raises(SealError):
        sealing.wrap_private_key(bytes(16), private, AAD)


MASTER = bytes([0xFB, 0xFF, 0xBF] * 10 + [1, 2])  # base64 needs '+' and '/'


@pytest.mark.parametrize("text", [
    MASTER.hex(), MASTER.hex().upper(), f"  {MASTER.hex()}\n",
    base64.b64encode(MASTER).decode(), base64.urlsafe_b64encode(MASTER).decode(),
    base64.urlsafe_b64encode(MASTER).decode().rstrip("=")])
def test_load_master_key_accepts_hex_and_base64(text):
    assert sealing.load_master_key(text) == MASTER


@pytest.mark.parametrize("text", [
    "", "   ", MASTER.hex()[:-2], MASTER.hex() + "00", "g" * 64,
    base64.b64encode(MASTER[:31]).decode(), base64.b64encode(MASTER + b"!").decode(),
    "not a key at all", "+-" * 22])
def test_load_master_key_refuses_the_rest(text):
    with pytest.raises(ValueError, match="64 hex characters or base64 of exactly 32"):
        sealing.load_master_key(text)


def test_generate_master_key_is_hex_of_32_random_bytes():
    text = sealing.generate_master_key()
    assert len(text) == 64 and int(text, 16) >= 0
    assert len(sealing.load_master_key(text)) == 32
    assert sealing.generate_master_key() != text


def test_a_seed_makes_sealing_repeatable_and_still_openable():
    private, public = sealing.generate_keypair()
    seed = b"s" * 32
    one = sealing.seal_bytes(public, b"penawaran", ephemeral_seed=seed)
    assert one == sealing.seal_bytes(public, b"penawaran", ephemeral_seed=seed)
    assert one != sealing.seal_bytes(public, b"penawaran", ephemeral_seed=b"t" * 32)
    assert one != sealing.seal_bytes(public, b"penawaran")
    assert sealing.open_bytes(private, one) == b"penawaran"
    with pytest.raises(sealing.SealError):
        sealing.seal_bytes(public, b"x", ephemeral_seed=b"short")
