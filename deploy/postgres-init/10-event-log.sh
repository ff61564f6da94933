#!/bin/sh
# The event log's own least-privilege role and database on the PostgreSQL server that also holds
# Temporal's (docker-compose.yml). The postgres image runs it once, when it initializes its volume,
# as POSTGRES_USER (Temporal's superuser). Safe to run again, and to run on a volume initialized
# before this script existed (the database and its tables become the role's):
#   docker compose exec postgresql /docker-entrypoint-initdb.d/10-event-log.sh
#
#   eventlog         LOGIN only: no superuser, CREATEDB, CREATEROLE, replication or RLS bypass;
#                    password EVENT_LOG_DB_PASSWORD (the worker's and gateway's DATABASE_URL).
#   billsby_events   owned by eventlog (its tables are created by the product at start-up).
#   temporal, temporal_visibility, postgres, template1
#                    CONNECT and TEMPORARY revoked from PUBLIC: only their owner (Temporal's
#                    superuser) connects; eventlog cannot open them. Temporal's two databases are
#                    created here, empty, so that holds from the start; temporal-schema creates
#                    their tables (its create-database accepts an existing database).
#
# Environment: EVENT_LOG_DB_PASSWORD, POSTGRES_USER; PGHOST/PGPORT as psql reads them.
set -eu

password="${EVENT_LOG_DB_PASSWORD:-}"
# It goes into a URL (postgres://eventlog:<password>@…): URL-safe characters only.
if ! printf '%s' "$password" | grep -Eq '^[A-Za-z0-9._~-]{24,}$'; then
  echo "10-event-log.sh: EVENT_LOG_DB_PASSWORD must be at least 24 of A-Z a-z 0-9 . _ ~ - (openssl rand -hex 32)" >&2
  exit 1
fi

# psql reads the password from the environment (\getenv), never from its command line.
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:?}" --dbname postgres <<'SQL'
\getenv eventlog_password EVENT_LOG_DB_PASSWORD
SELECT 'CREATE ROLE eventlog' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventlog') \gexec
ALTER ROLE eventlog WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'eventlog_password';

SELECT 'CREATE DATABASE temporal' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'temporal') \gexec
SELECT 'CREATE DATABASE temporal_visibility'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'temporal_visibility') \gexec
SELECT 'CREATE DATABASE billsby_events OWNER eventlog'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'billsby_events') \gexec
ALTER DATABASE billsby_events OWNER TO eventlog;

REVOKE CONNECT, TEMPORARY ON DATABASE temporal FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE temporal_visibility FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE billsby_events FROM PUBLIC;

-- A volume initialized before this script: the tables an earlier start created as the superuser.
\connect billsby_events
SELECT format('ALTER TABLE public.%I OWNER TO eventlog', tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'eventlog' \gexec
SQL
echo "10-event-log.sh: role eventlog owns billsby_events; Temporal's databases are closed to it"
