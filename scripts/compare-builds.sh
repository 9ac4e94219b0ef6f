#!/usr/bin/env bash
# Converts every shared fixture of the formats both builds convert (../shared/fixtures) with
# two pyforge builds and compares what they wrote: the same inputs convert or fail alike, the
# same Parquet files with the same schemas, values and footer keys (pyforge.version aside).
# For refactors that must change no output.
#
#   scripts/compare-builds.sh OLD_PYFORGE NEW_PYFORGE [FORMAT_DIR...]   # default: csv access
#
# Uses pyarrow from .peers/duckdb (scripts/install-peers.sh). Exits 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_PYFORGE NEW_PYFORGE [FORMAT_DIR...]" >&2; exit 2; }
OLD=$(realpath "$1"); NEW=$(realpath "$2"); shift 2
if [ $# -gt 0 ]; then FORMATS=("$@"); else FORMATS=(csv access); fi
FIXTURES=../shared/fixtures
PY=.peers/duckdb/bin/python
[ -d "$FIXTURES" ] || { echo "compare-builds: $FIXTURES is missing" >&2; exit 1; }
[ -x "$PY" ] || bash scripts/install-peers.sh >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The JAR set for Access, from scripts/fetch-jars.sh, in a folder of this run.
if [[ " ${FORMATS[*]} " == *" access "* ]] && [ -z "${PYFORGE_JARS_DIR:-}" ]; then
    scripts/fetch-jars.sh >/dev/null
    "$NEW" jars install -q --from .jars/ucanaccess-4.0.4 --jars-dir "$WORK/jars" >&2
    export PYFORGE_JARS_DIR=$WORK/jars
fi

for build in old new; do
    bin=$OLD; [ "$build" = new ] && bin=$NEW
    for format in "${FORMATS[@]}"; do
        for input in "$FIXTURES/$format"/*; do
            case $input in *.md|*.tsv) continue ;; esac
            name=$(basename "$input")
            out="$WORK/$build/$format/$name"
            mkdir -p "$out"
            # The status line (exit code) and the error's first line, without paths.
            if "$bin" convert -q "$input" --output-dir "$out" 2>"$out.err"; then
                echo ok > "$out.status"
            else
                echo "failed $(head -n 1 "$out.err" | sed "s#$FIXTURES/##g")" > "$out.status"
            fi
        done
    done
done

"$PY" - "$WORK" <<'PY'
import os, sys
import pyarrow.parquet as pq

work = sys.argv[1]
differences = 0
compared = 0

def facts(path):
    f = pq.ParquetFile(path)
    meta = {k.decode(): v.decode() for k, v in (f.metadata.metadata or {}).items()
            if k.decode() != "pyforge.version"}
    return f.schema_arrow.remove_metadata(), f.read().replace_schema_metadata(None), meta

def differ(what):
    global differences
    differences += 1
    print("DIFFERENT:", what)

old_root, new_root = os.path.join(work, "old"), os.path.join(work, "new")
for directory, _, names in os.walk(old_root):
    for name in sorted(names):
        old = os.path.join(directory, name)
        rel = os.path.relpath(old, old_root)
        new = os.path.join(new_root, rel)
        if name.endswith(".err") or name.startswith("."):
            continue  # messages and manifests hold paths and times
        if not os.path.exists(new):
            differ(f"{rel}: only the old build wrote it")
            continue
        if name.endswith(".status"):
            a, b = open(old).read(), open(new).read()
            if a != b:
                differ(f"{rel}: old {a.strip()!r}, new {b.strip()!r}")
            continue
        compared += 1
        (sa, ta, ma), (sb, tb, mb) = facts(old), facts(new)
        if sa != sb:
            differ(f"{rel}: schema\n  old {sa}\n  new {sb}")
        elif not ta.equals(tb):
            differ(f"{rel}: values")
        if ma != mb:
            differ(f"{rel}: footer keys {ma} vs {mb}")
for directory, _, names in os.walk(new_root):
    for name in names:
        rel = os.path.relpath(os.path.join(directory, name), new_root)
        if name.endswith(".err") or name.startswith("."):
            continue
        if not os.path.exists(os.path.join(old_root, rel)):
            differ(f"{rel}: only the new build wrote it")
inputs = sum(1 for d, _, n in os.walk(old_root) for x in n if x.endswith(".status"))
print(f"compare-builds: {inputs} inputs, {compared} Parquet files compared, {differences} difference(s)")
sys.exit(1 if differences else 0)
PY
