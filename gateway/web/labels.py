"""Indonesian labels for the values the contracts carry (the values are stable
codes; these are what a person reads). Unknown values fall back to the value with
underscores as spaces, so a new stage never breaks a page."""

from __future__ import annotations

KATEGORI = {
    "barang": "Pengadaan Barang",
    "pekerjaan_konstruksi": "Pekerjaan Konstruksi",
    "jasa_konsultansi": "Jasa Konsultansi",
    "jasa_lainnya": "Jasa Lainnya",
}
METODE = {
    "pascakualifikasi_1_file": "e-Lelang Umum Pascakualifikasi Satu File",
    "pascakualifikasi_2_file": "e-Lelang Umum Pascakualifikasi Dua File",
    "prakualifikasi_1_file": "e-Lelang Umum Prakualifikasi Satu File",
    "prakualifikasi_2_file": "e-Lelang Umum Prakualifikasi Dua File",
}
METODE_EVALUASI = {
    "sistem_gugur": "Sistem Gugur",
    "sistem_nilai": "Sistem Nilai",
    "umur_ekonomis": "Penilaian Biaya Selama Umur Ekonomis",
}
STATUS_LELANG = {
    "draft": "Draf",
    "diumumkan": "Diumumkan",
    "berjalan": "Sedang berjalan",
    "dihentikan_sementara": "Dihentikan sementara (sanggah banding)",
    "gagal": "Gagal",
    "selesai": "Selesai",
    "dihentikan": "Dihentikan (penghentian pengadaan)",
    "dibatalkan": "Dibatalkan sebelum diumumkan",
}
#: in the order of a lelang's life (DOMAIN §6), for the stage filter
TAHAPAN = {
    "pengumuman_prakualifikasi": "Pengumuman Prakualifikasi",
    "unduh_dokumen_kualifikasi": "Download Dokumen Kualifikasi",
    "penjelasan_prakualifikasi": "Penjelasan Dokumen Prakualifikasi",
    "upload_kualifikasi": "Kirim Persyaratan Kualifikasi",
    "evaluasi_kualifikasi": "Evaluasi Dokumen Kualifikasi",
    "penetapan_hasil_kualifikasi": "Penetapan Hasil Kualifikasi",
    "pengumuman_hasil_prakualifikasi": "Pengumuman Hasil Prakualifikasi",
    "sanggah_prakualifikasi": "Masa Sanggah Prakualifikasi",
    "pengumuman": "Pengumuman Pascakualifikasi",
    "pendaftaran_dan_unduh_dokumen": "Pendaftaran dan Download Dokumen Pengadaan",
    "unduh_dokumen_pemilihan": "Download Dokumen Pemilihan",
    "pemberian_penjelasan": "Pemberian Penjelasan",
    "upload_penawaran": "Upload Dokumen Penawaran",
    "pembukaan_penawaran": "Pembukaan Dokumen Penawaran",
    "evaluasi_penawaran": "Evaluasi Penawaran",
    "pembukaan_evaluasi_file_1": "Pembukaan dan Evaluasi Penawaran File I",
    "pengumuman_hasil_evaluasi_file_1": "Pengumuman Hasil Evaluasi File I",
    "pembukaan_evaluasi_file_2": "Pembukaan dan Evaluasi Penawaran File II",
    "pembuktian_kualifikasi": "Pembuktian Kualifikasi",
    "upload_bahp": "Upload Berita Acara Hasil Pelelangan",
    "penetapan_pemenang": "Penetapan Pemenang",
    "pengumuman_pemenang": "Pengumuman Pemenang",
    "sanggah": "Masa Sanggah Hasil Lelang",
    "penunjukan_penyedia": "Surat Penunjukan Penyedia Barang/Jasa (SPPBJ)",
    "penandatanganan_kontrak": "Penandatanganan Kontrak",
}
RIWAYAT = {
    "dibuat": "Lelang dibuat",
    "ubah_jadwal": "Perubahan jadwal",
    "umumkan": "Lelang diumumkan",
    "masuk_tahapan": "Masuk tahapan",
    "hentikan_sanggah_banding": "Dihentikan karena sanggah banding",
    "lanjutkan": "Dilanjutkan",
    "gagalkan": "Dinyatakan gagal",
    "selesaikan": "Selesai",
    "hentikan": "Pengadaan dihentikan",
    "batalkan": "Draf dibatalkan",
}
PERINGKAT = {1: "Pemenang", 2: "Pemenang cadangan 1", 3: "Pemenang cadangan 2"}
SAMPUL = {"single": "Satu file", "file_1": "File I (administrasi dan teknis)",
          "file_2": "File II (harga)"}
BENTUK_USAHA = {"PT": "Perseroan Terbatas (PT)", "CV": "Persekutuan Komanditer (CV)",
                "Firma": "Firma", "Koperasi": "Koperasi",
                "Perorangan": "Perorangan", "UD": "Usaha Dagang (UD)"}
JENIS_DOKUMEN = {
    "akta": "Akta pendirian/perubahan",
    "npwp": "NPWP",
    "nib": "NIB",
    "siup": "SIUP / izin usaha",
    "ktp_direktur": "KTP direktur",
    "surat_kuasa": "Surat kuasa",
    "lainnya": "Dokumen lain",
}
STATUS_PENYEDIA = {
    "menunggu_verifikasi": "Menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
    "ditolak": "Ditolak",
    "nonaktif": "Dinonaktifkan",
    "daftar_hitam": "Masuk daftar hitam",
}
JENIS_PENGADUAN = {
    "lelang": "Tentang suatu lelang",
    "layanan_lpse": "Tentang layanan LPSE",
    "kkn": "Dugaan korupsi, kolusi dan nepotisme (KKN)",
}
STATUS_PENGADUAN = {
    "diterima": "Diterima",
    "diperiksa": "Sedang diperiksa",
    "diteruskan": "Diteruskan",
    "ditindaklanjuti": "Ditindaklanjuti",
    "selesai": "Selesai",
    "ditolak": "Ditolak",
}

TABLES = {"kategori": KATEGORI, "metode": METODE, "metode_evaluasi": METODE_EVALUASI,
          "status_lelang": STATUS_LELANG, "tahapan": TAHAPAN, "riwayat": RIWAYAT,
          "peringkat": PERINGKAT, "sampul": SAMPUL, "bentuk_usaha": BENTUK_USAHA,
          "jenis_dokumen": JENIS_DOKUMEN, "status_penyedia": STATUS_PENYEDIA,
          "jenis_pengaduan": JENIS_PENGADUAN, "status_pengaduan": STATUS_PENGADUAN}


def label(table: str, value: object) -> str:
    """The label of ``value`` in ``table`` (see module doc for the fallback)."""
    if value is None:
        return "-"
    text = TABLES[table].get(value)  # type: ignore[call-overload]
    if text is None:
        text = str(value).replace("_", " ").capitalize()
    return text
