#!/usr/bin/env bash
# Sets everything up, checks the content and builds the site into site/.
# Serve it live afterwards with: .venv/bin/mkdocs serve
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/cemkit validate
.venv/bin/mkdocs build --strict
echo "Built the site into site/. Serve it live with: .venv/bin/mkdocs serve"
