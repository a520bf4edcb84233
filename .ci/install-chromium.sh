#!/bin/sh
# Installs Debian's Chromium for the report's browser test (test/report.browser.test.ts),
# unless it is already there. Debian's build plays H.264/AAC MP4, which the report needs.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "install-chromium: $CHROMIUM is present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-chromium: not root and no sudo; install the 'chromium' package" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium
"$CHROMIUM" --version
