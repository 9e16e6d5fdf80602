#!/usr/bin/env bash
# Regenerate requirements.lock from pyproject.toml: the project's dependencies plus its test and
# train extras, every package pinned with the sha256 of each of its files on PyPI, so that
# scripts/bootstrap.sh installs the same versions everywhere (`pip install --require-hashes`).
#
#   scripts/refresh_lock.sh                           # keep the current pins; only what pyproject
#                                                     #   now needs differently is resolved anew
#   scripts/refresh_lock.sh --upgrade                 # newest versions pyproject allows
#   scripts/refresh_lock.sh --upgrade-package numpy   # move one package (and what it forces)
#
# Extra arguments go to `uv pip compile`. It uses `uv` from PATH, or else installs UV_VERSION into
# a cache folder of its own (never into .venv/). It needs PyPI, nothing else: the hashes are those
# of PyPI's files, whatever index or mirror installs them later. Commit the new lock; the next
# ./decensor.sh or ./test.sh re-installs because its hash changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$root/requirements.lock"
# The oldest Python the lock is resolved for (uv --universal: for every newer Python and every
# platform too). scripts/bootstrap.sh reads it back from the "# python:" header line.
min_python="3.11"
uv_version="0.13.9"

uv="$(command -v uv || true)"
if [ -z "$uv" ]; then
    tools="${XDG_CACHE_HOME:-$HOME/.cache}/decensor_app/uv-$uv_version"
    if [ ! -x "$tools/bin/uv" ]; then
        echo "Installing uv $uv_version into $tools..." >&2
        "${PYTHON:-python3}" -m venv "$tools"
        "$tools/bin/python" -m pip install --quiet "uv==$uv_version" >&2
    fi
    uv="$tools/bin/uv"
fi

# uv keeps the versions pinned in its output file where they still fit, so it compiles into a
# copy of the current lock, and the header below goes on top of what it wrote.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -f "$lock" ] && cp "$lock" "$work/out.txt"
# pip and setuptools are pinned too: bootstrap.sh installs them from the lock, and builds the
# project with that setuptools (--no-build-isolation), so nothing unhashed is fetched.
build_requires="setuptools>=68"
printf 'pip\n%s\n' "$build_requires" > "$work/tools.in"
(
    cd "$root"
    "$uv" pip compile pyproject.toml "$work/tools.in" --extra test --extra train \
        --universal --python-version "$min_python" --generate-hashes \
        --no-config --index-url https://pypi.org/simple \
        --custom-compile-command "scripts/refresh_lock.sh" \
        --quiet --output-file "$work/out.txt" "$@"
)
uv_used="$("$uv" --version | cut -d' ' -f2)"
{
    echo "# Pinned dependencies of decensor_app with its test and train extras, plus pip and"
    echo "# setuptools; installed by scripts/bootstrap.sh with pip --require-hashes."
    echo "# python: >=$min_python"
    echo "# Resolved by uv $uv_used --universal for CPython >=$min_python on every platform"
    echo "# (see the markers); scripts/README.md says where these pins have wheels."
    echo "# Do not edit by hand: change pyproject.toml, then run scripts/refresh_lock.sh."
    # uv's own header repeats the temporary input's path: keep the command, drop the noise.
    sed "s|-r $work/tools.in|scripts/refresh_lock.sh (pip, $build_requires)|g" "$work/out.txt"
} > "$lock"
echo "Wrote $lock ($(grep -c '^[A-Za-z0-9]' "$lock") packages)." >&2
