#!/usr/bin/env bash
# Benchmark `pyforge convert` against its peers on the same generated inputs, in one run:
#   CSV -> Parquet     against pyforge-cli 1.0.9 (the Python tool it replaces) and DuckDB;
#   Access -> Parquet  against pyforge-cli 1.0.9, mdb-export (mdbtools; every table as CSV
#                      to /dev/null) and a plain Jackcess read of every row (the floor);
#   Excel -> Parquet   against pyforge-cli 1.0.9 and fastexcel + pyarrow (calamine into Arrow,
#                      every sheet written with pyarrow.parquet.write_table, snappy);
#   dBase -> Parquet   against pyforge-cli 1.0.9 and dbfread + pyarrow (every record read with
#                      dbfread into columns, one pyarrow Table, pyarrow.parquet.write_table,
#                      snappy);
#   XML -> Parquet     against pyforge-cli 1.0.9 and pandas (pandas.read_xml(IN, xpath="//order",
#                      parser="lxml"), DataFrame.to_parquet with pyarrow);
#   PDF -> text        against pyforge-cli 1.0.9 (PyMuPDF through its converter) and PyMuPDF's
#                      own extraction (every page's get_text() into one .txt from Python).
#
#   scripts/bench.sh                 # CSV: 1M rows, median of 3 runs (pyforge-cli: 1 run);
#                                    # Access: 2 tables x 100,000 rows and 1 x 1,000,000 rows;
#                                    # Excel: one .xlsx, sheets of 100,000 and 10,000 rows;
#                                    # dBase: tables of 100,000 and 1,000,000 records;
#                                    # XML: documents of 100,000 and 1,000,000 orders
#                                    # PDF: a 500-page report
#   BENCH_ONLY=csv|access|excel|dbase|xml|pdf scripts/bench.sh
#   BENCH_BIG=1 scripts/bench.sh     # also a 10M-row CSV (pyforge + DuckDB only) to
#                                    # check that pyforge's memory stays flat
#
# Environment:
#   BENCH_ONLY=               csv, access, excel, dbase, xml or pdf: run only that part
#   BENCH_ACCESS_ROWS=1000000 rows of the one-table Access database
#   BENCH_ACCESS_CLI_BIG=0    1: run pyforge-cli 1.0.9 on the big Access database too
#                             (about 2 min and 2 GB)
#   BENCH_DBASE_ROWS=100000   records of the dBase table every tool converts
#   BENCH_DBASE_BIG_ROWS=1000000  records of the big dBase table (pyforge's memory must stay flat)
#   BENCH_DBASE_PEER_BIG=1    0: leave dbfread + pyarrow out on the big dBase table (about 15 s)
#   BENCH_XML_ORDERS=100000   orders of the XML document every tool converts
#   BENCH_XML_BIG_ORDERS=1000000  orders of the big XML document (pyforge's memory must stay flat;
#                             pyforge-cli 1.0.9 is left out there)
#   BENCH_XML_PEER_BIG=1      0: leave pandas out on the big XML document (about 1 min and 9 GB)
#   BENCH_PDF_PAGES=500       pages of the PDF benchmark document (scripts/gen_bench_pdf.py)
#   BENCH_ROWS=1000000        rows of the main CSV
#   BENCH_RUNS=3              runs per tool (the median is reported)
#   BENCH_RUNS_SLOW=1         runs for pyforge-cli 1.0.9 (about 20 s per 1M rows)
#   BENCH_STARTUP_RUNS=10     runs per startup command
#   BENCH_BIG=0               1: add the big file
#   BENCH_BIG_ROWS=10000000   rows of the big file
#   BENCH_NO_BUILD=0          1: skip `cargo build --release`
#   PYFORGE_BIN=target/release/pyforge
#   PYFORGE_JARS_DIR=         the JAR set pyforge uses; unset: installed into .bench/jars from
#                             .jars/ (scripts/fetch-jars.sh)
#   PYFORGE_BASELINE_BIN=     another pyforge build (say, the last release, or main before a
#                             change): measured beside PYFORGE_BIN on every input, in the
#                             same run, as "pyforge baseline" (Excel, dBase, XML: left out when
#                             that build says the format is not supported)
#
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f '%e %M'`): the peak RSS is
# that of the largest single process of the tree (pyforge or its Java helper); startup
# commands are timed with bash's EPOCHREALTIME (GNU time's %e has 10 ms steps).
# Inputs and outputs live in .bench/ (git-ignored); peers in .peers/ (install-peers.sh); the
# Excel workbook is written by scripts/gen_bench_xlsx.py with .peers/fastexcel's xlsxwriter; the
# dBase tables by scripts/gen_bench_dbf.py (plain Python), read back with .peers/dbfread's dbfread;
# the XML documents by scripts/gen_bench_xml.py (plain Python), checked with Python's expat.
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
ONLY=${BENCH_ONLY:-}
ACCESS_ROWS=${BENCH_ACCESS_ROWS:-1000000}
ACCESS_CLI_BIG=${BENCH_ACCESS_CLI_BIG:-0}
DBASE_ROWS=${BENCH_DBASE_ROWS:-100000}
DBASE_BIG_ROWS=${BENCH_DBASE_BIG_ROWS:-1000000}
DBASE_PEER_BIG=${BENCH_DBASE_PEER_BIG:-1}
XML_ORDERS=${BENCH_XML_ORDERS:-100000}
XML_BIG_ORDERS=${BENCH_XML_BIG_ORDERS:-1000000}
XML_PEER_BIG=${BENCH_XML_PEER_BIG:-1}
PDF_PAGES=${BENCH_PDF_PAGES:-500}
PYFORGE=${PYFORGE_BIN:-target/release/pyforge}
BASELINE=${PYFORGE_BASELINE_BIN:-}
CLI=.peers/pyforge-cli/bin/pyforge
DUCKPY=.peers/duckdb/bin/python
XLPY=.peers/fastexcel/bin/python
DBFPY=.peers/dbfread/bin/python
PDPY=.peers/pandas/bin/python
B=.bench

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
part() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; } # PART: is it measured in this run?

case $ONLY in '' | csv | access | excel | dbase | xml | pdf) ;; *) die "BENCH_ONLY=$ONLY: csv, access, excel, dbase, xml or pdf" ;; esac

[ -x /usr/bin/time ] || die "GNU time is required at /usr/bin/time (apt-get install time)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 is required (EPOCHREALTIME)"
command -v python3 >/dev/null || die "python3 is required"

# --- build and peers ---------------------------------------------------------
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    cargo build --release
fi
[ -x "$PYFORGE" ] || die "$PYFORGE not found (build it, or set PYFORGE_BIN)"
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "PYFORGE_BASELINE_BIN=$BASELINE is not an executable"
bash scripts/install-peers.sh
if part access; then
    scripts/fetch-jars.sh >/dev/null           # the JAR set, for the Jackcess programs
    scripts/install-test-tools.sh              # mdb-export
    command -v mdb-export >/dev/null || die "mdb-export is required for the Access benchmark"
fi
mkdir -p "$B"
if part access && [ -z "${PYFORGE_JARS_DIR:-}" ]; then
    # The JAR set from scripts/fetch-jars.sh, installed once for every build measured.
    "$PYFORGE" jars install -q --from .jars/ucanaccess-4.0.4 --jars-dir "$B/jars" >&2
    export PYFORGE_JARS_DIR=$B/jars
fi

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
R_NAME=() R_WALL=() R_RSS=() R_OUT=() R_RUNS=() R_ROWS=() R_GROUP=() R_LOG=()

# bench_convert GROUP NAME RUNS OUTDIR EXPECTED_ROWS -- CMD...
# OUTDIR is emptied before every run and must then hold the .parquet output (one file, or one
# per table); OUTDIR "-" is a tool without Parquet output (its log must then name the rows);
# OUTDIR ending in `.txtdir` must hold one .txt (PDF text, checked by the PDF report).
bench_convert() {
    local group=$1 name=$2 runs=$3 outdir=$4 rows=$5; shift 6
    local i walls=() rsss=() logf="$B/log.$group.${name//[^A-Za-z0-9]/_}" out=() w m
    log "$name: $runs run(s): $*"
    for ((i = 1; i <= runs; i++)); do
        [ "$outdir" = - ] || { rm -rf "$outdir"; mkdir -p "$outdir"; }
        if ! /usr/bin/time -f '%e %M' -o "$B/time.out" "$@" >"$logf" 2>&1; then
            log "$name FAILED (run $i): $*"; tail -n 40 "$logf" >&2
            exit 1
        fi
        read -r w m < <(tail -n 1 "$B/time.out")
        walls+=("$w"); rsss+=("$m")
        if [ "$outdir" != - ]; then
            local kind='*.parquet'
            [[ $outdir != *.txtdir ]] || kind='*.txt'
            mapfile -t out < <(find "$outdir" -type f -name "$kind")
            if [ "${#out[@]}" -lt 1 ]; then
                log "$name: no $kind in $outdir"; tail -n 40 "$logf" >&2
                exit 1
            fi
        fi
        log "  run $i: ${w} s, $((m / 1024)) MB"
    done
    R_GROUP+=("$group"); R_NAME+=("$name"); R_RUNS+=("$runs"); R_ROWS+=("$rows"); R_OUT+=("$outdir"); R_LOG+=("$logf")
    R_WALL+=("$(printf '%s\n' "${walls[@]}" | median)")
    R_RSS+=("$(printf '%s\n' "${rsss[@]}" | median)")
}

# The baseline build on one input, as "pyforge baseline": GROUP OUTDIR ROWS INPUT
# An older build may not read the format at all: one try tells. One that says "not supported"
# is left out, with its message in BASELINE_SKIPPED[GROUP] for the report; any other failure
# stops the run.
declare -A BASELINE_SKIPPED=()
bench_baseline() {
    local group=$1 outdir=$2 rows=$3 input=$4 probe="$B/log.$1.baseline_probe"
    [ -n "$BASELINE" ] || return 0
    rm -rf "$outdir"; mkdir -p "$outdir"
    if "$BASELINE" convert "$input" --output-dir "$outdir" --force >"$probe" 2>&1; then
        bench_convert "$group" "pyforge baseline" "$RUNS" "$outdir" "$rows" -- \
            "$BASELINE" convert "$input" --output-dir "$outdir" --force
    elif grep -qi 'not supported' "$probe"; then
        BASELINE_SKIPPED[$group]=$(grep -i -m 1 'not supported' "$probe" | sed 's/^[[:space:]]*//')
        log "pyforge baseline left out: ${BASELINE_SKIPPED[$group]}"
    else
        log "pyforge baseline FAILED: $BASELINE convert $input"; tail -n 40 "$probe" >&2
        exit 1
    fi
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

# Parquet facts of every .parquet under a directory, read with the duckdb venv's pyarrow:
# "rows|bytes|types" (rows and bytes summed over the files, types of the first).
parquet_facts() {
    "$DUCKPY" - "$1" <<'PY'
import os, sys
import pyarrow.parquet as pq
paths = sorted(os.path.join(d, n) for d, _, names in os.walk(sys.argv[1])
               for n in names if n.endswith(".parquet"))
rows = sum(pq.ParquetFile(p).metadata.num_rows for p in paths)
size = sum(os.path.getsize(p) for p in paths)
types = [str(t).replace("large_", "") for t in pq.ParquetFile(paths[0]).schema_arrow.types]
short = "all string" if set(types) == {"string"} else "/".join(types)
print(f"{rows}|{size}|{short}")
PY
}

# DuckDB's CSV -> Parquet, as a script (GNU time cannot run a shell function): IN OUT
cat > "$B/duckdb_convert.py" <<'PY'
import sys
import duckdb
src, dst = (p.replace("'", "''") for p in sys.argv[1:3])
duckdb.sql(f"COPY (SELECT * FROM read_csv_auto('{src}')) TO '{dst}' (FORMAT PARQUET)")
PY

# --- CSV conversions -------------------------------------------------------------
if part csv; then
    CSV=$(gen_csv "$ROWS")
    STEM=$(basename "$CSV" .csv)
    log "input: $CSV ($(du -h "$CSV" | cut -f1))"

    bench_convert main pyforge "$RUNS" "$B/out-pyforge" "$ROWS" -- \
        "$PYFORGE" convert "$CSV" --output-dir "$B/out-pyforge" --force
    if [ -n "$BASELINE" ]; then
        bench_convert main "pyforge baseline" "$RUNS" "$B/out-baseline" "$ROWS" -- \
            "$BASELINE" convert "$CSV" --output-dir "$B/out-baseline" --force
    fi
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
fi

# --- Access conversions ------------------------------------------------------------
# The databases come from java-helper's BenchDatabase (Jackcess, fixed seed), regenerated
# when missing or when the generator changed.
FIXTURES_JAR=$(ls -t target/release/build/pyforge-*/out/pyforge-fixtures.jar 2>/dev/null | head -n 1 || true)
JAR_SET=$(ls .jars/ucanaccess-4.0.4/*.jar 2>/dev/null | paste -sd: || true)
gen_access() { # TABLES ROWS -> prints the path
    local tables=$1 rows=$2 f="$B/access_$1x$2.accdb" stamp
    stamp="$tables $rows $(cksum < java-helper/src/fixtures/java/dev/pyforge/fixtures/BenchDatabase.java)"
    if [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $f ($tables x $rows rows)"
        rm -f "$f" "$f.stamp"
        java -cp "$FIXTURES_JAR:$JAR_SET" dev.pyforge.fixtures.BenchDatabase "$f.tmp.accdb" "$tables" "$rows" >&2
        mv "$f.tmp.accdb" "$f"
        printf '%s\n' "$stamp" > "$f.stamp"
    fi
    printf '%s\n' "$f"
}
# Every table of a database through mdb-export, CSV to /dev/null: DB
cat > "$B/mdb_export_all.sh" <<'SH'
#!/bin/sh
set -e
mdb-tables -1 "$1" | while IFS= read -r t; do mdb-export "$1" "$t" > /dev/null; done
SH
chmod +x "$B/mdb_export_all.sh"

bench_access() { # GROUP DB ROWS TABLES CLI_RUNS (0: skip pyforge-cli)
    local group=$1 db=$2 rows=$3 tables=$4 cli_runs=$5
    local stem
    stem=$(basename "$db" .accdb)
    bench_convert "$group" pyforge "$RUNS" "$B/$group-pyforge" "$rows" -- \
        "$PYFORGE" convert "$db" --output-dir "$B/$group-pyforge" --force
    if [ -n "$BASELINE" ]; then
        bench_convert "$group" "pyforge baseline" "$RUNS" "$B/$group-baseline" "$rows" -- \
            "$BASELINE" convert "$db" --output-dir "$B/$group-baseline" --force
    fi
    if [ "$tables" -gt 1 ]; then
        # Tables side by side: one per two threads (PYFORGE_THREADS), whatever the CPUs here.
        bench_convert "$group" "pyforge, 2 tables at once (PYFORGE_THREADS=4)" "$RUNS" \
            "$B/$group-pyforge-2" "$rows" -- \
            env PYFORGE_THREADS=4 "$PYFORGE" convert "$db" --output-dir "$B/$group-pyforge-2" --force
    fi
    bench_convert "$group" "pyforge --engine ucanaccess" 1 "$B/$group-pyforge-ucanaccess" "$rows" -- \
        "$PYFORGE" convert "$db" --engine ucanaccess --output-dir "$B/$group-pyforge-ucanaccess" --force
    if [ "$cli_runs" -gt 0 ]; then
        bench_convert "$group" "pyforge-cli 1.0.9" "$cli_runs" "$B/$group-pyforge-cli" "$rows" -- \
            "$CLI" convert "$db" "$B/$group-pyforge-cli/${stem}_parquet" --format parquet --force
    fi
    bench_convert "$group" "mdb-export (CSV to /dev/null)" "$RUNS" - "$rows" -- \
        "$B/mdb_export_all.sh" "$db"
    # The floor: a plain Jackcess read of every row, with the JVM options pyforge gives its
    # helper (heap 1g, serial GC).
    bench_convert "$group" "Jackcess read (no output)" "$RUNS" - "$rows" -- \
        java -Xmx1g -XX:+UseSerialGC -cp "$FIXTURES_JAR:$JAR_SET" dev.pyforge.fixtures.ReadAll "$db"
}

if part access; then
    [ -n "$FIXTURES_JAR" ] || die "pyforge-fixtures.jar not found under target/release/build (cargo build --release)"
    [ -n "$JAR_SET" ] || die "the JAR set is missing in .jars/ (scripts/fetch-jars.sh)"
    ACCESS_SMALL=$(gen_access 2 100000)
    ACCESS_BIG=$(gen_access 1 "$ACCESS_ROWS")
    bench_access access-small "$ACCESS_SMALL" 200000 2 "$RUNS_SLOW"
    if [ "$ACCESS_CLI_BIG" = 1 ]; then big_cli=$RUNS_SLOW; else big_cli=0; fi
    bench_access access-big "$ACCESS_BIG" "$ACCESS_ROWS" 1 "$big_cli"
fi

# --- Excel conversions -------------------------------------------------------------
# The workbook comes from scripts/gen_bench_xlsx.py (xlsxwriter, fixed seed), regenerated when
# missing or when the generator changed.
gen_xlsx() { # -> prints the path
    local f="$B/bench_excel.xlsx" stamp
    stamp="$(cksum < scripts/gen_bench_xlsx.py) $("$XLPY" -c 'import xlsxwriter; print(xlsxwriter.__version__)')"
    if [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $f (2 sheets, 100,000 + 10,000 rows; about 15 s)"
        rm -f "$f" "$f.stamp"
        "$XLPY" scripts/gen_bench_xlsx.py "$f.tmp.xlsx" 100000 10000
        mv "$f.tmp.xlsx" "$f"
        printf '%s\n' "$stamp" > "$f.stamp"
    fi
    printf '%s\n' "$f"
}
# fastexcel + pyarrow: every sheet loaded into Arrow and written as snappy Parquet: IN OUTDIR
cat > "$B/fastexcel_convert.py" <<'PY'
import os, sys
import fastexcel
import pyarrow as pa
import pyarrow.parquet as pq
src, out = sys.argv[1:3]
stem = os.path.splitext(os.path.basename(src))[0]
reader = fastexcel.read_excel(src)
for name in reader.sheet_names:
    table = pa.Table.from_batches([reader.load_sheet(name).to_arrow()])  # a RecordBatch
    pq.write_table(table, os.path.join(out, f"{stem}_{name}.parquet"), compression="snappy")
    print(f"{name}: {table.num_rows} rows")
PY

EXCEL_ROWS=110000 # Orders 100,000 + Customers 10,000
if part excel; then
    XLSX=$(gen_xlsx)
    XSTEM=$(basename "$XLSX" .xlsx)
    log "input: $XLSX ($(du -h "$XLSX" | cut -f1))"
    bench_convert excel pyforge "$RUNS" "$B/excel-pyforge" "$EXCEL_ROWS" -- \
        "$PYFORGE" convert "$XLSX" --output-dir "$B/excel-pyforge" --force
    bench_baseline excel "$B/excel-baseline" "$EXCEL_ROWS" "$XLSX"
    # --separate: one file per sheet, as pyforge writes them, and no "Enter choice [1]:" prompt
    # (1.0.9 asks when sheets share their columns; these do not, and stdin is /dev/null anyway).
    bench_convert excel "pyforge-cli 1.0.9" "$RUNS_SLOW" "$B/excel-pyforge-cli" "$EXCEL_ROWS" -- \
        "$CLI" convert "$XLSX" "$B/excel-pyforge-cli/${XSTEM}_parquet" --format parquet --separate --force </dev/null
    bench_convert excel "fastexcel + pyarrow" "$RUNS" "$B/excel-fastexcel" "$EXCEL_ROWS" -- \
        "$XLPY" "$B/fastexcel_convert.py" "$XLSX" "$B/excel-fastexcel"
    # Every tool must have written one file per sheet (the row totals are checked in the report).
    for i in "${!R_NAME[@]}"; do
        [ "${R_GROUP[$i]}" = excel ] || continue
        n=$(find "${R_OUT[$i]}" -type f -name '*.parquet' | wc -l)
        [ "$n" = 2 ] || { log "${R_NAME[$i]}: $n Parquet files in ${R_OUT[$i]}, want 2 (one per sheet)"; exit 1; }
    done
fi

# --- dBase conversions -------------------------------------------------------------
# The tables come from scripts/gen_bench_dbf.py (plain Python, fixed seed), regenerated when
# missing or when the generator changed. Every new table is read back with dbfread, which must
# count the live records the generator says it wrote; that count is kept in FILE.live.
gen_dbf() { # ROWS -> prints the path
    local rows=$1 f="$B/bench_dbase_$1.dbf" stamp said counted
    stamp="$rows $(cksum < scripts/gen_bench_dbf.py)"
    if [ ! -s "$f" ] || [ ! -s "$f.live" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $f ($rows records)"
        rm -f "$f" "$f.stamp" "$f.live"
        said=$(python3 scripts/gen_bench_dbf.py "$rows" "$f.tmp.dbf")
        counted=$("$DBFPY" - "$f.tmp.dbf" <<'PY'
import sys
from dbfread import DBF
table = DBF(sys.argv[1], recfactory=None)  # encoding from the language driver byte (cp1252)
live = sum(1 for _ in table)
deleted = sum(1 for _ in table.deleted)
print(f"records={table.header.numrecords} deleted={deleted} live={live}")
PY
        )
        [ "$said" = "$counted" ] || die "$f: the generator says '$said', dbfread reads '$counted'"
        mv "$f.tmp.dbf" "$f"
        printf '%s\n' "${said##*live=}" > "$f.live"
        printf '%s\n' "$stamp" > "$f.stamp"
    fi
    printf '%s\n' "$f"
}
# dbfread + pyarrow: every record read with dbfread into one list per field, one pyarrow Table
# (types inferred from the Python values), written as snappy Parquet: IN OUTDIR
cat > "$B/dbfread_convert.py" <<'PY'
import os, sys
from dbfread import DBF
import pyarrow as pa
import pyarrow.parquet as pq
src, out = sys.argv[1:3]
stem = os.path.splitext(os.path.basename(src))[0]
table = DBF(src, recfactory=None)  # records as (name, value) pairs; encoding from the header
columns = [[] for _ in table.field_names]
appends = [c.append for c in columns]
for items in table:  # live records only
    for append, (_, value) in zip(appends, items):
        append(value)
arrow = pa.table(dict(zip(table.field_names, columns)))
pq.write_table(arrow, os.path.join(out, f"{stem}.parquet"), compression="snappy")
print(f"{stem}: {arrow.num_rows} rows")
PY

# expect_one_file_each GROUP...: every tool of these groups wrote one Parquet file (the row
# totals are checked in the report).
expect_one_file_each() {
    local i n
    for i in "${!R_NAME[@]}"; do
        [[ " $* " == *" ${R_GROUP[$i]} "* ]] || continue
        n=$(find "${R_OUT[$i]}" -type f -name '*.parquet' | wc -l)
        [ "$n" = 1 ] || { log "${R_NAME[$i]} (${R_GROUP[$i]}): $n Parquet files in ${R_OUT[$i]}, want 1"; exit 1; }
    done
}

# bench_dbase GROUP DBF ROWS CLI (1: pyforge-cli too) PEER_RUNS (0: no dbfread + pyarrow)
bench_dbase() {
    local group=$1 dbf=$2 rows=$3 cli=$4 peer_runs=$5 stem
    stem=$(basename "$dbf" .dbf)
    bench_convert "$group" pyforge "$RUNS" "$B/$group-pyforge" "$rows" -- \
        "$PYFORGE" convert "$dbf" --output-dir "$B/$group-pyforge" --force
    bench_baseline "$group" "$B/$group-baseline" "$rows" "$dbf"
    # OUTPUT is a directory; 1.0.9 writes OUTPUT/<stem>.parquet. It asks nothing for a .dbf
    # (stdin is /dev/null anyway); --force, since it silently does nothing when OUTPUT exists.
    if [ "$cli" = 1 ]; then
        bench_convert "$group" "pyforge-cli 1.0.9" "$RUNS_SLOW" "$B/$group-pyforge-cli" "$rows" -- \
            "$CLI" convert "$dbf" "$B/$group-pyforge-cli/${stem}_parquet" --format parquet --force </dev/null
    fi
    if [ "$peer_runs" -gt 0 ]; then
        bench_convert "$group" "dbfread + pyarrow" "$peer_runs" "$B/$group-dbfread" "$rows" -- \
            "$DBFPY" "$B/dbfread_convert.py" "$dbf" "$B/$group-dbfread"
    fi
}

if part dbase; then
    DBF_SMALL=$(gen_dbf "$DBASE_ROWS")
    DBF_SMALL_LIVE=$(cat "$DBF_SMALL.live")
    DBF_BIG=$(gen_dbf "$DBASE_BIG_ROWS")
    DBF_BIG_LIVE=$(cat "$DBF_BIG.live")
    log "inputs: $DBF_SMALL ($(du -h "$DBF_SMALL" | cut -f1)), $DBF_BIG ($(du -h "$DBF_BIG" | cut -f1))"
    bench_dbase dbase "$DBF_SMALL" "$DBF_SMALL_LIVE" 1 "$RUNS"
    if [ "$DBASE_PEER_BIG" = 1 ]; then big_peer=$RUNS_SLOW; else big_peer=0; fi
    bench_dbase dbase-big "$DBF_BIG" "$DBF_BIG_LIVE" 0 "$big_peer"
    expect_one_file_each dbase dbase-big
fi

# --- XML conversions ---------------------------------------------------------------
# The documents come from scripts/gen_bench_xml.py (plain Python, fixed seed), regenerated when
# missing or when the generator changed. Every new document is parsed once with Python's expat
# (it must be well-formed) and must hold ORDERS <order> elements.
gen_xml() { # ORDERS -> prints the path
    local orders=$1 f="$B/bench_xml_$1.xml" stamp counted
    stamp="$orders $(cksum < scripts/gen_bench_xml.py)"
    if [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $f ($orders orders)"
        rm -f "$f" "$f.stamp"
        python3 scripts/gen_bench_xml.py "$orders" "$f.tmp.xml"
        counted=$(python3 - "$f.tmp.xml" <<'PY'
import sys
from xml.parsers import expat
orders = 0
def start(name, attrs):
    global orders
    if name == "order":
        orders += 1
p = expat.ParserCreate()
p.StartElementHandler = start
with open(sys.argv[1], "rb") as f:
    p.ParseFile(f)
print(orders)
PY
        ) || die "$f.tmp.xml: not well-formed XML"
        [ "$counted" = "$orders" ] || die "$f: $counted <order> elements, want $orders"
        mv "$f.tmp.xml" "$f"
        printf '%s\n' "$stamp" > "$f.stamp"
    fi
    printf '%s\n' "$f"
}
# pandas: the whole document read with lxml, one row per <order> (its attributes and its
# children's text; customer and items have no text of their own), written with pyarrow (snappy,
# pandas' default): IN OUTDIR
cat > "$B/pandas_xml_convert.py" <<'PY'
import os, sys
import pandas as pd
src, out = sys.argv[1:3]
stem = os.path.splitext(os.path.basename(src))[0]
df = pd.read_xml(src, xpath="//order", parser="lxml")
df.to_parquet(os.path.join(out, f"{stem}.parquet"), engine="pyarrow")
print(f"{stem}: {len(df)} rows")
PY

# bench_xml GROUP XML ROWS CLI (1: pyforge-cli too) PEER_RUNS (0: no pandas)
bench_xml() {
    local group=$1 xml=$2 rows=$3 cli=$4 peer_runs=$5 stem
    stem=$(basename "$xml" .xml)
    bench_convert "$group" pyforge "$RUNS" "$B/$group-pyforge" "$rows" -- \
        "$PYFORGE" convert "$xml" --output-dir "$B/$group-pyforge" --force
    bench_baseline "$group" "$B/$group-baseline" "$rows" "$xml"
    # OUTPUT is the .parquet file, as for a CSV; --force, since 1.0.9 silently does nothing
    # (exit 0) when OUTPUT exists. It asks nothing without --preview-schema (stdin is /dev/null
    # anyway). It writes one row per order too, every value a string, but keeps only the last
    # <item> of an order (each item's columns overwrite the one before).
    if [ "$cli" = 1 ]; then
        bench_convert "$group" "pyforge-cli 1.0.9" "$RUNS_SLOW" "$B/$group-pyforge-cli" "$rows" -- \
            "$CLI" convert "$xml" "$B/$group-pyforge-cli/$stem.parquet" --format parquet --force </dev/null
    fi
    if [ "$peer_runs" -gt 0 ]; then
        bench_convert "$group" "pandas (lxml) + pyarrow" "$peer_runs" "$B/$group-pandas" "$rows" -- \
            "$PDPY" "$B/pandas_xml_convert.py" "$xml" "$B/$group-pandas"
    fi
}

if part xml; then
    XML_SMALL=$(gen_xml "$XML_ORDERS")
    XML_BIG=$(gen_xml "$XML_BIG_ORDERS")
    log "inputs: $XML_SMALL ($(du -h "$XML_SMALL" | cut -f1)), $XML_BIG ($(du -h "$XML_BIG" | cut -f1))"
    bench_xml xml "$XML_SMALL" "$XML_ORDERS" 1 "$RUNS"
    if [ "$XML_PEER_BIG" = 1 ]; then big_peer=$RUNS_SLOW; else big_peer=0; fi
    bench_xml xml-big "$XML_BIG" "$XML_BIG_ORDERS" 0 "$big_peer"
    expect_one_file_each xml xml-big
fi

# --- PDF ------------------------------------------------------------------------
# The document comes from scripts/gen_bench_pdf.py (PyMuPDF, fixed seed), regenerated when
# missing or when the generator changed.
if part pdf; then
    PDF=$B/bench_pdf_$PDF_PAGES.pdf
    stamp="$PDF_PAGES $(cksum < scripts/gen_bench_pdf.py)"
    if [ ! -s "$PDF" ] || [ "$(cat "$PDF.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $PDF ($PDF_PAGES pages)"
        .peers/pyforge-cli/bin/python scripts/gen_bench_pdf.py "$PDF_PAGES" "$PDF.tmp.pdf"
        mv "$PDF.tmp.pdf" "$PDF"
        printf '%s\n' "$stamp" > "$PDF.stamp"
    fi
    cat > "$B/pymupdf_text.py" <<'PY'
import sys
import pymupdf
src, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(page.get_text() for page in pymupdf.open(src)))
PY
    bench_convert pdf pyforge "$RUNS" "$B/pdf-pyforge.txtdir" "$PDF_PAGES" -- \
        "$PYFORGE" convert "$PDF" --output-dir "$B/pdf-pyforge.txtdir" --force
    bench_convert pdf "pyforge --format parquet" "$RUNS" "$B/pdf-pyforge-parquet" "$PDF_PAGES" -- \
        "$PYFORGE" convert "$PDF" --output-dir "$B/pdf-pyforge-parquet" --format parquet --force
    bench_convert pdf "pyforge-cli 1.0.9" "$RUNS" "$B/pdf-pyforge-cli.txtdir" "$PDF_PAGES" -- \
        "$CLI" convert "$PDF" "$B/pdf-pyforge-cli.txtdir/bench.txt" --force
    bench_convert pdf "PyMuPDF get_text" "$RUNS" "$B/pdf-pymupdf.txtdir" "$PDF_PAGES" -- \
        .peers/pyforge-cli/bin/python "$B/pymupdf_text.py" "$PDF" "$B/pdf-pymupdf.txtdir/bench.txt"
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
        if [ "${R_OUT[$i]}" = - ]; then
            # No Parquet: the rows the tool says it read (ReadAll), if it says.
            rows=$(grep -oE '^[0-9]+ rows' "${R_LOG[$i]}" | head -n 1 | cut -d' ' -f1) || true
            facts="${rows:-n/a}|0|(no Parquet)"
        else
            facts=$(parquet_facts "${R_OUT[$i]}") || { facts="?|0|unreadable"; fail=1; }
        fi
        IFS='|' read -r rows bytes types <<< "$facts"
        if [ "$rows" = n/a ]; then check="n/a"
        elif [ "$rows" = "${R_ROWS[$i]}" ]; then check="$rows ✓"
        else check="$rows ✗ (want ${R_ROWS[$i]})"; fail=1; fi
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
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; } # FILE -> its size

if part csv; then
    echo
    echo "## pyforge benchmark: CSV → Parquet"
    echo
    echo "- input: \`$CSV\`, $ROWS rows, $(awk -v b="$(stat -c %s "$CSV")" 'BEGIN { printf "%.1f MB", b / 1048576 }') (scripts/gen_bench_csv.py)"
    [ -z "$BASELINE" ] || echo "- pyforge baseline: \`$BASELINE\`, $("$BASELINE" --version 2>&1 | head -n 1)"
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
fi
if part access; then
    echo
    echo "## pyforge benchmark: Access → Parquet"
    echo
    echo "- inputs (java-helper BenchDatabase, Access 2010 format, 8 columns: Long key, 2 Text, Currency, Double, Integer, Date/Time, Yes/No; 1 value in 20 NULL):"
    echo "  \`$ACCESS_SMALL\` 2 tables × 100,000 rows, $(awk -v b="$(stat -c %s "$ACCESS_SMALL")" 'BEGIN { printf "%.1f MB", b / 1048576 }'); \`$ACCESS_BIG\` 1 table × $ACCESS_ROWS rows, $(awk -v b="$(stat -c %s "$ACCESS_BIG")" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
    echo "- pyforge: default engine (jackcess), default heap (1g); mdb-export: $(mdb-export --version 2>&1 | head -n 1), every table as CSV to /dev/null; Jackcess read: every row of every table decoded, nothing written, same JVM options as pyforge's helper; $(java -version 2>&1 | head -n 1)"
    echo "- peak RSS is the largest single process (pyforge or its JVM)"
    echo
    echo "### 2 tables × 100,000 rows"
    echo
    table access-small
    echo
    echo "### 1 table × $ACCESS_ROWS rows"
    echo
    table access-big
fi
if part excel; then
    echo
    echo "## pyforge benchmark: Excel → Parquet"
    echo
    echo "- input: \`$XLSX\`, $(awk -v b="$(stat -c %s "$XLSX")" 'BEGIN { printf "%.1f MB", b / 1048576 }') (scripts/gen_bench_xlsx.py, xlsxwriter, shared strings): sheets Orders 100,000 rows and Customers 10,000 rows, 7 columns each (int id, float amount with 2-3 % empty, date, date-time with 5-10 % empty, short text, boolean, category)"
    [ -z "$BASELINE" ] || echo "- pyforge baseline: \`$BASELINE\`, $("$BASELINE" --version 2>&1 | head -n 1)${BASELINE_SKIPPED[excel]:+; left out: ${BASELINE_SKIPPED[excel]}}"
    echo "- pyforge: $("$PYFORGE" --version 2>&1 | head -n 1); pyforge-cli: $("$CLI" --version 2>&1 | head -n 1) (openpyxl); $("$XLPY" -c 'import fastexcel, pyarrow; print("fastexcel", fastexcel.__version__, "+ pyarrow", pyarrow.__version__)')"
    echo "- commands: \`pyforge convert IN --output-dir DIR --force\`; \`pyforge-cli convert IN DIR --format parquet --separate --force < /dev/null\`; fastexcel + pyarrow: for every sheet \`fastexcel.read_excel(IN).load_sheet(name).to_arrow()\` then \`pyarrow.parquet.write_table(..., compression=\"snappy\")\` from Python (its time includes Python start-up and imports); every tool writes one file per sheet"
    echo "- machine: $(nproc) cores, load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    table excel
fi
if part dbase; then
    echo
    echo "## pyforge benchmark: dBase → Parquet"
    echo
    echo "- inputs (scripts/gen_bench_dbf.py, dBase III 0x03, language driver 0x03 = cp1252, 10 fields: ID N(10,0), NAME C(40), CITY C(25), AMOUNT N(12,2) 3 % blank, QTY N(6,0), ORDERED D 2 % blank, ACTIVE L with 2 % '?', NOTE C(60) 70 % blank, RATE N(8,4), CODE C(8); about 1 % of records deleted):"
    echo "  \`$DBF_SMALL\` $DBASE_ROWS records ($DBF_SMALL_LIVE live), $(mb "$DBF_SMALL"); \`$DBF_BIG\` $DBASE_BIG_ROWS records ($DBF_BIG_LIVE live), $(mb "$DBF_BIG")"
    [ -z "$BASELINE" ] || echo "- pyforge baseline: \`$BASELINE\`, $("$BASELINE" --version 2>&1 | head -n 1)${BASELINE_SKIPPED[dbase]:+; left out: ${BASELINE_SKIPPED[dbase]}}"
    echo "- pyforge: $("$PYFORGE" --version 2>&1 | head -n 1); pyforge-cli: $("$CLI" --version 2>&1 | head -n 1) (dbfread + pandas); $("$DBFPY" -c 'import dbfread, pyarrow; print("dbfread", dbfread.__version__, "+ pyarrow", pyarrow.__version__)')"
    echo "- commands: \`pyforge convert IN --output-dir DIR --force\`; \`pyforge-cli convert IN DIR --format parquet --force < /dev/null\`; dbfread + pyarrow: every record of \`dbfread.DBF(IN)\` into one list per field, \`pyarrow.table(...)\`, \`pyarrow.parquet.write_table(..., compression=\"snappy\")\` from Python (its time includes Python start-up and imports); every tool writes one file, of the live records"
    echo "- machine: $(nproc) cores, load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "### $DBASE_ROWS records"
    echo
    table dbase
    echo
    echo "### $DBASE_BIG_ROWS records"
    echo
    table dbase-big
    small='' large=''
    for i in "${!R_NAME[@]}"; do
        [ "${R_NAME[$i]}" = pyforge ] || continue
        case ${R_GROUP[$i]} in dbase) small=${R_RSS[$i]} ;; dbase-big) large=${R_RSS[$i]} ;; esac
    done
    echo
    awk -v s="$small" -v l="$large" -v a="$DBASE_ROWS" -v b="$DBASE_BIG_ROWS" 'BEGIN {
        printf "pyforge peak RSS: %.0f MB at %d records, %.0f MB at %d records (×%.2f for ×%.0f the records)\n", s / 1024, a, l / 1024, b, l / s, b / a }'
fi
if part xml; then
    echo
    echo "## pyforge benchmark: XML → Parquet"
    echo
    echo "- inputs (scripts/gen_bench_xml.py, UTF-8, one order a line: \`<order id status>\` with date, customer (id; name, a quarter of them non-ASCII: é, ü, ß, 中文; email; address: street, city, zip with leading zeros in 1 of 10, country), items (1-4 \`<item sku>\` with name, qty, price), total, paid, and in 20 % a note with \`&amp;\` / \`&lt;\`):"
    echo "  \`$XML_SMALL\` $XML_ORDERS orders, $(mb "$XML_SMALL"); \`$XML_BIG\` $XML_BIG_ORDERS orders, $(mb "$XML_BIG")"
    [ -z "$BASELINE" ] || echo "- pyforge baseline: \`$BASELINE\`, $("$BASELINE" --version 2>&1 | head -n 1)${BASELINE_SKIPPED[xml]:+; left out: ${BASELINE_SKIPPED[xml]}}"
    echo "- pyforge: $("$PYFORGE" --version 2>&1 | head -n 1); pyforge-cli: $("$CLI" --version 2>&1 | head -n 1) (xml.etree + pandas); $("$PDPY" -c 'import pandas, lxml.etree, pyarrow; print("pandas", pandas.__version__, "+ lxml", lxml.etree.__version__, "+ pyarrow", pyarrow.__version__)')"
    echo "- commands: \`pyforge convert IN --output-dir DIR --force\`; \`pyforge-cli convert IN DIR/STEM.parquet --format parquet --force < /dev/null\`; pandas: \`pandas.read_xml(IN, xpath=\"//order\", parser=\"lxml\")\` then \`DataFrame.to_parquet(OUT, engine=\"pyarrow\")\` (snappy) from Python (its time includes Python start-up and imports); every tool writes one file, one row per order"
    echo "- machine: $(nproc) cores, load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "### $XML_ORDERS orders"
    echo
    table xml
    echo
    echo "### $XML_BIG_ORDERS orders"
    echo
    table xml-big
    small='' large=''
    for i in "${!R_NAME[@]}"; do
        [ "${R_NAME[$i]}" = pyforge ] || continue
        case ${R_GROUP[$i]} in xml) small=${R_RSS[$i]} ;; xml-big) large=${R_RSS[$i]} ;; esac
    done
    echo
    awk -v s="$small" -v l="$large" -v a="$XML_ORDERS" -v b="$XML_BIG_ORDERS" 'BEGIN {
        printf "pyforge peak RSS: %.0f MB at %d orders, %.0f MB at %d orders (×%.2f for ×%.0f the orders)\n", s / 1024, a, l / 1024, b, l / s, b / a }'
fi
if part pdf; then
    echo
    echo "## pyforge benchmark: PDF → text"
    echo
    echo "- input: \`$PDF\`, $PDF_PAGES pages, $(mb "$PDF") (scripts/gen_bench_pdf.py with PyMuPDF: a heading and 46 lines of Helvetica text a page, Latin-1 letters, every fifth page in two columns, every tenth with an image)"
    echo "- pyforge: $("$PYFORGE" --version 2>&1 | head -n 1) (pdf_oxide, in its worker process); pyforge-cli: $("$CLI" --version 2>&1 | head -n 1); $(.peers/pyforge-cli/bin/python -c 'import pymupdf; print("PyMuPDF", pymupdf.__version__)')"
    echo "- commands: \`pyforge convert IN --output-dir DIR --force\` (text; and with \`--format parquet\`, a row per page); \`pyforge-cli convert IN OUT.txt --force\`; PyMuPDF: every page's \`get_text()\` joined into one .txt from Python (its time includes Python start-up and the import)"
    echo "- chars: the non-space characters of each tool's text (a row per page: the \`text\` column's)"
    echo "- machine: $(nproc) cores, load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    base=$(base_wall pdf)
    echo "| tool | runs | wall s (median) | peak RSS MB | vs pyforge | chars |"
    echo "|---|---:|---:|---:|---|---:|"
    for i in "${!R_NAME[@]}"; do
        [ "${R_GROUP[$i]}" = pdf ] || continue
        chars=$(.peers/pyforge-cli/bin/python - "${R_OUT[$i]}" <<'PY'
import glob, sys
import pyarrow.parquet as pq
out = sys.argv[1]
files = glob.glob(out + "/*.txt")
if files:
    text = open(files[0], encoding="utf-8").read()
else:
    text = "".join(pq.read_table(glob.glob(out + "/*.parquet")[0]).column("text").to_pylist())
print(sum(1 for c in text if not c.isspace()))
PY
)
        ratio=$(awk -v w="${R_WALL[$i]}" -v b="$base" -v n="${R_NAME[$i]}" 'BEGIN {
            if (n == "pyforge") { print "baseline"; exit }
            if (b <= 0 || w <= 0) { print "n/a"; exit }
            r = w / b
            if (r >= 1) printf "%.1f× slower", r; else printf "%.1f× faster", 1 / r }')
        printf '| %s | %s | %.2f | %.0f | %s | %s |\n' "${R_NAME[$i]}" "${R_RUNS[$i]}" "${R_WALL[$i]}" \
            "$(awk -v k="${R_RSS[$i]}" 'BEGIN { print k / 1024 }')" "$ratio" "$chars"
    done
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
