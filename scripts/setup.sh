#!/usr/bin/env bash
# Creates .venv and installs cemkit with everything the site and the tests need.
# Usage: bash scripts/setup.sh        (idempotent; safe to run again)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
