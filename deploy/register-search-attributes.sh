#!/bin/sh
# One-shot set-up for docker-compose: waits for the Temporal frontend, creates the namespace when
# missing (retention NAMESPACE_RETENTION, default 72h, as `npm run cluster -- up`), then
# registers each search attribute named on the command line, NAME or NAME=TYPE (TYPE defaults to
# Keyword; the product's PRODUCT_SEARCH_ATTRIBUTES, temporal/search-attributes.ts). Safe to run again: existing
# attributes are left alone. Exits non-zero if an attribute is still missing, so services that
# depend on this one (condition: service_completed_successfully) do not start half-configured.
#
# Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE, NAMESPACE_RETENTION, WAIT_SECONDS (default 300).
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
wait_seconds="${WAIT_SECONDS:-300}"
retention="${NAMESPACE_RETENTION:-72h}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 NAME[=TYPE] [NAME[=TYPE]...]" >&2
  exit 2
fi

deadline=$(( $(date +%s) + wait_seconds ))
echo "waiting for Temporal at ${address}…"
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Temporal at ${address} not ready after ${wait_seconds} s" >&2
    exit 1
  fi
  sleep 2
done
until temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; do
  echo "creating namespace ${namespace} (retention ${retention})"
  temporal operator namespace create --address "$address" --namespace "$namespace" --retention "$retention" || true
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "namespace ${namespace} not ready after ${wait_seconds} s" >&2
    exit 1
  fi
  sleep 2
done

existing() {
  temporal operator search-attribute list --address "$address" --namespace "$namespace" 2>/dev/null
}

for spec in "$@"; do
  name="${spec%%=*}"
  type="Keyword"
  [ "$spec" = "$name" ] || type="${spec#*=}"
  if existing | grep -Eq "(^|[[:space:]])${name}([[:space:]]|$)"; then
    echo "search attribute ${name} already registered"
    continue
  fi
  echo "registering search attribute ${name} (${type})"
  # A concurrent registration may make this fail; the check below decides.
  temporal operator search-attribute create --address "$address" --namespace "$namespace" \
    --name "$name" --type "$type" || true
done

# Registration is eventually visible; confirm every attribute before reporting success.
for spec in "$@"; do
  name="${spec%%=*}"
  tries=0
  until existing | grep -Eq "(^|[[:space:]])${name}([[:space:]]|$)"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "search attribute ${name} is not registered" >&2
      exit 1
    fi
    sleep 1
  done
done
echo "search attributes ready: $*"
