"""RUP, ambang batas, paket and the lelang itself (DOMAIN §5-6).

Shapes mirror ``services.common.contracts.lelang`` but never carry ``actor`` or
``idempotency_key``: the gateway adds those. Amounts are decimal strings.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from gateway.schemas.lelang_fields import (
    TAHAPAN_PATTERN,
    DecimalString,
    DokumenRefPublicSchema,
    JadwalEntryPublicSchema,
    dokumen_list,
    id_field,
    jadwal_list,
    rupiah,
    rupiah_out,
    tahun,
    text,
)
from services.common.contracts.lelang import (
    KategoriPengadaan,
    KeputusanSanggah,
    MetodeEvaluasi,
    MetodeLelang,
    Sampul,
    StatusLelang,
    StatusPaket,
)


def _kategori(required: bool = True) -> fields.Enum:
    if required:
        return fields.Enum(KategoriPengadaan, by_value=True, required=True,
                           metadata=doc("Procurement category"))
    return fields.Enum(KategoriPengadaan, by_value=True, load_default=None,
                       allow_none=True, metadata=doc("Only this procurement category"))


# ------------------------------------------------------------------ RUP
class RupCreateSchema(Schema):
    satker_id = id_field("Satuan kerja of the plan, if any", required=False)
    tahun_anggaran = tahun()
    nama = text(300, "Name of the planned procurement", min_len=3)
    pagu = rupiah("Budget ceiling (pagu)", positive=True)
    sumber_dana = text(50, "Source of funds, e.g. APBD")
    kategori = _kategori()
    metode_rencana = fields.Enum(MetodeLelang, by_value=True, load_default=None,
                                 allow_none=True, metadata=doc("Planned method"))
    lokasi = text(300, "Location of the work", required=False)
    uraian = text(4000, "Description", required=False)


class RupPublicSchema(Schema):
    rup_id = fields.String(required=True, metadata=doc("RUP id"))
    agency_id = fields.String(required=True, metadata=doc("Agency of the plan"))
    satker_id = fields.String(allow_none=True, metadata=doc("Satuan kerja, if any"))
    tahun_anggaran = fields.Integer(required=True, metadata=doc("Budget year"))
    nama = fields.String(required=True, metadata=doc("Name"))
    pagu = rupiah_out("Budget ceiling")
    sumber_dana = fields.String(required=True, metadata=doc("Source of funds"))
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True,
                           metadata=doc("Procurement category"))
    metode_rencana = fields.Enum(MetodeLelang, by_value=True, allow_none=True,
                                 metadata=doc("Planned method"))
    lokasi = fields.String(allow_none=True, metadata=doc("Location"))
    uraian = fields.String(allow_none=True, metadata=doc("Description"))
    diumumkan_pada = fields.AwareDateTime(required=True, metadata=doc("Announced"))
    diumumkan_oleh = fields.String(required=True, metadata=doc("Announced by (user)"))


class RupPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(RupPublicSchema), required=True,
                        metadata=doc("RUP on this page"))


class RupListQuerySchema(PageQuerySchema):
    agency_id = id_field("Only this agency's plans", required=False)
    tahun_anggaran = tahun("Only this budget year", required=False)
    kategori = _kategori(required=False)
    q = text(100, "Search in the name", required=False)


class AmbangBatasCreateSchema(Schema):
    tahun_anggaran = tahun()
    nilai_minimum = rupiah("Packages above this value use e-procurement")


class AmbangBatasPublicSchema(Schema):
    agency_id = fields.String(required=True, metadata=doc("Agency"))
    tahun_anggaran = fields.Integer(required=True, metadata=doc("Budget year"))
    nilai_minimum = rupiah_out("Threshold (Pasal 22(1))")
    ditetapkan_oleh = fields.String(required=True, metadata=doc("Set by (user)"))
    ditetapkan_pada = fields.AwareDateTime(required=True, metadata=doc("Set (UTC)"))


class AmbangBatasListQuerySchema(Schema):
    agency_id = id_field("Only this agency's thresholds", required=False)


# ------------------------------------------------------------------ paket
class RincianHPSCreateSchema(Schema):
    uraian = text(300, "Item")
    volume = DecimalString(required=True, places=4, above_minimum=True,
                           metadata=doc("Quantity (decimal string, up to 4 decimals)"))
    satuan = text(30, "Unit")
    harga_satuan = rupiah("Unit price")


class RincianHPSPublicSchema(Schema):
    uraian = fields.String(required=True, metadata=doc("Item"))
    volume = DecimalString(required=True, places=4,
                           metadata=doc("Quantity (decimal string)"))
    satuan = fields.String(required=True, metadata=doc("Unit"))
    harga_satuan = rupiah_out("Unit price")


class PaketCreateSchema(Schema):
    rup_id = id_field("RUP the package comes from", required=False)
    satker_id = id_field("Satuan kerja", required=False)
    nama = text(300, "Package name", min_len=3)
    tahun_anggaran = tahun()
    sumber_dana = text(50, "Source of funds")
    pagu = rupiah("Budget ceiling", positive=True)
    nilai_hps = rupiah("Owner's estimate (HPS), at most the pagu", positive=True)
    rincian_hps = fields.List(fields.Nested(RincianHPSCreateSchema), load_default=list,
                              validate=validate.Length(max=500), metadata=doc(
        "HPS breakdown (confidential); when given it must add up to `nilai_hps`"))
    kategori = _kategori()
    lokasi = text(300, "Location of the work")
    syarat_kualifikasi = fields.List(
        fields.String(validate=validate.Length(min=1, max=1000)), load_default=list,
        validate=validate.Length(max=50), metadata=doc("Qualification requirements"))
    dokumen = dokumen_list("Package documents (uploaded with POST /dokumen)")


class PaketPokjaSchema(Schema):
    pokja_ids = fields.List(id_field("Pokja member (user id)"), required=True,
                            validate=validate.Length(min=1, max=15),
                            metadata=doc("User ids of the Pokja members (1-15)"))


class PaketPublicSchema(Schema):
    paket_id = fields.String(required=True, metadata=doc("Paket id"))
    rup_id = fields.String(allow_none=True, metadata=doc("RUP it comes from"))
    agency_id = fields.String(required=True, metadata=doc("Agency"))
    satker_id = fields.String(allow_none=True, metadata=doc("Satuan kerja"))
    nama = fields.String(required=True, metadata=doc("Name"))
    tahun_anggaran = fields.Integer(required=True, metadata=doc("Budget year"))
    sumber_dana = fields.String(required=True, metadata=doc("Source of funds"))
    pagu = rupiah_out("Budget ceiling")
    nilai_hps = rupiah_out("Owner's estimate (HPS)")
    rincian_hps = fields.List(fields.Nested(RincianHPSPublicSchema), allow_none=True,
                              metadata=doc("HPS breakdown: PPK and Pokja only (null "
                                           "for everybody else)"))
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True,
                           metadata=doc("Procurement category"))
    lokasi = fields.String(required=True, metadata=doc("Location"))
    syarat_kualifikasi = fields.List(fields.String(), required=True,
                                     metadata=doc("Qualification requirements"))
    dokumen = fields.List(fields.Nested(DokumenRefPublicSchema), required=True,
                          metadata=doc("Package documents"))
    ppk_id = fields.String(required=True, metadata=doc("PPK (user id)"))
    pokja_ids = fields.List(fields.String(), required=True,
                            metadata=doc("Pokja members (user ids)"))
    status = fields.Enum(StatusPaket, by_value=True, required=True,
                         metadata=doc("Status of the package"))
    di_bawah_ambang = fields.Boolean(required=True, metadata=doc(
        "At or under the agency's threshold for the year (Pasal 22(1))"))
    ambang_batas = rupiah_out("The threshold it was compared with", nullable=True)
    created_at = fields.AwareDateTime(required=True, metadata=doc("Created (UTC)"))


class PaketPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(PaketPublicSchema), required=True,
                        metadata=doc("Paket on this page"))


class PaketListQuerySchema(PageQuerySchema):
    agency_id = id_field("Only this agency's packages", required=False)
    tahun_anggaran = tahun("Only this budget year", required=False)
    di_bawah_ambang = fields.Boolean(load_default=None, allow_none=True, metadata=doc(
        "Only packages under (true) or above (false) the threshold"))


# ------------------------------------------------------------------ lelang: input
class LelangCreateSchema(Schema):
    paket_id = id_field("Paket to tender (its Pokja creates the lelang)")
    metode = fields.Enum(MetodeLelang, by_value=True, required=True,
                         metadata=doc("Selection method"))
    metode_evaluasi = fields.Enum(MetodeEvaluasi, by_value=True, required=True,
                                  metadata=doc("Evaluation method"))
    alasan_metode = text(2000, "Why this method, when the rules ask for a reason",
                         required=False)
    jadwal = jadwal_list("Schedule; may be set later with PUT .../jadwal",
                         required=False)
    dokumen = dokumen_list("Procurement documents (dokumen pemilihan)")
    retender_dari = id_field("The failed lelang this one re-tenders", required=False)


class JadwalUpdateSchema(Schema):
    jadwal = jadwal_list("The whole schedule, one entry per stage", required=True)


class JadwalChangeSchema(JadwalUpdateSchema):
    alasan = text(2000, "Reason of the change (announced to every peserta)",
                  min_len=3)


class LelangReasonSchema(Schema):
    alasan = text(2000, "Reason, public and audited", min_len=3)


class LelangRetenderSchema(Schema):
    jadwal = jadwal_list("Schedule of the new lelang; may be set later",
                         required=False)


class LelangListQuerySchema(PageQuerySchema):
    agency_id = id_field("Only this agency's lelang", required=False)
    metode = fields.Enum(MetodeLelang, by_value=True, load_default=None,
                         allow_none=True, metadata=doc("Only this method"))
    kategori = _kategori(required=False)
    status = fields.Enum(StatusLelang, by_value=True, load_default=None,
                         allow_none=True, metadata=doc("Only this status"))
    tahapan = fields.String(load_default=None, allow_none=True,
                            validate=validate.Regexp(TAHAPAN_PATTERN),
                            metadata=doc("Only lelang now in this stage"))
    tahun_anggaran = tahun("Only this budget year", required=False)
    q = text(100, "Search in the code and the name", required=False)
    mine = fields.Boolean(load_default=False, metadata=doc(
        "Only lelang where I am Pokja, PPK or peserta (requires a login)"))


# ------------------------------------------------------------------ lelang: output
class KunciPublikPublicSchema(Schema):
    sampul = fields.Enum(Sampul, by_value=True, required=True,
                         metadata=doc("Envelope the key is for"))
    key_id = fields.String(required=True, metadata=doc(
        "Hex of the first 16 bytes of SHA-256 of the key"))
    public_key = fields.String(required=True, metadata=doc(
        "X25519 public key (base64); seal the bid with format LPSESEAL1"))


class PemenangPublicSchema(Schema):
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    npwp = fields.String(allow_none=True, metadata=doc("Tax number"))
    alamat = fields.String(allow_none=True, metadata=doc("Address"))
    harga_penawaran = rupiah_out("Bid price", nullable=True)
    harga_terkoreksi = rupiah_out("Corrected price", nullable=True)
    peringkat = fields.Integer(required=True, metadata=doc(
        "1 pemenang, 2 cadangan 1, 3 cadangan 2"))


class HasilEvaluasiPublicSchema(Schema):
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    npwp = fields.String(allow_none=True, metadata=doc("Tax number"))
    harga_penawaran = rupiah_out("Bid price", nullable=True)
    harga_terkoreksi = rupiah_out("Corrected price", nullable=True)
    lulus_administrasi = fields.Boolean(allow_none=True,
                                        metadata=doc("Passed the administrative check"))
    lulus_teknis = fields.Boolean(allow_none=True,
                                  metadata=doc("Passed the technical check"))
    skor_teknis = DecimalString(allow_none=True,
                                metadata=doc("Technical score (decimal string)"))
    lulus_harga = fields.Boolean(allow_none=True,
                                 metadata=doc("Passed the price check"))
    lulus_kualifikasi = fields.Boolean(allow_none=True,
                                       metadata=doc("Passed the qualification"))
    di_bawah_80_persen_hps = fields.Boolean(allow_none=True, metadata=doc(
        "Below 80% of the HPS (a price clarification is required)"))
    peringkat = fields.Integer(allow_none=True, metadata=doc("Rank"))
    alasan = fields.String(allow_none=True, metadata=doc("Reason of a failure"))


class SppbjPublicSchema(Schema):
    nomor = fields.String(required=True, metadata=doc("SPPBJ number"))
    tanggal = fields.Date(required=True, metadata=doc("SPPBJ date"))
    penyedia_id = fields.String(required=True, metadata=doc("Winner"))
    nilai = rupiah_out("Value")
    diterbitkan_pada = fields.AwareDateTime(required=True, metadata=doc("Issued"))


class KontrakPublicSchema(Schema):
    nomor = fields.String(required=True, metadata=doc("Contract number"))
    tanggal = fields.Date(required=True, metadata=doc("Contract date"))
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia"))
    nilai = rupiah_out("Contract value")
    dokumen = fields.Nested(DokumenRefPublicSchema, allow_none=True,
                            metadata=doc("The signed contract, if uploaded"))
    ditandatangani_pada = fields.AwareDateTime(required=True, metadata=doc("Signed"))


class SanggahBandingPublicSchema(Schema):
    diajukan_pada = fields.Date(required=True, metadata=doc("Filed on"))
    penyedia_id = fields.String(required=True, metadata=doc("Who appealed"))
    jaminan_nomor = fields.String(required=True, metadata=doc("Guarantee number"))
    jaminan_nilai = rupiah_out("Guarantee value")
    jaminan_minimum = rupiah_out("Minimum guarantee (share of the HPS)")
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            metadata=doc("Decision, once taken"))
    keputusan_nomor = fields.String(allow_none=True, metadata=doc("Decision number"))
    dicatat_pada = fields.AwareDateTime(required=True, metadata=doc("Recorded"))


class RiwayatPublicSchema(Schema):
    jenis = fields.String(required=True, metadata=doc("What happened"))
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    status = fields.Enum(StatusLelang, by_value=True, required=True,
                         metadata=doc("Status after it"))
    tahapan = fields.String(allow_none=True, metadata=doc("Stage after it"))
    alasan = fields.String(allow_none=True, metadata=doc("Reason given"))
    details = fields.Dict(required=True, metadata=doc("Details"))


class LelangPublicSchema(Schema):
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    kode = fields.String(required=True, metadata=doc("Public code of the lelang"))
    paket_id = fields.String(required=True, metadata=doc("Paket"))
    nama = fields.String(required=True, metadata=doc("Name"))
    agency_id = fields.String(required=True, metadata=doc("Agency"))
    satker_id = fields.String(allow_none=True, metadata=doc("Satuan kerja"))
    tahun_anggaran = fields.Integer(required=True, metadata=doc("Budget year"))
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True,
                           metadata=doc("Procurement category"))
    lokasi = fields.String(required=True, metadata=doc("Location"))
    metode = fields.Enum(MetodeLelang, by_value=True, required=True,
                         metadata=doc("Selection method"))
    metode_evaluasi = fields.Enum(MetodeEvaluasi, by_value=True, required=True,
                                  metadata=doc("Evaluation method"))
    alasan_metode = fields.String(allow_none=True, metadata=doc("Reason of the method"))
    pagu = rupiah_out("Budget ceiling")
    nilai_hps = rupiah_out("Owner's estimate (HPS)")
    syarat_kualifikasi = fields.List(fields.String(), required=True,
                                     metadata=doc("Qualification requirements"))
    status = fields.Enum(StatusLelang, by_value=True, required=True,
                         metadata=doc("Status"))
    tahapan = fields.String(allow_none=True, metadata=doc("The stage last entered"))
    tahapan_aktif = fields.List(fields.String(), required=True,
                                metadata=doc("Stages running now"))
    jadwal = fields.List(fields.Nested(JadwalEntryPublicSchema), required=True,
                         metadata=doc("Schedule"))
    riwayat = fields.List(fields.Nested(RiwayatPublicSchema), required=True,
                          metadata=doc("History, oldest first"))
    ruleset = fields.String(allow_none=True, metadata=doc("Rules in force (Perpres)"))
    diumumkan_pada = fields.AwareDateTime(allow_none=True, metadata=doc("Announced"))
    kunci_publik = fields.List(fields.Nested(KunciPublikPublicSchema), required=True,
                               metadata=doc("Public keys to seal bids, per sampul"))
    dokumen = fields.List(fields.Nested(DokumenRefPublicSchema), required=True,
                          metadata=doc("Procurement documents, all versions"))
    jumlah_peserta = fields.Integer(required=True, metadata=doc("Registered peserta"))
    jumlah_penawaran = fields.Integer(allow_none=True, metadata=doc(
        "Bids received; known from the opening on"))
    pemenang = fields.List(fields.Nested(PemenangPublicSchema), required=True,
                           metadata=doc("Winner and reserves, once announced"))
    hasil_evaluasi = fields.List(fields.Nested(HasilEvaluasiPublicSchema),
                                 required=True,
                                 metadata=doc("Evaluation, once announced"))
    sanggah_banding = fields.Nested(SanggahBandingPublicSchema, allow_none=True,
                                    metadata=doc("Appeal, if any"))
    sppbj = fields.Nested(SppbjPublicSchema, allow_none=True,
                          metadata=doc("Letter of award, once issued"))
    kontrak = fields.Nested(KontrakPublicSchema, allow_none=True,
                            metadata=doc("Contract, once signed"))
    retender_dari = fields.String(allow_none=True,
                                  metadata=doc("The failed lelang this re-tenders"))
    retender_oleh = fields.String(allow_none=True,
                                  metadata=doc("The lelang that re-tenders this one"))
    gagal_ke = fields.Integer(required=True, metadata=doc("How often it failed"))
    alasan_gagal = fields.String(allow_none=True, metadata=doc("Reason of failure"))
    ppk_id = fields.String(allow_none=True, metadata=doc("PPK (parties only)"))
    pokja_ids = fields.List(fields.String(), required=True,
                            metadata=doc("Pokja members (parties only)"))
    tindakan = fields.List(fields.String(), required=True,
                           metadata=doc("What this actor may do now"))
    version = fields.Integer(required=True, metadata=doc("Version of the record"))


class LelangSummaryPublicSchema(Schema):
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    kode = fields.String(required=True, metadata=doc("Public code"))
    nama = fields.String(required=True, metadata=doc("Name"))
    agency_id = fields.String(required=True, metadata=doc("Agency"))
    tahun_anggaran = fields.Integer(required=True, metadata=doc("Budget year"))
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True,
                           metadata=doc("Procurement category"))
    metode = fields.Enum(MetodeLelang, by_value=True, required=True,
                         metadata=doc("Selection method"))
    status = fields.Enum(StatusLelang, by_value=True, required=True,
                         metadata=doc("Status"))
    tahapan = fields.String(allow_none=True, metadata=doc("The stage last entered"))
    tahapan_aktif = fields.List(fields.String(), required=True,
                                metadata=doc("Stages running now"))
    pagu = rupiah_out("Budget ceiling")
    nilai_hps = rupiah_out("Owner's estimate (HPS)")
    diumumkan_pada = fields.AwareDateTime(allow_none=True, metadata=doc("Announced"))
    jumlah_peserta = fields.Integer(required=True, metadata=doc("Registered peserta"))
    pemenang = fields.String(allow_none=True, metadata=doc("Winner's name, if any"))


class LelangPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(LelangSummaryPublicSchema), required=True,
                        metadata=doc("Lelang on this page"))


class LogEntryPublicSchema(Schema):
    id = fields.Integer(required=True, metadata=doc("Sequence number"))
    at = fields.AwareDateTime(required=True, metadata=doc("When (server time)"))
    actor_user_id = fields.String(allow_none=True, metadata=doc(
        "Who (none for the stage engine)"))
    action = fields.String(required=True, metadata=doc(
        "What, e.g. lelang_announced, penawaran_opened"))
    details = fields.Dict(required=True, metadata=doc(
        "Particulars (hashes and counts, never bid content)"))
