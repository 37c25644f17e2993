"""Alembic environment of reporting (URL from ``services.common.migrations``)."""

from alembic import context

import services.reporting.storage.read_models  # noqa: F401  (registers the tables)
from services.common.migrations import run_env
from services.reporting.storage.models import Base

run_env(context, Base.metadata)
