"""The stages (tahapan) of an e-lelang umum, DOMAIN §6.1-§6.3.

Labels follow SPSE 3.x where DOMAIN gives them; the value is the stable, stored
name. A stage belongs to one or more methods; which, and in what order, is data in
:mod:`.metode`. Sanggah banding is not a stage: it is an offline appeal that halts
the lelang (DOMAIN §6.1 row "-", §8.2), recorded on the aggregate.
"""

from __future__ import annotations

import enum


class TahapanLelang(enum.StrEnum):
    # Prakualifikasi phase (DOMAIN §6.3, qualification table)
    PENGUMUMAN_PRAKUALIFIKASI = "pengumuman_prakualifikasi"
    UNDUH_DOKUMEN_KUALIFIKASI = "unduh_dokumen_kualifikasi"
    PENJELASAN_PRAKUALIFIKASI = "penjelasan_prakualifikasi"  # optional
    UPLOAD_KUALIFIKASI = "upload_kualifikasi"
    EVALUASI_KUALIFIKASI = "evaluasi_kualifikasi"
    PENETAPAN_HASIL_KUALIFIKASI = "penetapan_hasil_kualifikasi"
    PENGUMUMAN_HASIL_PRAKUALIFIKASI = "pengumuman_hasil_prakualifikasi"
    SANGGAH_PRAKUALIFIKASI = "sanggah_prakualifikasi"
    # Pascakualifikasi opening (DOMAIN §6.1 rows 1-2)
    PENGUMUMAN = "pengumuman"
    PENDAFTARAN_DAN_UNDUH_DOKUMEN = "pendaftaran_dan_unduh_dokumen"
    # Prakualifikasi bidding phase: invited (qualified) peserta only
    UNDUH_DOKUMEN_PEMILIHAN = "unduh_dokumen_pemilihan"
    # Bidding (all methods)
    PEMBERIAN_PENJELASAN = "pemberian_penjelasan"
    UPLOAD_PENAWARAN = "upload_penawaran"
    # 1 file
    PEMBUKAAN_PENAWARAN = "pembukaan_penawaran"
    EVALUASI_PENAWARAN = "evaluasi_penawaran"
    # 2 file (DOMAIN §6.2)
    PEMBUKAAN_EVALUASI_FILE_1 = "pembukaan_evaluasi_file_1"
    PENGUMUMAN_HASIL_EVALUASI_FILE_1 = "pengumuman_hasil_evaluasi_file_1"
    PEMBUKAAN_EVALUASI_FILE_2 = "pembukaan_evaluasi_file_2"
    # Closing (all methods)
    PEMBUKTIAN_KUALIFIKASI = "pembuktian_kualifikasi"
    UPLOAD_BAHP = "upload_bahp"
    PENETAPAN_PEMENANG = "penetapan_pemenang"
    PENGUMUMAN_PEMENANG = "pengumuman_pemenang"
    SANGGAH = "sanggah"
    PENUNJUKAN_PENYEDIA = "penunjukan_penyedia"  # SPPBJ, by the PPK
    PENANDATANGANAN_KONTRAK = "penandatanganan_kontrak"
