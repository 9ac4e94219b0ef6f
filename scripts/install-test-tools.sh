#!/usr/bin/env bash
# Tools the test suite compares pyforge against, beyond the machine's image:
#   mdb-export (Debian package mdbtools): Access values are checked against it;
#   .peers/pyspark (a venv with PySpark, PYSPARK_SPEC): Spark reads pyforge's Parquet back;
#     the same venv holds the `dbf` package (DBF_SPEC), which writes the dBase test tables,
#     and PyMuPDF (PYMUPDF_SPEC), whose text the PDF tests compare pyforge's with.
# Idempotent and non-interactive; installs mdbtools with apt-get when run as root.
# Without root or apt-get it only warns: the tests that need a tool then skip
# with a note, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

PYSPARK_SPEC=${PYSPARK_SPEC:-pyspark==3.5.3}
DBF_SPEC=${DBF_SPEC:-dbf==0.99.11}
# The version pyforge-cli 1.0.9 resolves today: the reference the PDF text floors were set against.
PYMUPDF_SPEC=${PYMUPDF_SPEC:-pymupdf==1.28.2}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore

log() { printf 'install-test-tools: %s\n' "$*" >&2; }

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 && return 0
    # A fresh image may lack the package lists.
    apt-get update -q >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

if ! command -v mdb-export >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing mdbtools"
        apt_install mdbtools
    else
        log "warning: mdb-export is missing (install the mdbtools package); its comparisons skip"
    fi
fi

# PySpark, in its own venv (Spark 3.5 runs on the machine's Java 17).
venv=.peers/pyspark
if ! "$venv/bin/python" -c 'import pyspark' >/dev/null 2>&1; then
    log "installing $PYSPARK_SPEC into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$PYSPARK_SPEC"
fi
if ! "$venv/bin/python" -c 'import dbf' >/dev/null 2>&1; then
    log "installing $DBF_SPEC into $venv"
    "$venv/bin/pip" install -q "$DBF_SPEC"
fi
if ! "$venv/bin/python" -c 'import pymupdf' >/dev/null 2>&1; then
    log "installing $PYMUPDF_SPEC into $venv"
    "$venv/bin/pip" install -q "$PYMUPDF_SPEC"
fi
