#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing: chromium (headless browser for
# the webview and end-to-end tests), libkrb5-dev and pkg-config (code-server's kerberos module).
set -euo pipefail

PACKAGES=(chromium libkrb5-dev pkg-config)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-system: ${PACKAGES[*]} already installed"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup-system: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "setup-system: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
