#!/usr/bin/env bash
# PostgreSQL's server binaries, for the event-log tests: they start a throwaway cluster of their own
# (test/harness/postgres.ts) and never use the cluster the Debian package may create and start.
# Idempotent: does nothing when a server binary is already installed.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-postgres.sh: PostgreSQL is not installed; run this script as root (it uses apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# Debian 12 gives PostgreSQL 15.
apt-get install -y --no-install-recommends postgresql
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || {
  echo "install-postgres.sh: installed, but no /usr/lib/postgresql/*/bin/postgres was found" >&2
  exit 1
}
