"""Every error leaves the gateway as ``{"error": CODE, "message", "details": {...}}``.

* :data:`HTTP_STATUS` - THE table from ``services.common.errors`` classes to HTTP
  statuses (looked up along the class's MRO, so a subclass not listed inherits its
  parent's status). Validation failures are 422 (the request was well-formed but its
  content is not acceptable); 400 is kept for requests that cannot even be parsed.
* :data:`STATUS_BY_CODE` - the few codes with a more precise status than their class
  (e.g. ``UPLOAD_TOO_LARGE`` is a ``BadRequest`` but 413).
* :data:`MESSAGES` - the Indonesian text per code; :data:`CLASS_MESSAGES` the generic
  text per class for codes not listed. Codes stay English (ARCHITECTURE #6).
* :data:`HTTP_CODES` - codes for errors raised by Flask/werkzeug itself (404 route,
  405, 413, unreadable JSON, ...).

Details of 5xx errors never leave the process (they are logged instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.common.errors import (
    BadRequest,
    Conflict,
    ContractViolation,
    EprocError,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)


class InternalError(EprocError):
    """Something failed inside the platform; the client cannot fix it (HTTP 500)."""

    default_code = "INTERNAL_ERROR"


HTTP_STATUS: dict[type[EprocError], int] = {
    BadRequest: 422,
    ContractViolation: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidTransition: 409,
    RateLimited: 429,
    Unavailable: 503,
    InternalError: 500,
    EprocError: 500,  # an unclassified error: a bug somewhere, logged
}

STATUS_BY_CODE: dict[str, int] = {
    "MALFORMED_REQUEST": 400,
    # a JSON body the gateway will not read (gateway/jsonbody.py)
    "JSON_TOO_DEEP": 400,
    "JSON_NUMBER_TOO_LARGE": 400,
    "JSON_DUPLICATE_KEY": 400,
    "UPLOAD_TOO_LARGE": 413,
    "REQUEST_TOO_LARGE": 413,
    "UPLOAD_TYPE_NOT_ALLOWED": 415,
    "DOKUMEN_TYPE_NOT_ALLOWED": 415,
    "DOKUMEN_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    # raised by services.common.messaging as a plain EprocError
    "IDEMPOTENCY_KEY_REUSED": 422,
}

MESSAGES: dict[str, str] = {
    # validation
    "VALIDATION_FAILED": "Data yang dikirim tidak valid. Periksa kembali isian Anda.",
    "CONTRACT_VIOLATION": "Data yang dikirim tidak sesuai dengan format yang "
                          "diharapkan.",
    "MALFORMED_REQUEST": "Permintaan tidak dapat dibaca: formatnya tidak valid.",
    "JSON_TOO_DEEP": "Isi permintaan (JSON) bersarang terlalu dalam.",
    "JSON_NUMBER_TOO_LARGE": "Isi permintaan (JSON) memuat angka yang terlalu besar "
                             "atau terlalu panjang.",
    "JSON_DUPLICATE_KEY": "Isi permintaan (JSON) memuat nama isian yang sama lebih "
                          "dari sekali.",
    "IDEMPOTENCY_KEY_INVALID": "Header Idempotency-Key harus terdiri dari 8 sampai 200 "
                               "karakter yang dapat dicetak.",
    "IDEMPOTENCY_KEY_REUSED": "Idempotency-Key ini sudah dipakai untuk permintaan lain "
                              "yang isinya berbeda.",
    "UNSUPPORTED_MEDIA_TYPE": "Format isi permintaan (Content-Type) tidak didukung.",
    "REQUEST_TOO_LARGE": "Ukuran permintaan melebihi batas yang diizinkan.",
    "UPLOAD_TOO_LARGE": "Ukuran berkas melebihi batas yang diizinkan.",
    "UPLOAD_TYPE_NOT_ALLOWED": "Jenis berkas tidak diizinkan. Unggah berkas PDF, JPEG "
                               "atau PNG.",
    "UPLOAD_EMPTY": "Berkas yang diunggah kosong.",
    "PASSWORD_TOO_WEAK": "Kata sandi terlalu lemah: minimal 8 karakter dan bukan kata "
                         "sandi yang umum dipakai.",
    "PASSWORD_TOO_SHORT": "Kata sandi terlalu pendek: minimal 8 karakter.",
    "PASSWORD_TOO_LONG": "Kata sandi terlalu panjang.",
    "PASSWORD_TOO_COMMON": "Kata sandi ini terlalu umum dipakai. Pilih yang lain.",
    "PASSWORD_EQUALS_USERNAME": "Kata sandi tidak boleh sama dengan nama pengguna.",
    "PASSWORD_UNCHANGED": "Kata sandi baru harus berbeda dari kata sandi lama.",
    "NPWP_INVALID": "Format NPWP tidak valid (15 atau 16 digit).",
    "PAKTA_INTEGRITAS_REQUIRED": "Pakta integritas harus disetujui.",
    "DOKUMEN_REQUIRED": "Minimal satu dokumen pendaftaran harus diunggah.",
    "DOKUMEN_NOT_UPLOADED": "Dokumen belum diunggah ke penyimpanan.",
    "DOKUMEN_MISMATCH": "Data dokumen tidak cocok dengan berkas yang tersimpan.",
    "DOKUMEN_NOT_IN_PENYEDIA": "Dokumen tersebut bukan milik penyedia ini.",
    "ALASAN_REQUIRED": "Alasan harus diisi.",
    "PERMINTAAN_REQUIRED": "Permintaan dari PA/KPA/PPK/Pokja harus disertakan.",
    "PERMINTAAN_INVALID": "Data permintaan daftar hitam tidak valid.",
    "BERLAKU_SAMPAI_INVALID": "Tanggal akhir masa berlaku harus di masa depan.",
    "SERTIFIKAT_PBJ_REQUIRED": "Peran ini memerlukan nomor sertifikat keahlian "
                               "pengadaan barang/jasa.",
    "AGENCY_REQUIRED": "Peran ini memerlukan instansi (SKPD/BUMD).",
    "AGENCY_NOT_ALLOWED": "Peran ini tidak boleh terikat pada instansi.",
    # authentication
    "UNAUTHENTICATED": "Anda harus masuk (login) terlebih dahulu.",
    "LOGIN_FAILED": "Nama pengguna atau kata sandi salah.",
    "LOGIN_RATE_LIMITED": "Terlalu banyak percobaan masuk yang gagal. Silakan coba "
                          "lagi nanti.",
    "PENYEDIA_NOT_ACTIVE": "Akun penyedia belum terverifikasi, ditolak, dinonaktifkan "
                           "atau masuk daftar hitam.",
    "USER_NOT_ACTIVE": "Akun pengguna ini tidak aktif.",
    "TOKEN_INVALID": "Token akses tidak valid. Silakan masuk kembali.",
    "TOKEN_EXPIRED": "Token akses telah kedaluwarsa. Silakan masuk kembali.",
    "SESSION_REVOKED": "Sesi Anda telah berakhir atau dicabut. Silakan masuk kembali.",
    "SESSION_EXPIRED": "Sesi Anda telah berakhir. Silakan masuk kembali.",
    "SESSION_INVALID": "Sesi tidak dikenal. Silakan masuk kembali.",
    "AUTHENTICATION_REQUIRED": "Anda harus masuk (login) terlebih dahulu.",
    "ACCOUNT_NOT_ACTIVE": "Akun ini tidak aktif lagi.",
    # authorization
    "FORBIDDEN": "Anda tidak berwenang melakukan tindakan ini.",
    "ROLE_SEPARATION_VIOLATION": "Staf LPSE (Admin PPE, Verifikator, Helpdesk) tidak "
                                 "boleh merangkap sebagai PPK, Pokja Pemilihan atau "
                                 "Pejabat Pengadaan (Perbup 30/2012 Pasal 14 ayat 3).",
    "TEST_CLOCK_DISABLED": "Jam uji hanya dapat diatur jika LPSE_ENV=test.",
    "ROLE_REQUIRED": "Tindakan ini memerlukan peran yang tidak Anda miliki.",
    "OLD_PASSWORD_INCORRECT": "Kata sandi lama salah.",
    "PASSWORD_CHANGE_REQUIRED": "Anda harus mengganti kata sandi terlebih dahulu.",
    "USER_NOT_MANAGEABLE": "Anda tidak berwenang mengelola pengguna ini.",
    "AGENCY_MISMATCH": "Pengguna atau satuan kerja ini berada di instansi lain.",
    "ROLE_NOT_GRANTABLE": "Anda tidak berwenang memberikan peran ini.",
    "PENYEDIA_SELF_REGISTRATION_ONLY": "Akun penyedia hanya dibuat melalui pendaftaran "
                                       "penyedia.",
    "USER_IS_PENYEDIA": "Gunakan tindakan penyedia untuk akun penyedia.",
    # not found
    "NOT_FOUND": "Data atau alamat yang diminta tidak ditemukan.",
    "PENYEDIA_NOT_FOUND": "Penyedia tidak ditemukan.",
    "USER_NOT_FOUND": "Pengguna tidak ditemukan.",
    "AGENCY_NOT_FOUND": "Instansi tidak ditemukan.",
    "DOKUMEN_NOT_FOUND": "Dokumen tidak ditemukan.",
    "SESSION_NOT_FOUND": "Sesi tidak ditemukan.",
    "BLOB_NOT_FOUND": "Dokumen tidak ditemukan.",
    "METHOD_NOT_ALLOWED": "Metode HTTP ini tidak didukung untuk alamat tersebut.",
    "RANGE_NOT_SATISFIABLE": "Rentang (Range) yang diminta tidak tersedia.",
    # conflicts
    "CONFLICT": "Permintaan bertentangan dengan data yang sudah ada.",
    "NPWP_ALREADY_REGISTERED": "NPWP ini sudah terdaftar sebagai penyedia.",
    "USERNAME_TAKEN": "Nama pengguna (login) ini sudah dipakai.",
    "AGENCY_KODE_TAKEN": "Kode instansi ini sudah dipakai.",
    "SATKER_KODE_TAKEN": "Kode satuan kerja ini sudah dipakai di instansi tersebut.",
    "ROLE_ALREADY_HELD": "Pengguna sudah memiliki peran ini.",
    "ROLE_NOT_HELD": "Pengguna tidak memiliki peran ini.",
    "LAST_ROLE": "Peran terakhir pengguna tidak dapat dicabut; nonaktifkan "
                 "penggunanya.",
    "PENYEDIA_ROLE_EXCLUSIVE": "Akun penyedia tidak boleh memiliki peran lain.",
    "USER_TRANSITION_NOT_ALLOWED": "Perubahan status pengguna ini tidak diperbolehkan.",
    "PENYEDIA_TRANSITION_NOT_ALLOWED": "Perubahan status penyedia ini tidak "
                                       "diperbolehkan dari status saat ini.",
    "INVALID_TRANSITION": "Perubahan status ini tidak diperbolehkan dari status saat "
                          "ini.",
    # lelang: RUP, paket, jadwal (services/lelang)
    "PAGU_INVALID": "Pagu anggaran harus lebih besar dari nol.",
    "NILAI_HPS_INVALID": "Pagu dan nilai HPS harus lebih besar dari nol.",
    "HPS_EXCEEDS_PAGU": "Nilai HPS tidak boleh melebihi pagu anggaran.",
    "RINCIAN_HPS_MISMATCH": "Jumlah rincian HPS tidak sama dengan nilai HPS.",
    "RUP_NOT_FOUND": "RUP tidak ditemukan.",
    "PAKET_NOT_FOUND": "Paket pengadaan tidak ditemukan.",
    "PAKET_ALREADY_TENDERED": "Paket ini sudah memiliki lelang.",
    "POKJA_INVALID": "Anggota Pokja harus pengguna Pokja yang aktif di instansi "
                     "paket ini.",
    "POKJA_IS_PPK": "PPK paket tidak boleh menjadi anggota Pokja paket yang sama.",
    "NOT_PPK_OF_PAKET": "Hanya PPK paket ini (atau Admin Agency) yang dapat "
                        "melakukan tindakan ini.",
    "NOT_POKJA_OF_PAKET": "Anda bukan anggota Pokja paket ini.",
    "NOT_POKJA_OF_LELANG": "Anda bukan anggota Pokja lelang ini.",
    "NOT_PPK_OF_LELANG": "Anda bukan PPK lelang ini.",
    "METODE_UNKNOWN": "Metode pemilihan tidak dikenal.",
    "METODE_EVALUASI_NOT_ALLOWED": "Metode evaluasi ini tidak dapat dipakai dengan "
                                   "metode pemilihan yang dipilih.",
    "RULESET_NOT_FOUND": "Aturan pengadaan yang diminta tidak ditemukan.",
    "RULESET_NOT_IN_FORCE": "Tidak ada aturan pengadaan yang berlaku pada tanggal "
                            "tersebut.",
    "LELANG_NOT_FOUND": "Lelang tidak ditemukan.",
    "LELANG_KODE_TAKEN": "Kode lelang ini sudah dipakai. Silakan coba lagi.",
    "LELANG_NOT_DRAFT": "Tindakan ini hanya dapat dilakukan selama lelang masih "
                        "berupa draf.",
    "LELANG_NOT_ANNOUNCED": "Lelang ini belum diumumkan.",
    "LELANG_NOT_RUNNING": "Lelang ini tidak sedang berjalan.",
    "LELANG_HALTED": "Lelang dihentikan sementara karena sanggah banding.",
    "LELANG_NOT_HALTED": "Lelang tidak sedang dihentikan sementara; tidak ada "
                         "sanggah banding yang menunggu keputusan.",
    "LELANG_NOT_AT_LAST_STAGE": "Lelang belum sampai pada tahapan terakhir.",
    "LELANG_NOT_FAILED": "Penghentian hanya dapat dilakukan atas lelang yang "
                         "dinyatakan gagal.",
    "RETENDER_NOT_FAILED": "Hanya lelang yang gagal yang dapat diulang.",
    "RETENDER_EXISTS": "Lelang ini sudah diulang; batalkan draf lelang ulangnya "
                       "lebih dulu bila pengadaan akan dihentikan.",
    "JADWAL_INVALID": "Jadwal lelang tidak valid. Periksa tahapan yang disebutkan.",
    "JADWAL_UNCHANGED": "Jadwal baru sama dengan jadwal yang berlaku.",
    "JADWAL_STAGE_ALREADY_STARTED": "Tahapan yang sudah dimulai tidak dapat "
                                    "dipindahkan.",
    "JADWAL_STAGE_ALREADY_ENDED": "Tahapan yang sudah selesai tidak dapat diubah.",
    "JADWAL_STAGE_END_IN_PAST": "Akhir tahapan tidak boleh berada di masa lalu.",
    "KALENDER_REQUIRED": "Kalender hari kerja diperlukan untuk mengubah jadwal.",
    "TAHAPAN_UNKNOWN": "Tahapan tidak dikenal.",
    "TAHAPAN_NOT_IN_METODE": "Tahapan ini tidak termasuk dalam metode pemilihan "
                             "yang dipilih.",
    "TAHAPAN_MISSING": "Ada tahapan wajib yang belum dijadwalkan.",
    "TAHAPAN_DUPLICATE": "Tahapan yang sama dijadwalkan lebih dari sekali.",
    "TAHAPAN_OUT_OF_ORDER": "Urutan tahapan tidak sesuai dengan urutan yang "
                            "ditentukan.",
    "TAHAPAN_OVERLAP": "Waktu tahapan bertumpang tindih dengan tahapan lain.",
    "TAHAPAN_ENDS_BEFORE_START": "Akhir tahapan harus setelah awalnya.",
    "TAHAPAN_ENDS_ON_NON_WORKING_DAY": "Tahapan tidak boleh berakhir pada hari "
                                       "libur.",
    "TAHAPAN_STARTS_IN_PAST": "Tahapan tidak boleh dimulai di masa lalu.",
    "TAHAPAN_TOO_SHORT": "Tahapan lebih singkat dari batas minimum menurut aturan "
                         "yang berlaku.",
    "TAHAPAN_TIME_NOT_AWARE": "Waktu tahapan harus disertai zona waktu.",
    "TIME_NOT_AWARE": "Waktu harus disertai zona waktu.",
    "TAHAPAN_CLOSED": "Tindakan ini tidak dapat dilakukan pada tahapan saat ini.",
    # lelang: peserta, aanwijzing, kualifikasi
    "PENDAFTARAN_CLOSED": "Pendaftaran peserta lelang ini sudah ditutup.",
    "PESERTA_ALREADY_REGISTERED": "Anda sudah terdaftar sebagai peserta lelang ini.",
    "PESERTA_NOT_FOUND": "Peserta tidak ditemukan pada lelang ini.",
    "PENYEDIA_NOT_ELIGIBLE": "Hanya penyedia terverifikasi yang tidak masuk daftar "
                             "hitam yang dapat mengikuti lelang.",
    "NOT_PESERTA": "Anda belum terdaftar sebagai peserta lelang ini.",
    "NOT_QUALIFIED": "Hanya peserta yang lulus kualifikasi yang dapat melakukan "
                     "tindakan ini.",
    "PENJELASAN_CLOSED": "Tahap penjelasan (aanwijzing) sudah ditutup.",
    "PERTANYAAN_NOT_FOUND": "Pertanyaan tidak ditemukan.",
    "KUALIFIKASI_DEADLINE_PASSED": "Batas waktu pengiriman dokumen kualifikasi telah "
                                   "lewat.",
    "KUALIFIKASI_NOT_SUBMITTED": "Peserta ini belum mengirim dokumen kualifikasi.",
    "HASIL_ALREADY_ANNOUNCED": "Hasil ini sudah diumumkan.",
    # lelang: penawaran (sealed bids)
    "SAMPUL_NOT_IN_METODE": "Sampul ini tidak ada pada metode pemilihan lelang ini.",
    "SAMPUL_NOT_OPEN_NOW": "Sampul ini tidak dibuka pada tahapan saat ini.",
    "HARGA_REQUIRED": "Harga penawaran harus diisi.",
    "HARGA_NOT_ALLOWED": "File I (administrasi dan teknis) tidak memuat harga.",
    "AUDIT_READERS_ONLY": "Catatan jejak lelang hanya untuk Auditor serta Pokja dan "
                          "PPK lelang ini.",
    "ADENDUM_TOO_LATE": "Adendum tidak dapat diterbitkan sedekat ini dengan batas "
                        "akhir pemasukan penawaran.",
    "PENAWARAN_DEADLINE_PASSED": "Batas waktu pemasukan penawaran telah lewat.",
    "HARGA_AMBIGUOUS": "Isi salah satu saja: harga atau harga_sealed.",
    "HARGA_SEALED_INVALID": "Harga tersegel (harga_sealed) tidak valid.",
    "PENAWARAN_NOT_SEALED": "Berkas penawaran tidak tersegel dengan format "
                            "LPSESEAL1.",
    "PENAWARAN_KEY_MISMATCH": "Penawaran disegel dengan kunci yang bukan milik "
                              "sampul lelang ini.",
    "PENAWARAN_CONCURRENT_UPLOAD": "Penawaran sedang diunggah bersamaan. Silakan "
                                   "ulangi unggahan.",
    "PENAWARAN_NOT_SUBMITTED": "Tidak ada penawaran yang dapat ditarik.",
    "PENAWARAN_SEALED": "Penawaran masih tersegel sampai pembukaan penawaran.",
    "PENAWARAN_ALREADY_OPENED": "Penawaran pada sampul ini sudah dibuka.",
    "PENAWARAN_NOT_OPENED": "Belum ada penawaran peserta ini yang dibuka.",
    "PEMBUKAAN_NOT_OPEN": "Pembukaan penawaran belum atau tidak lagi dapat "
                          "dilakukan.",
    # lelang: evaluasi, pemenang
    "EVALUASI_FIELD_NOT_IN_STAGE": "Sebagian hasil evaluasi ini termasuk tahapan "
                                   "lain.",
    "EVALUASI_NOT_PUBLIC": "Hasil evaluasi baru terbuka untuk umum setelah "
                           "pengumuman pemenang.",
    "BAHP_REQUIRED": "Unggah Berita Acara Hasil Pelelangan (BAHP) terlebih dahulu.",
    "NO_PASSING_PENAWARAN": "Tidak ada penawaran yang lulus evaluasi; nyatakan "
                            "lelang gagal.",
    "PEMENANG_NOT_BEST_RANKED": "Pemenang dan cadangan harus mengikuti urutan "
                                "peringkat evaluasi.",
    "PEMENANG_ALREADY_DECIDED": "Pemenang lelang ini sudah ditetapkan.",
    "PEMENANG_NOT_DECIDED": "Tetapkan pemenang terlebih dahulu.",
    "PEMENANG_NOT_ANNOUNCED": "Pemenang lelang ini belum diumumkan.",
    "PA_DECIDES_ABOVE_LIMIT": "Di atas batas nilai kewenangan Pokja, pemenang "
                              "ditetapkan oleh PA/KPA.",
    # lelang: sanggah, SPPBJ, kontrak
    "SANGGAH_WINDOW_CLOSED": "Masa sanggah sudah ditutup.",
    "SANGGAH_NOT_ALLOWED": "Hanya peserta yang ikut serta dalam tahap ini yang dapat "
                           "mengajukan sanggah.",
    "SANGGAH_NOT_FOUND": "Sanggah tidak ditemukan.",
    "SANGGAH_ALREADY_ANSWERED": "Sanggah ini sudah dijawab.",
    "SANGGAH_ANSWER_DEADLINE_PASSED": "Batas waktu jawaban sanggah telah lewat.",
    "SANGGAH_UNANSWERED": "Semua sanggah harus dijawab terlebih dahulu.",
    "SANGGAH_BANDING_NOT_ALLOWED": "Hanya peserta yang sanggahnya sudah dijawab yang "
                                   "dapat mengajukan sanggah banding.",
    "SANGGAH_BANDING_NOT_OPEN": "Masa sanggah banding tidak sedang berlangsung.",
    "JAMINAN_SANGGAH_BANDING_TOO_LOW": "Nilai jaminan sanggah banding kurang dari "
                                       "batas minimum.",
    "SPPBJ_ALREADY_ISSUED": "SPPBJ lelang ini sudah diterbitkan.",
    "SPPBJ_REQUIRED": "Terbitkan SPPBJ terlebih dahulu.",
    "KONTRAK_NILAI_EXCEEDS": "Nilai kontrak tidak boleh melebihi harga penawaran "
                             "pemenang.",
    # pengaduan and penyimpangan (Pasal 17-18)
    "LELANG_ID_REQUIRED": "Pengaduan tentang lelang harus menyebutkan lelangnya.",
    "ANONIM_WITH_IDENTITY": "Pengaduan anonim tidak boleh mencantumkan nama atau "
                            "kontak pelapor.",
    "NAMA_PELAPOR_REQUIRED": "Cantumkan nama Anda, atau ajukan pengaduan secara "
                             "anonim.",
    "DOKUMEN_TYPE_NOT_ALLOWED": "Jenis dokumen tidak diizinkan. Unggah berkas PDF, "
                                "JPEG atau PNG.",
    "DOKUMEN_TOO_LARGE": "Ukuran dokumen melebihi batas yang diizinkan.",
    "KODE_PELACAKAN_EXHAUSTED": "Kode pelacakan tidak dapat dibuat saat ini. Silakan "
                                "coba lagi.",
    "PENGADUAN_NOT_FOUND": "Pengaduan tidak ditemukan. Periksa kembali kode "
                           "pelacakan dan kode rahasia Anda.",
    "PENGADUAN_CLOSED": "Pengaduan ini sudah ditutup (selesai atau ditolak).",
    "PENGADUAN_TRANSITION_NOT_ALLOWED": "Status pengaduan tidak dapat diubah ke "
                                        "status tersebut.",
    "KLASIFIKASI_REQUIRED": "Klasifikasikan pengaduan terlebih dahulu.",
    "TUJUAN_REQUIRED": "Sebutkan kepada siapa pengaduan diteruskan.",
    "PENYIMPANGAN_NOT_FOUND": "Laporan penyimpangan tidak ditemukan.",
    "PENERIMA_NOT_FOUND": "Penerima laporan penyimpangan tidak ditemukan.",
    # reporting
    "OCID_NOT_FOUND": "Data OCDS dengan ocid ini tidak ditemukan.",
    "TABEL_NOT_FOUND": "Tabel laporan tidak dikenal.",
    # notifikasi
    "NOTIFIKASI_NOTHING_TO_MARK": "Sebutkan notifikasi yang ditandai, atau semua.",
    "PENGIRIMAN_NOTHING_TO_RETRY": "Sebutkan pengiriman yang diulang, atau semua "
                                   "yang gagal.",
    "PENGIRIMAN_ALREADY_DELIVERED": "Laporan sudah terkirim kepada penerima ini.",
    "PENGIRIMAN_TRANSITION_NOT_ALLOWED": "Status pengiriman laporan tidak dapat "
                                         "diubah.",
    # limits and availability
    "RATE_LIMITED": "Terlalu banyak permintaan. Silakan coba lagi nanti.",
    "SERVICE_UNAVAILABLE": "Layanan sedang tidak tersedia. Silakan coba beberapa saat "
                           "lagi.",
    "INTERNAL_ERROR": "Terjadi kesalahan pada sistem. Silakan coba lagi atau hubungi "
                      "helpdesk LPSE.",
}

CLASS_MESSAGES: dict[type[EprocError], str] = {
    BadRequest: MESSAGES["VALIDATION_FAILED"],
    ContractViolation: MESSAGES["CONTRACT_VIOLATION"],
    Unauthenticated: "Autentikasi gagal. Silakan masuk kembali.",
    Forbidden: MESSAGES["FORBIDDEN"],
    NotFound: "Data yang diminta tidak ditemukan.",
    Conflict: MESSAGES["CONFLICT"],
    InvalidTransition: MESSAGES["INVALID_TRANSITION"],
    RateLimited: MESSAGES["RATE_LIMITED"],
    Unavailable: MESSAGES["SERVICE_UNAVAILABLE"],
    InternalError: MESSAGES["INTERNAL_ERROR"],
    EprocError: MESSAGES["INTERNAL_ERROR"],
}

#: werkzeug/Flask HTTP errors -> stable code
HTTP_CODES: dict[int, str] = {
    400: "MALFORMED_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    416: "RANGE_NOT_SATISFIABLE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}

GENERIC_HTTP_MESSAGE = "Permintaan tidak dapat diproses."


@dataclass(frozen=True)
class ErrorBody:
    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details}


def status_for(exc: EprocError) -> int:
    """The HTTP status of an error: its code's if listed, else its class's."""
    if exc.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[exc.code]
    for cls in type(exc).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500  # pragma: no cover - EprocError itself is in the table


def message_for(exc: EprocError) -> str:
    """The Indonesian text for an error: its code's, else its class's."""
    if exc.code in MESSAGES:
        return MESSAGES[exc.code]
    for cls in type(exc).__mro__:
        if cls in CLASS_MESSAGES:
            return CLASS_MESSAGES[cls]
    return MESSAGES["INTERNAL_ERROR"]  # pragma: no cover


def describe(exc: EprocError) -> ErrorBody:
    """The response body, status and headers for a platform error."""
    status = status_for(exc)
    if status >= 500 and status != 503:
        return ErrorBody(status, "INTERNAL_ERROR", MESSAGES["INTERNAL_ERROR"])
    details = _json_safe(exc.details) if isinstance(exc.details, dict) else {}
    return ErrorBody(status, exc.code, message_for(exc), details,
                     _headers_for(status, exc.code, details))


def describe_http(status: int, *, details: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> ErrorBody:
    """The response for an error Flask/werkzeug raised (unknown route, 405, 413...)."""
    if status >= 500 and status != 503:
        return ErrorBody(500, "INTERNAL_ERROR", MESSAGES["INTERNAL_ERROR"])
    code = HTTP_CODES.get(status, "HTTP_ERROR" if status >= 400 else "INTERNAL_ERROR")
    merged = _headers_for(status, code, details or {})
    merged.update(headers or {})
    return ErrorBody(status, code, MESSAGES.get(code, GENERIC_HTTP_MESSAGE),
                     _json_safe(details or {}), merged)


def _headers_for(status: int, code: str, details: dict[str, Any]) -> dict[str, str]:
    if status == 401:
        if code in ("TOKEN_INVALID", "TOKEN_EXPIRED", "SESSION_REVOKED"):
            return {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return {"WWW-Authenticate": "Bearer"}
    if status in (429, 503):
        retry = details.get("retry_after_seconds")
        if type(retry) in (int, float) and retry >= 0:
            return {"Retry-After": str(int(retry))}
        return {"Retry-After": "5"} if status == 503 else {}
    return {}


def _json_safe(value: Any) -> Any:
    """Details come from other processes and libraries: make sure they serialize."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
