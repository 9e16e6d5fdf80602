#!/usr/bin/env bash
# Make sure .venv/ at the repository root exists and holds the project with its test and
# trainer extras. Sourced by ./decensor.sh and ./test.sh. Re-installs when pyproject.toml
# changed since the last install (a stamp file inside .venv records its hash), so a pull never
# runs with stale packages.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.decensor-installed"
want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    python="${PYTHON:-python3}"
    echo "Setting up $venv (first run or changed dependencies; takes a few minutes)..." >&2
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet -e "$root[test,train]" >&2
    echo "$want" > "$stamp"
fi
