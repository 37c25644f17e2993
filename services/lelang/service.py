"""lelang - RUP, paket, e-lelang umum in four methods, sealed bids, sanggah.

Service card
------------
RPCs (contracts in ``services/common/contracts/lelang.py``; * = idempotent):
  RUP, paket  create_rup*, list_rup, set_ambang_batas*, list_ambang_batas,
              create_paket*, assign_pokja*, get_paket, list_paket
  lelang      create_lelang*, set_jadwal*, announce_lelang*, change_jadwal*,
              fail_lelang*, stop_lelang*, cancel_lelang*,
              retender_lelang*, get_lelang, list_lelang,
              list_lelang_log
  peserta     register_peserta*, list_peserta, authorize_dokumen, issue_adendum*,
              ask_pertanyaan*, answer_pertanyaan*, list_pertanyaan,
              submit_kualifikasi*, evaluate_kualifikasi*
  penawaran   submit_penawaran*, withdraw_penawaran*, list_tanda_terima,
              open_penawaran*, list_penawaran
  evaluasi    evaluate_penawaran*, list_evaluasi, announce_hasil*, upload_bahp*,
              decide_pemenang*
  sanggah     file_sanggah*, answer_sanggah*, list_sanggah,
              record_sanggah_banding*, decide_sanggah_banding*
  closing     issue_sppbj*, sign_kontrak*, ping
Timer: every second, the stage engine moves due lelang (``FOR UPDATE SKIP LOCKED``).
Events published (exchange ``lelang.events``, through the outbox): see the
contracts module (rup_announced ... kontrak_signed).
Events consumed: none. Calls registrasi: check_penyedia_eligible, describe_users.
"""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from services.common.contracts import lelang as contracts
from services.common.db import UnitOfWork
from services.common.messaging import implements, use_case_entrypoint
from services.common.metrics import Metrics
from services.common.outbox import OutboxRelay
from services.common.providers import ClockProvider
from services.lelang import metrics as lelang_metrics
from services.lelang import usecases
from services.lelang.dependencies import (
    BlobsProvider,
    KalenderProvider,
    KeysProvider,
    RegistrasiProvider,
)
from services.lelang.storage.models import INFRA
from services.lelang.storage.repository import REPOSITORIES

Request = dict[str, Any]


def _entry(contract: Any, name: str) -> Any:
    """The entrypoint of the use case ``name`` (``use_case_entrypoint``)."""
    return use_case_entrypoint(contract, getattr(usecases, name))


class LelangService:
    """Entrypoints only: each loads its contract, calls one use case, dumps."""

    name = contracts.SERVICE

    uow = UnitOfWork(contracts.SERVICE, INFRA, REPOSITORIES)
    relay = OutboxRelay(contracts.SERVICE, INFRA)
    metrics = Metrics()
    clock = ClockProvider()
    kalender = KalenderProvider()
    keys = KeysProvider()
    blobs = BlobsProvider()
    registrasi = RegistrasiProvider()

    def deps(self) -> usecases.Deps:
        return usecases.Deps(self.keys, self.blobs, self.registrasi, self.kalender)

    create_rup = _entry(contracts.CREATE_RUP, "create_rup")
    list_rup = _entry(contracts.LIST_RUP, "list_rup")
    set_ambang_batas = _entry(contracts.SET_AMBANG_BATAS, "set_ambang_batas")
    list_ambang_batas = _entry(contracts.LIST_AMBANG_BATAS, "list_ambang_batas")
    create_paket = _entry(contracts.CREATE_PAKET, "create_paket")
    assign_pokja = _entry(contracts.ASSIGN_POKJA, "assign_pokja")
    get_paket = _entry(contracts.GET_PAKET, "get_paket")
    list_paket = _entry(contracts.LIST_PAKET, "list_paket")

    create_lelang = _entry(contracts.CREATE_LELANG, "create_lelang")
    set_jadwal = _entry(contracts.SET_JADWAL, "set_jadwal")
    announce_lelang = _entry(contracts.ANNOUNCE_LELANG, "announce_lelang")
    change_jadwal = _entry(contracts.CHANGE_JADWAL, "change_jadwal")
    fail_lelang = _entry(contracts.FAIL_LELANG, "fail_lelang")
    stop_lelang = _entry(contracts.STOP_LELANG, "stop_lelang")
    cancel_lelang = _entry(contracts.CANCEL_LELANG, "cancel_lelang")
    retender_lelang = _entry(contracts.RETENDER_LELANG, "retender_lelang")
    get_lelang = _entry(contracts.GET_LELANG, "get_lelang")
    list_lelang = _entry(contracts.LIST_LELANG, "list_lelang")
    list_lelang_log = _entry(contracts.LIST_LELANG_LOG, "list_lelang_log")

    register_peserta = _entry(contracts.REGISTER_PESERTA, "register_peserta")
    list_peserta = _entry(contracts.LIST_PESERTA, "list_peserta")
    authorize_dokumen = _entry(contracts.AUTHORIZE_DOKUMEN, "authorize_dokumen")
    issue_adendum = _entry(contracts.ISSUE_ADENDUM, "issue_adendum")
    ask_pertanyaan = _entry(contracts.ASK_PERTANYAAN, "ask_pertanyaan")
    answer_pertanyaan = _entry(contracts.ANSWER_PERTANYAAN, "answer_pertanyaan")
    list_pertanyaan = _entry(contracts.LIST_PERTANYAAN, "list_pertanyaan")
    submit_kualifikasi = _entry(contracts.SUBMIT_KUALIFIKASI, "submit_kualifikasi")
    evaluate_kualifikasi = _entry(contracts.EVALUATE_KUALIFIKASI,
                                  "evaluate_kualifikasi")

    submit_penawaran = _entry(contracts.SUBMIT_PENAWARAN, "submit_penawaran")
    withdraw_penawaran = _entry(contracts.WITHDRAW_PENAWARAN, "withdraw_penawaran")
    list_tanda_terima = _entry(contracts.LIST_TANDA_TERIMA, "list_tanda_terima")
    open_penawaran = _entry(contracts.OPEN_PENAWARAN, "open_penawaran")
    list_penawaran = _entry(contracts.LIST_PENAWARAN, "list_penawaran")

    evaluate_penawaran = _entry(contracts.EVALUATE_PENAWARAN, "evaluate_penawaran")
    list_evaluasi = _entry(contracts.LIST_EVALUASI, "list_evaluasi")
    announce_hasil = _entry(contracts.ANNOUNCE_HASIL, "announce_hasil")
    upload_bahp = _entry(contracts.UPLOAD_BAHP, "upload_bahp")
    decide_pemenang = _entry(contracts.DECIDE_PEMENANG, "decide_pemenang")

    file_sanggah = _entry(contracts.FILE_SANGGAH, "file_sanggah")
    answer_sanggah = _entry(contracts.ANSWER_SANGGAH, "answer_sanggah")
    list_sanggah = _entry(contracts.LIST_SANGGAH, "list_sanggah")
    record_sanggah_banding = _entry(contracts.RECORD_SANGGAH_BANDING,
                                    "record_sanggah_banding")
    decide_sanggah_banding = _entry(contracts.DECIDE_SANGGAH_BANDING,
                                    "decide_sanggah_banding")
    issue_sppbj = _entry(contracts.ISSUE_SPPBJ, "issue_sppbj")
    sign_kontrak = _entry(contracts.SIGN_KONTRAK, "sign_kontrak")

    @implements(contracts.PING)
    def ping(self, request: Request) -> Any:
        """Cheap liveness answer (no database)."""
        return {"service": self.name, "time": self.clock.now()}

    @timer(interval=1)
    def tick(self) -> None:
        """The stage engine: enter every due stage of every running lelang; every
        15 s also refresh the business gauges."""
        now = self.clock.now()
        usecases.advance_due(self.uow, now, self.deps())
        if lelang_metrics.due():
            lelang_metrics.publish(usecases.business_figures(self.uow, now))


SERVICE_CLASS = LelangService
REQUIRED_SETTINGS = ("LELANG_MASTER_KEY",)
