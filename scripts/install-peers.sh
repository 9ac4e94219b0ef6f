#!/usr/bin/env bash
# Install the tools pyforge is benchmarked against, each in its own venv under
# .peers/ at the repository root (ignored by git):
#   .peers/pyforge-cli  Python 3.10 + pyforge-cli==1.0.9 (the Python tool pyforge replaces;
#                       its pins, pandas 1.5 / numpy 1.23, have no wheels for newer Pythons)
#   .peers/duckdb       python3 + duckdb + pyarrow (reference writer, and row counting)
#   .peers/fastexcel    python3 + fastexcel + pyarrow (Excel -> Arrow -> Parquet peer) and
#                       xlsxwriter (writes the Excel benchmark workbook, scripts/gen_bench_xlsx.py)
#   .peers/dbfread      python3 + dbfread + pyarrow (dBase -> Arrow -> Parquet peer; also checks
#                       the dBase benchmark tables, scripts/gen_bench_dbf.py)
#   .peers/pandas       python3 + pandas + lxml + pyarrow, pinned (XML -> DataFrame -> Parquet
#                       peer: pandas.read_xml with the lxml parser, to_parquet with pyarrow)
# Idempotent: a peer that already works is left alone; a broken one is rebuilt.
# Non-interactive (no stdin needed); works as root and under CI=true.
#
# Environment:
#   PYTHON310        interpreter for pyforge-cli (default: newest 3.10.x under `pyenv root`
#                    or $PYENV_ROOT or ~/.pyenv, then python3.10 on PATH)
#   PYTHON3          interpreter for the duckdb venv (default: python3)
#   PYFORGE_CLI_SPEC pip requirement (default: pyforge-cli==1.0.9)
#   DUCKDB_SPEC      pip requirement(s) for the duckdb venv (default: "duckdb pyarrow")
#   FASTEXCEL_SPEC   pip requirement(s) for the fastexcel venv
#                    (default: "fastexcel pyarrow xlsxwriter")
#   DBFREAD_SPEC     pip requirement(s) for the dbfread venv (default: "dbfread pyarrow")
#   PANDAS_SPEC      pip requirement(s) for the pandas venv
#                    (default: "pandas==3.1.1 lxml==6.2.1 pyarrow==26.0.1")
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=.peers
PYFORGE_CLI_SPEC=${PYFORGE_CLI_SPEC:-pyforge-cli==1.0.9}
PYFORGE_CLI_VERSION=${PYFORGE_CLI_SPEC##*==}
DUCKDB_SPEC=${DUCKDB_SPEC:-duckdb pyarrow}
FASTEXCEL_SPEC=${FASTEXCEL_SPEC:-fastexcel pyarrow xlsxwriter}
DBFREAD_SPEC=${DBFREAD_SPEC:-dbfread pyarrow}
# Pinned: the XML figures compare against these exact versions (wheels for CPython 3.11).
PANDAS_SPEC=${PANDAS_SPEC:-pandas==3.1.1 lxml==6.2.1 pyarrow==26.0.1}

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore

log() { printf 'install-peers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_py310() { [ -n "${1:-}" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

find_python310() {
    if [ -n "${PYTHON310:-}" ]; then
        is_py310 "$PYTHON310" || die "PYTHON310=$PYTHON310 is not a working Python 3.10 with venv"
        printf '%s\n' "$PYTHON310"
        return
    fi
    local root cand
    root=
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root 2>/dev/null) || root=
    fi
    [ -n "$root" ] || root=${PYENV_ROOT:-$HOME/.pyenv}
    if [ -d "$root/versions" ]; then
        # Highest installed 3.10.x first.
        while IFS= read -r cand; do
            if is_py310 "$cand/bin/python3.10"; then
                printf '%s\n' "$cand/bin/python3.10"
                return
            fi
        done < <(printf '%s\n' "$root"/versions/3.10.* | sort -rV)
    fi
    if cand=$(command -v python3.10 2>/dev/null) && is_py310 "$cand"; then
        printf '%s\n' "$cand"
        return
    fi
    die "Python 3.10 not found (pyforge-cli 1.0.9 needs it). Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv') or set PYTHON310=/path/to/python3.10"
}

make_venv() { # dir python
    local dir=$1 py=$2
    rm -rf "$dir"
    "$py" -m venv "$dir" || die "could not create venv $dir with $py (missing the venv module? on Debian: apt-get install python3-venv)"
    "$dir/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
}

mkdir -p "$PEERS"

# --- pyforge-cli -----------------------------------------------------------
dir=$PEERS/pyforge-cli
if [ -x "$dir/bin/pyforge" ] && "$dir/bin/pyforge" --version 2>/dev/null | grep -qx "pyforge, version $PYFORGE_CLI_VERSION"; then
    log "pyforge-cli $PYFORGE_CLI_VERSION already installed in $dir"
else
    py=$(find_python310)
    log "installing $PYFORGE_CLI_SPEC into $dir (Python: $("$py" -V 2>&1))"
    make_venv "$dir" "$py"
    "$dir/bin/python" -m pip install -q "$PYFORGE_CLI_SPEC" || die "pip install $PYFORGE_CLI_SPEC failed"
    "$dir/bin/pyforge" --version | grep -qx "pyforge, version $PYFORGE_CLI_VERSION" \
        || die "$dir/bin/pyforge --version does not report $PYFORGE_CLI_VERSION"
    log "pyforge-cli ready: $("$dir/bin/pyforge" --version)"
fi

# A peer in its own venv with the machine's python3: NAME SPEC CHECK, where
# SPEC is a list of requirements and CHECK a Python line that imports them
# and prints their versions.
python_peer() {
    local name=$1 spec=$2 check=$3 dir=$PEERS/$1 py
    if [ -x "$dir/bin/python" ] && "$dir/bin/python" -c "$check" >/dev/null 2>&1; then
        log "$name already installed in $dir ($("$dir/bin/python" -c "$check"))"
        return
    fi
    py=${PYTHON3:-python3}
    command -v "$py" >/dev/null 2>&1 || die "$py not found"
    log "installing $spec into $dir (Python: $("$py" -V 2>&1))"
    make_venv "$dir" "$py"
    # shellcheck disable=SC2086 # spec is a list of requirements
    "$dir/bin/python" -m pip install -q $spec || die "pip install $spec failed"
    "$dir/bin/python" -c "$check" >/dev/null || die "$spec do not import in $dir"
    log "$name ready: $("$dir/bin/python" -c "$check")"
}

python_peer duckdb "$DUCKDB_SPEC" \
    'import duckdb, pyarrow.parquet; print("duckdb", duckdb.__version__, "pyarrow", pyarrow.__version__)'
python_peer fastexcel "$FASTEXCEL_SPEC" \
    'import fastexcel, pyarrow.parquet, xlsxwriter; print("fastexcel", fastexcel.__version__, "pyarrow", pyarrow.__version__, "xlsxwriter", xlsxwriter.__version__)'
python_peer dbfread "$DBFREAD_SPEC" \
    'import dbfread, pyarrow.parquet; print("dbfread", dbfread.__version__, "pyarrow", pyarrow.__version__)'
# The check also asks for the pinned versions (NAME==VERSION in the spec), so that a venv left by
# an older pin is rebuilt.
python_peer pandas "$PANDAS_SPEC" "import importlib.metadata as md, pandas, lxml.etree, pyarrow.parquet
pins = [r.split('==', 1) for r in '$PANDAS_SPEC'.split() if '==' in r]
assert all(md.version(n) == v for n, v in pins), 'not the pinned versions'
print('pandas', pandas.__version__, 'lxml', lxml.etree.__version__, 'pyarrow', pyarrow.__version__)"
