"""pengaduan's nameko DependencyProviders: the blob store (evidence is checked, not
stored, here) and the configured recipients. Each builds its object once in
``setup()`` from the container's validated Settings."""

from __future__ import annotations

from typing import Any

from services.common.blobstore import BlobStore
from services.common.providers import SharedProvider
from services.pengaduan.usecases import Penerima


class Blobs:
    """The blob store as the use cases need it: what is stored, how big, which
    type (sniffed from the first bytes)."""

    def __init__(self, store: BlobStore):
        self.store = store

    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        return self.store.describe(sha256)


class BlobsProvider(SharedProvider):
    def build(self, settings: Any) -> Blobs:
        return Blobs(BlobStore(settings.blob_path()))


class PenerimaProvider(SharedProvider):
    """``TIM_PENGARAH_EMAILS`` and ``INSPEKTORAT_EMAILS``, plus the upload limit."""

    def build(self, settings: Any) -> tuple[Penerima, int]:
        return (Penerima(settings.tim_pengarah(), settings.inspektorat()),
                settings.upload_max_bytes)
