-- Runs once, when the PostgreSQL container starts with an empty data volume
-- (mounted into /docker-entrypoint-initdb.d by docker-compose.yml).
--
-- One login role and one database per service: a service owns its database and can connect to no
-- other (ARCHITECTURE.md, "No service reads another's database"). Passwords come from the
-- container's environment (<SERVICE>_DB_PASSWORD, set in .env) through psql's \getenv, so none is
-- written here. psql runs this file with ON_ERROR_STOP, so a missing variable stops the init.
--
-- To change a password later: ALTER ROLE <name> PASSWORD '...'; this file does not run again.

\getenv registrasi_password REGISTRASI_DB_PASSWORD
\getenv lelang_password LELANG_DB_PASSWORD
\getenv pengaduan_password PENGADUAN_DB_PASSWORD
\getenv notifikasi_password NOTIFIKASI_DB_PASSWORD
\getenv reporting_password REPORTING_DB_PASSWORD

CREATE ROLE registrasi LOGIN PASSWORD :'registrasi_password';
CREATE DATABASE registrasi OWNER registrasi;
REVOKE ALL ON DATABASE registrasi FROM PUBLIC;

CREATE ROLE lelang LOGIN PASSWORD :'lelang_password';
CREATE DATABASE lelang OWNER lelang;
REVOKE ALL ON DATABASE lelang FROM PUBLIC;

CREATE ROLE pengaduan LOGIN PASSWORD :'pengaduan_password';
CREATE DATABASE pengaduan OWNER pengaduan;
REVOKE ALL ON DATABASE pengaduan FROM PUBLIC;

CREATE ROLE notifikasi LOGIN PASSWORD :'notifikasi_password';
CREATE DATABASE notifikasi OWNER notifikasi;
REVOKE ALL ON DATABASE notifikasi FROM PUBLIC;

CREATE ROLE reporting LOGIN PASSWORD :'reporting_password';
CREATE DATABASE reporting OWNER reporting;
REVOKE ALL ON DATABASE reporting FROM PUBLIC;
