#!/usr/bin/env bash
# Fuzzes a native reader with cargo fuzz (libFuzzer + AddressSanitizer):
#
#   scripts/fuzz.sh csv|excel|dbase|xml|pdf [SECONDS]      default 600 seconds
#
# Installs cargo-fuzz when it is missing. The toolchain here is stable; its
# sanitizer runtime is the same as nightly's, so RUSTC_BOOTSTRAP=1 lets
# cargo fuzz pass its -Z flags. The corpus starts from the repository's
# samples and, when ../shared sits beside the repository, the shared
# fixtures of the format. A crash leaves its input in fuzz/artifacts/<target>/:
# turn it into a test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz >&2
fi

corpus=fuzz/corpus/$target
mkdir -p "$corpus"
case "$target" in
    csv)
        cp -n tests/data/*.csv "$corpus"/ 2>/dev/null || true
        if [ -d ../shared/fixtures/csv ]; then
            find ../shared/fixtures/csv -type f \( -name '*.csv' -o -name '*.tsv' -o -name '*.txt' \) \
                -size -200k -exec cp -n {} "$corpus"/ \;
        fi
        ;;
    excel)
        cp -n tests/data/*.xlsx tests/data/excel/*.xls* tests/data/excel/*.ods "$corpus"/ 2>/dev/null || true
        if [ -d ../shared/fixtures/excel ]; then
            find ../shared/fixtures/excel -type f \( -name '*.xls*' -o -name '*.ods' \) \
                -size -400k -exec cp -n {} "$corpus"/ \;
        fi
        ;;
    dbase)
        # An input is: the table's length (2 bytes, little-endian), a kind
        # byte (bit 0: the memo is .dbt, else .fpt; bit 1: --all-strings),
        # the table, then its memo file (see pyforge::fuzzing::dbase).
        python3 - "$corpus" tests/data/dbase ../shared/fixtures/dbf <<'PY'
import os, struct, sys
corpus, *dirs = sys.argv[1:]
for d in dirs:
    if not os.path.isdir(d):
        continue
    names = os.listdir(d)
    for name in names:
        stem, ext = os.path.splitext(name)
        if ext.lower() != ".dbf" or os.path.getsize(os.path.join(d, name)) > 60000:
            continue
        table = open(os.path.join(d, name), "rb").read()
        memo, kind = b"", 0
        for other in names:
            o_stem, o_ext = os.path.splitext(other)
            if o_stem == stem and o_ext.lower() in (".dbt", ".fpt"):
                memo = open(os.path.join(d, other), "rb").read()[:20000]
                kind = 1 if o_ext.lower() == ".dbt" else 0
        with open(os.path.join(corpus, stem + ".seed"), "wb") as out:
            out.write(struct.pack("<HB", len(table), kind) + table + memo)
PY
        ;;
    xml)
        # An input is an options byte (see pyforge::fuzzing::xml), then the
        # document.
        python3 - "$corpus" tests/data ../shared/fixtures/xml <<'PY'
import os, sys
corpus, *dirs = sys.argv[1:]
for d in dirs:
    if not os.path.isdir(d):
        continue
    for i, name in enumerate(sorted(os.listdir(d))):
        if not name.endswith((".xml", ".gpx")) or os.path.getsize(os.path.join(d, name)) > 120000:
            continue
        data = open(os.path.join(d, name), "rb").read()
        with open(os.path.join(corpus, name + ".seed"), "wb") as out:
            out.write(bytes([i % 128]) + data)
PY
        ;;
    pdf)
        # An input is the PDF itself (see pyforge::fuzzing::pdf).
        if [ -d ../shared/fixtures/pdf ]; then
            find ../shared/fixtures/pdf -type f -name '*.pdf' -size -200k -exec cp -n {} "$corpus"/ \;
        fi
        ;;
esac

export RUSTC_BOOTSTRAP=1
cd fuzz
# cargo fuzz builds with panic=abort, so a panic the binary contains (a
# parser's, turned into an error by `panics::contain`) still stops libFuzzer:
# FUZZ_KEEP_GOING=1 goes on after one (-fork=1 -ignore_crashes=1), leaving
# each in fuzz/artifacts/ to check against the binary.
extra=()
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    extra=(-fork=1 -ignore_crashes=1)
fi
exec cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 "${extra[@]}"
