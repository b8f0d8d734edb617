#!/usr/bin/env bash
# Sets everything up (Python packages, and Debian's chromium for the browser tests) and runs
# every check: ruff, mypy, the schema drift check and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Browser tests: Debian's chromium, and a Korean font so screenshots show Hangul.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi nanum; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null
  else
    echo "The browser tests need Debian's chromium and fonts-nanum: run 'sudo apt-get install chromium fonts-nanum' first." >&2
    exit 2
  fi
fi
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check plugins tests benchmarks
.venv/bin/ruff format --check plugins tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
