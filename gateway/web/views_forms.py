"""The website's forms: penyedia registration and its status, complaints and their
tracking. Each POST is rate-limited per client address and CSRF-checked before
anything else, and every refusal re-shows the form with the messages next to the
fields and the input kept (passwords and the tracking secret excepted: they are
never written back into a page)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.auth import client_ip
from gateway.context import ctx
from gateway.errors import MESSAGES, message_for, status_for
from gateway.routes._common import call
from gateway.web import data, forms, labels
from gateway.web.blueprint import bp, form_response, render_page
from gateway.web.csrf import CsrfError
from gateway.web.forms import Form
from gateway.web.state import web_state
from services.common.contracts.pengaduan import (
    FILE_PENGADUAN,
    MAX_DOKUMEN,
    TRACK_PENGADUAN,
    JenisPengaduan,
)
from services.common.contracts.registrasi import (
    LOGIN,
    LOGOUT,
    REGISTER_PENYEDIA,
    BentukUsaha,
    JenisDokumen,
)
from services.common.errors import EprocError, Forbidden, NotFound

log = logging.getLogger(__name__)

CSRF_MESSAGE = ("Formulir ini sudah kedaluwarsa atau tidak dikirim dari situs ini. "
                "Periksa isian Anda lalu kirim sekali lagi.")
TOO_LARGE = MESSAGES["REQUEST_TOO_LARGE"] + " Pilih berkas yang lebih kecil."
SECRET_FIELDS = ("password", "ulangi_password", "rahasia")


def show(template: str, form: Form, status: int = 200, **context: Any) -> Any:
    """Render a form page (never cached); secrets are not written back."""
    for name in SECRET_FIELDS:
        form.values.pop(name, None)
    page = render_page(template, status=status, form=form,
                       csrf_token=web_state().csrf.token(),
                       upload_max=ctx().settings.upload_max_bytes, **context)
    return form_response(page)


def guarded(fields: tuple[str, ...], template: str,
            context: Callable[[], dict[str, Any]] = dict
            ) -> tuple[Form | None, Any]:
    """Read a submission; (form, None) when it may go on, else (None, response)."""
    state = web_state()
    try:
        form = forms.read_form(fields)
    except RequestEntityTooLarge:
        form = Form()
        form.general.append(TOO_LARGE)
        return None, show(template, form, 413, **context())
    wait = state.limiter.take(f"form:{client_ip()}")
    if wait:
        form.general.append(MESSAGES["RATE_LIMITED"])
        response = show(template, form, 429, **context())
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return None, response
    try:
        state.csrf.check()
    except CsrfError:
        form.general.append(CSRF_MESSAGE)
        return None, show(template, form, 400, **context())
    return form, None


def refused_status(form: Form, exc: EprocError | None = None) -> int:
    if exc is not None:
        status = status_for(exc)
        return status if status < 500 else 503
    return 422


# ------------------------------------------------------------------ penyedia
PENYEDIA_TEMPLATE = "web/penyedia_daftar.html"


def _penyedia_context() -> dict[str, Any]:
    return {"bentuk_usaha": labels.BENTUK_USAHA,
            "jenis_dokumen": labels.JENIS_DOKUMEN}


@bp.route("/penyedia/daftar", methods=["GET"])
def daftar_penyedia() -> Any:
    return show(PENYEDIA_TEMPLATE, Form(), kept="", **_penyedia_context())


@bp.route("/penyedia/daftar", methods=["POST"])
def kirim_pendaftaran() -> Any:
    form, refused = guarded(forms.PENYEDIA_FIELDS, PENYEDIA_TEMPLATE,
                            lambda: {"kept": "", **_penyedia_context()})
    if form is None:
        return refused
    fields = forms.check_penyedia(form, labels.BENTUK_USAHA)
    forms.load_kept(form, "penyedia")
    for jenis in labels.JENIS_DOKUMEN:
        forms.store_files(form, f"dokumen_{jenis}", stem=jenis,
                          extra={"jenis": jenis})
    if not form.kept and not any(k.startswith("dokumen_") for k in form.errors):
        form.add("dokumen", MESSAGES["DOKUMEN_REQUIRED"])
    exc = None
    if form.ok:
        g.idempotency_key = form.key  # a double click is answered once
        try:
            call(REGISTER_PENYEDIA, {
                "actor": data.anonymous(), **fields,
                "bentuk_usaha": BentukUsaha(fields["bentuk_usaha"]),
                "dokumen": [{**ref, "jenis": JenisDokumen(ref["jenis"])}
                            for ref in form.kept]})
            return redirect(url_for("web.pendaftaran_terkirim"), 303)
        except EprocError as error:
            exc = error
            forms.apply_service_error(form, error, (*forms.PENYEDIA_FIELDS,
                                                    "dokumen"))
    return show(PENYEDIA_TEMPLATE, form, refused_status(form, exc),
                kept=forms.kept_token(form, "penyedia"), **_penyedia_context())


@bp.route("/penyedia/daftar/terkirim", methods=["GET"])
def pendaftaran_terkirim() -> Any:
    return form_response(render_page("web/penyedia_terkirim.html"))


STATUS_TEMPLATE = "web/penyedia_status.html"


@bp.route("/penyedia/status", methods=["GET"])
def status_penyedia() -> Any:
    return show(STATUS_TEMPLATE, Form(), hasil=None)


@bp.route("/penyedia/status", methods=["POST"])
def cek_status_penyedia() -> Any:
    """Who knows the login sees where the registration stands: a login attempt
    tells it (registrasi answers ``PENYEDIA_NOT_ACTIVE`` with the status); a
    session that opens is closed again at once."""
    form, refused = guarded(("username", "password"), STATUS_TEMPLATE,
                            lambda: {"hasil": None})
    if form is None:
        return refused
    credentials = forms.check_login(form)
    if not form.ok:
        return show(STATUS_TEMPLATE, form, 422, hasil=None)
    try:
        session = call(LOGIN, {**credentials, "ip": client_ip()})
    except Forbidden as exc:
        status = (exc.details or {}).get("status")
        if exc.code == "PENYEDIA_NOT_ACTIVE" and status:
            return show(STATUS_TEMPLATE, form, hasil=status,
                        alasan=(exc.details or {}).get("alasan"))
        form.general.append(message_for(exc))
        return show(STATUS_TEMPLATE, form, 403, hasil=None)
    except EprocError as exc:
        forms.apply_service_error(form, exc, ("username", "password"))
        return show(STATUS_TEMPLATE, form, refused_status(form, exc), hasil=None)
    actor = session["actor"]
    try:
        call(LOGOUT, {"actor": actor})
    except EprocError:  # the session then simply expires
        log.warning("could not close a status-check session",
                    extra={"message_id": "web_status_logout_failed"})
    hasil = "terverifikasi" if actor.penyedia_id else "bukan_penyedia"
    return show(STATUS_TEMPLATE, form, hasil=hasil)


# ------------------------------------------------------------------ pengaduan
PENGADUAN_TEMPLATE = "web/pengaduan.html"


def _pengaduan_context(kept: str = "") -> dict[str, Any]:
    return {"jenis_pengaduan": labels.JENIS_PENGADUAN, "max_bukti": MAX_DOKUMEN,
            "kept": kept}


@bp.route("/pengaduan", methods=["GET"])
def pengaduan() -> Any:
    form = Form()
    lelang_id = request.args.get("lelang_id", "")
    if forms.ID_RE.match(lelang_id):
        form.values.update(jenis="lelang", lelang_id=lelang_id)
    return show(PENGADUAN_TEMPLATE, form, **_pengaduan_context())


@bp.route("/pengaduan", methods=["POST"])
def kirim_pengaduan() -> Any:
    form, refused = guarded(forms.PENGADUAN_FIELDS, PENGADUAN_TEMPLATE,
                            _pengaduan_context)
    if form is None:
        return refused
    fields = forms.check_pengaduan(form, labels.JENIS_PENGADUAN)
    forms.load_kept(form, "pengaduan")
    forms.store_files(form, "bukti", stem="bukti")
    if len(form.kept) > MAX_DOKUMEN:
        form.add("bukti", f"Paling banyak {MAX_DOKUMEN} berkas bukti.")
    exc = None
    if form.ok:
        try:  # a fresh idempotency key: the secret is shown only on a first answer
            receipt = call(FILE_PENGADUAN, {
                "actor": data.anonymous(), **fields,
                "jenis": JenisPengaduan(fields["jenis"]), "dokumen": form.kept})
            return form_response(render_page("web/pengaduan_terkirim.html",
                                             receipt=receipt))
        except EprocError as error:
            exc = error
            forms.apply_service_error(form, error, (*forms.PENGADUAN_FIELDS,
                                                    "bukti"))
    return show(PENGADUAN_TEMPLATE, form, refused_status(form, exc),
                **_pengaduan_context(forms.kept_token(form, "pengaduan")))


LACAK_TEMPLATE = "web/pengaduan_lacak.html"


@bp.route("/pengaduan/lacak", methods=["GET"])
def lacak_pengaduan() -> Any:
    return show(LACAK_TEMPLATE, Form(), hasil=None)


@bp.route("/pengaduan/lacak", methods=["POST"])
def kirim_pelacakan() -> Any:
    """The code and secret travel in a POST body, never in a URL or an access log."""
    form, refused = guarded(("kode_pelacakan", "rahasia"), LACAK_TEMPLATE,
                            lambda: {"hasil": None})
    if form is None:
        return refused
    fields = forms.check_pelacakan(form)
    if not form.ok:
        return show(LACAK_TEMPLATE, form, 422, hasil=None)
    try:
        hasil = call(TRACK_PENGADUAN, {"actor": data.anonymous(), **fields})
    except NotFound as exc:
        form.add("kode_pelacakan", message_for(exc))
        return show(LACAK_TEMPLATE, form, 404, hasil=None)
    except EprocError as exc:
        forms.apply_service_error(form, exc, ("kode_pelacakan", "rahasia"))
        return show(LACAK_TEMPLATE, form, refused_status(form, exc), hasil=None)
    return show(LACAK_TEMPLATE, form, hasil=hasil)
