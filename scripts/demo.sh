#!/usr/bin/env bash
# Builds pyforge and converts the samples shipped in the repository, one per
# supported format (tests/data/: a CSV export, an Excel workbook with a title
# block above its table, a FoxPro table in code page 850 with its memo file,
# an XML export with nested and repeated elements, an Access 2000 database, a
# PDF report with a page that holds only an image),
# then shows what it wrote.
# Needs the Rust toolchain, a JDK (javac builds the Access helper) and pip
# (scripts/fetch-jars.sh fetches the pinned JAR set, which is installed into
# target/demo/jars for the Access sample).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/fetch-jars.sh >/dev/null
cargo build --release --locked
bin=target/release/pyforge
out=target/demo
mkdir -p "$out"
export PYFORGE_JARS_DIR="$PWD/$out/jars"
"$bin" jars install --from .jars --quiet

for sample in tests/data/sample_orders.csv tests/data/sample_orders.xlsx \
    tests/data/sample_customers.dbf tests/data/sample_shipments.xml tests/data/sample_types.mdb \
    tests/data/sample_report.pdf; do
    "$bin" info "$sample"
    "$bin" convert "$sample" --output-dir "$out" --force
    "$bin" validate "$sample"
done
ls -l "$out"/sample_orders.parquet "$out"/sample_orders_parquet "$out"/sample_customers_parquet \
    "$out"/sample_shipments.parquet \
    "$out"/sample_types_parquet "$out"/sample_report.txt
# A PDF's text is its default output; --format parquet gives a row per page.
"$bin" convert tests/data/sample_report.pdf "$out"/sample_report_pages.parquet --force
head -n 8 "$out"/sample_report.txt
