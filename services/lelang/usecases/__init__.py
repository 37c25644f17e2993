"""lelang's use cases: one function per use case, ``(uow, request, now, deps)``.

Each authorizes the actor on the object, catches the stage engine up under the
lelang's row lock, calls the domain, writes events to the outbox and a log row in
the same transaction, and commits explicitly.
"""

from .common import Deps
from .evaluasi import (
    announce_hasil,
    decide_pemenang,
    evaluate_penawaran,
    list_evaluasi,
    upload_bahp,
)
from .lelang import (
    advance_due,
    announce_lelang,
    business_figures,
    cancel_lelang,
    change_jadwal,
    create_lelang,
    decide_sanggah_banding,
    fail_lelang,
    get_lelang,
    list_lelang,
    list_lelang_log,
    record_sanggah_banding,
    retender_lelang,
    set_jadwal,
    stop_lelang,
)
from .paket import (
    assign_pokja,
    create_paket,
    create_rup,
    get_paket,
    list_ambang_batas,
    list_paket,
    list_rup,
    set_ambang_batas,
)
from .penawaran import (
    list_penawaran,
    list_tanda_terima,
    open_penawaran,
    submit_penawaran,
    withdraw_penawaran,
)
from .peserta import (
    answer_pertanyaan,
    ask_pertanyaan,
    authorize_dokumen,
    evaluate_kualifikasi,
    issue_adendum,
    list_pertanyaan,
    list_peserta,
    register_peserta,
    submit_kualifikasi,
)
from .sanggah import (
    answer_sanggah,
    file_sanggah,
    issue_sppbj,
    list_sanggah,
    sign_kontrak,
)

__all__ = [
    "Deps", "advance_due", "announce_hasil", "announce_lelang", "answer_pertanyaan",
    "business_figures", "cancel_lelang", "stop_lelang",
    "answer_sanggah", "ask_pertanyaan", "assign_pokja", "authorize_dokumen",
    "change_jadwal", "create_lelang", "create_paket", "create_rup",
    "decide_pemenang", "decide_sanggah_banding", "evaluate_kualifikasi",
    "evaluate_penawaran", "fail_lelang", "file_sanggah", "get_lelang", "get_paket",
    "issue_adendum", "issue_sppbj", "list_ambang_batas", "list_evaluasi",
    "list_lelang", "list_lelang_log", "list_paket", "list_penawaran",
    "list_pertanyaan", "list_peserta",
    "list_rup", "list_sanggah", "list_tanda_terima", "open_penawaran",
    "record_sanggah_banding", "register_peserta", "retender_lelang",
    "set_ambang_batas", "set_jadwal", "sign_kontrak", "submit_kualifikasi",
    "submit_penawaran", "upload_bahp", "withdraw_penawaran",
]
