#!/bin/sh
# The proxy's entrypoint (caddy image): checks PUBLIC_BASE_URL and PROXY_TLS, then runs Caddy with
# the Caddyfile beside this script. PUBLIC_BASE_URL must be https://<host>[:port] with no path (one
# trailing slash is dropped, as the gateway does); Caddy serves <host> on port 443 of its container.
set -eu

fail() {
  echo "proxy: $*" >&2
  exit 2
}

url="${PUBLIC_BASE_URL:-}"
url="${url%/}"
case "$url" in
  https://?*) ;;
  *) fail "PUBLIC_BASE_URL must be https://<host> (the address the internet reaches the gateway at)" ;;
esac
authority="${url#https://}"
case "$authority" in
  */* | *\?* | *\#* | *@*) fail "PUBLIC_BASE_URL must be https://<host>[:port], with no path" ;;
esac
case "$authority" in
  \[*\]) host="$authority" ;;
  \[*\]:*) host="${authority%:*}" ;;
  *:*) host="${authority%:*}" ;;
  *) host="$authority" ;;
esac
export PROXY_SITE="https://${host}"

export PROXY_TLS="${PROXY_TLS:-auto}"
case "$PROXY_TLS" in
  auto | internal) ;;
  files)
    for file in /certs/cert.pem /certs/key.pem; do
      [ -r "$file" ] || fail "PROXY_TLS=files needs $file (PROXY_CERT_DIR holds cert.pem and key.pem)"
    done
    ;;
  *) fail "PROXY_TLS must be auto, internal or files" ;;
esac

[ -n "${GATEWAY_UPSTREAM:-}" ] || fail "GATEWAY_UPSTREAM must be the gateway's host:port"

exec caddy run --config "$(dirname "$0")/Caddyfile" --adapter caddyfile
