#!/usr/bin/env bash
# Make sure .venv/ at the repository root exists and holds the project with its test and
# trainer extras, at the versions pinned in requirements.lock. Sourced by ./decensor.sh and
# ./test.sh. Re-installs when pyproject.toml or requirements.lock changed since the last install
# (a stamp file inside .venv records their hashes), so a pull never runs with stale packages.
# PYTHON picks the interpreter that makes the venv (default python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
lock="$root/requirements.lock"
stamp="$venv/.decensor-installed"
want="$(cd "$root" && sha256sum pyproject.toml requirements.lock)"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    python="${PYTHON:-python3}"
    # The lock is resolved for this Python and newer: with an older one pip would only say that
    # no release matches a pin.
    min_python="$(sed -n 's/^# python: >=\([0-9.]*\)$/\1/p' "$lock")"
    if [ -n "$min_python" ] &&
        ! "$python" -c "import sys; sys.exit(sys.version_info < (${min_python/./,},))" 2>/dev/null
    then
        found="$("$python" -V 2>&1)" || found="not found"
        echo "requirements.lock needs Python >= $min_python; $python: $found." \
            "Set PYTHON to another interpreter." >&2
        exit 1
    fi
    echo "Setting up $venv (first run or changed dependencies; takes a few minutes)..." >&2
    rm -f "$stamp"  # an install that fails half-way is done again on the next run
    "$python" -m venv "$venv"
    # Everything, pip and setuptools included, comes from the lock and must match its hashes;
    # the project itself is built with that setuptools, so nothing unpinned is fetched.
    "$venv/bin/python" -m pip install --quiet --require-hashes -r "$lock" >&2
    "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$root" >&2
    # A dependency added to pyproject.toml but not to the lock would go missing silently.
    if ! problems="$("$venv/bin/python" -m pip check 2>&1)"; then
        echo "$problems" >&2
        echo "The packages in requirements.lock do not satisfy pyproject.toml:" \
            "run scripts/refresh_lock.sh." >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
