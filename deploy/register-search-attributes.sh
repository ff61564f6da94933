#!/bin/sh
# One-shot set-up for docker-compose: waits for the Temporal frontend and the namespace, then
# registers each search attribute named on the command line, NAME or NAME=TYPE (TYPE defaults to
# Keyword; the product's PRODUCT_SEARCH_ATTRIBUTES, temporal/search-attributes.ts). Safe to run again: existing
# attributes are left alone. Exits non-zero if an attribute is still missing, so services that
# depend on this one (condition: service_completed_successfully) do not start half-configured.
#
# Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE, WAIT_SECONDS (default 300).
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
wait_seconds="${WAIT_SECONDS:-300}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 NAME[=TYPE] [NAME[=TYPE]...]" >&2
  exit 2
fi

deadline=$(( $(date +%s) + wait_seconds ))
echo "waiting for Temporal at ${address}, namespace ${namespace}…"
# auto-setup registers the namespace only after the server is up, so wait for both.
until temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Temporal at ${address} (namespace ${namespace}) not ready after ${wait_seconds} s" >&2
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
