#!/usr/bin/env bash
# Install Debian's Noto CJK fonts (and fontconfig, whose fc-list the Makefile asks), so Chinese text renders in the browser tests (and in a
# screenshot) instead of empty boxes: the app itself ships no font.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "fonts-noto-cjk is missing and this user cannot install it; run: apt-get install -y fonts-noto-cjk" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends fontconfig fonts-noto-cjk >/dev/null
fc-list :lang=zh family | head -n 1
