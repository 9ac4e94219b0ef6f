#!/usr/bin/env bash
# Get the JAR sets without a built pyforge, checked against the SHA-256 pins
# of their manifests in jars/:
#
#   .jars/download/pyforge_cli-1.0.9-py3-none-any.whl   the pyforge-cli 1.0.9 wheel (tests install --from it)
#   .jars/ucanaccess-4.0.4/                              the base set: four files from the wheel,
#                                                        Jackcess 4.0.11 through Maven (build.rs and tests read it)
#   .jars/jackcess-encrypt-4.0.3/                        the encryption add-on, through Maven (tests)
#
# Files the wheel does not hold are fetched with Maven's own client
# (`mvn dependency:copy`), so they come through whatever repository, mirror
# and proxy Maven's settings name. Idempotent: a folder whose files already
# match is left alone, and a wheel already downloaded is not fetched again.
# Prints the base set's folder on stdout (relative to the repository root);
# logs go to stderr.
#
# Environment:
#   PYTHON3           interpreter used for pip and for reading the manifests (default: python3)
#   PYFORGE_CLI_SPEC  pip requirement for the wheel (default: pyforge-cli==1.0.9)
#   MVN               Maven's command (default: mvn)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON3=${PYTHON3:-python3}
PYFORGE_CLI_SPEC=${PYFORGE_CLI_SPEC:-pyforge-cli==1.0.9}
MVN=${MVN:-mvn}
DOWNLOAD=.jars/download

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore

log() { printf 'fetch-jars: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v "$PYTHON3" >/dev/null 2>&1 || die "$PYTHON3 not found (set PYTHON3=/path/to/python3)"

# The Python side, on one manifest:
#   check DIR            exits 0 when DIR holds every file with its pinned hash
#   missing DIR          prints `file group:artifact:version` for each file DIR lacks or holds wrong
#   extract WHEEL DIR    copies the pinned files the wheel holds (matched by file
#                        name at any depth, nothing else), each verified before
#                        it is renamed into place
#   verify DIR FILE      removes DIR/FILE unless it matches its pin (exit 1 then)
helper() {
    "$PYTHON3" - "$@" <<'PY'
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

def matches(path, pin):
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return digest(f) == (pin["sha256"], pin["size"])

if action in ("check", "missing"):
    folder = sys.argv[3]
    bad = [name for name, pin in pins.items() if not matches(os.path.join(folder, name), pin)]
    if action == "missing":
        for name in bad:
            p = pins[name]
            print(f"{name} {p['group']}:{p['artifact']}:{p['version']}")
    sys.exit(1 if bad and action == "check" else 0)

if action == "verify":
    folder, name = sys.argv[3], sys.argv[4]
    path = os.path.join(folder, name)
    if matches(path, pins[name]):
        sys.exit(0)
    pin = pins[name]
    print(f"fetch-jars: error: {path} is not the pinned file (expected sha256 {pin['sha256']}, "
          f"{pin['size']} bytes); removed", file=sys.stderr)
    if os.path.exists(path):
        os.remove(path)
    sys.exit(1)

if action == "extract":
    wheel, folder = sys.argv[3], sys.argv[4]
    os.makedirs(folder, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        found = {}
        for info in z.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if base in pins and base not in found:
                found[base] = info
        for name, info in found.items():
            pin = pins[name]
            if matches(os.path.join(folder, name), pin):
                continue
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

# Fetches every file of MANIFEST that DIR still lacks through Maven's client.
fetch_missing_with_maven() {
    local manifest=$1 dir=$2 missing file coordinates
    missing=$(helper "$manifest" missing "$dir")
    [ -n "$missing" ] || return 0
    command -v "$MVN" >/dev/null 2>&1 \
        || die "Maven ($MVN) is needed to fetch $(printf '%s' "$missing" | cut -d' ' -f1 | tr '\n' ' ')"
    mkdir -p "$dir"
    while read -r file coordinates; do
        log "fetching $coordinates through Maven into $dir/"
        (cd "$dir" && "$MVN" -q -B -Dstyle.color=never dependency:copy -Dartifact="$coordinates:jar" \
            -DoutputDirectory=. -Dmdep.overWriteReleases=true >&2) \
            || die "mvn dependency:copy $coordinates failed (does Maven reach its repository?)"
        helper "$manifest" verify "$dir" "$file" || die "$coordinates from Maven does not match $manifest"
    done <<<"$missing"
}

# The base set: what the wheel holds, the rest through Maven.
MANIFEST=jars/ucanaccess-4.0.4.json
TARGET=.jars/ucanaccess-4.0.4
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

if helper "$MANIFEST" check "$TARGET"; then
    log "the files in $TARGET/ match $MANIFEST"
else
    log "extracting the pinned files the wheel holds into $TARGET/"
    helper "$MANIFEST" extract "$wheel" "$TARGET" \
        || die "could not extract from $wheel (delete $DOWNLOAD/ and run again)"
    fetch_missing_with_maven "$MANIFEST" "$TARGET"
    helper "$MANIFEST" check "$TARGET" || die "$TARGET/ does not match $MANIFEST"
fi
# Files of an earlier pin (Jackcess 3.0.1) would sit on build.rs' classpath glob; keep the folder exact.
for jar in "$TARGET"/*.jar; do
    name=$(basename "$jar")
    grep -q "\"file\": \"$name\"" "$MANIFEST" || { log "removing $jar (not in $MANIFEST)"; rm -f "$jar"; }
done

# The encryption add-on, through Maven.
ADDON_MANIFEST=jars/jackcess-encrypt-4.0.3.json
ADDON_TARGET=.jars/jackcess-encrypt-4.0.3
if helper "$ADDON_MANIFEST" check "$ADDON_TARGET"; then
    log "the files in $ADDON_TARGET/ match $ADDON_MANIFEST"
else
    fetch_missing_with_maven "$ADDON_MANIFEST" "$ADDON_TARGET"
    helper "$ADDON_MANIFEST" check "$ADDON_TARGET" || die "$ADDON_TARGET/ does not match $ADDON_MANIFEST"
fi
printf '%s\n' "$TARGET"
