-- One-off, for a database created by the old init.sql, where the service's role <svc> owned its
-- database and tables: creates <svc>_owner, hands it everything <svc> owned, and leaves <svc> as
-- the runtime role with the same grants as a fresh init.sql (deploy/README.md, "Database roles").
-- Run once per service as a superuser, with the services and `migrate` stopped:
--
--   SVC_DB_OWNER_PASSWORD=... psql -v ON_ERROR_STOP=1 -v svc=registrasi -d registrasi \
--       -f deploy/postgres/split-owner.sql
--   (compose: see deploy/README.md, "Database roles")
--
-- then put <SVC>_DB_OWNER_PASSWORD in .env (or the owner URL in the Secret) and run `migrate`
-- again: it applies the append-only revokes (registrasi: audit_log; lelang: lelang_log,
-- tanda_terima; pengaduan: riwayat_pengaduan, penerusan). A missing svc or password stops the
-- script.

\getenv owner_password SVC_DB_OWNER_PASSWORD
\set owner :svc '_owner'

BEGIN;
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
ALTER DATABASE :"svc" OWNER TO :"owner";
-- Tables, sequences, functions and triggers' functions of this database, and the schema if <svc>
-- owned it.
REASSIGN OWNED BY :"svc" TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"svc" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"svc" TO :"svc";
GRANT USAGE ON SCHEMA public TO :"svc";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"svc";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"svc";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"svc";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"svc";
COMMIT;
