"""notifikasi's nameko DependencyProviders: the SMTP mailer, the retry policy, and
the RPC proxy to pengaduan (deviation-report delivery states). Each builds its
object once in ``setup()`` from the container's validated Settings."""

from __future__ import annotations

from typing import Any

from services.common.broker import ResilientRpcProxy
from services.common.contracts import pengaduan as pengaduan_contracts
from services.common.messaging import RpcClient
from services.common.providers import SharedProvider
from services.notifikasi import metrics
from services.notifikasi.domain.pengiriman import RetryPolicy
from services.notifikasi.smtp import SmtpMailer
from services.notifikasi.usecases import Deps


class DepsProvider(SharedProvider):
    """The use cases' ports: retry policy, mailer, metrics counter."""

    def build(self, settings: Any) -> Deps:
        policy = RetryPolicy(settings.notifikasi_max_attempts,
                             settings.notifikasi_retry_base_seconds,
                             settings.notifikasi_retry_max_seconds)
        return Deps(policy, SmtpMailer.from_settings(settings), metrics.count)


class PengaduanClient:
    """Typed calls to pengaduan (service to service)."""

    def __init__(self, proxy: Any):
        self._client = RpcClient(lambda service: proxy)

    def record_delivery(self, penyimpangan_id: str, penerima_id: str, status: str,
                        keterangan: str | None) -> None:
        self._client.call(pengaduan_contracts.RECORD_PENYIMPANGAN_DELIVERY, {
            "actor": None, "idempotency_key": f"notifikasi-{penerima_id}-{status}",
            "penyimpangan_id": penyimpangan_id, "penerima_id": penerima_id,
            "status": pengaduan_contracts.StatusPengiriman(status),
            "keterangan": keterangan})


class PengaduanProvider(ResilientRpcProxy):
    """An RPC proxy to pengaduan (its requests carry a deadline, its wait is bounded),
    wrapped in the typed client."""

    def __init__(self) -> None:
        super().__init__(pengaduan_contracts.SERVICE)

    def get_dependency(self, worker_ctx: Any) -> PengaduanClient:
        return PengaduanClient(super().get_dependency(worker_ctx))
