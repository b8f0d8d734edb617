#!/usr/bin/env bash
# Sets everything up and runs the build benchmark (N = 100, 1000, 5000 cases; about 20 minutes on
# two cores); writes the table into docs/benchmarks.md and docs/ko/benchmarks.md.
# Pass options through, e.g.: bash scripts/benchmark.sh --sizes 100,1000 --repeat 3
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python benchmarks/run.py "$@"
