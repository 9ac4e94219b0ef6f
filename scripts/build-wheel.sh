#!/usr/bin/env bash
# Build the pyforge-cli wheel: the pyforge binary (Java helper embedded) as a
# maturin `bin` wheel with the Python package python/pyforge_cli, tagged
# manylinux2014 x86_64 (linked by zig, from PyPI's `ziglang`), checked by
# `auditwheel show`.
#
#   scripts/build-wheel.sh [--release] [--out DIR]
#
#   --release   the release profile (lto, one codegen unit: the published wheel)
#               instead of `wheel-ci` (the same code, built faster, for tests)
#   --out DIR   where the wheel goes (default: dist/)
#
# The build tools (maturin, ziglang, auditwheel, pinned below) live in a venv in
# .peers/wheel-tools. Prints the wheel's path on stdout; logs go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON3=${PYTHON3:-python3}
MATURIN_VERSION=1.16.0
ZIGLANG_VERSION=0.15.2
AUDITWHEEL_VERSION=6.8.2
TOOLS=.peers/wheel-tools
PROFILE=wheel-ci
OUT=dist

while [ $# -gt 0 ]; do
    case "$1" in
        --release) PROFILE=release ;;
        --out) OUT=$2; shift ;;
        *) echo "build-wheel: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf 'build-wheel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore

stamp="$TOOLS/.versions"
want="maturin==$MATURIN_VERSION ziglang==$ZIGLANG_VERSION auditwheel==$AUDITWHEEL_VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing $want into $TOOLS/"
    rm -rf "$TOOLS"
    "$PYTHON3" -m venv "$TOOLS" || die "cannot create a venv with $PYTHON3"
    # shellcheck disable=SC2086
    "$TOOLS/bin/python" -m pip install --quiet $want >&2 || die "pip install $want failed"
    printf '%s' "$want" >"$stamp"
fi

# build.rs compiles the Java helper against the JAR set.
scripts/fetch-jars.sh >/dev/null

mkdir -p "$OUT"
log "maturin build (profile $PROFILE, manylinux2014 through zig)"
started=$(date +%s)
# maturin's log goes to stderr through a file (never `tee /dev/stderr`: reopening
# stderr by path truncates a log file the caller redirected it into).
maturin_log=$(mktemp)
trap 'rm -f "$maturin_log"' EXIT
status=0
PATH="$PWD/$TOOLS/bin:$PATH" "$TOOLS/bin/maturin" build --locked --profile "$PROFILE" --zig \
    --compatibility manylinux2014 --out "$OUT" >"$maturin_log" 2>&1 || status=$?
cat "$maturin_log" >&2
[ "$status" -eq 0 ] || die "maturin build failed (exit $status)"
built=$(sed -n 's/.*Built wheel to \(.*\.whl\).*/\1/p' "$maturin_log" | tail -1)
[ -n "$built" ] && [ -f "$built" ] || die "maturin built no wheel"
log "built $built in $(( $(date +%s) - started )) s"

"$TOOLS/bin/auditwheel" show "$built" >&2
"$TOOLS/bin/auditwheel" show "$built" 2>&1 | grep -q 'manylinux_2_17_x86_64' \
    || die "$built is not manylinux2014 (manylinux_2_17) compatible"
printf '%s\n' "$built"
