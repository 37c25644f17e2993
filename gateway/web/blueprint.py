"""The website's blueprint and what its views share: rendering, the page cache,
and the error pages.

Public pages go through :func:`cached`: the rendered page is kept for
``WEB_CACHE_SECONDS`` (see ``gateway.web.cache``) and sent with ``ETag`` and
``Cache-Control: public, max-age``; ``If-None-Match`` answers 304. Form pages are
never cached (``no-store``): they carry a CSRF token, and their answers may carry a
secret.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import HTTPException

from gateway.errors import message_for, status_for
from gateway.web.cache import Page, page_response
from gateway.web.csrf import FIELD as CSRF_FIELD
from gateway.web.state import web_state
from services.common.errors import EprocError

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/aset")

NO_STORE = "no-store"
#: statuses a service error may keep on a public page; anything else is a 503
CLIENT_STATUSES = (400, 403, 404, 409, 422, 429)
UNAVAILABLE_TITLE = "Layanan sedang tidak tersedia"


def render_page(template: str, status: int = 200, **context: Any) -> Page:
    body = render_template(template, **context).encode("utf-8")
    return Page(body, status=status)


def cache_key(params: Mapping[str, Any] | None = None) -> str:
    """The page's key: its endpoint and its *validated* parameters."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items()
                             if v not in (None, "")))
    return f"{request.endpoint}:{request.view_args or {}}?{query}"


def cached(key: str, render: Callable[[], Page]) -> Response:
    """Serve a public page from the cache (rendering it when due)."""
    state = web_state()
    page = state.cache.get(key, render, cacheable=lambda p: p.status in (200, 404))
    return page_response(page, max_age=state.options.cache_seconds)


def fresh_response(page: Page) -> Response:
    """A page that must not be cached anywhere (forms, answers with secrets)."""
    response = Response(page.body, status=page.status, content_type=page.content_type)
    response.headers["Cache-Control"] = NO_STORE
    return response


def error_page(status: int, judul: str, pesan: str, *,
               retry_after: int | None = None) -> Response:
    page = render_page("web/galat.html", status=status, judul=judul, pesan=pesan,
                       kode=status)
    response = fresh_response(page)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def service_error_page(exc: EprocError) -> Response:
    """A refused or failed RPC as a page: a 4xx keeps its status and message; a
    service that is down (or broken) is a friendly 503, never a 500."""
    status = status_for(exc)
    if status in CLIENT_STATUSES:
        judul = "Halaman tidak ditemukan" if status == 404 else "Permintaan ditolak"
        return error_page(status, judul, message_for(exc))
    log.warning("web page: service unavailable", extra={
        "message_id": "web_service_unavailable", "code": exc.code,
        "path": request.path})
    return error_page(503, UNAVAILABLE_TITLE, (
        "Maaf, layanan sedang tidak dapat dihubungi. Silakan muat ulang halaman "
        "ini beberapa saat lagi."), retry_after=5)


@bp.errorhandler(EprocError)
def _eproc_error(exc: EprocError) -> Response:
    return service_error_page(exc)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 413:
        return error_page(413, "Berkas terlalu besar", (
            "Ukuran kiriman melebihi batas yang diizinkan. Kembali ke formulir dan "
            "pilih berkas yang lebih kecil."))
    if status == 404:
        return not_found_page()
    if status >= 500:
        return _unexpected(exc)
    return error_page(status, "Permintaan tidak dapat diproses",
                      "Permintaan tidak dapat diproses. Periksa alamat halaman.")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    log.error("web page failed", exc_info=exc, extra={
        "message_id": "web_internal_error", "path": request.path})
    return error_page(503, UNAVAILABLE_TITLE, (
        "Maaf, terjadi gangguan saat menyiapkan halaman ini. Silakan coba lagi "
        "beberapa saat lagi atau hubungi helpdesk LPSE."), retry_after=5)


def not_found_page() -> Response:
    return error_page(404, "Halaman tidak ditemukan", (
        "Halaman yang Anda cari tidak ada. Periksa alamatnya, atau mulai dari "
        "beranda."))


def form_response(page: Page) -> Response:
    """Form pages: never cached, and never framed (clickjacking)."""
    return fresh_response(page)


__all__ = ["CSRF_FIELD", "bp", "cache_key", "cached", "error_page", "form_response",
           "not_found_page", "render_page", "service_error_page"]
