#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, Node.js and apt: Azurite (npm, into tools/azurite)
# and Debian packages (Chromium for the report test). Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f tools/azurite/node_modules/azurite/dist/src/azurite.js ]; then
  echo "==> installing Azurite into tools/azurite (npm ci)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error)
fi

need_apt=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
