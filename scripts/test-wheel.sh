#!/usr/bin/env bash
# The wheel as users get it: build it (scripts/build-wheel.sh, profile
# wheel-ci), install it into fresh venvs of CPython 3.10 and 3.12 (pyenv's
# interpreters on the machine image; nothing is downloaded but the build tools
# from PyPI), and run tests/wheel/check_wheel.py in each. Under CI=true a
# missing interpreter fails; elsewhere it is skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'test-wheel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

started=$(date +%s)
wheel=$(scripts/build-wheel.sh --out target/wheel)
log "wheel built in $(( $(date +%s) - started )) s: $wheel"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The JAR set for the Access sample, from the folder fetch-jars.sh filled.
jars="$work/jars"

# Finds CPython X.Y: python3.X on PATH, else pyenv's versions folder.
find_python() {
    local version=$1 found
    found=$(command -v "python$version" 2>/dev/null || true)
    if [ -n "$found" ] && "$found" -c 'import sys' 2>/dev/null; then
        printf '%s\n' "$found"
        return
    fi
    for found in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python"$version"; do
        [ -x "$found" ] && { printf '%s\n' "$found"; return; }
    done
}

for version in 3.10 3.12; do
    python=$(find_python "$version")
    if [ -z "$python" ]; then
        [ "${CI:-}" = "true" ] && die "CPython $version is missing (pyenv's interpreters are expected on the machine image)"
        log "skipped: CPython $version is missing"
        continue
    fi
    venv="$work/venv-$version"
    log "CPython $version ($python): a fresh venv, the wheel installed from the file alone"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --no-index --disable-pip-version-check "$wheel"
    if [ ! -d "$jars" ]; then
        "$venv/bin/pyforge" jars install --offline --from .jars --jars-dir "$jars" -q
    fi
    PYFORGE_JARS_DIR="$jars" "$venv/bin/python" tests/wheel/check_wheel.py tests/data "$work/out-$version"
done
log "done in $(( $(date +%s) - started )) s"
