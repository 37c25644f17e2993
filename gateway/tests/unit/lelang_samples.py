"""Answers of the lelang service, as its contracts dump them (for the fake RPC)."""

from __future__ import annotations

from typing import Any

from services.common import sealing

T = "2013-03-04T00:00:00+00:00"
T_END = "2013-03-11T08:00:00+00:00"
SHA = "c" * 64
DOKUMEN = {"sha256": SHA, "filename": "rks.pdf", "content_type": "application/pdf",
           "size": 120}


def kunci(public_raw: bytes, sampul: str = "single") -> dict[str, str]:
    return {"sampul": sampul, "key_id": sealing.key_id(public_raw),
            "public_key": sealing.public_key_b64(public_raw)}


def lelang(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lelang_id": "l-1",
        "kode": "1300001",
        "paket_id": "k-1",
        "nama": "Peningkatan Jalan Desa Bebandem",
        "agency_id": "a-1",
        "satker_id": None,
        "tahun_anggaran": 2013,
        "kategori": "pekerjaan_konstruksi",
        "lokasi": "Karangasem",
        "metode": "pascakualifikasi_1_file",
        "metode_evaluasi": "sistem_gugur",
        "alasan_metode": None,
        "pagu": "1500000000.00",
        "nilai_hps": "1400000000.00",
        "syarat_kualifikasi": ["SBU SI001"],
        "status": "diumumkan",
        "tahapan": "pengumuman",
        "tahapan_aktif": ["pengumuman"],
        "jadwal": [{"tahapan": "pengumuman", "mulai": T, "selesai": T_END}],
        "riwayat": [],
        "ruleset": "perpres_70_2012",
        "diumumkan_pada": T,
        "kunci_publik": [],
        "dokumen": [DOKUMEN],
        "jumlah_peserta": 0,
        "jumlah_penawaran": None,
        "pemenang": [],
        "hasil_evaluasi": [],
        "sanggah_banding": None,
        "sppbj": None,
        "kontrak": None,
        "retender_dari": None,
        "retender_oleh": None,
        "gagal_ke": 0,
        "alasan_gagal": None,
        "ppk_id": None,
        "pokja_ids": [],
        "tindakan": [],
        "version": 3,
    }
    data.update(overrides)
    return data


SUMMARY = {
    "lelang_id": "l-1", "kode": "1300001", "nama": "Peningkatan Jalan Desa Bebandem",
    "agency_id": "a-1", "tahun_anggaran": 2013, "kategori": "pekerjaan_konstruksi",
    "metode": "pascakualifikasi_1_file", "status": "diumumkan",
    "tahapan": "pengumuman", "tahapan_aktif": ["pengumuman"],
    "pagu": "1500000000.00", "nilai_hps": "1400000000.00", "diumumkan_pada": T,
    "jumlah_peserta": 2, "pemenang": None,
}
RUP = {
    "rup_id": "r-1", "agency_id": "a-1", "satker_id": None, "tahun_anggaran": 2013,
    "nama": "Jalan Desa", "pagu": "1500000000.00", "sumber_dana": "APBD",
    "kategori": "pekerjaan_konstruksi", "metode_rencana": None, "lokasi": None,
    "uraian": None, "diumumkan_pada": T, "diumumkan_oleh": "u-pa",
}
AMBANG = {"agency_id": "a-1", "tahun_anggaran": 2013, "nilai_minimum": "50000000.00",
          "ditetapkan_oleh": "u-pa", "ditetapkan_pada": T}
PAKET = {
    "paket_id": "k-1", "rup_id": "r-1", "agency_id": "a-1", "satker_id": None,
    "nama": "Jalan Desa", "tahun_anggaran": 2013, "sumber_dana": "APBD",
    "pagu": "1500000000.00", "nilai_hps": "1400000000.00", "rincian_hps": None,
    "kategori": "pekerjaan_konstruksi", "lokasi": "Bebandem",
    "syarat_kualifikasi": [], "dokumen": [], "ppk_id": "u-ppk", "pokja_ids": [],
    "status": "dibuat", "di_bawah_ambang": False, "ambang_batas": "50000000.00",
    "created_at": T,
}
PESERTA = {"lelang_id": "l-1", "penyedia_id": "p-1", "nama": "CV Karya Bali",
           "npwp": None, "terdaftar_pada": T, "lulus_kualifikasi": None,
           "alasan_kualifikasi": None, "kualifikasi_dikirim_pada": None}
PERTANYAAN = {"pertanyaan_id": "q-1", "lelang_id": "l-1", "tahapan": "penjelasan",
              "pertanyaan": "Apakah SBU wajib?", "ditanya_pada": T,
              "penyedia_id": None, "milik_saya": True, "jawaban": None,
              "dijawab_pada": None}
HASIL = {"penyedia_id": "p-1", "nama": "CV Karya Bali", "npwp": None,
         "harga_penawaran": "1250000000.00", "harga_terkoreksi": None,
         "lulus_administrasi": True, "lulus_teknis": None, "skor_teknis": None,
         "lulus_harga": None, "lulus_kualifikasi": None,
         "di_bawah_80_persen_hps": False, "peringkat": None, "alasan": None}
SANGGAH = {"sanggah_id": "s-1", "lelang_id": "l-1", "penyedia_id": "p-2",
           "nama": "CV Lain", "jenis": "hasil_lelang",
           "isi": "Evaluasi teknis tidak sesuai dokumen pemilihan.",
           "diajukan_pada": T, "jawaban": None, "keputusan": None,
           "dijawab_pada": None}


def tanda_terima(request: dict[str, Any]) -> dict[str, Any]:
    """SUBMIT/WITHDRAW_PENAWARAN's answer, echoing the request."""
    return {"penawaran_id": "w-1", "lelang_id": request["lelang_id"],
            "penyedia_id": "p-1", "sampul": request["sampul"],
            "sha256": request.get("sha256", "d" * 64), "size": request.get("size", 99),
            "versi": 1, "diterima_pada": T, "status": "terkirim",
            "tanda_tangan": "e" * 64}


def penawaran(dokumen: dict[str, Any] | None) -> dict[str, Any]:
    return {"penawaran_id": "w-1", "penyedia_id": "p-1", "nama": "CV Karya Bali",
            "sampul": "single", "status": "dibuka", "sha256": "d" * 64, "size": 300,
            "diterima_pada": T, "harga": "1250000000.00", "dokumen": dokumen,
            "dibuka_pada": T_END, "gagal_dibuka": None}
