#!/usr/bin/env bash
# Install Debian's nodejs and npm for the frontend's lint and unit tests (`make frontend`);
# eslint itself comes pinned from package-lock.json through `npm ci`.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "node or npm is missing and this user cannot install them; run: apt-get install -y nodejs npm" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq nodejs npm >/dev/null
node --version
