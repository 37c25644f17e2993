"""After the opening: evaluation, announcements, BAHP, penetapan pemenang, sanggah
and sanggah banding, SPPBJ and kontrak (DOMAIN §6.1 steps 6-12)."""

from __future__ import annotations

from typing import Any

from gateway.auth import current_actor
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    idempotent,
)
from gateway.routes.lelang import change
from gateway.routes.lelang_common import (
    ACTION_ERRORS,
    READ_ERRORS,
    optional_login,
    public_actor,
)
from gateway.schemas.lelang import HasilEvaluasiPublicSchema, LelangPublicSchema
from gateway.schemas.lelang_proses import (
    BahpCreateSchema,
    EvaluasiCreateSchema,
    KontrakCreateSchema,
    PemenangCreateSchema,
    SanggahAnswerSchema,
    SanggahBandingCreateSchema,
    SanggahBandingDecisionSchema,
    SanggahCreateSchema,
    SanggahPublicSchema,
    SppbjCreateSchema,
)
from services.common.contracts.lelang import (
    ANNOUNCE_HASIL,
    ANSWER_SANGGAH,
    DECIDE_PEMENANG,
    DECIDE_SANGGAH_BANDING,
    EVALUATE_PENAWARAN,
    FILE_SANGGAH,
    ISSUE_SPPBJ,
    LIST_EVALUASI,
    LIST_SANGGAH,
    RECORD_SANGGAH_BANDING,
    SIGN_KONTRAK,
    UPLOAD_BAHP,
)

blp = ApiBlueprint("hasil_lelang", __name__, url_prefix=API_PREFIX,
                   description="Evaluation, pemenang, sanggah, SPPBJ and kontrak")


# --------------------------------------------------------------------------- evaluasi
@blp.route("/lelang/<id:lelang_id>/evaluasi", methods=["GET"])
@optional_login(blp)
@blp.response(200, HasilEvaluasiPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_evaluasi(lelang_id: str) -> Any:
    """The evaluation results (public once the winner is announced)

    Per bidder: prices, the administrative, technical, price and qualification
    results and the rank. Before the announcement only for the parties
    concerned (403 `EVALUASI_NOT_PUBLIC` otherwise).
    """
    return call(LIST_EVALUASI, {"actor": public_actor(), "lelang_id": lelang_id})


@blp.route("/lelang/<id:lelang_id>/evaluasi", methods=["POST"])
@authenticated(blp)
@blp.arguments(EvaluasiCreateSchema)
@blp.response(200, HasilEvaluasiPublicSchema(many=True))
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def evaluate_penawaran(data: dict[str, Any], lelang_id: str) -> Any:
    """Record the evaluation of opened bids

    The Pokja records, per bidder, the results the running stage allows
    (`EVALUASI_FIELD_NOT_IN_STAGE` otherwise); answers the whole evaluation.
    """
    return change(EVALUATE_PENAWARAN, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/pengumuman", methods=["POST"])
@authenticated(blp)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def announce_hasil(lelang_id: str) -> Any:
    """Announce a result

    The Pokja announces what the running stage announces: the prakualifikasi
    result, the File I result (2 file), or the winner (public).
    """
    return change(ANNOUNCE_HASIL, lelang_id)


@blp.route("/lelang/<id:lelang_id>/bahp", methods=["POST"])
@authenticated(blp)
@blp.arguments(BahpCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def upload_bahp(data: dict[str, Any], lelang_id: str) -> Any:
    """Upload the BAHP

    The Pokja records the Berita Acara Hasil Pelelangan (uploaded first with
    `POST /dokumen`); confidential until the announcement.
    """
    return change(UPLOAD_BAHP, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/pemenang", methods=["POST"])
@authenticated(blp)
@blp.arguments(PemenangCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def decide_pemenang(data: dict[str, Any], lelang_id: str) -> Any:
    """Decide the winner (penetapan pemenang)

    The Pokja, or above its limit the PA/KPA (403 `PA_DECIDES_ABOVE_LIMIT`),
    names the winner and up to two reserves in the order of the ranking, after
    the BAHP.
    """
    return change(DECIDE_PEMENANG, lelang_id, data)


# --------------------------------------------------------------------------- sanggah
@blp.route("/lelang/<id:lelang_id>/sanggah", methods=["POST"])
@authenticated(blp)
@blp.arguments(SanggahCreateSchema)
@blp.response(201, SanggahPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def file_sanggah(data: dict[str, Any], lelang_id: str) -> Any:
    """File a sanggah

    A bidder (or, after prakualifikasi, a peserta that sent its qualification)
    objects within the sanggah window.
    """
    return change(FILE_SANGGAH, lelang_id, data), 201


@blp.route("/lelang/<id:lelang_id>/sanggah/<id:sanggah_id>/jawaban",
           methods=["POST"])
@authenticated(blp)
@blp.arguments(SanggahAnswerSchema)
@blp.response(200, SanggahPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def answer_sanggah(data: dict[str, Any], lelang_id: str, sanggah_id: str) -> Any:
    """Answer a sanggah

    The Pokja answers within its deadline (working days), deciding whether the
    objection is valid.
    """
    return change(ANSWER_SANGGAH, lelang_id, {"sanggah_id": sanggah_id, **data})


@blp.route("/lelang/<id:lelang_id>/sanggah", methods=["GET"])
@authenticated(blp)
@blp.response(200, SanggahPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_sanggah(lelang_id: str) -> Any:
    """List the sanggah and answers

    For every peserta and the parties concerned.
    """
    return call(LIST_SANGGAH, {"actor": current_actor(), "lelang_id": lelang_id})


@blp.route("/lelang/<id:lelang_id>/sanggah-banding", methods=["POST"])
@authenticated(blp)
@blp.arguments(SanggahBandingCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def record_sanggah_banding(data: dict[str, Any], lelang_id: str) -> Any:
    """Record a sanggah banding

    The Pokja or PPK records an appeal to the Bupati by a bidder whose sanggah
    was answered, with its guarantee (at least the minimum share of the HPS);
    the lelang halts until the decision.
    """
    return change(RECORD_SANGGAH_BANDING, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/sanggah-banding/keputusan", methods=["POST"])
@authenticated(blp)
@blp.arguments(SanggahBandingDecisionSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def decide_sanggah_banding(data: dict[str, Any], lelang_id: str) -> Any:
    """Record the decision on a sanggah banding

    The Pokja or PPK records the Bupati's decision; the lelang goes on (with a
    new schedule for the remaining stages, if given) or is re-evaluated.
    """
    return change(DECIDE_SANGGAH_BANDING, lelang_id, data)


# --------------------------------------------------------------------------- SPPBJ
@blp.route("/lelang/<id:lelang_id>/sppbj", methods=["POST"])
@authenticated(blp)
@blp.arguments(SppbjCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def issue_sppbj(data: dict[str, Any], lelang_id: str) -> Any:
    """Issue the SPPBJ

    The PPK appoints the announced winner (Surat Penunjukan Penyedia Barang/Jasa)
    once every sanggah is answered.
    """
    return change(ISSUE_SPPBJ, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/kontrak", methods=["POST"])
@authenticated(blp)
@blp.arguments(KontrakCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def sign_kontrak(data: dict[str, Any], lelang_id: str) -> Any:
    """Record the signed kontrak

    The PPK records the contract (at most the winning price, optionally with the
    signed document from `POST /dokumen`); the lelang is finished.
    """
    return change(SIGN_KONTRAK, lelang_id, data)
