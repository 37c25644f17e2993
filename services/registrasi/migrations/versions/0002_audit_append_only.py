"""audit trail append-only: triggers refuse UPDATE, DELETE and TRUNCATE on audit_log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

PostgreSQL only. One trigger function raises for whatever fires it; it is attached as
a BEFORE UPDATE OR DELETE row trigger (the message names the ``seq``) and as a BEFORE
TRUNCATE statement trigger (TRUNCATE fires no row triggers). INSERT is untouched, so
``AuditRepository.append`` works as before. The function body has no ``%`` (the
message is concatenated) so that ``alembic upgrade --sql``, which doubles ``%`` for
psycopg2, renders it unchanged.

This stops the application role, an injected statement or a slip in ``psql`` from
changing history; it does not stop the table's owner or a superuser, who can
``ALTER TABLE audit_log DISABLE TRIGGER USER`` (or drop the triggers) - what they change
is still caught by ``lpse verify-audit`` (hash chain, and checkpoints for a removed
tail). Keep the service on a role that does not own the table to close that too.

SQLite: nothing. It is the single-process development and unit-test store, where the
process that could run the UPDATE is the same one that owns the file; a trigger there
would protect nothing, and the tests would have to work around it.

Triggers are not part of the models' metadata, so ``alembic check`` does not see them
(and stays clean); the migration test checks them in ``pg_trigger``.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FUNCTION = "audit_log_refuse_change"
ROW_TRIGGER = "audit_log_append_only"
TRUNCATE_TRIGGER = "audit_log_no_truncate"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        return
    op.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            what text := TG_OP;
        BEGIN
            IF TG_LEVEL = 'ROW' THEN
                what := what || ' of seq ' || OLD.seq;
            END IF;
            RAISE EXCEPTION USING
                MESSAGE = 'audit_log is append-only: ' || what || ' refused',
                HINT = 'the audit trail is hash-chained; rows are never changed '
                       'or removed';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON audit_log "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )
    op.execute(
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON audit_log "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def downgrade() -> None:
    if not _postgres():
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON audit_log")
    op.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON audit_log")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
