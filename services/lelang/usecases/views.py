"""The lelang as each actor may see it, and the evaluation results it shows.

Public from the announcement: identity, pagu and HPS total, method, the full jadwal
with every change and its reason, document list, number of peserta, public keys.
From the winner's announcement: the winner (DOMAIN §6.1 step 10) and the results of
every evaluated bidder. Never: the HPS breakdown, bid content, or a price before its
sampul is opened (and then to the Pokja only until the announcement).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.common.auth import Actor
from services.common.contracts import lelang as contracts
from services.lelang.domain import (
    NOT_PUBLIC,
    HasilPeserta,
    Lelang,
    Sampul,
    active_tahapan,
    checked_price,
    peringkat,
    under_threshold,
)
from services.lelang.storage.models import LelangRow

from .common import (
    dokumen_view,
    is_party,
    jadwal_view,
    money,
    riwayat_view,
    tindakan,
)

PRICED = (str(Sampul.SINGLE), str(Sampul.FILE_2))


def first_sampul(lelang: Lelang) -> str:
    return str(lelang.definition.sampul[0])


def harga_map(uow: Any, row: LelangRow) -> dict[str, Decimal]:
    """Opened prices by penyedia (only sampul that were opened have one)."""
    return {p.penyedia_id: Decimal(p.harga) for p in uow.lelang.penawaran(row.lelang_id)
            if p.sampul in PRICED and p.harga is not None}


def hasil_peserta(uow: Any, row: LelangRow,
                  evaluasi: list[Any] | None = None) -> list[HasilPeserta]:
    """Each evaluated bidder's results with its opened price (HPS ceiling
    applied); ``evaluasi``: the rows when the caller has them already."""
    if evaluasi is None:
        evaluasi = uow.lelang.evaluasi(row.lelang_id)
    harga = harga_map(uow, row)
    hps = Decimal(row.nilai_hps)
    return [checked_price(HasilPeserta(
        e.penyedia_id, harga.get(e.penyedia_id), money(e.harga_terkoreksi),
        e.lulus_administrasi, e.lulus_teknis, money(e.skor_teknis), e.lulus_harga,
        e.lulus_kualifikasi), hps) for e in evaluasi]


def need_kualifikasi(lelang: Lelang) -> bool:
    """Pascakualifikasi proves qualification after the bids; prakualifikasi did
    it before (DOMAIN §6.3: not re-proved)."""
    return not lelang.definition.prakualifikasi


def ranking(uow: Any, lelang: Lelang, row: LelangRow,
            items: list[HasilPeserta] | None = None) -> list[HasilPeserta]:
    if items is None:
        items = hasil_peserta(uow, row)
    return peringkat(items, lelang.metode_evaluasi,
                     need_kualifikasi=need_kualifikasi(lelang))


def hasil_view(uow: Any, lelang: Lelang, row: LelangRow) -> list[dict[str, Any]]:
    peserta = {p.penyedia_id: p for p in uow.lelang.peserta(row.lelang_id)}
    evaluasi = uow.lelang.evaluasi(row.lelang_id)
    alasan = {e.penyedia_id: e.alasan for e in evaluasi}
    items = hasil_peserta(uow, row, evaluasi)
    ranks = {h.penyedia_id: i + 1
             for i, h in enumerate(ranking(uow, lelang, row, items))}
    ruleset = lelang.ruleset
    out = []
    for item in items:
        p = peserta.get(item.penyedia_id)
        out.append({
            "penyedia_id": item.penyedia_id, "nama": p.nama if p else "",
            "npwp": p.npwp if p else None,
            "harga_penawaran": item.harga_penawaran,
            "harga_terkoreksi": item.harga_terkoreksi,
            "lulus_administrasi": item.lulus_administrasi,
            "lulus_teknis": item.lulus_teknis, "skor_teknis": item.skor_teknis,
            "lulus_harga": item.lulus_harga,
            "lulus_kualifikasi": item.lulus_kualifikasi,
            "di_bawah_80_persen_hps": under_threshold(item, lelang.nilai_hps, ruleset)
            if ruleset and item.harga is not None else None,
            "peringkat": ranks.get(item.penyedia_id),
            "alasan": alasan[item.penyedia_id],
        })
    return sorted(out, key=lambda h: (h["peringkat"] is None, h["peringkat"] or 0,
                                      h["penyedia_id"]))


def pemenang_view(uow: Any, lelang: Lelang, row: LelangRow,
                  hasil: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The winner and reserves; ``hasil``: ``hasil_view`` when already made."""
    decided = (row.hasil or {}).get("pemenang")
    if not decided:
        return []
    peserta = {p.penyedia_id: p for p in uow.lelang.peserta(row.lelang_id)}
    by_id = {h["penyedia_id"]: h for h in (
        hasil if hasil is not None else hasil_view(uow, lelang, row))}
    out = []
    for rank, key in enumerate(("pemenang", "cadangan_1", "cadangan_2"), start=1):
        pid = decided.get(key)
        if not pid:
            continue
        p, h = peserta.get(pid), by_id.get(pid, {})
        out.append({"penyedia_id": pid, "nama": p.nama if p else "",
                    "npwp": p and p.npwp, "alamat": p and p.alamat,
                    "harga_penawaran": h.get("harga_penawaran"),
                    "harga_terkoreksi": h.get("harga_terkoreksi"), "peringkat": rank})
    return out


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _record(data: dict[str, Any] | None, *dates: str, money_keys=(), times=()):
    if not data:
        return None
    out = dict(data)
    for key in dates:
        out[key] = _date(out.get(key))
    for key in money_keys:
        out[key] = money(out.get(key))
    for key in times:
        out[key] = datetime.fromisoformat(out[key]) if out.get(key) else None
    return out


def lelang_view(uow: Any, lelang: Lelang, row: LelangRow, actor: Actor | None,
                now: datetime) -> dict[str, Any]:
    hasil = row.hasil or {}
    party = is_party(actor, row)
    announced = bool(hasil.get("pemenang_diumumkan"))
    opened = (hasil.get("dibuka") or {}).get(first_sampul(lelang))
    kunci = [] if lelang.status in NOT_PUBLIC else [
        {"sampul": contracts.Sampul(k.sampul), "key_id": k.key_id,
         "public_key": k.public_key} for k in uow.lelang.kunci(row.lelang_id)]
    jumlah_penawaran = None
    if opened:
        jumlah_penawaran = sum(1 for p in uow.lelang.penawaran(
            row.lelang_id, first_sampul(lelang)) if p.status != "ditarik")
    show_hasil = announced or (party and bool(opened))
    show_pemenang = announced or party
    hasil_rows = hasil_view(uow, lelang, row) if show_hasil or (
        show_pemenang and hasil.get("pemenang")) else []
    kontrak = _record(hasil.get("kontrak"), "tanggal", money_keys=("nilai",),
                      times=("ditandatangani_pada",))
    if kontrak and kontrak.get("dokumen"):
        kontrak["dokumen"] = dokumen_view(kontrak["dokumen"])
    return {
        "lelang_id": row.lelang_id, "kode": row.kode, "paket_id": row.paket_id,
        "nama": row.nama, "agency_id": row.agency_id, "satker_id": row.satker_id,
        "tahun_anggaran": row.tahun_anggaran,
        "kategori": contracts.KategoriPengadaan(row.kategori), "lokasi": row.lokasi,
        "metode": contracts.MetodeLelang(row.metode),
        "metode_evaluasi": contracts.MetodeEvaluasi(row.metode_evaluasi),
        "alasan_metode": row.alasan_metode, "pagu": money(row.pagu),
        "nilai_hps": money(row.nilai_hps),
        "syarat_kualifikasi": list(row.syarat_kualifikasi or []),
        "status": contracts.StatusLelang(str(lelang.status)),
        "tahapan": lelang.tahapan and str(lelang.tahapan),
        "tahapan_aktif": [str(e.tahapan) for e in active_tahapan(lelang.jadwal, now)]
        if lelang.status.value in ("diumumkan", "berjalan") else [],
        "jadwal": jadwal_view(lelang), "riwayat": riwayat_view(lelang),
        "ruleset": lelang.ruleset_code, "diumumkan_pada": lelang.diumumkan_pada,
        "kunci_publik": kunci,
        "dokumen": [dokumen_view(d) for d in row.dokumen or []],
        "jumlah_peserta": uow.lelang.count_peserta(row.lelang_id),
        "jumlah_penawaran": jumlah_penawaran,
        "pemenang": pemenang_view(uow, lelang, row, hasil_rows)
        if show_pemenang else [],
        "hasil_evaluasi": hasil_rows if show_hasil else [],
        "sanggah_banding": _record(hasil.get("sanggah_banding"), "diajukan_pada",
                                   money_keys=("jaminan_nilai", "jaminan_minimum"),
                                   times=("dicatat_pada",)),
        "sppbj": _record(hasil.get("sppbj"), "tanggal", money_keys=("nilai",),
                         times=("diterbitkan_pada",)),
        "kontrak": kontrak,
        "retender_dari": row.retender_dari, "retender_oleh": row.retender_oleh,
        "gagal_ke": row.gagal_ke, "alasan_gagal": row.alasan_gagal,
        "ppk_id": row.ppk_id if party else None,
        "pokja_ids": list(row.pokja_ids or []) if party else [],
        "tindakan": tindakan(lelang, row, actor, now), "version": row.version,
    }


def summary_view(uow: Any, lelang: Lelang, row: LelangRow,
                 now: datetime) -> dict[str, Any]:
    hasil = row.hasil or {}
    winner = None
    if hasil.get("pemenang_diumumkan"):
        pid = (hasil.get("pemenang") or {}).get("pemenang")
        p = pid and uow.lelang.get_peserta(row.lelang_id, pid)
        winner = p.nama if p else None
    return {
        "lelang_id": row.lelang_id, "kode": row.kode, "nama": row.nama,
        "agency_id": row.agency_id, "tahun_anggaran": row.tahun_anggaran,
        "kategori": contracts.KategoriPengadaan(row.kategori),
        "metode": contracts.MetodeLelang(row.metode),
        "status": contracts.StatusLelang(str(lelang.status)),
        "tahapan": lelang.tahapan and str(lelang.tahapan),
        "tahapan_aktif": [str(e.tahapan) for e in active_tahapan(lelang.jadwal, now)]
        if lelang.status.value in ("diumumkan", "berjalan") else [],
        "pagu": money(row.pagu), "nilai_hps": money(row.nilai_hps),
        "diumumkan_pada": lelang.diumumkan_pada,
        "jumlah_peserta": uow.lelang.count_peserta(row.lelang_id),
        "pemenang": winner,
    }
