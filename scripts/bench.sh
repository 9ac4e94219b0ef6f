#!/usr/bin/env bash
# Benchmark `pyforge convert` (CSV -> Parquet) against pyforge-cli 1.0.9 (the Python
# tool it replaces) and DuckDB, on the same generated CSV, in one run.
#
#   scripts/bench.sh                 # 1M rows, median of 3 runs (pyforge-cli: 1 run)
#   BENCH_BIG=1 scripts/bench.sh     # also a 10M-row file (pyforge + DuckDB only) to
#                                    # check that pyforge's memory stays flat
#
# Environment:
#   BENCH_ROWS=1000000        rows of the main CSV
#   BENCH_RUNS=3              runs per tool (the median is reported)
#   BENCH_RUNS_SLOW=1         runs for pyforge-cli 1.0.9 (about 20 s per 1M rows)
#   BENCH_STARTUP_RUNS=10     runs per startup command
#   BENCH_BIG=0               1: add the big file
#   BENCH_BIG_ROWS=10000000   rows of the big file
#   BENCH_NO_BUILD=0          1: skip `cargo build --release`
#   PYFORGE_BIN=target/release/pyforge
#
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f '%e %M'`); startup
# commands are timed with bash's EPOCHREALTIME (GNU time's %e has 10 ms steps).
# Inputs and outputs live in .bench/ (git-ignored); peers in .peers/ (install-peers.sh).
# Exits non-zero if any tool fails or an output does not hold the expected rows.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
RUNS_SLOW=${BENCH_RUNS_SLOW:-1}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-10}
BIG=${BENCH_BIG:-0}
BIG_ROWS=${BENCH_BIG_ROWS:-10000000}
PYFORGE=${PYFORGE_BIN:-target/release/pyforge}
CLI=.peers/pyforge-cli/bin/pyforge
DUCKPY=.peers/duckdb/bin/python
B=.bench

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x /usr/bin/time ] || die "GNU time is required at /usr/bin/time (apt-get install time)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 is required (EPOCHREALTIME)"
command -v python3 >/dev/null || die "python3 is required"

# --- build and peers ---------------------------------------------------------
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    cargo build --release
fi
[ -x "$PYFORGE" ] || die "$PYFORGE not found (build it, or set PYFORGE_BIN)"
bash scripts/install-peers.sh
mkdir -p "$B"

# --- input -----------------------------------------------------------------
# Regenerated only when missing or when the generator changed (it is deterministic).
gen_csv() { # ROWS -> prints the path
    local rows=$1 f="$B/bench_$1.csv" stamp
    stamp="$rows $(cksum < scripts/gen_bench_csv.py)"
    if [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $f ($rows rows)"
        rm -f "$f" "$f.stamp"
        python3 scripts/gen_bench_csv.py "$f.tmp" "$rows"
        mv "$f.tmp" "$f"
        printf '%s\n' "$stamp" > "$f.stamp"
    fi
    printf '%s\n' "$f"
}

# --- helpers ----------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); if (NR % 2) print v[m]; else print (v[m] + v[m + 1]) / 2 }'; }

# Results, one entry per measured conversion.
R_NAME=() R_WALL=() R_RSS=() R_OUT=() R_RUNS=() R_ROWS=() R_GROUP=()

# bench_convert GROUP NAME RUNS OUTDIR EXPECTED_ROWS -- CMD...
# OUTDIR is emptied before every run; the command must leave exactly one .parquet in it.
bench_convert() {
    local group=$1 name=$2 runs=$3 outdir=$4 rows=$5; shift 6
    local i walls=() rsss=() logf="$B/log.$group.${name//[^A-Za-z0-9]/_}" out=() w m
    log "$name: $runs run(s): $*"
    for ((i = 1; i <= runs; i++)); do
        rm -rf "$outdir"; mkdir -p "$outdir"
        if ! /usr/bin/time -f '%e %M' -o "$B/time.out" "$@" >"$logf" 2>&1; then
            log "$name FAILED (run $i): $*"; tail -n 40 "$logf" >&2
            exit 1
        fi
        read -r w m < "$B/time.out"
        walls+=("$w"); rsss+=("$m")
        mapfile -t out < <(find "$outdir" -type f -name '*.parquet')
        if [ "${#out[@]}" -ne 1 ]; then
            log "$name: expected one .parquet in $outdir, found ${#out[@]}"; tail -n 40 "$logf" >&2
            exit 1
        fi
        log "  run $i: ${w} s, $((m / 1024)) MB"
    done
    R_GROUP+=("$group"); R_NAME+=("$name"); R_RUNS+=("$runs"); R_ROWS+=("$rows"); R_OUT+=("${out[0]}")
    R_WALL+=("$(printf '%s\n' "${walls[@]}" | median)")
    R_RSS+=("$(printf '%s\n' "${rsss[@]}" | median)")
}

# Startup: median wall (ms) of N runs, plus peak RSS of one more run.
S_NAME=() S_MS=() S_RSS=()
bench_startup() { # NAME -- CMD...
    local name=$1; shift 2
    local i t0 t1 ms=() m
    for ((i = 1; i <= STARTUP_RUNS; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || { log "$name FAILED: $*"; "$@" >&2 || true; exit 1; }
        t1=$EPOCHREALTIME
        ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
    done
    /usr/bin/time -f '%M' -o "$B/time.out" "$@" >/dev/null 2>&1
    m=$(tail -n 1 "$B/time.out")
    S_NAME+=("$name"); S_MS+=("$(printf '%s\n' "${ms[@]}" | median)"); S_RSS+=("$m")
}

# Parquet facts, read with the duckdb venv's pyarrow: "rows|bytes|types".
parquet_facts() {
    "$DUCKPY" - "$1" <<'PY'
import os, sys
import pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
types = [str(t).replace("large_", "") for t in f.schema_arrow.types]
short = "all string" if set(types) == {"string"} else "/".join(types)
print(f"{f.metadata.num_rows}|{os.path.getsize(sys.argv[1])}|{short}")
PY
}

# DuckDB's CSV -> Parquet, as a script (GNU time cannot run a shell function): IN OUT
cat > "$B/duckdb_convert.py" <<'PY'
import sys
import duckdb
src, dst = (p.replace("'", "''") for p in sys.argv[1:3])
duckdb.sql(f"COPY (SELECT * FROM read_csv_auto('{src}')) TO '{dst}' (FORMAT PARQUET)")
PY

# --- conversions ----------------------------------------------------------------
CSV=$(gen_csv "$ROWS")
STEM=$(basename "$CSV" .csv)
log "input: $CSV ($(du -h "$CSV" | cut -f1))"

bench_convert main pyforge "$RUNS" "$B/out-pyforge" "$ROWS" -- \
    "$PYFORGE" convert "$CSV" --output-dir "$B/out-pyforge" --force
# 1.0.9 has no --output-dir; it silently does nothing (exit 0) when OUTPUT exists
# and --force is absent, hence the emptied directory and the check for one output.
bench_convert main "pyforge-cli 1.0.9" "$RUNS_SLOW" "$B/out-pyforge-cli" "$ROWS" -- \
    "$CLI" convert "$CSV" "$B/out-pyforge-cli/$STEM.parquet" --format parquet --force
bench_convert main "DuckDB" "$RUNS" "$B/out-duckdb" "$ROWS" -- \
    "$DUCKPY" "$B/duckdb_convert.py" "$CSV" "$B/out-duckdb/$STEM.parquet"

if [ "$BIG" = 1 ]; then
    BIG_CSV=$(gen_csv "$BIG_ROWS")
    BIG_STEM=$(basename "$BIG_CSV" .csv)
    log "big input: $BIG_CSV ($(du -h "$BIG_CSV" | cut -f1))"
    bench_convert big pyforge 1 "$B/big-pyforge" "$BIG_ROWS" -- \
        "$PYFORGE" convert "$BIG_CSV" --output-dir "$B/big-pyforge" --force
    bench_convert big "DuckDB" 1 "$B/big-duckdb" "$BIG_ROWS" -- \
        "$DUCKPY" "$B/duckdb_convert.py" "$BIG_CSV" "$B/big-duckdb/$BIG_STEM.parquet"
fi

# --- startup ------------------------------------------------------------------
log "startup: $STARTUP_RUNS runs each"
bench_startup "pyforge --version" -- "$PYFORGE" --version
bench_startup "pyforge formats" -- "$PYFORGE" formats
bench_startup "pyforge-cli 1.0.9 --version" -- "$CLI" --version
bench_startup "pyforge-cli 1.0.9 formats" -- "$CLI" formats

# --- report -----------------------------------------------------------------
fail=0
base_wall() { # GROUP -> wall of pyforge in that group
    local i
    for i in "${!R_NAME[@]}"; do
        if [ "${R_GROUP[$i]}" = "$1" ] && [ "${R_NAME[$i]}" = pyforge ]; then printf '%s\n' "${R_WALL[$i]}"; return; fi
    done
    echo 0
}
table() { # GROUP
    local group=$1 i base facts rows bytes types ratio check
    base=$(base_wall "$group")
    echo "| tool | runs | wall s (median) | peak RSS MB | vs pyforge | output MB | rows | column types |"
    echo "|---|---:|---:|---:|---|---:|---|---|"
    for i in "${!R_NAME[@]}"; do
        [ "${R_GROUP[$i]}" = "$group" ] || continue
        facts=$(parquet_facts "${R_OUT[$i]}") || { facts="?|0|unreadable"; fail=1; }
        IFS='|' read -r rows bytes types <<< "$facts"
        if [ "$rows" = "${R_ROWS[$i]}" ]; then check="$rows ✓"; else check="$rows ✗ (want ${R_ROWS[$i]})"; fail=1; fi
        ratio=$(awk -v w="${R_WALL[$i]}" -v b="$base" -v n="${R_NAME[$i]}" 'BEGIN {
            if (n == "pyforge") { print "baseline"; exit }
            if (b <= 0 || w <= 0) { print "n/a"; exit }
            r = w / b
            if (r >= 1) printf "%.1f× slower", r; else printf "%.1f× faster", 1 / r }')
        printf '| %s | %s | %.2f | %.0f | %s | %.1f | %s | %s |\n' \
            "${R_NAME[$i]}" "${R_RUNS[$i]}" "${R_WALL[$i]}" "$(awk -v k="${R_RSS[$i]}" 'BEGIN { print k / 1024 }')" \
            "$ratio" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" "$check" "$types"
    done
}

echo
echo "## pyforge benchmark: CSV → Parquet"
echo
echo "- input: \`$CSV\`, $ROWS rows, $(awk -v b="$(stat -c %s "$CSV")" 'BEGIN { printf "%.1f MB", b / 1048576 }') (scripts/gen_bench_csv.py)"
echo "- pyforge: $("$PYFORGE" --version 2>&1 | head -n 1); pyforge-cli: $("$CLI" --version 2>&1 | head -n 1); DuckDB $("$DUCKPY" -c 'import duckdb; print(duckdb.__version__)') (python package, default threads)"
echo "- commands: \`pyforge convert IN --output-dir DIR --force\`; \`pyforge-cli convert IN OUT.parquet --format parquet --force\`; DuckDB \`COPY (SELECT * FROM read_csv_auto(IN)) TO OUT (FORMAT PARQUET)\` from Python (its time includes Python start-up)"
echo "- machine: $(nproc) cores, load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
table main
if [ "$BIG" = 1 ]; then
    echo
    echo "### $BIG_ROWS rows ($(awk -v b="$(stat -c %s "$BIG_CSV")" 'BEGIN { printf "%.1f MB", b / 1048576 }'))"
    echo
    table big
    for i in "${!R_NAME[@]}"; do
        [ "${R_NAME[$i]}" = pyforge ] || continue
        case ${R_GROUP[$i]} in main) small=${R_RSS[$i]} ;; big) large=${R_RSS[$i]} ;; esac
    done
    echo
    awk -v s="$small" -v l="$large" -v a="$ROWS" -v b="$BIG_ROWS" 'BEGIN {
        printf "pyforge peak RSS: %.0f MB at %d rows, %.0f MB at %d rows (×%.2f for ×%.0f the rows)\n", s / 1024, a, l / 1024, b, l / s, b / a }'
fi
echo
echo "### startup (median of $STARTUP_RUNS)"
echo
echo "| command | wall ms | peak RSS MB | vs pyforge --version |"
echo "|---|---:|---:|---:|"
for i in "${!S_NAME[@]}"; do
    # shellcheck disable=SC2016 # literal backticks (markdown)
    printf '| `%s` | %.1f | %.1f | %s |\n' "${S_NAME[$i]}" "${S_MS[$i]}" \
        "$(awk -v k="${S_RSS[$i]}" 'BEGIN { print k / 1024 }')" \
        "$(awk -v w="${S_MS[$i]}" -v b="${S_MS[0]}" 'BEGIN { if (b > 0) printf "×%.1f", w / b; else print "n/a" }')"
done

if [ "$fail" != 0 ]; then
    log "error: an output is missing rows or unreadable (see ✗ above)"
    exit 1
fi
