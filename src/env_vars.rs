//! Every `PYFORGE_*` environment variable pyforge reads, in one place.
//!
//! Flags that can also be set from the environment name these constants in
//! `cli.rs` (clap's `env = ...`), so `--help` shows them and this file stays the
//! single list a user or a Databricks job definition needs.

/// Log filter for `tracing` (for example `debug` or `pyforge=trace`).
/// `-v` / `-vv` raise the level when the variable is unset.
pub const PYFORGE_LOG: &str = "PYFORGE_LOG";

/// Default Parquet compression for `convert` (`snappy`, `gzip`, `zstd`, `none`).
pub const PYFORGE_COMPRESSION: &str = "PYFORGE_COMPRESSION";

/// Default number of inputs converted at once by `convert`.
pub const PYFORGE_JOBS: &str = "PYFORGE_JOBS";

/// Disables the progress bar when set to `0`, `false` or `never`, even on a terminal.
pub const PYFORGE_PROGRESS: &str = "PYFORGE_PROGRESS";
