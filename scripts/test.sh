#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit tests and the
# integration tests (the real binary on generated files and, when ../shared is
# beside the repository, on the shared fixture corpus).
set -euo pipefail
cd "$(dirname "$0")/.."

# The real UCanAccess JAR set, for the Java helper build and the jars tests.
scripts/fetch-jars.sh >/dev/null
# mdbtools, whose mdb-export the Access values are compared with.
scripts/install-test-tools.sh

# A CI clone builds once: incremental state would only take disk (0.75 GB).
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --all-targets --locked --no-fail-fast
else
  cargo test --all-targets --locked --no-fail-fast
fi

# The pyforge-cli wheel as users install it (its build time is logged).
scripts/test-wheel.sh
