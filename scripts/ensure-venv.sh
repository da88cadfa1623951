#!/usr/bin/env bash
# Create the virtual environment. Debian ships venv support in a separate package
# (python3-venv); install it when we can, otherwise say exactly what to run.
set -euo pipefail
python="$1"; venv="$2"
if "$python" -m venv "$venv" 2>/dev/null; then exit 0; fi
rm -rf "$venv"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing python3-venv (Debian keeps venv support in its own package)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  exec "$python" -m venv "$venv"
fi
echo "Cannot create $venv: run 'sudo apt-get install python3-venv' and try again." >&2
exit 1
