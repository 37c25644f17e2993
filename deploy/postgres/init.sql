-- Runs once, when the PostgreSQL container starts with an empty data volume
-- (mounted into /docker-entrypoint-initdb.d by docker-compose.yml). Elsewhere (Kubernetes, a
-- managed server) run it once as a superuser: psql -v ON_ERROR_STOP=1 -f deploy/postgres/init.sql
--
-- One database per service, and two login roles per service (deploy/README.md, "Database roles"):
--
--   <svc>_owner  owns the database, its public schema and every table the migrations create.
--                Used only by the migrate job (compose `migrate`, k8s Job `migrate`).
--   <svc>        the role the running service logs in as: CONNECT on its database, USAGE on
--                schema public, SELECT/INSERT/UPDATE/DELETE on tables and USAGE/SELECT on
--                sequences. It owns nothing, so it cannot ALTER, DROP, or DISABLE TRIGGER, and
--                it cannot CREATE in the schema.
--
-- The runtime grants are default privileges FOR ROLE <svc>_owner: every table or sequence that
-- <svc>_owner creates later (i.e. the migrations) gets them automatically. Exceptions for single
-- tables are applied by the migrate job after the migrations, because those tables do not exist
-- yet when this runs: registrasi's `audit_log` loses UPDATE, DELETE, TRUNCATE for `registrasi`,
-- lelang's `lelang_log` and `tanda_terima` lose them for `lelang`, and pengaduan's
-- `riwayat_pengaduan` and `penerusan` lose them for `pengaduan` (append-only tables).
--
-- A service can connect to no other service's database (ARCHITECTURE.md, "No service reads
-- another's database"). Passwords come from the environment (<SERVICE>_DB_PASSWORD for the
-- runtime role, <SERVICE>_DB_OWNER_PASSWORD for the owner, set in .env) through psql's \getenv,
-- so none is written here. psql runs this file with ON_ERROR_STOP, so a missing variable stops
-- the init (the `:'name'` of an unset variable is a syntax error).
--
-- To change a password later: ALTER ROLE <name> PASSWORD '...'; this file does not run again.

\getenv registrasi_password REGISTRASI_DB_PASSWORD
\getenv registrasi_owner_password REGISTRASI_DB_OWNER_PASSWORD
\getenv lelang_password LELANG_DB_PASSWORD
\getenv lelang_owner_password LELANG_DB_OWNER_PASSWORD
\getenv pengaduan_password PENGADUAN_DB_PASSWORD
\getenv pengaduan_owner_password PENGADUAN_DB_OWNER_PASSWORD
\getenv notifikasi_password NOTIFIKASI_DB_PASSWORD
\getenv notifikasi_owner_password NOTIFIKASI_DB_OWNER_PASSWORD
\getenv reporting_password REPORTING_DB_PASSWORD
\getenv reporting_owner_password REPORTING_DB_OWNER_PASSWORD

-- The database the script was started in, to come back to after each service.
\set init_db :DBNAME

-- registrasi -------------------------------------------------------------------------------
\connect :init_db
CREATE ROLE registrasi_owner LOGIN PASSWORD :'registrasi_owner_password';
CREATE ROLE registrasi LOGIN PASSWORD :'registrasi_password';
CREATE DATABASE registrasi OWNER registrasi_owner;
REVOKE ALL ON DATABASE registrasi FROM PUBLIC;
GRANT CONNECT ON DATABASE registrasi TO registrasi;
\connect registrasi
ALTER SCHEMA public OWNER TO registrasi_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO registrasi;
ALTER DEFAULT PRIVILEGES FOR ROLE registrasi_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO registrasi;
ALTER DEFAULT PRIVILEGES FOR ROLE registrasi_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO registrasi;

-- lelang -------------------------------------------------------------------------------
\connect :init_db
CREATE ROLE lelang_owner LOGIN PASSWORD :'lelang_owner_password';
CREATE ROLE lelang LOGIN PASSWORD :'lelang_password';
CREATE DATABASE lelang OWNER lelang_owner;
REVOKE ALL ON DATABASE lelang FROM PUBLIC;
GRANT CONNECT ON DATABASE lelang TO lelang;
\connect lelang
ALTER SCHEMA public OWNER TO lelang_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO lelang;
ALTER DEFAULT PRIVILEGES FOR ROLE lelang_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lelang;
ALTER DEFAULT PRIVILEGES FOR ROLE lelang_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO lelang;

-- pengaduan -------------------------------------------------------------------------------
\connect :init_db
CREATE ROLE pengaduan_owner LOGIN PASSWORD :'pengaduan_owner_password';
CREATE ROLE pengaduan LOGIN PASSWORD :'pengaduan_password';
CREATE DATABASE pengaduan OWNER pengaduan_owner;
REVOKE ALL ON DATABASE pengaduan FROM PUBLIC;
GRANT CONNECT ON DATABASE pengaduan TO pengaduan;
\connect pengaduan
ALTER SCHEMA public OWNER TO pengaduan_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pengaduan;
ALTER DEFAULT PRIVILEGES FOR ROLE pengaduan_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pengaduan;
ALTER DEFAULT PRIVILEGES FOR ROLE pengaduan_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO pengaduan;

-- notifikasi -------------------------------------------------------------------------------
\connect :init_db
CREATE ROLE notifikasi_owner LOGIN PASSWORD :'notifikasi_owner_password';
CREATE ROLE notifikasi LOGIN PASSWORD :'notifikasi_password';
CREATE DATABASE notifikasi OWNER notifikasi_owner;
REVOKE ALL ON DATABASE notifikasi FROM PUBLIC;
GRANT CONNECT ON DATABASE notifikasi TO notifikasi;
\connect notifikasi
ALTER SCHEMA public OWNER TO notifikasi_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO notifikasi;
ALTER DEFAULT PRIVILEGES FOR ROLE notifikasi_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO notifikasi;
ALTER DEFAULT PRIVILEGES FOR ROLE notifikasi_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO notifikasi;

-- reporting -------------------------------------------------------------------------------
\connect :init_db
CREATE ROLE reporting_owner LOGIN PASSWORD :'reporting_owner_password';
CREATE ROLE reporting LOGIN PASSWORD :'reporting_password';
CREATE DATABASE reporting OWNER reporting_owner;
REVOKE ALL ON DATABASE reporting FROM PUBLIC;
GRANT CONNECT ON DATABASE reporting TO reporting;
\connect reporting
ALTER SCHEMA public OWNER TO reporting_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO reporting;
ALTER DEFAULT PRIVILEGES FOR ROLE reporting_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO reporting;
ALTER DEFAULT PRIVILEGES FOR ROLE reporting_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO reporting;

\connect :init_db
