#!/usr/bin/env bash
# Builds pyforge and converts the sample shipped in the repository, then shows
# what it wrote. Needs the Rust toolchain, a JDK (javac builds the Access
# helper) and pip (scripts/fetch-jars.sh fetches the pinned JAR set).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/fetch-jars.sh >/dev/null
cargo build --release --locked
bin=target/release/pyforge
out=target/demo
mkdir -p "$out"

"$bin" info tests/data/sample_orders.csv
"$bin" convert tests/data/sample_orders.csv --output-dir "$out" --force
"$bin" validate tests/data/sample_orders.csv
ls -l "$out"/sample_orders.parquet
