"""Alembic per service: ``services/<name>/migrations`` holds ``env.py`` + ``versions/``.

The database URL is built in one place (``Settings.database_url_for``); alembic's
``env.py`` calls :func:`run_env` with the service's metadata. ``upgrade``/``downgrade``
are used by ``lpse migrate`` and by the migration tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

SERVICES_DIR = Path(__file__).resolve().parent.parent


def alembic_config(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["lpse_url"] = url
    return cfg


def upgrade(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def downgrade(service: str, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, url), revision)


def check(service: str, url: str) -> None:
    """Raise if autogenerate would produce operations (models and migrations differ)."""
    command.check(alembic_config(service, url))


def run_env(context: Any, metadata: Any) -> None:
    """Body of every service's ``migrations/env.py``."""
    from sqlalchemy import pool

    from services.common.db import create_db_engine

    url = context.config.attributes.get("lpse_url") or context.config.get_main_option(
        "sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(url, poolclass=pool.NullPool) if url.startswith(
        "sqlite") else create_db_engine(url, poolclass=pool.NullPool, pool_size=None,
                                        max_overflow=None)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=url.startswith("sqlite"), compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
