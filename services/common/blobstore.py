"""Content-addressed blob store for documents (ARCHITECTURE #10).

Files live under ``<BLOB_DIR>/<sha[:2]>/<sha[2:4]>/<sha>``; a blob is written once
(to a temporary file, then renamed) and never changed, so the SHA-256 is both its
name and its integrity check. Only references (sha256, size, type, filename) travel
over RPC. Uploads are limited by size and by type, and the type is checked from the
file's first bytes, not from what the client claims. Sealed penawaran files
(``services.common.sealing``) are recognised too, but accepted only by callers that
pass ``allowed=(SEALED_CONTENT_TYPE,)``; the default stays PDF, JPEG and PNG.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from services.common.errors import BadRequest, NotFound
from services.common.sealing import MAGIC as SEALED_MAGIC
from services.common.sealing import SEALED_CONTENT_TYPE

#: allowed content types -> their magic bytes
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
#: every type sniff_type recognises; sealed files only where a caller allows them
SNIFFED_TYPES: dict[str, tuple[bytes, ...]] = {
    **ALLOWED_TYPES,
    SEALED_CONTENT_TYPE: (SEALED_MAGIC,),
}
CHUNK = 1024 * 1024


class _HashingWriter:
    """A file-like writer that hashes and counts what passes through it."""

    def __init__(self, target: BinaryIO):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, data: bytes) -> int:
        if len(self.head) < 16:
            self.head = (self.head + bytes(data))[:16]
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


@dataclass(frozen=True)
class BlobRef:
    sha256: str
    size: int
    content_type: str


def sniff_type(head: bytes) -> str | None:
    for content_type, magics in SNIFFED_TYPES.items():
        if any(head.startswith(m) for m in magics):
            return content_type
    return None


class BlobStore:
    """A directory of immutable, content-addressed files."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound("BLOB_NOT_FOUND", "document not found")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        """``(size, content type sniffed from the first bytes)`` of a stored blob,
        or None when there is none (or the name is not a SHA-256)."""
        try:
            path = self.path_for(sha256)
        except NotFound:
            return None
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            head = fh.read(16)
        return path.stat().st_size, sniff_type(head)

    def put(self, stream: BinaryIO, *, max_bytes: int,
            allowed: tuple[str, ...] | None = tuple(ALLOWED_TYPES)) -> BlobRef:
        """Store ``stream``; returns its reference. ``allowed=None`` takes any type
        (``application/octet-stream`` when not recognised): for files the platform
        itself produced, e.g. opened bids.

        :raises BadRequest: ``UPLOAD_TOO_LARGE``, ``UPLOAD_EMPTY`` or
            ``UPLOAD_TYPE_NOT_ALLOWED``.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise BadRequest("UPLOAD_TOO_LARGE", "file too large",
                                         {"max_bytes": max_bytes})
                    if len(head) < 16:
                        head = (head + chunk)[:16]
                    digest.update(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            if size == 0:
                raise BadRequest("UPLOAD_EMPTY", "file is empty")
            content_type = sniff_type(head)
            if allowed is None:
                content_type = content_type or "application/octet-stream"
            elif content_type is None or content_type not in allowed:
                raise BadRequest("UPLOAD_TYPE_NOT_ALLOWED", "file type not allowed",
                                 {"allowed": list(allowed)})
            return self._finish(tmp_name, digest.hexdigest(), size, content_type)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def put_sealed(self, stream: BinaryIO, public_key: bytes, *, max_bytes: int,
                   ephemeral_seed: bytes | None = None) -> tuple[BlobRef, int]:
        """Seal ``stream`` for ``public_key`` while writing it (one pass, only the
        ciphertext touches the disk); returns the sealed blob's reference and the
        plaintext size. ``ephemeral_seed``: see ``sealing.seal_stream``.

        :raises BadRequest: ``UPLOAD_TOO_LARGE`` (plaintext over ``max_bytes``),
            ``UPLOAD_EMPTY``.
        """
        from services.common import sealing

        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                try:
                    info = sealing.seal_stream(public_key, stream, tmp,
                                               max_plaintext=max_bytes,
                                               ephemeral_seed=ephemeral_seed)
                except sealing.SealTooLarge:
                    raise BadRequest("UPLOAD_TOO_LARGE", "file too large",
                                     {"max_bytes": max_bytes}) from None
                tmp.flush()
                os.fsync(tmp.fileno())
            if info.plaintext_size == 0:
                raise BadRequest("UPLOAD_EMPTY", "file is empty")
            ref = self._finish(tmp_name, info.sha256, info.size, SEALED_CONTENT_TYPE)
            return ref, info.plaintext_size
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def put_opened(self, sha256: str, private_key: bytes) -> BlobRef:
        """Open the sealed blob ``sha256`` with ``private_key`` into a new plain
        blob (one pass: decrypted, hashed and written together); returns it.

        :raises sealing.SealError: the blob does not open with this key (nothing
            is stored then).
        """
        from services.common import sealing

        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".opened-")
        try:
            with os.fdopen(fd, "wb") as tmp, self.open(sha256) as src:
                writer = _HashingWriter(tmp)
                sealing.open_stream(private_key, src, writer)
                tmp.flush()
                os.fsync(tmp.fileno())
            content_type = sniff_type(writer.head) or "application/octet-stream"
            return self._finish(tmp_name, writer.digest.hexdigest(), writer.size,
                                content_type)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def _finish(self, tmp_name: str, sha: str, size: int,
                content_type: str) -> BlobRef:
        final = self.path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, final)
        return BlobRef(sha, size, content_type)

    def head(self, sha256: str, n: int) -> bytes:
        with self.open(sha256) as fh:
            return fh.read(n)

    def open(self, sha256: str) -> BinaryIO:
        path = self.path_for(sha256)
        if not path.is_file():
            raise NotFound("BLOB_NOT_FOUND", "document not found")
        return path.open("rb")
