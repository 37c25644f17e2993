"""Alembic environment of notifikasi (URL from ``services.common.migrations``)."""

from alembic import context

from services.common.migrations import run_env
from services.notifikasi.storage.models import Base

run_env(context, Base.metadata)
