#!/usr/bin/env bash
# Quick start, command 1: set up .venv/ if needed, then restore decensor_input/ into
# decensor_output/ with the default model. Any `decensor` option may follow, e.g. --help.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$root/scripts/bootstrap.sh"
cd "$root"
exec "$root/.venv/bin/python" -m decensor_app "$@"
