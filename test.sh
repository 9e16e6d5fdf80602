#!/usr/bin/env bash
# Quick start, command 2: set up .venv/ if needed, then run the whole test suite (lint and type
# check included).
# Extra arguments go to pytest, e.g. ./test.sh -k masks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$root/scripts/bootstrap.sh"
cd "$root"
export QT_QPA_PLATFORM=offscreen
"$root/.venv/bin/ruff" check decensor_app tests benchmarks scripts
# Types, as configured in pyproject.toml's [tool.mypy].
"$root/.venv/bin/mypy" decensor_app
exec "$root/.venv/bin/python" -m pytest "$@"
