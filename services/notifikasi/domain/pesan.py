"""The messages, in Indonesian: one template per template id of ``penerima.TABLE``.

A template is a subject and a plain-text body (``string.Template``, ``$name`` from the
payload); the HTML is the same body laid out in paragraphs, the template text and
every payload value escaped with ``html.escape``. :func:`render` gives a
:class:`Pesan`. A table entry without a template, a template nobody uses, or a
malformed template fails at import.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from string import Template
from typing import Any

from services.notifikasi.domain.penerima import TABLE

SUBJECT_PREFIX = "[LPSE Karangasem] "
#: Karangasem (Bali) keeps WITA, UTC+8
WITA = timezone(timedelta(hours=8), "WITA")
FOOTER = ("Pesan ini dikirim otomatis oleh LPSE Kabupaten Karangasem. "
          "Mohon tidak membalas e-mail ini.")


@dataclass(frozen=True)
class Pesan:
    subject: str
    text: str
    html: str


#: template id -> (subject, plain-text body); paragraphs are separated by a blank line
TEMPLATES: Mapping[str, tuple[str, str]] = {
    # -------------------------------------------------------------- registrasi
    "registrasi.penyedia_registered": (
        "Pendaftaran penyedia baru: $nama",
        "Penyedia $nama (NPWP $npwp) telah mendaftar dan menunggu verifikasi.\n\n"
        "Silakan periksa data dan dokumennya di aplikasi LPSE."),
    "registrasi.penyedia_resubmitted": (
        "Perbaikan data penyedia: $nama",
        "Penyedia $nama (NPWP $npwp) telah memperbaiki data pendaftarannya dan "
        "menunggu verifikasi ulang."),
    "registrasi.penyedia_verified": (
        "Pendaftaran $nama telah diverifikasi",
        "Yth. $nama,\n\n"
        "Pendaftaran Anda sebagai penyedia telah diverifikasi. Anda sekarang dapat "
        "mengikuti lelang di LPSE Kabupaten Karangasem."),
    "registrasi.penyedia_rejected": (
        "Pendaftaran $nama ditolak",
        "Yth. $nama,\n\n"
        "Pendaftaran Anda sebagai penyedia ditolak dengan alasan: $alasan\n\n"
        "Anda dapat memperbaiki data dan mengajukannya kembali."),
    "registrasi.penyedia_deactivated": (
        "Akun penyedia $nama dinonaktifkan",
        "Yth. $nama,\n\n"
        "Akun penyedia Anda dinonaktifkan dengan alasan: $alasan"),
    "registrasi.penyedia_blacklisted": (
        "$nama dimasukkan ke Daftar Hitam",
        "Yth. $nama,\n\n"
        "Perusahaan Anda dimasukkan ke Daftar Hitam dengan alasan: $alasan\n"
        "Berlaku sampai: $berlaku_sampai\n\n"
        "Selama masa tersebut Anda tidak dapat mengikuti pengadaan."),
    "registrasi.penyedia_reactivated": (
        "Akun penyedia $nama diaktifkan kembali",
        "Yth. $nama,\n\n"
        "Akun penyedia Anda telah diaktifkan kembali. Keterangan: $alasan"),
    "registrasi.user_created": (
        "Akun LPSE Anda telah dibuat",
        "Yth. $nama,\n\n"
        "Akun Anda di LPSE Kabupaten Karangasem telah dibuat dengan nama pengguna "
        "$username (peran: $roles).\n\n"
        "Silakan masuk dan segera ganti kata sandi awal Anda."),
    "registrasi.user_deactivated": (
        "Akun LPSE Anda dinonaktifkan",
        "Yth. $nama,\n\n"
        "Akun $username dinonaktifkan dengan alasan: $alasan"),
    "registrasi.user_reactivated": (
        "Akun LPSE Anda diaktifkan kembali",
        "Yth. $nama,\n\n"
        "Akun $username telah diaktifkan kembali. Keterangan: $alasan"),
    "registrasi.role_granted": (
        "Peran baru pada akun LPSE Anda: $role",
        "Akun Anda mendapat peran $role."),
    "registrasi.role_revoked": (
        "Peran dicabut dari akun LPSE Anda: $role",
        "Peran $role telah dicabut dari akun Anda."),
    # -------------------------------------------------------------- lelang
    "lelang.lelang_announced": (
        "Lelang $nama ($kode) telah diumumkan",
        "Lelang $nama ($kode) telah diumumkan dan dapat dilihat publik di portal "
        "LPSE."),
    "lelang.jadwal_changed": (
        "Jadwal lelang $nama ($kode) diubah",
        "Jadwal lelang $nama ($kode) diubah: $alasan\n\n"
        "Silakan periksa jadwal terbaru di aplikasi LPSE."),
    "lelang.adendum_issued": (
        "Adendum dokumen lelang $nama ($kode)",
        "Adendum dokumen pemilihan versi $versi untuk lelang $nama ($kode) telah "
        "diterbitkan: $keterangan\n\n"
        "Silakan unduh dokumen terbaru di aplikasi LPSE."),
    "lelang.pertanyaan_asked": (
        "Pertanyaan baru pada lelang $nama ($kode)",
        "Ada pertanyaan baru pada pemberian penjelasan lelang $nama ($kode). "
        "Silakan jawab di aplikasi LPSE."),
    "lelang.pertanyaan_answered": (
        "Jawaban penjelasan lelang $nama ($kode)",
        "Pokja Pemilihan telah menjawab pertanyaan pada lelang $nama ($kode). "
        "Jawaban dapat dibaca oleh semua peserta di aplikasi LPSE."),
    "lelang.penawaran_submitted": (
        "Tanda terima penawaran lelang $nama ($kode)",
        "Penawaran Anda untuk lelang $nama ($kode) telah diterima.\n\n"
        "Sampul: $sampul\nVersi: $versi\nDiterima pada: $diterima_pada\n"
        "Ukuran: $size byte\nSHA-256: $sha256\n\n"
        "Simpan tanda terima ini sebagai bukti."),
    "lelang.penawaran_opened": (
        "Pembukaan penawaran lelang $nama ($kode)",
        "Pokja Pemilihan telah membuka penawaran (sampul: $sampul) lelang $nama "
        "($kode).\n\n"
        "Dibuka: $dibuka, gagal dibuka: $gagal_dibuka, tidak dibuka: $tidak_dibuka."),
    "lelang.hasil_announced": (
        "Pengumuman hasil $jenis lelang $nama ($kode)",
        "Hasil $jenis lelang $nama ($kode) telah diumumkan. Silakan lihat hasilnya "
        "di aplikasi LPSE."),
    "lelang.pemenang_decided": (
        "Penetapan pemenang lelang $nama ($kode)",
        "Pokja Pemilihan telah menetapkan pemenang lelang $nama ($kode). "
        "Hasil ini belum diumumkan kepada publik."),
    "lelang.pemenang_announced": (
        "Pengumuman pemenang lelang $nama ($kode)",
        "Pemenang lelang $nama ($kode) telah diumumkan: $pemenang_nama.\n\n"
        "Peserta yang keberatan dapat mengajukan sanggah dalam masa sanggah."),
    "lelang.sanggah_filed": (
        "Sanggah baru pada lelang $nama ($kode)",
        "Sanggah ($jenis) diajukan pada lelang $nama ($kode). Silakan jawab dalam "
        "masa jawab sanggah."),
    "lelang.sanggah_answered": (
        "Jawaban sanggah lelang $nama ($kode)",
        "Sanggah Anda pada lelang $nama ($kode) telah dijawab oleh Pokja Pemilihan. "
        "Keputusan: $keputusan."),
    "lelang.sanggah_banding_recorded": (
        "Sanggah banding pada lelang $nama ($kode)",
        "Sanggah banding dicatat pada lelang $nama ($kode). Proses lelang "
        "dihentikan sementara sampai ada keputusan."),
    "lelang.sanggah_banding_decided": (
        "Keputusan sanggah banding lelang $nama ($kode)",
        "Sanggah banding pada lelang $nama ($kode) telah diputuskan. "
        "Keputusan: $keputusan."),
    "lelang.lelang_failed": (
        "Lelang $nama ($kode) dinyatakan gagal",
        "Lelang $nama ($kode) dinyatakan gagal (ke-$gagal_ke): $alasan"),
    "lelang.lelang_stopped": (
        "Proses pengadaan $nama ($kode) dihentikan",
        "Setelah pelelangan gagal, proses pengadaan $nama ($kode) dihentikan "
        "(penghentian): $alasan\n\n"
        "Tidak akan ada lelang ulang untuk paket ini."),
    "lelang.sppbj_issued": (
        "SPPBJ lelang $nama ($kode) diterbitkan",
        "Surat Penunjukan Penyedia Barang/Jasa nomor $nomor tanggal $tanggal untuk "
        "lelang $nama ($kode) telah diterbitkan dengan nilai $nilai."),
    "lelang.kontrak_signed": (
        "Kontrak lelang $nama ($kode) ditandatangani",
        "Kontrak nomor $nomor tanggal $tanggal untuk lelang $nama ($kode) telah "
        "ditandatangani dengan nilai $nilai."),
    # -------------------------------------------------------------- pengaduan
    "pengaduan.pengaduan_status_changed": (
        "Perkembangan pengaduan $kode_pelacakan",
        "Status pengaduan $kode_pelacakan berubah dari $dari menjadi $status.\n\n"
        "Tanggapan: $tanggapan"),
    "pengaduan.pengaduan_closed": (
        "Pengaduan $kode_pelacakan ditutup",
        "Pengaduan $kode_pelacakan telah ditutup dengan status $status.\n\n"
        "Keterangan: $alasan"),
    "pengaduan.pengaduan_forwarded": (
        "Penerusan pengaduan $kode_pelacakan",
        "LPSE Kabupaten Karangasem meneruskan pengaduan $kode_pelacakan "
        "(jenis: $jenis) untuk ditindaklanjuti.\n\n"
        "Uraian: $uraian"),
    "pengaduan.penyimpangan_reported": (
        "Laporan penyimpangan pada lelang $lelang_nama ($lelang_kode)",
        "LPSE Kabupaten Karangasem melaporkan dugaan penyimpangan pada lelang "
        "$lelang_nama ($lelang_kode).\n\n"
        "Uraian: $uraian\n\n"
        "Dokumen pendukung dapat dilihat di aplikasi LPSE."),
}

#: fields whose value is a code (enum, stage) shown with spaces instead of "_"
_CODE_FIELDS = frozenset({"status", "dari", "tahapan", "jenis", "keputusan", "sampul",
                          "role", "roles"})


def _check() -> None:
    """Every table entry has its template, no template is orphaned, all are valid."""
    used = {rule.template for rule in TABLE.values()}
    missing = sorted(used - set(TEMPLATES))
    unused = sorted(set(TEMPLATES) - used)
    if missing or unused:
        raise RuntimeError(f"notifikasi templates: missing {missing}, unused {unused}")
    for template_id, (subject, body) in TEMPLATES.items():
        for part in (subject, body):
            if not Template(part).is_valid():
                raise RuntimeError(f"notifikasi template {template_id} is malformed")


_check()


def _rupiah(value: Decimal) -> str:
    grouped = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"Rp {grouped}"


def _show(key: str, value: Any) -> str | None:
    """A payload value as text; None for what a message never shows (nested)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, Decimal):
        return _rupiah(value)
    if isinstance(value, datetime):
        return value.astimezone(WITA).strftime("%d-%m-%Y %H:%M WITA")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, list):
        shown = [_show(key, item) for item in value]
        return ", ".join(s for s in shown if s) if all(
            not isinstance(item, dict | list) for item in value) else None
    if isinstance(value, dict):
        return None
    text = str(value.value if isinstance(value, enum.Enum) else value)
    return text.replace("_", " ") if key in _CODE_FIELDS else text


def _context(payload: Mapping[str, Any]) -> dict[str, str]:
    context = {key: shown for key, value in payload.items()
               if (shown := _show(key, value)) is not None}
    if "pemenang" in payload:  # the winner is peringkat 1 (2/3 are cadangan)
        context["pemenang_nama"] = ", ".join(
            str(p["nama"]) for p in payload["pemenang"] if p.get("peringkat") == 1
        ) or "-"
    return context


def _html(subject: str, body: str) -> str:
    paragraphs = "\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>"
                           for p in body.split("\n\n"))
    return ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
            f"<title>{subject}</title></head>\n<body>\n{paragraphs}\n"
            f"<hr><p><small>{html.escape(FOOTER)}</small></p>\n</body></html>\n")


def render(template_id: str, payload: Mapping[str, Any]) -> Pesan:
    """The message of ``template_id`` for a loaded payload. KeyError for an unknown
    template or a placeholder the payload does not fill."""
    subject_t, body_t = TEMPLATES[template_id]
    context = _context(payload)
    escaped = {key: html.escape(value) for key, value in context.items()}
    # one line: a payload value must never add a mail header
    subject = " ".join((SUBJECT_PREFIX + Template(subject_t).substitute(context))
                       .split())
    text = Template(body_t).substitute(context) + "\n\n-- \n" + FOOTER + "\n"
    html_subject = html.escape(SUBJECT_PREFIX) + Template(
        html.escape(subject_t)).substitute(escaped)
    html_body = Template(html.escape(body_t)).substitute(escaped)
    return Pesan(subject=subject, text=text, html=_html(html_subject, html_body))
