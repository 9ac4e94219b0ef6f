#!/usr/bin/env bash
# Builds pyforge and converts the sample shipped in the repository, then shows
# what it wrote. Needs only the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked
bin=target/release/pyforge
out=target/demo
mkdir -p "$out"

"$bin" info tests/data/sample_orders.csv
"$bin" convert tests/data/sample_orders.csv --output-dir "$out" --force
"$bin" validate tests/data/sample_orders.csv
ls -l "$out"/sample_orders.parquet
