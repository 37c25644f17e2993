"""Sealed bids: hybrid public-key encryption of penawaran files ("LPSESEAL1").

Each lelang has one X25519 key pair per sampul (envelope). The public key is
published, so a penyedia's client can seal a file itself; a plain upload is sealed by
the gateway on arrival. Only the ciphertext and its SHA-256 are stored. The private
key is stored wrapped with the deployment's master key (:func:`wrap_private_key`) and
unwrapped only at the opening of the sampul.

Only ``cryptography`` primitives are used (X25519, HKDF-SHA256, AES-256-GCM); this
module imports nothing but the standard library and ``cryptography``.

Format ``LPSESEAL1`` (all integers big-endian)
==============================================

A sealed file is a 58-byte header followed by the payload::

    offset  size  field
    0       9     magic      b"LPSESEAL1"
    9       1     flags      0x00 (reserved; a reader refuses any other value)
    10      16    key_id     SHA-256(recipient_pub)[:16]
    26      32    ephemeral  the sender's fresh X25519 public key (raw, 32 bytes)
    58      ...   payload    chunk records (below)

``recipient_pub`` is the raw 32-byte X25519 public key of the lelang's sampul, and
``key_id`` written in hex (32 lower-case characters) is how the platform names it.

Key derivation. The sender generates a fresh X25519 key pair ``(e, ephemeral)`` for
every file and computes ``shared = X25519(e, recipient_pub)``; the recipient computes
``shared = X25519(recipient_priv, ephemeral)``. An all-zero ``shared`` (a low-order
point) is an error. Then::

    key = HKDF-SHA256(ikm=shared, salt=ephemeral || recipient_pub,
                      info=b"lpse-seal-v1", length=32)

Payload (a STREAM of chunked AEAD, after age's STREAM). The plaintext is cut into
chunks of exactly 65536 bytes (64 KiB); only the final chunk may be shorter, and it
is empty only when the whole plaintext is empty (then the payload is exactly one
empty final chunk). A plaintext whose length is a non-zero multiple of 65536 ends
with a full final chunk, never with an extra empty one. Chunk ``i`` (counting from
0) becomes one record::

    record_i = AES-256-GCM-Encrypt(key, nonce_i, chunk_i, aad=header)
             = ciphertext_i (len(chunk_i) bytes) || tag_i (16 bytes)
    nonce_i  = i as an 11-byte big-endian integer || last_i   (12 bytes)
    last_i   = 0x01 for the final chunk, 0x00 for every other chunk
    header   = the 58 header bytes above, used as associated data of EVERY record

So every record but the last is exactly 65552 bytes, and the last is 16 to 65552
bytes. A reader splits the payload into 65552-byte records; a record that is shorter,
or that is followed by end of file, is the final one and must decrypt with
``last = 0x01``; every other record must decrypt with ``last = 0x00``. A reader
refuses: a short or bad header, a ``key_id`` other than its own, an authentication
failure, an empty final chunk after other chunks, and any byte after the final
record. Hence truncation (also at a record boundary), reordering, appended bytes,
dropped records, a flipped bit anywhere and the wrong key all fail.

A streaming reader may write each chunk only after its tag has verified; when it
fails part-way, what it already wrote is incomplete and must be discarded.

Wrapped private keys are text ``"v1:" + base64(nonce || ciphertext_and_tag)`` where
``nonce`` is 12 random bytes and the ciphertext is AES-256-GCM under the 32-byte
master key of the 32-byte private key, with associated data
``b"lpse-wrap-v1\\x00" + aad`` (the caller's ``aad``, e.g. ``b"<lelang_id>:<sampul>"``,
so that a wrapped key cannot be moved to another lelang or sampul).

Errors: every function raises :class:`SealError` (or :class:`SealTooLarge`), except
:func:`load_master_key`, which raises ``ValueError`` (a configuration error).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CHUNK_SIZE",
    "HEADER_SIZE",
    "MAGIC",
    "RECORD_SIZE",
    "SEALED_CONTENT_TYPE",
    "SealError",
    "SealHeader",
    "SealInfo",
    "SealTooLarge",
    "generate_keypair",
    "generate_master_key",
    "is_sealed",
    "key_id",
    "load_master_key",
    "open_bytes",
    "open_stream",
    "public_key_b64",
    "public_key_from_b64",
    "read_header",
    "seal_bytes",
    "seal_stream",
    "unwrap_private_key",
    "wrap_private_key",
]

SEALED_CONTENT_TYPE = "application/vnd.lpse.sealed"
MAGIC = b"LPSESEAL1"
FLAGS = 0x00
KEY_SIZE = 32
KEY_ID_SIZE = 16
TAG_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + KEY_ID_SIZE + KEY_SIZE  # 58
CHUNK_SIZE = 64 * 1024
RECORD_SIZE = CHUNK_SIZE + TAG_SIZE
HKDF_INFO = b"lpse-seal-v1"
WRAP_PREFIX = "v1:"
WRAP_AAD_PREFIX = b"lpse-wrap-v1\x00"
_NONCE_SIZE = 12
_COUNTER_LIMIT = 1 << 88  # the counter has 11 bytes


class SealError(Exception):
    """A sealed file or a wrapped key is malformed, tampered with, or for another
    key; or a key given to this module has the wrong length."""


class SealTooLarge(SealError):
    """The plaintext is longer than ``max_plaintext``."""


@dataclass(frozen=True)
class SealInfo:
    """What :func:`seal_stream` wrote: the CIPHERTEXT's size and hex SHA-256, and the
    size of the plaintext it holds."""

    size: int
    sha256: str
    plaintext_size: int


@dataclass(frozen=True)
class SealHeader:
    key_id: str  # hex, 32 characters
    ephemeral: bytes  # raw X25519 public key, 32 bytes


# -- keys ---------------------------------------------------------------------------


def _check_key(raw: bytes, what: str) -> bytes:
    if not isinstance(raw, bytes | bytearray) or len(raw) != KEY_SIZE:
        raise SealError(f"{what} must be {KEY_SIZE} raw bytes")
    return bytes(raw)


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as ``(private_raw, public_raw)``, 32 bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def _key_id_bytes(public_raw: bytes) -> bytes:
    return hashlib.sha256(public_raw).digest()[:KEY_ID_SIZE]


def key_id(public_raw: bytes) -> str:
    """Hex of the first 16 bytes of SHA-256 of the raw public key."""
    return _key_id_bytes(_check_key(public_raw, "public key")).hex()


def public_key_b64(public_raw: bytes) -> str:
    """The raw public key in standard base64 (with padding), for publishing."""
    return base64.b64encode(_check_key(public_raw, "public key")).decode("ascii")


def public_key_from_b64(text: str) -> bytes:
    """The raw 32-byte public key from standard base64 text."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError) as exc:
        raise SealError("public key is not valid base64") from exc
    if len(raw) != KEY_SIZE:
        raise SealError(f"public key must be {KEY_SIZE} bytes, got {len(raw)}")
    return raw


# -- header -------------------------------------------------------------------------


def _build_header(recipient_pub: bytes, ephemeral_pub: bytes) -> bytes:
    return MAGIC + bytes([FLAGS]) + _key_id_bytes(recipient_pub) + ephemeral_pub


def read_header(head: bytes) -> SealHeader:
    """Parse the header at the start of ``head`` (at least :data:`HEADER_SIZE`
    bytes), without decrypting anything.

    :raises SealError: ``head`` does not start with a valid LPSESEAL1 header.
    """
    head = bytes(head[:HEADER_SIZE])
    if len(head) < HEADER_SIZE or not head.startswith(MAGIC):
        raise SealError("not an LPSESEAL1 file (bad or short header)")
    if head[len(MAGIC)] != FLAGS:
        raise SealError(f"unsupported LPSESEAL1 flags {head[len(MAGIC)]:#04x}")
    start = len(MAGIC) + 1
    return SealHeader(
        key_id=head[start:start + KEY_ID_SIZE].hex(),
        ephemeral=head[start + KEY_ID_SIZE:HEADER_SIZE],
    )


def is_sealed(head: bytes) -> bool:
    """Whether ``head`` starts with a valid LPSESEAL1 header."""
    try:
        read_header(head)
    except SealError:
        return False
    return True


def _derive_key(shared: bytes, ephemeral_pub: bytes, recipient_pub: bytes) -> AESGCM:
    if shared == bytes(KEY_SIZE):
        raise SealError("degenerate X25519 shared secret")
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_pub + recipient_pub,
        info=HKDF_INFO,
    ).derive(shared)
    return AESGCM(key)


def _nonce(counter: int, last: bool) -> bytes:
    if counter >= _COUNTER_LIMIT:
        raise SealError("too many chunks")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_exact(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at end of file (short reads are retried)."""
    data = src.read(size)
    if data is None:
        data = b""
    if len(data) == size or not data:
        return bytes(data)
    parts = [data]
    missing = size - len(data)
    while missing:
        more = src.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


# -- seal ---------------------------------------------------------------------------


def seal_stream(
    public_raw: bytes,
    src: BinaryIO,
    dst: BinaryIO,
    *,
    max_plaintext: int | None = None,
    ephemeral_seed: bytes | None = None,
) -> SealInfo:
    """Seal everything read from ``src`` for ``public_raw``, writing to ``dst``.

    The returned size and SHA-256 are those of the bytes written to ``dst``,
    computed while writing.

    ``ephemeral_seed`` (at least 32 secret bytes) derives the ephemeral key instead
    of drawing it at random, so that sealing the same plaintext with the same seed
    gives the same bytes (a retried upload is then the same request). The seed
    MUST depend on the plaintext (e.g. an HMAC over its digest): one seed used for
    two plaintexts would reuse the AES-GCM key and nonces.

    :raises SealTooLarge: ``src`` holds more than ``max_plaintext`` bytes (``dst``
        then holds a partial file, to be discarded).
    :raises SealError: ``public_raw`` is not a 32-byte key.
    """
    recipient_pub = _check_key(public_raw, "public key")
    ephemeral = _ephemeral(ephemeral_seed)
    ephemeral_pub = ephemeral.public_key().public_bytes_raw()
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_pub))
    except ValueError as exc:
        raise SealError("unusable recipient public key") from exc
    aead = _derive_key(shared, ephemeral_pub, recipient_pub)
    header = _build_header(recipient_pub, ephemeral_pub)

    digest = hashlib.sha256(header)
    dst.write(header)
    size = len(header)
    plaintext_size = 0
    counter = 0
    chunk = _read_exact(src, CHUNK_SIZE)
    while True:
        plaintext_size += len(chunk)
        if max_plaintext is not None and plaintext_size > max_plaintext:
            raise SealTooLarge(f"plaintext exceeds {max_plaintext} bytes")
        following = _read_exact(src, CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
        last = not following
        record = aead.encrypt(_nonce(counter, last), chunk, header)
        digest.update(record)
        dst.write(record)
        size += len(record)
        if last:
            return SealInfo(size, digest.hexdigest(), plaintext_size)
        chunk = following
        counter += 1


def seal_bytes(public_raw: bytes, data: bytes, *,
               ephemeral_seed: bytes | None = None) -> bytes:
    """Seal ``data`` for ``public_raw``; returns the sealed file."""
    out = io.BytesIO()
    seal_stream(public_raw, io.BytesIO(data), out, ephemeral_seed=ephemeral_seed)
    return out.getvalue()


def _ephemeral(seed: bytes | None) -> X25519PrivateKey:
    if seed is None:
        return X25519PrivateKey.generate()
    if len(seed) < 32:
        raise SealError("an ephemeral seed needs at least 32 bytes")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"lpse-seal-ephemeral-v1").derive(seed)
    return X25519PrivateKey.from_private_bytes(raw)


# -- open ---------------------------------------------------------------------------


def open_stream(private_raw: bytes, src: BinaryIO, dst: BinaryIO) -> int:
    """Open a sealed file read from ``src`` with ``private_raw``, writing the
    plaintext to ``dst``; returns the number of plaintext bytes written.

    Only authenticated chunks are written. On :class:`SealError` the bytes already
    written to ``dst`` are an incomplete prefix and must be discarded.

    :raises SealError: any malformed, truncated, extended or tampered input, or a
        file sealed for another key.
    """
    private_raw = _check_key(private_raw, "private key")
    private = X25519PrivateKey.from_private_bytes(private_raw)
    recipient_pub = private.public_key().public_bytes_raw()
    header = _read_exact(src, HEADER_SIZE)
    parsed = read_header(header)
    if parsed.key_id != _key_id_bytes(recipient_pub).hex():
        raise SealError("sealed for another key")
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(parsed.ephemeral))
    except ValueError as exc:
        raise SealError("unusable ephemeral public key") from exc
    aead = _derive_key(shared, parsed.ephemeral, recipient_pub)

    written = 0
    counter = 0
    record = _read_exact(src, RECORD_SIZE)
    while True:
        if len(record) < TAG_SIZE:
            raise SealError("truncated sealed file")
        following = _read_exact(src, RECORD_SIZE) if len(record) == RECORD_SIZE else b""
        last = not following
        try:
            chunk = aead.decrypt(_nonce(counter, last), record, header)
        except InvalidTag as exc:
            raise SealError(
                f"sealed file fails authentication at chunk {counter}") from exc
        if last and not chunk and counter:
            raise SealError("empty final chunk after other chunks")
        dst.write(chunk)
        written += len(chunk)
        if last:
            # end of file was already seen; this guards streams that report it early
            if src.read(1):
                raise SealError("bytes after the final chunk")
            return written
        record = following
        counter += 1


def open_bytes(private_raw: bytes, data: bytes) -> bytes:
    """Open the sealed file ``data``; returns the plaintext."""
    out = io.BytesIO()
    open_stream(private_raw, io.BytesIO(data), out)
    return out.getvalue()


# -- master key and wrapped private keys --------------------------------------------


def generate_master_key() -> str:
    """A fresh 32-byte master key as 64 hex characters."""
    return os.urandom(32).hex()


def load_master_key(text: str) -> bytes:
    """The 32-byte master key from 64 hex characters or from standard or urlsafe
    base64 (padding optional) of exactly 32 bytes.

    :raises ValueError: anything else (the message never repeats the value).
    """
    problem = "master key must be 64 hex characters or base64 of exactly 32 bytes"
    if not isinstance(text, str):
        raise ValueError(f"{problem}; got {type(text).__name__}")
    value = text.strip()
    if not value:
        raise ValueError(f"{problem}; it is empty")
    if len(value) == 64:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    if "-" in value or "_" in value:
        if "+" in value or "/" in value:
            raise ValueError(f"{problem}; it mixes standard and urlsafe base64")
        value = value.replace("-", "+").replace("_", "/")
    value += "=" * (-len(value) % 4)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            f"{problem}; got {len(text.strip())} characters that are neither"
        ) from None
    if len(raw) != 32:
        raise ValueError(f"{problem}; this base64 decodes to {len(raw)} bytes")
    return raw


def _master_aead(master_key: bytes) -> AESGCM:
    if not isinstance(master_key, bytes | bytearray) or len(master_key) != 32:
        raise SealError("master key must be 32 bytes (see load_master_key)")
    return AESGCM(bytes(master_key))


def wrap_private_key(master_key: bytes, private_raw: bytes, aad: bytes) -> str:
    """Encrypt ``private_raw`` under ``master_key``, bound to ``aad``; returns
    ``"v1:" + base64(nonce || ciphertext)``."""
    aead = _master_aead(master_key)
    private_raw = _check_key(private_raw, "private key")
    nonce = os.urandom(_NONCE_SIZE)
    sealed = aead.encrypt(nonce, private_raw, WRAP_AAD_PREFIX + bytes(aad))
    return WRAP_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unwrap_private_key(master_key: bytes, wrapped: str, aad: bytes) -> bytes:
    """The raw private key from :func:`wrap_private_key`'s text.

    :raises SealError: wrong master key, wrong ``aad``, or damaged text.
    """
    aead = _master_aead(master_key)
    if not isinstance(wrapped, str) or not wrapped.startswith(WRAP_PREFIX):
        raise SealError("wrapped key is not in the v1 format")
    try:
        blob = base64.b64decode(wrapped[len(WRAP_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("wrapped key is not valid base64") from exc
    if len(blob) != _NONCE_SIZE + KEY_SIZE + TAG_SIZE:
        raise SealError("wrapped key has the wrong length")
    try:
        private_raw = aead.decrypt(
            blob[:_NONCE_SIZE], blob[_NONCE_SIZE:], WRAP_AAD_PREFIX + bytes(aad))
    except InvalidTag as exc:
        raise SealError(
            "cannot unwrap the private key (wrong master key, wrong aad or damaged)"
        ) from exc
    return private_raw
