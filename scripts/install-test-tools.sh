#!/usr/bin/env bash
# Tools the test suite compares pyforge against, beyond the machine's image:
#   mdb-export (Debian package mdbtools): Access values are checked against it.
# Idempotent and non-interactive; installs with apt-get when run as root.
# Without root or apt-get it only warns: the tests that need a tool then skip
# with a note, except under CI=true, where they fail.
set -euo pipefail

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
