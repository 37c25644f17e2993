"""Who consumes which event: the static table the topology is declared from.

Every ``@consumes`` in the code base must have its row here (the handler refuses to
start otherwise, and a contract test walks the services to check it), because the
queues are declared from this table *before* any publisher goes live: an event
published before its consumer ever started waits in the consumer's queue.
"""

from __future__ import annotations

from services.common.contracts import lelang, pengaduan, registrasi
from services.common.messaging import Subscription

#: what notifikasi consumes: every event its table (``services/notifikasi/domain/
#: penerima.py`` TABLE) notifies about, plus the two that only teach it addressees
#: (peserta of a lelang; the logged-in complainant). A notifikasi test checks this
#: list against the table. Its handler of ``<type>`` is ``on_<type>``.
NOTIFIKASI_EVENTS = (
    registrasi.PENYEDIA_REGISTERED, registrasi.PENYEDIA_RESUBMITTED,
    registrasi.PENYEDIA_VERIFIED, registrasi.PENYEDIA_REJECTED,
    registrasi.PENYEDIA_DEACTIVATED, registrasi.PENYEDIA_BLACKLISTED,
    registrasi.PENYEDIA_REACTIVATED, registrasi.USER_CREATED,
    registrasi.USER_DEACTIVATED, registrasi.USER_REACTIVATED, registrasi.ROLE_GRANTED,
    registrasi.ROLE_REVOKED,
    lelang.LELANG_ANNOUNCED, lelang.JADWAL_CHANGED, lelang.ADENDUM_ISSUED,
    lelang.PESERTA_REGISTERED, lelang.PERTANYAAN_ASKED, lelang.PERTANYAAN_ANSWERED,
    lelang.PENAWARAN_SUBMITTED, lelang.PENAWARAN_OPENED, lelang.HASIL_ANNOUNCED,
    lelang.PEMENANG_DECIDED, lelang.PEMENANG_ANNOUNCED, lelang.SANGGAH_FILED,
    lelang.SANGGAH_ANSWERED, lelang.SANGGAH_BANDING_RECORDED,
    lelang.SANGGAH_BANDING_DECIDED, lelang.LELANG_FAILED, lelang.LELANG_STOPPED,
    lelang.SPPBJ_ISSUED,
    lelang.KONTRAK_SIGNED,
    pengaduan.PENGADUAN_FILED, pengaduan.PENGADUAN_STATUS_CHANGED,
    pengaduan.PENGADUAN_FORWARDED, pengaduan.PENGADUAN_CLOSED,
    pengaduan.PENYIMPANGAN_REPORTED,
)

#: what reporting consumes: every public step of a lelang (OCDS, e-reporting, red
#: flags), complaints (forwarded to LPSE Pusat, counted), penyedia registrations and
#: agencies (counted; agency names for OCDS). Its handler of ``<type>`` is
#: ``on_<type>``. Users and roles are not reporting's business.
REPORTING_EVENTS = (
    registrasi.AGENCY_CREATED, registrasi.SATKER_CREATED,
    registrasi.PENYEDIA_REGISTERED, registrasi.PENYEDIA_RESUBMITTED,
    registrasi.PENYEDIA_VERIFIED, registrasi.PENYEDIA_REJECTED,
    registrasi.PENYEDIA_DEACTIVATED, registrasi.PENYEDIA_BLACKLISTED,
    registrasi.PENYEDIA_REACTIVATED,
    lelang.RUP_ANNOUNCED, lelang.PAKET_CREATED, lelang.LELANG_ANNOUNCED,
    lelang.JADWAL_CHANGED, lelang.ADENDUM_ISSUED, lelang.TAHAPAN_STARTED,
    lelang.PESERTA_REGISTERED, lelang.PERTANYAAN_ASKED, lelang.PERTANYAAN_ANSWERED,
    lelang.PENAWARAN_SUBMITTED, lelang.PENAWARAN_OPENED, lelang.HASIL_ANNOUNCED,
    lelang.PEMENANG_DECIDED, lelang.PEMENANG_ANNOUNCED, lelang.SANGGAH_FILED,
    lelang.SANGGAH_ANSWERED, lelang.SANGGAH_BANDING_RECORDED,
    lelang.SANGGAH_BANDING_DECIDED, lelang.LELANG_FAILED, lelang.LELANG_STOPPED,
    lelang.SPPBJ_ISSUED,
    lelang.KONTRAK_SIGNED,
    pengaduan.PENGADUAN_FILED, pengaduan.PENGADUAN_STATUS_CHANGED,
    pengaduan.PENGADUAN_FORWARDED, pengaduan.PENGADUAN_CLOSED,
    pengaduan.PENYIMPANGAN_REPORTED,
)

#: (consumer service, handler method, contract); later issues add their rows here
SUBSCRIPTIONS: list[Subscription] = [
    # the lelang's Pokja, PPK and agency, for the access rule of Pasal 17(1)
    Subscription("pengaduan", "on_lelang_announced", lelang.LELANG_ANNOUNCED),
    # who must hear of what, and the addressees it learns on the way
    *(Subscription("notifikasi", f"on_{contract.type}", contract)
      for contract in NOTIFIKASI_EVENTS),
    # e-reporting, OCDS publication and forwarding
    *(Subscription("reporting", f"on_{contract.type}", contract)
      for contract in REPORTING_EVENTS),
]


def register_subscription(sub: Subscription) -> Subscription:
    """Add a row at run time (tests and tools only; services use the table above)."""
    if sub not in SUBSCRIPTIONS:
        SUBSCRIPTIONS.append(sub)
    return sub


def find_subscription(service: str, method: str, source: str,
                      event_type: str) -> Subscription | None:
    for sub in SUBSCRIPTIONS:
        if (sub.service, sub.method, sub.contract.source, sub.contract.type) == (
                service, method, source, event_type):
            return sub
    return None


def all_sources() -> set[str]:
    """Every service that publishes events (their exchanges are declared too)."""
    from services.common.contracts import (  # noqa: F401  (registers contracts)
        lelang,
        pengaduan,
        registrasi,
    )
    from services.common.contracts.base import EVENT_CONTRACTS

    return {source for source, _ in EVENT_CONTRACTS}
