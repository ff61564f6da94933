#!/usr/bin/env bash
# Installs Debian's chromium for the control-page browser test (test/e2e/control-page-browser.test.ts).
# playwright-core drives it; we never use Playwright's own browser download, so the browser comes
# from the distribution's signed packages like every other system dependency.
# Idempotent: when /usr/bin/chromium exists it does nothing.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "[install-browser] chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[install-browser] apt-get not found: install Chromium yourself so that $CHROMIUM exists" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "[install-browser] must run as root (or with sudo) to apt-get install chromium" >&2
    exit 1
  fi
fi

echo "[install-browser] installing chromium with apt-get (Debian package, no recommends)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "[install-browser] apt-get finished but $CHROMIUM is missing" >&2
  exit 1
fi
echo "[install-browser] installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
