#!/usr/bin/env bash
# Get the UCanAccess 4.0.4 JAR set without a built pyforge: the five files
# pinned in jars/ucanaccess-4.0.4.json, taken from the pyforge-cli 1.0.9 wheel
# (which ships exactly this set) and checked against the manifest's SHA-256.
#
#   .jars/download/pyforge_cli-1.0.9-py3-none-any.whl   the wheel (tests install --from it)
#   .jars/ucanaccess-4.0.4/                              the five JARs (build.rs and tests read them)
#
# Idempotent: a folder whose five files already match is left alone, and a
# wheel already downloaded is not fetched again. Prints the JAR folder on
# stdout (relative to the repository root); logs go to stderr.
#
# Environment:
#   PYTHON3           interpreter used for pip and for reading the manifest (default: python3)
#   PYFORGE_CLI_SPEC  pip requirement for the wheel (default: pyforge-cli==1.0.9)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON3=${PYTHON3:-python3}
PYFORGE_CLI_SPEC=${PYFORGE_CLI_SPEC:-pyforge-cli==1.0.9}
MANIFEST=jars/ucanaccess-4.0.4.json
DOWNLOAD=.jars/download
TARGET=.jars/ucanaccess-4.0.4

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore

log() { printf 'fetch-jars: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v "$PYTHON3" >/dev/null 2>&1 || die "$PYTHON3 not found (set PYTHON3=/path/to/python3)"
[ -f "$MANIFEST" ] || die "$MANIFEST is missing"

# The Python side: `check DIR` exits 0 when DIR holds the five files with the
# pinned hashes; `extract WHEEL DIR` copies the five files out of the wheel
# (matched by file name at any depth, nothing else), verifying each before it
# is renamed into place.
helper() {
    "$PYTHON3" - "$MANIFEST" "$@" <<'PY'
import hashlib, json, os, sys, tempfile, zipfile

manifest_path, action = sys.argv[1], sys.argv[2]
with open(manifest_path) as f:
    pins = {p["file"]: p for p in json.load(f)["files"]}

def digest(stream):
    h, n = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(1 << 16), b""):
        h.update(block)
        n += len(block)
    return h.hexdigest(), n

if action == "check":
    folder = sys.argv[3]
    for name, pin in pins.items():
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            sys.exit(1)
        with open(path, "rb") as f:
            if digest(f) != (pin["sha256"], pin["size"]):
                print(f"fetch-jars: {path} does not match the manifest", file=sys.stderr)
                sys.exit(1)
    sys.exit(0)

if action == "extract":
    wheel, folder = sys.argv[3], sys.argv[4]
    os.makedirs(folder, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        found = {}
        for info in z.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if base in pins and base not in found:
                found[base] = info
        missing = sorted(set(pins) - set(found))
        if missing:
            sys.exit(f"fetch-jars: error: {wheel} lacks {', '.join(missing)}")
        for name, info in found.items():
            pin = pins[name]
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            try:
                h, n = hashlib.sha256(), 0
                with os.fdopen(fd, "wb") as out, z.open(info) as src:
                    for block in iter(lambda: src.read(1 << 16), b""):
                        h.update(block)
                        n += len(block)
                        out.write(block)
                if (h.hexdigest(), n) != (pin["sha256"], pin["size"]):
                    sys.exit(f"fetch-jars: error: {name} in {wheel}: expected sha256 {pin['sha256']} "
                             f"({pin['size']} bytes), got {h.hexdigest()} ({n} bytes)")
                os.chmod(temp, 0o644)
                os.replace(temp, os.path.join(folder, name))
            finally:
                if os.path.exists(temp):
                    os.remove(temp)
    sys.exit(0)

sys.exit(f"fetch-jars: unknown action {action}")
PY
}

find_wheel() {
    local found
    for found in "$DOWNLOAD"/pyforge_cli-*.whl; do
        if [ -f "$found" ]; then
            printf '%s\n' "$found"
            return
        fi
    done
}

wheel=$(find_wheel)
if [ -z "$wheel" ]; then
    log "downloading $PYFORGE_CLI_SPEC (a wheel, no dependencies) into $DOWNLOAD/"
    mkdir -p "$DOWNLOAD"
    "$PYTHON3" -m pip download --quiet --no-deps --only-binary=:all: \
        --dest "$DOWNLOAD" "$PYFORGE_CLI_SPEC" >&2 \
        || die "pip download $PYFORGE_CLI_SPEC failed"
    wheel=$(find_wheel)
    [ -n "$wheel" ] || die "pip download left no pyforge_cli wheel in $DOWNLOAD/"
fi
log "wheel: $wheel"

if helper check "$TARGET"; then
    log "the five JARs in $TARGET/ match the manifest"
else
    log "extracting the five JARs from $wheel into $TARGET/"
    helper extract "$wheel" "$TARGET" \
        || die "could not extract the JAR set from $wheel (delete $DOWNLOAD/ and run again)"
    helper check "$TARGET" || die "$TARGET/ does not match $MANIFEST after extraction"
fi
printf '%s\n' "$TARGET"
