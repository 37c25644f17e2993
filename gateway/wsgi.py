"""WSGI entry point: ``gunicorn -c gateway/gunicorn.conf.py gateway.wsgi:app``.

Imported in each worker after the fork (``preload_app`` stays off), so the app, its
settings check and its lazily-connecting RPC pool belong to the worker process.
"""

from __future__ import annotations

from gateway.app import create_app
from services.common.config import load_settings
from services.common.logging import setup_logging

settings = load_settings(require=("JWT_SECRET",), service="gateway")
setup_logging(settings.log_level, settings.log_format, service="gateway")
app = create_app(settings)
