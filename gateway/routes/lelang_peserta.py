"""Taking part in a lelang: registration of peserta, the procurement documents and
their adendum, aanwijzing questions, and prakualifikasi documents."""

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
from gateway.routes.lelang_common import ACTION_ERRORS, READ_ERRORS
from gateway.schemas.lelang import LelangPublicSchema
from gateway.schemas.lelang_proses import (
    AdendumCreateSchema,
    JawabanCreateSchema,
    KualifikasiCreateSchema,
    KualifikasiEvaluationSchema,
    PertanyaanCreateSchema,
    PertanyaanPublicSchema,
    PesertaPublicSchema,
)
from gateway.uploads import SHA256_RE, send_dokumen
from services.common.contracts.lelang import (
    ANSWER_PERTANYAAN,
    ASK_PERTANYAAN,
    AUTHORIZE_DOKUMEN,
    EVALUATE_KUALIFIKASI,
    ISSUE_ADENDUM,
    LIST_PERTANYAAN,
    LIST_PESERTA,
    REGISTER_PESERTA,
    SUBMIT_KUALIFIKASI,
)
from services.common.errors import NotFound

blp = ApiBlueprint("peserta", __name__, url_prefix=API_PREFIX,
                   description="Peserta, documents and adendum, aanwijzing, "
                               "prakualifikasi")


def read(contract: Any, lelang_id: str) -> Any:
    return call(contract, {"actor": current_actor(), "lelang_id": lelang_id})


@blp.route("/lelang/<id:lelang_id>/peserta", methods=["POST"])
@authenticated(blp)
@blp.response(201, PesertaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def register_peserta(lelang_id: str) -> Any:
    """Register as a peserta

    A verified penyedia (not blacklisted) registers itself while registration is
    open; from then on it may download the documents, ask questions and bid.
    """
    return change(REGISTER_PESERTA, lelang_id), 201


@blp.route("/lelang/<id:lelang_id>/peserta", methods=["GET"])
@authenticated(blp)
@blp.response(200, PesertaPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_peserta(lelang_id: str) -> Any:
    """List the peserta

    The Pokja, PPK, PA/KPA and Auditors see every peserta; a penyedia only itself.
    """
    return read(LIST_PESERTA, lelang_id)


@blp.route("/lelang/<id:lelang_id>/dokumen/<sha256>", methods=["GET"])
@authenticated(blp)
@blp.response(200, {"type": "string", "format": "binary"},
              content_type="application/octet-stream",
              description="The file, with its own type (PDF, JPEG or PNG)")
@errors(blp, *READ_ERRORS)
def get_dokumen(lelang_id: str, sha256: str) -> Any:
    """Download a document of the lelang

    Allowed when lelang says this actor may see it (e.g. the procurement
    documents for registered peserta); sent as an attachment, never cached.
    """
    if not SHA256_RE.match(sha256):
        raise NotFound("DOKUMEN_NOT_FOUND", "document not found")
    request = {"actor": current_actor(), "lelang_id": lelang_id, "sha256": sha256}
    return send_dokumen(call(AUTHORIZE_DOKUMEN, request))


@blp.route("/lelang/<id:lelang_id>/adendum", methods=["POST"])
@authenticated(blp)
@blp.arguments(AdendumCreateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def issue_adendum(data: dict[str, Any], lelang_id: str) -> Any:
    """Issue an adendum

    The Pokja publishes a new version of the procurement documents (uploaded
    first with `POST /dokumen`), with what it changes; every peserta is told.
    """
    return change(ISSUE_ADENDUM, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/pertanyaan", methods=["POST"])
@authenticated(blp)
@blp.arguments(PertanyaanCreateSchema)
@blp.response(201, PertanyaanPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def ask_pertanyaan(data: dict[str, Any], lelang_id: str) -> Any:
    """Ask a question (aanwijzing)

    A peserta asks during the explanation stage; other peserta never see who
    asked.
    """
    return change(ASK_PERTANYAAN, lelang_id, data), 201


@blp.route("/lelang/<id:lelang_id>/pertanyaan/<id:pertanyaan_id>/jawaban",
           methods=["POST"])
@authenticated(blp)
@blp.arguments(JawabanCreateSchema)
@blp.response(200, PertanyaanPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def answer_pertanyaan(data: dict[str, Any], lelang_id: str,
                      pertanyaan_id: str) -> Any:
    """Answer a question

    The Pokja answers; the answer is visible to every peserta.
    """
    return change(ANSWER_PERTANYAAN, lelang_id,
                  {"pertanyaan_id": pertanyaan_id, **data})


@blp.route("/lelang/<id:lelang_id>/pertanyaan", methods=["GET"])
@authenticated(blp)
@blp.response(200, PertanyaanPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_pertanyaan(lelang_id: str) -> Any:
    """List the questions and answers

    For the peserta and the Pokja; the asker is named to the Pokja only.
    """
    return read(LIST_PERTANYAAN, lelang_id)


@blp.route("/lelang/<id:lelang_id>/kualifikasi", methods=["POST"])
@authenticated(blp)
@blp.arguments(KualifikasiCreateSchema)
@blp.response(200, PesertaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def submit_kualifikasi(data: dict[str, Any], lelang_id: str) -> Any:
    """Submit qualification documents (prakualifikasi)

    A peserta sends its qualification documents (uploaded first with
    `POST /dokumen`) before the deadline; a later submission replaces it.
    """
    return change(SUBMIT_KUALIFIKASI, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/kualifikasi/evaluasi", methods=["POST"])
@authenticated(blp)
@blp.arguments(KualifikasiEvaluationSchema)
@blp.response(200, PesertaPublicSchema(many=True))
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def evaluate_kualifikasi(data: dict[str, Any], lelang_id: str) -> Any:
    """Evaluate the qualification (prakualifikasi)

    The Pokja records per peserta whether it qualifies, with a reason; only
    qualified peserta may bid.
    """
    return change(EVALUATE_KUALIFIKASI, lelang_id, data)
