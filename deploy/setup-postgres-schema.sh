#!/bin/sh
# One-shot schema set-up for docker-compose (temporalio/admin-tools image), the same steps as
# `npm run cluster -- up` (scripts/temporal-cluster/cluster.ts): for each of temporal and
# temporal_visibility, create-database, setup-schema -v 0.0 on a database it just created, then
# update-schema to the image's versioned schema (a no-op when current, an upgrade after a new
# server version). Safe to run again. The databases may exist already, empty (the postgresql
# service's deploy/postgres-init creates them to close them to other roles): create-database
# accepts an existing one and setup-schema -v 0.0 never lowers a version already there.
#
# Environment: POSTGRES_SEEDS (host), DB_PORT, POSTGRES_USER, POSTGRES_PWD.
set -eu

host="${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
port="${DB_PORT:-5432}"
user="${POSTGRES_USER:?POSTGRES_USER is required}"
export SQL_PASSWORD="${POSTGRES_PWD:?POSTGRES_PWD is required}"
# The image's schemas for its server version (TEMPORAL_SCHEMA_ROOT: elsewhere, e.g. a test's copy).
schema_root="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

for db in temporal temporal_visibility; do
  tool() { temporal-sql-tool --plugin postgres12 --ep "$host" -p "$port" -u "$user" --db "$db" "$@"; }
  if tool create-database; then
    echo "created database ${db}"
    tool setup-schema -v 0.0
  else
    echo "database ${db} exists"
  fi
  case "$db" in
    temporal) dir="${schema_root}/temporal/versioned" ;;
    *) dir="${schema_root}/visibility/versioned" ;;
  esac
  tool update-schema -d "$dir"
done
echo "schemas ready"
