"""The lelang itself (DOMAIN §6): public listing and detail, creation by the Pokja,
the schedule (jadwal), the announcement, a failed lelang and its re-tender.

Public routes take an optional login: without a token they answer what the public
may see; with a valid one, what that actor may see (and ``tindakan``).
"""

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
    without_none,
)
from gateway.routes.lelang_common import (
    ACTION_ERRORS,
    READ_ERRORS,
    optional_login,
    public_actor,
)
from gateway.schemas.lelang import (
    JadwalChangeSchema,
    JadwalUpdateSchema,
    LelangCreateSchema,
    LelangListQuerySchema,
    LelangPagePublicSchema,
    LelangPublicSchema,
    LelangReasonSchema,
    LelangRetenderSchema,
    LogEntryPublicSchema,
)
from services.common.contracts.lelang import (
    ANNOUNCE_LELANG,
    CANCEL_LELANG,
    CHANGE_JADWAL,
    CREATE_LELANG,
    FAIL_LELANG,
    GET_LELANG,
    LIST_LELANG,
    LIST_LELANG_LOG,
    RETENDER_LELANG,
    SET_JADWAL,
    STOP_LELANG,
)

blp = ApiBlueprint("lelang", __name__, url_prefix=API_PREFIX,
                   description="Lelang: listing, creation, schedule, announcement")


def change(contract: Any, lelang_id: str, data: dict[str, Any] | None = None) -> Any:
    """Call a state-changing lelang contract as the signed-in actor."""
    return call(contract, {"actor": current_actor(), "lelang_id": lelang_id,
                           **(data or {})})


@blp.route("/lelang", methods=["GET"])
@optional_login(blp)
@blp.arguments(LelangListQuerySchema, location="query")
@blp.response(200, LelangPagePublicSchema)
@errors(blp, 503)
def list_lelang(query: dict[str, Any]) -> Any:
    """List lelang (public)

    Announced lelang. Filter by `agency_id`, `metode`, `kategori`, `status`,
    `tahapan`, `tahun_anggaran` and a search text `q`; paged. `mine=true` needs a
    login and lists only the lelang where the actor is Pokja, PPK or peserta,
    drafts included.
    """
    actor = public_actor(login_required=bool(query.get("mine")))
    return call(LIST_LELANG, {"actor": actor, **without_none(query)})


@blp.route("/lelang", methods=["POST"])
@authenticated(blp)
@blp.arguments(LelangCreateSchema)
@blp.response(201, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def create_lelang(data: dict[str, Any]) -> Any:
    """Create a lelang (draft)

    A Pokja member of the paket creates its lelang with the method, the evaluation
    method, the documents and optionally the schedule. The sealing keys are made
    now; the lelang stays a draft until announced.
    """
    return call(CREATE_LELANG, {"actor": current_actor(), **data}), 201


@blp.route("/lelang/<id:lelang_id>", methods=["GET"])
@optional_login(blp)
@blp.response(200, LelangPublicSchema)
@errors(blp, *READ_ERRORS)
def get_lelang(lelang_id: str) -> Any:
    """Get a lelang (public)

    Everything public: schedule, stages, documents, the public keys to seal bids
    with (`kunci_publik`), and from the announcement of the winner the results.
    Its parties also get `ppk_id`, `pokja_ids` and `tindakan`.
    """
    return call(GET_LELANG, {"actor": public_actor(), "lelang_id": lelang_id})


@blp.route("/lelang/<id:lelang_id>/jadwal", methods=["PUT"])
@authenticated(blp)
@blp.arguments(JadwalUpdateSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def set_jadwal(data: dict[str, Any], lelang_id: str) -> Any:
    """Set the schedule of a draft

    The Pokja sets every stage of the method (start and end, with offsets). The
    schedule is checked against the rules in force (`JADWAL_INVALID` lists the
    problems per stage).
    """
    return change(SET_JADWAL, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/umumkan", methods=["POST"])
@authenticated(blp)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def announce_lelang(lelang_id: str) -> Any:
    """Announce a lelang

    The Pokja publishes the draft (pengumuman): it becomes public with its
    schedule and its public keys, and penyedia may register.
    """
    return change(ANNOUNCE_LELANG, lelang_id)


@blp.route("/lelang/<id:lelang_id>/perubahan-jadwal", methods=["POST"])
@authenticated(blp)
@blp.arguments(JadwalChangeSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def change_jadwal(data: dict[str, Any], lelang_id: str) -> Any:
    """Change the schedule of an announced lelang

    The Pokja moves stages that have not started (or extends the running one),
    with a reason that every peserta is told.
    """
    return change(CHANGE_JADWAL, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/gagal", methods=["POST"])
@authenticated(blp)
@blp.arguments(LelangReasonSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def fail_lelang(data: dict[str, Any], lelang_id: str) -> Any:
    """Declare the lelang failed

    The Pokja (or PA/KPA) declares the pelelangan gagal, with a public reason.
    """
    return change(FAIL_LELANG, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/penghentian", methods=["POST"])
@authenticated(blp)
@blp.arguments(LelangReasonSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def stop_lelang(data: dict[str, Any], lelang_id: str) -> Any:
    """Stop a failed lelang (penghentian)

    After a pelelangan gagal, the Pokja (or PA/KPA) ends the procurement instead
    of a re-tender, with a public reason; its peserta are told. Refused while a
    re-tender of it exists (`RETENDER_EXISTS`) or when it has not failed
    (`LELANG_NOT_FAILED`).
    """
    return change(STOP_LELANG, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/batal", methods=["POST"])
@authenticated(blp)
@blp.arguments(LelangReasonSchema)
@blp.response(200, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def cancel_lelang(data: dict[str, Any], lelang_id: str) -> Any:
    """Withdraw a draft lelang

    Its Pokja withdraws a draft before the announcement (status `dibatalkan`); it
    was never public, and the paket may get a new lelang. Refused once announced
    (`LELANG_NOT_DRAFT`).
    """
    return change(CANCEL_LELANG, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/ulang", methods=["POST"])
@authenticated(blp)
@blp.arguments(LelangRetenderSchema)
@blp.response(201, LelangPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def retender_lelang(data: dict[str, Any], lelang_id: str) -> Any:
    """Re-tender a failed lelang

    The Pokja creates a new draft lelang of the same paket (`retender_dari`
    points back), optionally with its schedule.
    """
    return change(RETENDER_LELANG, lelang_id, data), 201


@blp.route("/lelang/<id:lelang_id>/log", methods=["GET"])
@authenticated(blp)
@blp.response(200, LogEntryPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_lelang_log(lelang_id: str) -> Any:
    """The lelang's audit trail

    Every step taken on the lelang, by whom and when, the openings included (with
    the key id and the hashes of the bids opened). For Auditors, and for the
    lelang's own Pokja and PPK.
    """
    return call(LIST_LELANG_LOG, {"actor": current_actor(), "lelang_id": lelang_id})
