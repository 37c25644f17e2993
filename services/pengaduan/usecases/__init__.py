"""pengaduan's use cases: one function per use case, ``(uow, request, now, deps)``.

Each authorizes the actor on the object (a complaint or report the actor may not
read is NotFound), writes events to the outbox in the same transaction and commits
explicitly; the event consumer's use case (``record_lelang_pihak``) leaves the
commit to ``@consumes``.
"""

from .common import Deps, Penerima
from .pengaduan import (
    change_pengaduan_status,
    file_pengaduan,
    get_pengaduan,
    list_pengaduan,
    track_pengaduan,
)
from .penyimpangan import (
    get_penyimpangan,
    list_penyimpangan,
    record_penyimpangan_delivery,
    report_penyimpangan,
)
from .pihak import record_lelang_pihak

__all__ = [
    "Deps", "Penerima", "change_pengaduan_status", "file_pengaduan",
    "get_penyimpangan", "get_pengaduan", "list_pengaduan", "list_penyimpangan",
    "record_lelang_pihak", "record_penyimpangan_delivery", "report_penyimpangan",
    "track_pengaduan",
]
