"""Everything lelang serves (RPC) and publishes (events): RUP, paket, lelang with its
jadwal and tahapan, peserta, aanwijzing, adendum, sealed penawaran, evaluation,
pemenang, sanggah, SPPBJ and kontrak. The only place these wire shapes exist.

Enums carried on the wire are declared here; their values are the domain's
(``services/lelang/domain``), checked by lelang's unit tests. Amounts are rupiah as
decimal strings. Nothing confidential travels in an event: no HPS breakdown, no bid
content or price before the opening, no asker of an aanwijzing question.
"""

from __future__ import annotations

import enum

from marshmallow import Schema, fields, validate

from services.common.auth import ActorSchema
from services.common.contracts.base import (
    IDEMPOTENCY_KEY,
    EventContract,
    PageSchema,
    RpcContract,
    id_field,
    text,
)
from services.common.money import RUPIAH_MAX

SERVICE = "lelang"

SHA256 = r"^[0-9a-f]{64}$"


class KategoriPengadaan(enum.StrEnum):
    BARANG = "barang"
    PEKERJAAN_KONSTRUKSI = "pekerjaan_konstruksi"
    JASA_KONSULTANSI = "jasa_konsultansi"
    JASA_LAINNYA = "jasa_lainnya"


class MetodeLelang(enum.StrEnum):
    PASCAKUALIFIKASI_1_FILE = "pascakualifikasi_1_file"
    PASCAKUALIFIKASI_2_FILE = "pascakualifikasi_2_file"
    PRAKUALIFIKASI_1_FILE = "prakualifikasi_1_file"
    PRAKUALIFIKASI_2_FILE = "prakualifikasi_2_file"


class MetodeEvaluasi(enum.StrEnum):
    SISTEM_GUGUR = "sistem_gugur"
    SISTEM_NILAI = "sistem_nilai"
    UMUR_EKONOMIS = "umur_ekonomis"


class Sampul(enum.StrEnum):
    SINGLE = "single"
    FILE_1 = "file_1"
    FILE_2 = "file_2"


class StatusLelang(enum.StrEnum):
    DRAFT = "draft"
    DIUMUMKAN = "diumumkan"
    BERJALAN = "berjalan"
    DIHENTIKAN_SEMENTARA = "dihentikan_sementara"
    GAGAL = "gagal"
    SELESAI = "selesai"
    DIHENTIKAN = "dihentikan"  # penghentian after gagal: no re-tender (final)
    DIBATALKAN = "dibatalkan"  # a draft withdrawn before announcement (final)


class StatusPaket(enum.StrEnum):
    DIBUAT = "dibuat"  # created by the PPK
    DITUGASKAN = "ditugaskan"  # a Pokja is assigned
    DILELANG = "dilelang"  # a lelang of it exists


class StatusPenawaran(enum.StrEnum):
    TERKIRIM = "terkirim"  # sealed, counts
    DITARIK = "ditarik"  # withdrawn before the deadline
    DIBUKA = "dibuka"  # opened by the Pokja
    TIDAK_DIBUKA = "tidak_dibuka"  # File II of a bidder who failed File I: never


class JenisSanggah(enum.StrEnum):
    PRAKUALIFIKASI = "prakualifikasi"
    HASIL_LELANG = "hasil_lelang"


class KeputusanSanggah(enum.StrEnum):
    DITERIMA = "diterima"  # the objection is valid
    DITOLAK = "ditolak"


ACTOR = fields.Nested(ActorSchema, required=True)
#: rupiah: a decimal string, 2 places, from 0 to RUPIAH_MAX (beyond it: 422
#: CONTRACT_VIOLATION; every column can hold it exactly, see services.common.money)
RUPIAH = dict(as_string=True, places=2, validate=validate.Range(min=0, max=RUPIAH_MAX))


def rupiah(required: bool = True) -> fields.Decimal:
    if required:
        return fields.Decimal(required=True, **RUPIAH)
    return fields.Decimal(load_default=None, allow_none=True, **RUPIAH)


# ------------------------------------------------------------------ shared shapes
def page_of(item: type[Schema]) -> type[Schema]:
    return type(f"{item.__name__.removesuffix('Schema')}PageSchema", (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })


class DokumenSchema(Schema):
    """A document in the blob store (only its reference travels)."""

    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256))
    filename = text(200)
    content_type = text(100)
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    uploaded_at = fields.AwareDateTime(load_default=None, allow_none=True)
    versi = fields.Integer(load_default=None, allow_none=True)


class JadwalEntrySchema(Schema):
    tahapan = fields.String(required=True, validate=validate.Length(min=1, max=60))
    mulai = fields.AwareDateTime(required=True)
    selesai = fields.AwareDateTime(required=True)


class RiwayatSchema(Schema):
    jenis = fields.String(required=True)
    at = fields.AwareDateTime(required=True)
    status = fields.Enum(StatusLelang, by_value=True, required=True)
    tahapan = fields.String(allow_none=True, load_default=None)
    alasan = fields.String(allow_none=True, load_default=None)
    details = fields.Dict(load_default=dict)


class RincianHPSSchema(Schema):
    """One line of the HPS breakdown: confidential (PPK and Pokja only)."""

    uraian = text(300)
    volume = fields.Decimal(required=True, as_string=True,
                            validate=validate.Range(min=0, min_inclusive=False))
    satuan = text(30)
    harga_satuan = rupiah()


class OkSchema(Schema):
    ok = fields.Boolean(required=True)


# ------------------------------------------------------------------ RUP, ambang batas
class CreateRupRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    satker_id = id_field(required=False)
    tahun_anggaran = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    nama = text(300, min_len=3)
    pagu = rupiah()
    sumber_dana = text(50)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    metode_rencana = fields.Enum(MetodeLelang, by_value=True, load_default=None,
                                 allow_none=True)
    lokasi = text(300, required=False)
    uraian = text(4000, required=False)


class RupSchema(Schema):
    rup_id = fields.String(required=True)
    agency_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    tahun_anggaran = fields.Integer(required=True)
    nama = fields.String(required=True)
    pagu = rupiah()
    sumber_dana = fields.String(required=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    metode_rencana = fields.Enum(MetodeLelang, by_value=True, allow_none=True,
                                 load_default=None)
    lokasi = fields.String(allow_none=True, load_default=None)
    uraian = fields.String(allow_none=True, load_default=None)
    diumumkan_pada = fields.AwareDateTime(required=True)
    diumumkan_oleh = fields.String(required=True)


class ListRupRequest(PageSchema):
    agency_id = id_field(required=False)
    tahun_anggaran = fields.Integer(load_default=None, allow_none=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, load_default=None,
                           allow_none=True)
    q = text(100, required=False)


class SetAmbangBatasRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    tahun_anggaran = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    nilai_minimum = rupiah()


class AmbangBatasSchema(Schema):
    """Pasal 22(1): packages above ``nilai_minimum`` go through e-procurement."""

    agency_id = fields.String(required=True)
    tahun_anggaran = fields.Integer(required=True)
    nilai_minimum = rupiah()
    ditetapkan_oleh = fields.String(required=True)
    ditetapkan_pada = fields.AwareDateTime(required=True)


class ListAmbangBatasRequest(Schema):
    agency_id = id_field(required=False)


CREATE_RUP = RpcContract(SERVICE, "create_rup", CreateRupRequest, RupSchema,
                         idempotent=True)
LIST_RUP = RpcContract(SERVICE, "list_rup", ListRupRequest, page_of(RupSchema))
SET_AMBANG_BATAS = RpcContract(SERVICE, "set_ambang_batas", SetAmbangBatasRequest,
                               AmbangBatasSchema, idempotent=True)
LIST_AMBANG_BATAS = RpcContract(SERVICE, "list_ambang_batas", ListAmbangBatasRequest,
                                AmbangBatasSchema, many=True)


# ------------------------------------------------------------------ paket
class CreatePaketRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    rup_id = id_field(required=False)
    satker_id = id_field(required=False)
    nama = text(300, min_len=3)
    tahun_anggaran = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    sumber_dana = text(50)
    pagu = rupiah()
    nilai_hps = rupiah()
    rincian_hps = fields.List(fields.Nested(RincianHPSSchema), load_default=list)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    lokasi = text(300)
    syarat_kualifikasi = fields.List(text(1000), load_default=list)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)


class AssignPokjaRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    paket_id = id_field()
    pokja_ids = fields.List(id_field(), required=True,
                            validate=validate.Length(min=1, max=15))


class GetPaketRequest(Schema):
    actor = ACTOR
    paket_id = id_field()


class ListPaketRequest(PageSchema):
    actor = ACTOR
    agency_id = id_field(required=False)
    tahun_anggaran = fields.Integer(load_default=None, allow_none=True)
    di_bawah_ambang = fields.Boolean(load_default=None, allow_none=True)


class PaketSchema(Schema):
    paket_id = fields.String(required=True)
    rup_id = fields.String(allow_none=True, load_default=None)
    agency_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    nama = fields.String(required=True)
    tahun_anggaran = fields.Integer(required=True)
    sumber_dana = fields.String(required=True)
    pagu = rupiah()
    nilai_hps = rupiah()
    # confidential: only the PPK and the assigned Pokja get it (None otherwise)
    rincian_hps = fields.List(fields.Nested(RincianHPSSchema), allow_none=True,
                              load_default=None)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    lokasi = fields.String(required=True)
    syarat_kualifikasi = fields.List(fields.String(), load_default=list)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    ppk_id = fields.String(required=True)
    pokja_ids = fields.List(fields.String(), load_default=list)
    status = fields.Enum(StatusPaket, by_value=True, required=True)
    # Pasal 22(1): at or under the agency's threshold for the year
    di_bawah_ambang = fields.Boolean(required=True)
    ambang_batas = rupiah(required=False)
    created_at = fields.AwareDateTime(required=True)


CREATE_PAKET = RpcContract(SERVICE, "create_paket", CreatePaketRequest, PaketSchema,
                           idempotent=True)
ASSIGN_POKJA = RpcContract(SERVICE, "assign_pokja", AssignPokjaRequest, PaketSchema,
                           idempotent=True)
GET_PAKET = RpcContract(SERVICE, "get_paket", GetPaketRequest, PaketSchema)
LIST_PAKET = RpcContract(SERVICE, "list_paket", ListPaketRequest,
                         page_of(PaketSchema))


# ------------------------------------------------------------------ lelang
class KunciPublikSchema(Schema):
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata={
        "description": "X25519 public key, base64; seal with format LPSESEAL1"})


class PemenangSchema(Schema):
    """DOMAIN §6.1 step 10: what the announcement of the winner must show."""

    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    npwp = fields.String(allow_none=True, load_default=None)
    alamat = fields.String(allow_none=True, load_default=None)
    harga_penawaran = rupiah(required=False)
    harga_terkoreksi = rupiah(required=False)
    peringkat = fields.Integer(required=True)  # 1 pemenang, 2/3 cadangan 1/2


class HasilEvaluasiSchema(Schema):
    """One evaluated bidder, public from the winner's announcement."""

    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    npwp = fields.String(allow_none=True, load_default=None)
    harga_penawaran = rupiah(required=False)
    harga_terkoreksi = rupiah(required=False)
    lulus_administrasi = fields.Boolean(allow_none=True, load_default=None)
    lulus_teknis = fields.Boolean(allow_none=True, load_default=None)
    skor_teknis = fields.Decimal(as_string=True, allow_none=True, load_default=None)
    lulus_harga = fields.Boolean(allow_none=True, load_default=None)
    lulus_kualifikasi = fields.Boolean(allow_none=True, load_default=None)
    di_bawah_80_persen_hps = fields.Boolean(allow_none=True, load_default=None)
    peringkat = fields.Integer(allow_none=True, load_default=None)
    alasan = fields.String(allow_none=True, load_default=None)


class SppbjSchema(Schema):
    nomor = fields.String(required=True)
    tanggal = fields.Date(required=True)
    penyedia_id = fields.String(required=True)
    nilai = rupiah()
    diterbitkan_pada = fields.AwareDateTime(required=True)


class KontrakSchema(Schema):
    nomor = fields.String(required=True)
    tanggal = fields.Date(required=True)
    penyedia_id = fields.String(required=True)
    nilai = rupiah()
    dokumen = fields.Nested(DokumenSchema, allow_none=True, load_default=None)
    ditandatangani_pada = fields.AwareDateTime(required=True)


class SanggahBandingSchema(Schema):
    diajukan_pada = fields.Date(required=True)
    penyedia_id = fields.String(required=True)
    jaminan_nomor = fields.String(required=True)
    jaminan_nilai = rupiah()
    jaminan_minimum = rupiah()
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            load_default=None)
    keputusan_nomor = fields.String(allow_none=True, load_default=None)
    dicatat_pada = fields.AwareDateTime(required=True)


class LelangSchema(Schema):
    """A lelang as the actor may see it: public fields for everybody, the rest
    (``pokja_ids``, ``ppk_id``, ``tindakan``) filled for the parties concerned."""

    lelang_id = fields.String(required=True)
    kode = fields.String(required=True)
    paket_id = fields.String(required=True)
    nama = fields.String(required=True)
    agency_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    tahun_anggaran = fields.Integer(required=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    lokasi = fields.String(required=True)
    metode = fields.Enum(MetodeLelang, by_value=True, required=True)
    metode_evaluasi = fields.Enum(MetodeEvaluasi, by_value=True, required=True)
    alasan_metode = fields.String(allow_none=True, load_default=None)
    pagu = rupiah()
    nilai_hps = rupiah()
    syarat_kualifikasi = fields.List(fields.String(), load_default=list)
    status = fields.Enum(StatusLelang, by_value=True, required=True)
    tahapan = fields.String(allow_none=True, load_default=None,
                            metadata={"description": "the stage last entered"})
    tahapan_aktif = fields.List(fields.String(), load_default=list)
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), required=True)
    riwayat = fields.List(fields.Nested(RiwayatSchema), load_default=list)
    ruleset = fields.String(allow_none=True, load_default=None)
    diumumkan_pada = fields.AwareDateTime(allow_none=True, load_default=None)
    kunci_publik = fields.List(fields.Nested(KunciPublikSchema), load_default=list)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    jumlah_peserta = fields.Integer(required=True)
    jumlah_penawaran = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "known from the opening on"})
    pemenang = fields.List(fields.Nested(PemenangSchema), load_default=list)
    hasil_evaluasi = fields.List(fields.Nested(HasilEvaluasiSchema),
                                 load_default=list)
    sanggah_banding = fields.Nested(SanggahBandingSchema, allow_none=True,
                                    load_default=None)
    sppbj = fields.Nested(SppbjSchema, allow_none=True, load_default=None)
    kontrak = fields.Nested(KontrakSchema, allow_none=True, load_default=None)
    retender_dari = fields.String(allow_none=True, load_default=None)
    retender_oleh = fields.String(allow_none=True, load_default=None)
    gagal_ke = fields.Integer(load_default=0)
    alasan_gagal = fields.String(allow_none=True, load_default=None)
    ppk_id = fields.String(allow_none=True, load_default=None)
    pokja_ids = fields.List(fields.String(), load_default=list)
    tindakan = fields.List(fields.String(), load_default=list, metadata={
        "description": "what this actor may do now"})
    version = fields.Integer(required=True)


class CreateLelangRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    paket_id = id_field()
    metode = fields.Enum(MetodeLelang, by_value=True, required=True)
    metode_evaluasi = fields.Enum(MetodeEvaluasi, by_value=True, required=True)
    alasan_metode = text(2000, required=False)
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), load_default=list)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    retender_dari = id_field(required=False)


class LelangIdRequest(Schema):
    actor = ACTOR
    lelang_id = id_field()


class LelangActionRequest(LelangIdRequest):
    idempotency_key = IDEMPOTENCY_KEY


class SetJadwalRequest(LelangActionRequest):
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), required=True)


class ChangeJadwalRequest(SetJadwalRequest):
    alasan = text(2000, min_len=3)


class ReasonRequest(LelangActionRequest):
    alasan = text(2000, min_len=3)


class ListLelangRequest(PageSchema):
    actor = fields.Nested(ActorSchema, load_default=None, allow_none=True)
    agency_id = id_field(required=False)
    metode = fields.Enum(MetodeLelang, by_value=True, load_default=None,
                         allow_none=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, load_default=None,
                           allow_none=True)
    status = fields.Enum(StatusLelang, by_value=True, load_default=None,
                         allow_none=True)
    tahapan = text(60, required=False)
    tahun_anggaran = fields.Integer(load_default=None, allow_none=True)
    q = text(100, required=False)
    mine = fields.Boolean(load_default=False, metadata={
        "description": "only lelang where the actor is Pokja, PPK or peserta"})


class LelangSummarySchema(Schema):
    lelang_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    agency_id = fields.String(required=True)
    tahun_anggaran = fields.Integer(required=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    metode = fields.Enum(MetodeLelang, by_value=True, required=True)
    status = fields.Enum(StatusLelang, by_value=True, required=True)
    tahapan = fields.String(allow_none=True, load_default=None)
    tahapan_aktif = fields.List(fields.String(), load_default=list)
    pagu = rupiah()
    nilai_hps = rupiah()
    diumumkan_pada = fields.AwareDateTime(allow_none=True, load_default=None)
    jumlah_peserta = fields.Integer(required=True)
    pemenang = fields.String(allow_none=True, load_default=None)


CREATE_LELANG = RpcContract(SERVICE, "create_lelang", CreateLelangRequest,
                            LelangSchema, idempotent=True)
SET_JADWAL = RpcContract(SERVICE, "set_jadwal", SetJadwalRequest, LelangSchema,
                         idempotent=True)
ANNOUNCE_LELANG = RpcContract(SERVICE, "announce_lelang", LelangActionRequest,
                              LelangSchema, idempotent=True)
CHANGE_JADWAL = RpcContract(SERVICE, "change_jadwal", ChangeJadwalRequest,
                            LelangSchema, idempotent=True)
FAIL_LELANG = RpcContract(SERVICE, "fail_lelang", ReasonRequest, LelangSchema,
                          idempotent=True)
STOP_LELANG = RpcContract(SERVICE, "stop_lelang", ReasonRequest, LelangSchema,
                          idempotent=True,
                          description="penghentian of a failed lelang (no re-tender)")
CANCEL_LELANG = RpcContract(SERVICE, "cancel_lelang", ReasonRequest, LelangSchema,
                            idempotent=True,
                            description="withdraw a draft before its announcement")
GET_LELANG = RpcContract(SERVICE, "get_lelang", Schema.from_dict({
    "actor": fields.Nested(ActorSchema, load_default=None, allow_none=True),
    "lelang_id": id_field()}, name="GetLelangRequest"), LelangSchema)
LIST_LELANG = RpcContract(SERVICE, "list_lelang", ListLelangRequest,
                          page_of(LelangSummarySchema))


# ------------------------------------------------------------------ peserta, dokumen
class PesertaSchema(Schema):
    lelang_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    npwp = fields.String(allow_none=True, load_default=None)
    terdaftar_pada = fields.AwareDateTime(required=True)
    lulus_kualifikasi = fields.Boolean(allow_none=True, load_default=None)
    alasan_kualifikasi = fields.String(allow_none=True, load_default=None)
    kualifikasi_dikirim_pada = fields.AwareDateTime(allow_none=True, load_default=None)


class AuthorizeDokumenRequest(LelangIdRequest):
    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256))


REGISTER_PESERTA = RpcContract(SERVICE, "register_peserta", LelangActionRequest,
                               PesertaSchema, idempotent=True)
LIST_PESERTA = RpcContract(SERVICE, "list_peserta", LelangIdRequest, PesertaSchema,
                           many=True)
AUTHORIZE_DOKUMEN = RpcContract(SERVICE, "authorize_dokumen", AuthorizeDokumenRequest,
                                DokumenSchema)


class IssueAdendumRequest(LelangActionRequest):
    keterangan = text(2000, min_len=3)
    dokumen = fields.List(fields.Nested(DokumenSchema), required=True,
                          validate=validate.Length(min=1))


ISSUE_ADENDUM = RpcContract(SERVICE, "issue_adendum", IssueAdendumRequest,
                            LelangSchema, idempotent=True)


# ------------------------------------------------------------------ aanwijzing
class AskPertanyaanRequest(LelangActionRequest):
    pertanyaan = text(4000, min_len=3)


class AnswerPertanyaanRequest(LelangActionRequest):
    pertanyaan_id = id_field()
    jawaban = text(4000, min_len=1)


class PertanyaanSchema(Schema):
    pertanyaan_id = fields.String(required=True)
    lelang_id = fields.String(required=True)
    tahapan = fields.String(required=True)
    pertanyaan = fields.String(required=True)
    ditanya_pada = fields.AwareDateTime(required=True)
    # the asker is shown to the Pokja (and to the asker as ``milik_saya``) only
    penyedia_id = fields.String(allow_none=True, load_default=None)
    milik_saya = fields.Boolean(load_default=False)
    jawaban = fields.String(allow_none=True, load_default=None)
    dijawab_pada = fields.AwareDateTime(allow_none=True, load_default=None)


ASK_PERTANYAAN = RpcContract(SERVICE, "ask_pertanyaan", AskPertanyaanRequest,
                             PertanyaanSchema, idempotent=True)
ANSWER_PERTANYAAN = RpcContract(SERVICE, "answer_pertanyaan", AnswerPertanyaanRequest,
                                PertanyaanSchema, idempotent=True)
LIST_PERTANYAAN = RpcContract(SERVICE, "list_pertanyaan", LelangIdRequest,
                              PertanyaanSchema, many=True)


# ------------------------------------------------------------------ prakualifikasi
class SubmitKualifikasiRequest(LelangActionRequest):
    dokumen = fields.List(fields.Nested(DokumenSchema), required=True,
                          validate=validate.Length(min=1))
    keterangan = text(4000, required=False)


class KualifikasiItemSchema(Schema):
    penyedia_id = id_field()
    lulus = fields.Boolean(required=True)
    alasan = text(2000, required=False)


class EvaluateKualifikasiRequest(LelangActionRequest):
    hasil = fields.List(fields.Nested(KualifikasiItemSchema), required=True,
                        validate=validate.Length(min=1))


SUBMIT_KUALIFIKASI = RpcContract(SERVICE, "submit_kualifikasi",
                                 SubmitKualifikasiRequest, PesertaSchema,
                                 idempotent=True)
EVALUATE_KUALIFIKASI = RpcContract(SERVICE, "evaluate_kualifikasi",
                                   EvaluateKualifikasiRequest, PesertaSchema,
                                   idempotent=True, many=True)


# ------------------------------------------------------------------ penawaran
class SubmitPenawaranRequest(LelangActionRequest):
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256), metadata={
        "description": "SHA-256 of the sealed file already in the blob store"})
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    filename = text(200, required=False)
    harga_sealed = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Length(max=4096), metadata={
        "description": "base64 of the sealed price JSON; single and file_2 only"})


class SampulRequest(LelangActionRequest):
    sampul = fields.Enum(Sampul, by_value=True, required=True)


class TandaTerimaSchema(Schema):
    """The bidder's receipt (bukti upload): what was received, when, signed."""

    penawaran_id = fields.String(required=True)
    lelang_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    versi = fields.Integer(required=True)
    diterima_pada = fields.AwareDateTime(required=True)
    status = fields.Enum(StatusPenawaran, by_value=True, required=True)
    tanda_tangan = fields.String(required=True, metadata={
        "description": "HMAC-SHA256 by the server over the fields above"})


class PenawaranSchema(Schema):
    """A bid as the Pokja sees it once its sampul has been opened."""

    penawaran_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    status = fields.Enum(StatusPenawaran, by_value=True, required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    diterima_pada = fields.AwareDateTime(required=True)
    harga = rupiah(required=False)
    dokumen = fields.Nested(DokumenSchema, allow_none=True, load_default=None,
                            metadata={"description": "the opened (plain) file"})
    dibuka_pada = fields.AwareDateTime(allow_none=True, load_default=None)
    gagal_dibuka = fields.String(allow_none=True, load_default=None)


class OpenPenawaranResponse(Schema):
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    dibuka = fields.Integer(required=True)
    gagal_dibuka = fields.Integer(required=True)
    tidak_dibuka = fields.Integer(required=True)
    penawaran = fields.List(fields.Nested(PenawaranSchema), required=True)


class ListPenawaranRequest(LelangIdRequest):
    sampul = fields.Enum(Sampul, by_value=True, load_default=None, allow_none=True)


SUBMIT_PENAWARAN = RpcContract(SERVICE, "submit_penawaran", SubmitPenawaranRequest,
                               TandaTerimaSchema, idempotent=True)
WITHDRAW_PENAWARAN = RpcContract(SERVICE, "withdraw_penawaran", SampulRequest,
                                 TandaTerimaSchema, idempotent=True)
LIST_TANDA_TERIMA = RpcContract(SERVICE, "list_tanda_terima", LelangIdRequest,
                                TandaTerimaSchema, many=True)
OPEN_PENAWARAN = RpcContract(SERVICE, "open_penawaran", SampulRequest,
                             OpenPenawaranResponse, idempotent=True)
LIST_PENAWARAN = RpcContract(SERVICE, "list_penawaran", ListPenawaranRequest,
                             PenawaranSchema, many=True)


# ------------------------------------------------------------------ evaluation
class EvaluasiItemSchema(Schema):
    penyedia_id = id_field()
    lulus_administrasi = fields.Boolean(load_default=None, allow_none=True)
    lulus_teknis = fields.Boolean(load_default=None, allow_none=True)
    skor_teknis = fields.Decimal(as_string=True, load_default=None, allow_none=True,
                                 validate=validate.Range(0, 100))
    harga_terkoreksi = rupiah(required=False)
    lulus_harga = fields.Boolean(load_default=None, allow_none=True)
    lulus_kualifikasi = fields.Boolean(load_default=None, allow_none=True)
    alasan = text(2000, required=False)


class EvaluatePenawaranRequest(LelangActionRequest):
    hasil = fields.List(fields.Nested(EvaluasiItemSchema), required=True,
                        validate=validate.Length(min=1))


class DecidePemenangRequest(LelangActionRequest):
    pemenang = id_field()
    cadangan_1 = id_field(required=False)
    cadangan_2 = id_field(required=False)


class UploadBahpRequest(LelangActionRequest):
    dokumen = fields.Nested(DokumenSchema, required=True)


EVALUATE_PENAWARAN = RpcContract(SERVICE, "evaluate_penawaran",
                                 EvaluatePenawaranRequest, HasilEvaluasiSchema,
                                 idempotent=True, many=True)
LIST_EVALUASI = RpcContract(SERVICE, "list_evaluasi", LelangIdRequest,
                            HasilEvaluasiSchema, many=True)
ANNOUNCE_HASIL = RpcContract(SERVICE, "announce_hasil", LelangActionRequest,
                             LelangSchema, idempotent=True)
UPLOAD_BAHP = RpcContract(SERVICE, "upload_bahp", UploadBahpRequest, LelangSchema,
                          idempotent=True)
DECIDE_PEMENANG = RpcContract(SERVICE, "decide_pemenang", DecidePemenangRequest,
                              LelangSchema, idempotent=True)


# ------------------------------------------------------------------ sanggah
class FileSanggahRequest(LelangActionRequest):
    isi = text(8000, min_len=10)


class AnswerSanggahRequest(LelangActionRequest):
    sanggah_id = id_field()
    jawaban = text(8000, min_len=3)
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, required=True)


class SanggahSchema(Schema):
    sanggah_id = fields.String(required=True)
    lelang_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    jenis = fields.Enum(JenisSanggah, by_value=True, required=True)
    isi = fields.String(required=True)
    diajukan_pada = fields.AwareDateTime(required=True)
    jawaban = fields.String(allow_none=True, load_default=None)
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            load_default=None)
    dijawab_pada = fields.AwareDateTime(allow_none=True, load_default=None)


class RecordSanggahBandingRequest(LelangActionRequest):
    penyedia_id = id_field()
    diajukan_pada = fields.Date(required=True)
    jaminan_nomor = text(100)
    jaminan_nilai = rupiah()


class DecideSanggahBandingRequest(LelangActionRequest):
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, required=True)
    keputusan_nomor = text(100)
    alasan = text(2000, min_len=3)
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), load_default=None,
                         allow_none=True)


FILE_SANGGAH = RpcContract(SERVICE, "file_sanggah", FileSanggahRequest, SanggahSchema,
                           idempotent=True)
ANSWER_SANGGAH = RpcContract(SERVICE, "answer_sanggah", AnswerSanggahRequest,
                             SanggahSchema, idempotent=True)
LIST_SANGGAH = RpcContract(SERVICE, "list_sanggah", LelangIdRequest, SanggahSchema,
                           many=True)
RECORD_SANGGAH_BANDING = RpcContract(SERVICE, "record_sanggah_banding",
                                     RecordSanggahBandingRequest, LelangSchema,
                                     idempotent=True)
DECIDE_SANGGAH_BANDING = RpcContract(SERVICE, "decide_sanggah_banding",
                                     DecideSanggahBandingRequest, LelangSchema,
                                     idempotent=True)


# ------------------------------------------------------------------ SPPBJ, kontrak
class IssueSppbjRequest(LelangActionRequest):
    nomor = text(100)
    tanggal = fields.Date(required=True)


class SignKontrakRequest(LelangActionRequest):
    nomor = text(100)
    tanggal = fields.Date(required=True)
    nilai = rupiah()
    dokumen = fields.Nested(DokumenSchema, load_default=None, allow_none=True)


ISSUE_SPPBJ = RpcContract(SERVICE, "issue_sppbj", IssueSppbjRequest, LelangSchema,
                          idempotent=True)
SIGN_KONTRAK = RpcContract(SERVICE, "sign_kontrak", SignKontrakRequest, LelangSchema,
                           idempotent=True)
RETENDER_LELANG = RpcContract(SERVICE, "retender_lelang", Schema.from_dict({
    "actor": ACTOR, "idempotency_key": IDEMPOTENCY_KEY, "lelang_id": id_field(),
    "jadwal": fields.List(fields.Nested(JadwalEntrySchema), load_default=list)},
    name="RetenderLelangRequest"), LelangSchema, idempotent=True)


class LogEntrySchema(Schema):
    """One row of a lelang's log (who did what, when; openings included)."""

    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor_user_id = fields.String(allow_none=True, load_default=None)
    action = fields.String(required=True)
    details = fields.Dict(load_default=dict)


LIST_LELANG_LOG = RpcContract(SERVICE, "list_lelang_log", LelangIdRequest,
                              LogEntrySchema, many=True)


class PingResponse(Schema):
    service = fields.String(required=True)
    time = fields.AwareDateTime(required=True)


PING = RpcContract(SERVICE, "ping", Schema.from_dict({}, name="LelangPingRequest"),
                   PingResponse)


# ------------------------------------------------------------------ events
class LelangRefPayload(Schema):
    """What every lelang event carries, so a consumer needs no lookup."""

    lelang_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    agency_id = fields.String(required=True)
    ppk_id = fields.String(required=True)
    pokja_ids = fields.List(fields.String(), required=True)
    status = fields.Enum(StatusLelang, by_value=True, required=True)
    tahapan = fields.String(allow_none=True, load_default=None)


class RupAnnouncedPayload(Schema):
    rup_id = fields.String(required=True)
    agency_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    tahun_anggaran = fields.Integer(required=True)
    nama = fields.String(required=True)
    pagu = rupiah()
    sumber_dana = fields.String(required=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    metode_rencana = fields.Enum(MetodeLelang, by_value=True, allow_none=True,
                                 load_default=None)


class PaketCreatedPayload(Schema):
    paket_id = fields.String(required=True)
    rup_id = fields.String(allow_none=True, load_default=None)
    agency_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    nama = fields.String(required=True)
    tahun_anggaran = fields.Integer(required=True)
    pagu = rupiah()
    nilai_hps = rupiah()
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    ppk_id = fields.String(required=True)
    pokja_ids = fields.List(fields.String(), load_default=list)
    di_bawah_ambang = fields.Boolean(required=True)
    ambang_batas = rupiah(required=False)


class LelangAnnouncedPayload(LelangRefPayload):
    paket_id = fields.String(required=True)
    satker_id = fields.String(allow_none=True, load_default=None)
    tahun_anggaran = fields.Integer(required=True)
    kategori = fields.Enum(KategoriPengadaan, by_value=True, required=True)
    metode = fields.Enum(MetodeLelang, by_value=True, required=True)
    metode_evaluasi = fields.Enum(MetodeEvaluasi, by_value=True, required=True)
    pagu = rupiah()
    nilai_hps = rupiah()
    lokasi = fields.String(required=True)
    ruleset = fields.String(required=True)
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), required=True)
    retender_dari = fields.String(allow_none=True, load_default=None)
    diumumkan_pada = fields.AwareDateTime(required=True)


class JadwalChangedPayload(LelangRefPayload):
    alasan = fields.String(required=True)
    jadwal = fields.List(fields.Nested(JadwalEntrySchema), required=True)
    perubahan = fields.List(fields.Dict(), required=True)


class AdendumIssuedPayload(LelangRefPayload):
    versi = fields.Integer(required=True)
    keterangan = fields.String(required=True)
    dokumen = fields.List(fields.Nested(DokumenSchema), required=True)


class TahapanStartedPayload(LelangRefPayload):
    mulai = fields.AwareDateTime(required=True)
    selesai = fields.AwareDateTime(required=True)


class PesertaPayload(LelangRefPayload):
    penyedia_id = fields.String(required=True)
    penyedia_nama = fields.String(required=True)


class PertanyaanPayload(LelangRefPayload):
    pertanyaan_id = fields.String(required=True)
    # the asker is known to its own service only: consumers notify the Pokja
    # (asked) or every peserta (answered) without naming anybody


class PenawaranSubmittedPayload(LelangRefPayload):
    """No price and no content: only what the receipt says."""

    penawaran_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    versi = fields.Integer(required=True)
    diterima_pada = fields.AwareDateTime(required=True)


class PenawaranOpenedPayload(LelangRefPayload):
    sampul = fields.Enum(Sampul, by_value=True, required=True)
    dibuka = fields.Integer(required=True)
    gagal_dibuka = fields.Integer(required=True)
    tidak_dibuka = fields.Integer(required=True)
    dibuka_oleh = fields.String(required=True)


class HasilAnnouncedPayload(LelangRefPayload):
    """File I result (2 file) or prakualifikasi result: who passed."""

    jenis = fields.String(required=True)  # "evaluasi_file_1" | "prakualifikasi"
    lulus = fields.List(fields.String(), required=True)
    tidak_lulus = fields.List(fields.String(), required=True)


class PemenangDecidedPayload(LelangRefPayload):
    pemenang_id = fields.String(required=True)


class PemenangAnnouncedPayload(LelangRefPayload):
    paket_id = fields.String(required=True)
    nilai_hps = rupiah()
    pemenang = fields.List(fields.Nested(PemenangSchema), required=True)
    hasil_evaluasi = fields.List(fields.Nested(HasilEvaluasiSchema), required=True)
    jumlah_penawaran = fields.Integer(required=True)
    peserta_ids = fields.List(fields.String(), required=True)


class SanggahPayload(LelangRefPayload):
    sanggah_id = fields.String(required=True)
    penyedia_id = fields.String(required=True)
    jenis = fields.Enum(JenisSanggah, by_value=True, required=True)
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            load_default=None)


class SanggahBandingPayload(LelangRefPayload):
    penyedia_id = fields.String(required=True)
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            load_default=None)


class LelangFailedPayload(LelangRefPayload):
    alasan = fields.String(required=True)
    gagal_ke = fields.Integer(required=True)
    peserta_ids = fields.List(fields.String(), required=True)


class LelangStoppedPayload(LelangRefPayload):
    alasan = fields.String(required=True)
    peserta_ids = fields.List(fields.String(), required=True)


class SppbjIssuedPayload(LelangRefPayload):
    nomor = fields.String(required=True)
    tanggal = fields.Date(required=True)
    penyedia_id = fields.String(required=True)
    nilai = rupiah()


class KontrakSignedPayload(LelangRefPayload):
    paket_id = fields.String(required=True)
    nomor = fields.String(required=True)
    tanggal = fields.Date(required=True)
    penyedia_id = fields.String(required=True)
    nilai = rupiah()
    nilai_hps = rupiah()


def _event(type_: str, payload: type[Schema], description: str) -> EventContract:
    return EventContract(SERVICE, type_, 1, payload, description)


RUP_ANNOUNCED = _event("rup_announced", RupAnnouncedPayload, "PA/KPA announced a RUP")
PAKET_CREATED = _event("paket_created", PaketCreatedPayload, "PPK created a paket")
LELANG_ANNOUNCED = _event("lelang_announced", LelangAnnouncedPayload,
                          "pengumuman: the lelang is public")
JADWAL_CHANGED = _event("jadwal_changed", JadwalChangedPayload,
                        "perubahan jadwal, with its reason")
ADENDUM_ISSUED = _event("adendum_issued", AdendumIssuedPayload,
                        "new version of the procurement documents")
TAHAPAN_STARTED = _event("tahapan_started", TahapanStartedPayload,
                         "the stage engine entered a stage")
PESERTA_REGISTERED = _event("peserta_registered", PesertaPayload,
                            "a penyedia registered for the lelang")
PERTANYAAN_ASKED = _event("pertanyaan_asked", PertanyaanPayload,
                          "aanwijzing question (asker not named)")
PERTANYAAN_ANSWERED = _event("pertanyaan_answered", PertanyaanPayload,
                             "aanwijzing answer, visible to every peserta")
PENAWARAN_SUBMITTED = _event("penawaran_submitted", PenawaranSubmittedPayload,
                             "a sealed bid was received (no price)")
PENAWARAN_OPENED = _event("penawaran_opened", PenawaranOpenedPayload,
                          "the Pokja opened a sampul")
HASIL_ANNOUNCED = _event("hasil_announced", HasilAnnouncedPayload,
                         "File I or prakualifikasi result announced")
PEMENANG_DECIDED = _event("pemenang_decided", PemenangDecidedPayload,
                          "penetapan pemenang (internal until announced)")
PEMENANG_ANNOUNCED = _event("pemenang_announced", PemenangAnnouncedPayload,
                            "pengumuman pemenang (public)")
SANGGAH_FILED = _event("sanggah_filed", SanggahPayload, "a bidder filed a sanggah")
SANGGAH_ANSWERED = _event("sanggah_answered", SanggahPayload,
                          "the Pokja answered a sanggah")
SANGGAH_BANDING_RECORDED = _event("sanggah_banding_recorded", SanggahBandingPayload,
                                  "a sanggah banding halts the lelang")
SANGGAH_BANDING_DECIDED = _event("sanggah_banding_decided", SanggahBandingPayload,
                                 "the Bupati's decision on a sanggah banding")
LELANG_FAILED = _event("lelang_failed", LelangFailedPayload, "pelelangan gagal")
LELANG_STOPPED = _event("lelang_stopped", LelangStoppedPayload,
                        "penghentian: a failed lelang ends without a re-tender")
SPPBJ_ISSUED = _event("sppbj_issued", SppbjIssuedPayload, "the PPK issued the SPPBJ")
KONTRAK_SIGNED = _event("kontrak_signed", KontrakSignedPayload,
                        "the kontrak was signed; the lelang is finished")
