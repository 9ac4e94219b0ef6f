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

/// Threads one input may use for reading (CSV: the parallel scan and batch
/// building). Default: the CPUs, shared between the inputs of `--jobs`.
pub const PYFORGE_THREADS: &str = "PYFORGE_THREADS";

/// pyforge's own folder for caches (default `~/.pyforge`). The JAR set lives
/// in `$PYFORGE_HOME/jars` unless `PYFORGE_JARS_DIR` or `--jars-dir` says otherwise.
pub const PYFORGE_HOME: &str = "PYFORGE_HOME";

/// The JAR cache folder, as `--jars-dir` (default `$PYFORGE_HOME/jars`). Each
/// JAR set gets a folder of its own inside, such as `ucanaccess-4.0.4-v1/`.
pub const PYFORGE_JARS_DIR: &str = "PYFORGE_JARS_DIR";

/// The Maven repository `pyforge jars install` downloads from, as `--repo`
/// (default Maven Central). Any Maven-layout mirror over http(s) works.
pub const PYFORGE_MAVEN_REPO: &str = "PYFORGE_MAVEN_REPO";

/// The `java` executable for Access files; see `--java`. Looked at after
/// `--java` and before `$JAVA_HOME/bin/java` and `PATH`.
pub const PYFORGE_JAVA: &str = "PYFORGE_JAVA";

/// Default for `--memory-limit`: the Java helper's heap (`512m`, `2g`).
pub const PYFORGE_MEMORY_LIMIT: &str = "PYFORGE_MEMORY_LIMIT";

/// Default for `--retries`: restarts of the Java helper after recoverable failures.
pub const PYFORGE_RETRIES: &str = "PYFORGE_RETRIES";

/// Default for `--timeout`: seconds one attempt at an Access database may take.
pub const PYFORGE_TIMEOUT: &str = "PYFORGE_TIMEOUT";

/// Default for `--offline` (`true`): never download the JAR set.
pub const PYFORGE_OFFLINE: &str = "PYFORGE_OFFLINE";

/// The Access database password, for `--password` without putting it on the
/// command line.
pub const PYFORGE_ACCESS_PASSWORD: &str = "PYFORGE_ACCESS_PASSWORD";

/// The PDF password (user or owner), for `--password` without putting it on
/// the command line; beside `PYFORGE_ACCESS_PASSWORD`, so one run can carry
/// both.
pub const PYFORGE_PDF_PASSWORD: &str = "PYFORGE_PDF_PASSWORD";

/// Default for `--page-timeout`: seconds the PDF worker may take to open a
/// file or read one page.
pub const PYFORGE_PDF_PAGE_TIMEOUT: &str = "PYFORGE_PDF_PAGE_TIMEOUT";

/// Default for `--pdf-memory-limit`: the PDF worker's address space.
pub const PYFORGE_PDF_MEMORY_LIMIT: &str = "PYFORGE_PDF_MEMORY_LIMIT";

/// A program run instead of `pyforge pdf-worker`, for tests that need a
/// worker which crashes, hangs or talks nonsense.
pub const PYFORGE_PDF_WORKER: &str = "PYFORGE_PDF_WORKER";

/// Default for `--temp-dir`: local scratch space for the Java helper
/// (`java.io.tmpdir`, UCanAccess' disk mirror) and for staging copies of
/// volume files. Default: `/local_disk0/tmp` on Databricks, else the system
/// temp dir.
pub const PYFORGE_TEMP_DIR: &str = "PYFORGE_TEMP_DIR";

/// The local folder standing for `/Volumes` (default `/Volumes`): lets
/// tests, or a mount elsewhere, use volume paths.
pub const PYFORGE_VOLUMES_ROOT: &str = "PYFORGE_VOLUMES_ROOT";

/// The file holding the Databricks runtime version when
/// `DATABRICKS_RUNTIME_VERSION` is unset (default `/databricks/DBR_VERSION`).
pub const PYFORGE_DBR_VERSION_FILE: &str = "PYFORGE_DBR_VERSION_FILE";
