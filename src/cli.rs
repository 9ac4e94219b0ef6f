//! Command-line definitions (clap) and nothing else.
//!
//! The structs here only validate what the user typed (with the value
//! parsers of `settings::parse`). Resolving them against `PYFORGE_*`
//! variables and platform defaults is `settings`' job, turning them into a
//! plan (which files, which outputs, which writer settings) that of
//! `commands/` and `convert/`, so every rule lives in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env_vars;
use crate::settings::parse;

/// The exit codes, shown at the end of `--help` and kept in step with README.md.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  every input was converted (or read, for info/validate)
  1  at least one input failed; the others may have been converted
  2  usage error: bad flags, conflicting outputs, nothing to do
  130 interrupted (ctrl-c); no partial output is left behind";

/// `pyforge --version`: the version and the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("PYFORGE_GIT_REVISION"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "pyforge",
    version = VERSION,
    about = "Convert legacy data files (Access, CSV, Excel, dBase, XML, PDF) into Parquet",
    long_about = "Convert legacy data files into Parquet that Spark, Databricks, DuckDB and pandas \
                  read without surprises: real column types, microsecond timestamps, unique column \
                  names, and never a half-written file.",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug). PYFORGE_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Print only errors (no progress bar, no summary).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert files to Parquet (or PDF to text).
    ///
    /// `pyforge convert INPUT [OUTPUT]` as in pyforge-cli, or several inputs
    /// (files, directories, globs) at once. CSV and XML give `<stem>.parquet`
    /// beside the input; Excel, dBase and Access give a `<stem>_parquet/`
    /// directory. With exactly two paths, the second is the output unless it is
    /// an existing input file.
    #[command(after_help = EXIT_CODES_HELP)]
    Convert(ConvertArgs),
    /// Show what a file holds: rows, columns, inferred types, dialect.
    #[command(after_help = EXIT_CODES_HELP)]
    Info(InfoArgs),
    /// Read files completely; exit 0 only if every byte of them reads.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(ValidateArgs),
    /// List the input formats: extensions, output layout, description.
    Formats(FormatsArgs),
    /// Show the environment pyforge runs in (Java, JAR set, Databricks).
    ///
    /// A first check in a notebook: it reports whatever it finds and exits 0
    /// (a JAR set not yet installed is a warning: the first Access conversion
    /// installs it). With --check it exits 1 when an Access conversion could
    /// not run here, naming why.
    #[command(
        after_help = "Exit codes:\n  0  the report was made (with --check: Access conversions can run here)\n  1  with --check: no usable Java, a damaged JAR set, a helper that does not start, or no JAR set while offline or with the repository unreachable\n  2  usage error"
    )]
    EnvInfo(EnvInfoArgs),
    /// Manage the UCanAccess JAR set used for Access files.
    Jars(JarsArgs),
    /// Print a shell completion script: `pyforge completions bash > /etc/bash_completion.d/pyforge`.
    Completions(CompletionsArgs),
    /// Print the man page (roff): `pyforge man > pyforge.1; man ./pyforge.1`.
    Man,
    /// The PDF worker process pyforge starts for each PDF (internal).
    #[command(name = "pdf-worker", hide = true)]
    PdfWorker,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input files, directories or glob patterns, optionally followed by one OUTPUT path.
    #[arg(required = true, value_name = "INPUT... [OUTPUT]")]
    pub paths: Vec<PathBuf>,

    /// Output format. Default: follows the input (PDF gives txt, the rest parquet).
    #[arg(short, long, value_enum)]
    pub format: Option<OutputFormat>,

    /// Parquet compression codec.
    #[arg(short, long, value_enum, default_value_t = Compression::Snappy, env = env_vars::PYFORGE_COMPRESSION)]
    pub compression: Compression,

    /// Replace existing outputs (a whole output directory is replaced, never merged).
    #[arg(long)]
    pub force: bool,

    /// Leave inputs whose outputs are up to date (by the manifest pyforge writes beside each
    /// output: input size, time and SHA-256); replace outputs pyforge wrote from an older input.
    #[arg(long)]
    pub skip_existing: bool,

    /// Write every output into DIR instead of beside its input.
    #[arg(short, long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Convert up to N inputs at once. Default: the number of CPUs.
    #[arg(short, long, value_name = "N", env = env_vars::PYFORGE_JOBS)]
    pub jobs: Option<usize>,

    /// Accepted for pyforge-cli compatibility: inputs already convert in parallel (--jobs).
    #[arg(long, hide_short_help = true)]
    pub parallel_processing: bool,

    /// Go on with the other inputs after one fails (the exit code is still 1).
    #[arg(short, long)]
    pub keep_going: bool,

    /// Print a JSON summary document on stdout (schema in README.md).
    #[arg(long)]
    pub json: bool,

    /// Write every column as a string, as pyforge-cli 1.0.9 did.
    #[arg(long)]
    pub all_strings: bool,

    /// Keep a table that reads short of the row count its file states (a damaged Access
    /// table or a stale count, a truncated dBase file) instead of failing, with a note.
    #[arg(long)]
    pub allow_partial: bool,

    #[command(flatten)]
    pub reader: ReaderArgs,

    /// Write each group of sheets with the same columns as one file with a `sheet` column.
    #[arg(long, help_heading = "Excel options", conflicts_with = "separate")]
    pub combine: bool,

    /// Write every sheet to its own file (the default; accepted for pyforge-cli compatibility).
    #[arg(long, help_heading = "Excel options")]
    pub separate: bool,

    /// Print each XML input's record path and columns, then exit (0) without converting.
    #[arg(long, help_heading = "XML options")]
    pub preview_schema: bool,
}

/// How to read each format: the flags convert, info and validate share.
#[derive(Debug, Clone, Args)]
pub struct ReaderArgs {
    #[command(flatten)]
    pub csv: CsvArgs,

    #[command(flatten)]
    pub excel: ExcelArgs,

    #[command(flatten)]
    pub dbase: DbaseArgs,

    #[command(flatten)]
    pub xml: XmlArgs,

    #[command(flatten)]
    pub access: AccessArgs,

    #[command(flatten)]
    pub pdf: PdfArgs,

    /// The password of encrypted inputs: Access databases and PDFs (tried as the user, then
    /// the owner password). Passed to the reader process on its stdin, never its command line.
    /// Default per format: PYFORGE_ACCESS_PASSWORD, PYFORGE_PDF_PASSWORD.
    #[arg(long, hide_env_values = true)]
    pub password: Option<String>,

    #[command(flatten)]
    pub jvm: JvmArgs,
}

/// Which pages of a PDF, their layout as text, and the worker's limits.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "PDF options")]
pub struct PdfArgs {
    /// Only these pages: 5, 1-10, 5-, -10 or a list (1,3,7-9); a page past a file's last page
    /// fails that file.
    #[arg(short, long, value_name = "PAGES")]
    pub pages: Option<String>,

    /// In the text output, each page between `--- Page N ---` and `--- End Page N ---` lines.
    #[arg(short, long)]
    pub metadata: bool,

    /// Seconds the PDF reader may take to open a file or read one page before it is stopped.
    /// Default: PYFORGE_PDF_PAGE_TIMEOUT, else 60.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub page_timeout: Option<u64>,

    /// Memory the PDF reader process may use (512m, 4g). Default: PYFORGE_PDF_MEMORY_LIMIT,
    /// else 2g plus twice the file's size.
    #[arg(long, value_name = "SIZE", value_parser = parse::memory_mb)]
    pub pdf_memory_limit: Option<u64>,
}

/// Which sheets of a workbook, and how to read them: shared by convert,
/// info and validate.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Excel options")]
pub struct ExcelArgs {
    /// Only these sheets (comma-separated or repeated); an unknown name is an error.
    #[arg(long, value_delimiter = ',', value_name = "SHEET")]
    pub sheets: Vec<String>,

    /// Leave hidden and very hidden sheets out (converted by default).
    #[arg(long)]
    pub skip_hidden: bool,

    /// The column names are in row N (1-based) of every sheet. Default: the first non-empty
    /// row, below a title block when there is one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "no_header")]
    pub header_row: Option<u32>,

    /// Error cells (#DIV/0!, #N/A) keep their text in a string column instead of being null.
    #[arg(long)]
    pub keep_errors: bool,

    /// Every cell of a merged area gets the area's value (default: only its first cell).
    #[arg(long)]
    pub fill_merged: bool,
}

/// How to read dBase tables: shared by convert, info and validate.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "dBase options")]
pub struct DbaseArgs {
    /// Read memo fields as nulls (with a warning) when the memo file (.dbt / .fpt) is missing,
    /// instead of failing.
    #[arg(long)]
    pub ignore_missing_memo: bool,

    /// Keep the trailing blanks of character fields (trimmed by default).
    #[arg(long)]
    pub keep_padding: bool,

    /// Read deleted records too, with a `_deleted` column (skipped by default).
    #[arg(long)]
    pub include_deleted: bool,
}

/// How to flatten XML documents: shared by convert, info and validate.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "XML options")]
pub struct XmlArgs {
    /// The elements that become rows, as a path from the root (`/orders/order`). Default: the
    /// shallowest repeated element with children or attributes (`info` shows the runners-up).
    /// The attributes and leaf children of the enclosing elements are carried onto each row.
    #[arg(long, value_name = "PATH")]
    pub record_path: Option<String>,

    /// Column names: `conservative` by the path below the record (`customer_address_city`,
    /// `@id`), `moderate` by the shortest unique end of that path, `aggressive` one column
    /// per child of the record, nested content as JSON text.
    #[arg(long, value_enum, default_value_t = FlattenArg::Conservative)]
    pub flatten_strategy: FlattenArg,

    /// Elements repeated inside a record: `expand` a typed list column (an array in Spark),
    /// `concatenate` the values joined by --separator, `json_string` a JSON array as text.
    #[arg(long, value_enum, default_value_t = ArrayArg::Expand)]
    pub array_handling: ArrayArg,

    /// What joins repeated values under `--array-handling concatenate`.
    #[arg(long, value_name = "TEXT", default_value = "; ")]
    pub separator: String,

    /// Namespace prefixes in names and paths: `preserve` (dc:creator), `strip` (creator),
    /// `prefix` (dc_creator).
    #[arg(long, value_enum, default_value_t = NamespaceArg::Preserve)]
    pub namespace_handling: NamespaceArg,

    /// Bytes that entity references may expand to in one document (billion laughs and
    /// quadratic blowups stop here).
    #[arg(long, value_name = "BYTES", default_value_t = crate::formats::xml::Limits::DEFAULT.entity_expansion)]
    pub max_entity_expansion: u64,

    /// How deep entities may refer to other entities (`&a;` whose text holds `&b;` is 2).
    #[arg(long, value_name = "N", default_value_t = crate::formats::xml::Limits::DEFAULT.entity_depth)]
    pub max_entity_depth: u32,

    /// How deep elements may nest.
    #[arg(long, value_name = "N", default_value_t = crate::formats::xml::Limits::DEFAULT.depth)]
    pub max_depth: u32,

    /// Attributes one element may have.
    #[arg(long, value_name = "N", default_value_t = crate::formats::xml::Limits::DEFAULT.attributes)]
    pub max_attributes: u32,

    /// Bytes of one text, attribute value or tag (and so of one value in a column).
    #[arg(long, value_name = "BYTES", default_value_t = crate::formats::xml::Limits::DEFAULT.text_bytes)]
    pub max_text_bytes: u64,

    /// Distinct element and attribute paths in one document (each may become a column).
    #[arg(long, value_name = "N", default_value_t = crate::formats::xml::Limits::DEFAULT.paths)]
    pub max_paths: u32,
}

/// `jars install --with`: the optional add-on sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AddOnArg {
    /// Jackcess Encrypt: encoded and encrypted Access files.
    Encrypt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlattenArg {
    Conservative,
    Moderate,
    Aggressive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArrayArg {
    Expand,
    Concatenate,
    /// pyforge-cli 1.0.9's spelling.
    #[value(name = "json_string", alias = "json-string")]
    JsonString,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NamespaceArg {
    Preserve,
    Strip,
    Prefix,
}

/// Which tables of an Access database, and the reader.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Access options")]
pub struct AccessArgs {
    /// Only these tables (comma-separated or repeated); an unknown name is an error.
    #[arg(short, long, value_delimiter = ',', value_name = "TABLE")]
    pub tables: Vec<String>,

    /// `jackcess` streams rows straight from the file; `ucanaccess` reads through
    /// UCanAccess' JDBC driver, as pyforge-cli 1.0.9 did.
    #[arg(long, value_enum, default_value_t = EngineArg::Jackcess)]
    pub engine: EngineArg,

    /// Keep table lists and schemas by the file's SHA-256 and reuse them: `info` of the same
    /// bytes answers without Java; `convert --tables` refuses unknown names before Java starts.
    #[arg(long)]
    pub cache_metadata: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Jackcess,
    Ucanaccess,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The file to describe.
    pub input: PathBuf,

    /// Print a JSON document (with a schema version) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Output format, as pyforge-cli 1.0.9 spelled it (`--format json` is `--json`).
    #[arg(short, long, value_enum, default_value_t = InfoFormat::Table)]
    pub format: InfoFormat,

    #[command(flatten)]
    pub reader: ReaderArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The files to read completely.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Print a JSON document (with a schema version) instead of text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub reader: ReaderArgs,
}

#[derive(Debug, Args)]
pub struct FormatsArgs {
    /// Print a JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EnvInfoArgs {
    /// Print a JSON document (with a schema version) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Do not start the helper to check that it runs.
    #[arg(long)]
    pub no_start: bool,

    /// Exit 1 when an Access conversion could not run here (see the exit codes).
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub jvm: JvmArgs,
}

/// How Access files are read: Java, the JAR set, the helper's heap, retries.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Access (Java helper) options")]
pub struct JvmArgs {
    /// The `java` to use (else PYFORGE_JAVA, $JAVA_HOME/bin/java, `java` on PATH).
    #[arg(long, value_name = "PATH")]
    pub java: Option<PathBuf>,

    /// The JAR cache folder. Default: PYFORGE_JARS_DIR, else `$PYFORGE_HOME/jars`
    /// (`PYFORGE_HOME` defaulting to `~/.pyforge`).
    #[arg(long, value_name = "DIR")]
    pub jars_dir: Option<PathBuf>,

    /// The Java helper's heap (512m, 2g); an out-of-memory retry doubles it, up to 4× this.
    /// Default: PYFORGE_MEMORY_LIMIT, else per environment (1g locally; see `env-info`).
    #[arg(long, value_name = "SIZE", value_parser = parse::memory_mb)]
    pub memory_limit: Option<u64>,

    /// Local scratch space: the helper's temp dir and staging copies of volume files.
    /// Default: PYFORGE_TEMP_DIR, else /local_disk0/tmp on Databricks, else the system temp dir.
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,

    /// Restarts of the helper after a recoverable failure (out of memory, lock, crash).
    /// Default: PYFORGE_RETRIES, else per environment (3 locally).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Seconds one attempt at a database may take (and the longest silence from the helper).
    /// Default: PYFORGE_TIMEOUT, else per environment (300 locally).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Never download the JAR set; fail if it is not installed.
    #[arg(long, env = env_vars::PYFORGE_OFFLINE)]
    pub offline: bool,

    /// Accepted for pyforge-cli compatibility: every database always gets its own Java process.
    #[arg(long, hide_short_help = true)]
    pub subprocess_isolation: bool,
}

/// Exit codes of `pyforge jars ...`.
pub const JARS_EXIT_CODES_HELP: &str = "\
Exit codes:
  0  done: the set is installed (install), every file matches (verify), printed (path, status)
  1  failed: download, checksum mismatch, missing or damaged file, set not installed (path)
  2  usage error: bad flags or repository URL
  130 interrupted (ctrl-c); no partial file is left in the cache";

#[derive(Debug, Args)]
pub struct JarsArgs {
    #[command(subcommand)]
    pub command: JarsCommand,
}

/// `pyforge jars ...`: the pinned UCanAccess 4.0.4 JAR set (five files, each
/// checked against its SHA-256, Jackcess 4.0.11 among them) and its optional
/// add-ons (`encrypt`) in the JAR cache.
#[derive(Debug, Subcommand)]
pub enum JarsCommand {
    /// Download the JAR set from a Maven repository, or copy it from a folder or archive.
    ///
    /// Files already installed and matching their SHA-256 are kept; the rest are
    /// verified before any of them lands, so a failed install changes nothing.
    /// Two installs at once are safe (the second waits for the first).
    #[command(after_help = JARS_EXIT_CODES_HELP)]
    Install(JarsInstallArgs),
    /// Re-hash every installed file against its pinned SHA-256.
    #[command(after_help = JARS_EXIT_CODES_HELP)]
    Verify(JarsReportArgs),
    /// Show which files of the set are installed, and where.
    #[command(after_help = JARS_EXIT_CODES_HELP)]
    Status(JarsReportArgs),
    /// Print the Java classpath of the installed set on stdout (and nothing else).
    ///
    /// Fails unless every file is present with its pinned size; `verify` checks the content.
    #[command(after_help = JARS_EXIT_CODES_HELP)]
    Path(JarsDirArgs),
}

#[derive(Debug, Args)]
pub struct JarsDirArgs {
    /// The JAR cache folder; the set gets a folder of its own inside
    /// (`ucanaccess-4.0.4-v1/`). Default: `$PYFORGE_HOME/jars`, `PYFORGE_HOME`
    /// defaulting to `~/.pyforge`.
    #[arg(long, value_name = "DIR", env = env_vars::PYFORGE_JARS_DIR, value_parser = parse::path_or_empty)]
    pub jars_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct JarsInstallArgs {
    /// Copy the files from PATH instead of downloading: a folder holding them
    /// anywhere below it, or a zip-shaped archive (.zip, .jar, .whl such as the
    /// pyforge-cli 1.0.9 wheel) holding them at any depth. Files PATH lacks are
    /// downloaded (the 1.0.9 wheel lacks Jackcess 4.0.11) unless --offline.
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,

    /// Also install an optional add-on set: `encrypt` (Jackcess Encrypt 4.0.3 and
    /// Bouncy Castle 1.87, 7.4 MB) reads encoded Jet files and encrypted .accdb files.
    #[arg(long = "with", value_enum, value_name = "ADD-ON")]
    pub with: Vec<AddOnArg>,

    /// Never download: with --from, fail when PATH lacks a file.
    #[arg(long, env = env_vars::PYFORGE_OFFLINE)]
    pub offline: bool,

    /// Maven repository (Maven layout, http or https) to download from. Default:
    /// PYFORGE_MAVEN_REPO, else the mirror of `central` in Maven's settings (~/.m2/settings.xml,
    /// then Maven's conf/settings.xml), else Maven Central; a proxy in those settings is used
    /// unless HTTPS_PROXY is set.
    #[arg(long, value_name = "URL")]
    pub repo: Option<String>,

    #[command(flatten)]
    pub dir: JarsDirArgs,

    /// Print a JSON document (with a schema version) on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JarsReportArgs {
    #[command(flatten)]
    pub dir: JarsDirArgs,

    /// Print a JSON document (with a schema version) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options for delimited text, shared by convert, info and validate.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "CSV options")]
pub struct CsvArgs {
    /// Field delimiter: one character, or tab / comma / semicolon / pipe / colon. Default: sniffed.
    #[arg(short, long, value_parser = parse::delimiter)]
    pub delimiter: Option<u8>,

    /// Text encoding of CSV, dBase and XML files: a WHATWG label (utf-8, utf-16le, windows-1252,
    /// big5, ...), a code page (cp437, cp850, cp852, cp866, 1251) or mazovia. Default: detected
    /// (dBase: the file's language driver, checked against its text; XML: its byte-order mark
    /// or declaration).
    #[arg(short, long, help_heading = "Text options")]
    pub encoding: Option<String>,

    /// Invalid bytes in a UTF-8 file: `strict` fails naming the line, `replace` reads them as
    /// U+FFFD and counts them in the summary.
    #[arg(long, value_enum, default_value_t = EncodingErrors::Strict)]
    pub encoding_errors: EncodingErrors,

    /// The first row is data, not column names (CSV and Excel).
    #[arg(long)]
    pub no_header: bool,

    /// Skip the first N lines (the header follows). Default: title lines above the header are detected.
    #[arg(long, value_name = "N")]
    pub skip_rows: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingErrors {
    Strict,
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InfoFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Parquet,
    Txt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Compression {
    Snappy,
    Gzip,
    Zstd,
    None,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
