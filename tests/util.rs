//! Shared helpers: a temporary working directory, a command runner for the
//! real `pyforge` binary that explains itself when an assertion fails, and
//! readers that turn a Parquet file back into plain values.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type,
};
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{LogicalType, Type as PhysicalType};

/// Exit codes documented in `--help`.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Environment variables that would change pyforge's behaviour if the person
/// running the tests happened to have them set.
const SCRUBBED_ENV: [&str; 20] = [
    "PYFORGE_LOG",
    "PYFORGE_ACCESS_PASSWORD",
    "PYFORGE_PDF_PASSWORD",
    "PYFORGE_PDF_PAGE_TIMEOUT",
    "PYFORGE_PDF_MEMORY_LIMIT",
    "PYFORGE_PDF_WORKER",
    "PYFORGE_COMPRESSION",
    "PYFORGE_JOBS",
    "PYFORGE_PROGRESS",
    "PYFORGE_MEMORY_LIMIT",
    "PYFORGE_TEMP_DIR",
    "PYFORGE_TIMEOUT",
    "PYFORGE_RETRIES",
    "PYFORGE_VOLUMES_ROOT",
    // A test run on Databricks must still see a plain machine.
    "DATABRICKS_RUNTIME_VERSION",
    "IS_SERVERLESS",
    "SPARK_CONNECT_MODE_ENABLED",
    "DB_INSTANCE_TYPE",
    "POD_NAME",
    "PYFORGE_DBR_VERSION_FILE",
];

/// The binary under test.
pub fn pyforge_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pyforge"))
}

/// Whether the tests run in CI (`CI` set, and not to `false` or `0`), where
/// everything a test needs is installed and a missing piece is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// What a test needs from outside the repository (the shared fixtures, an
/// outside tool, root): `found` as it is, with a note when it is `None` so
/// the test can return early. In CI a missing piece fails the test instead:
/// a test that cannot run must not pass quietly there. `how` says how to
/// get it.
#[track_caller]
pub fn needed<T>(found: Option<T>, what: &str, how: &str) -> Option<T> {
    if found.is_none() {
        assert!(!in_ci(), "{what} is missing, and CI must have it: {how}");
        eprintln!("skipped: {what} is missing ({how})");
    }
    found
}

/// The shared fixtures folder (`../shared/fixtures/<kind>`), or `None` with
/// a note when this checkout lacks it (a failure in CI: see [`needed`]).
#[track_caller]
pub fn fixtures_dir(kind: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("fixtures")
        .join(kind);
    needed(
        dir.is_dir().then_some(dir),
        &format!("../shared/fixtures/{kind}"),
        "the shared fixtures must be checked out beside the repository",
    )
}

/// An executable on `PATH`, or `None` with a note (a failure in CI: see
/// [`needed`]); `how` says how to install it.
#[track_caller]
pub fn tool_on_path(name: &str, how: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    needed(found, name, how)
}

/// A tmpfs mounted for one test (root only), unmounted on drop: a small
/// disk to fill, or a read-only folder that even root cannot write into.
pub struct Tmpfs {
    dir: TestDir,
}

impl Tmpfs {
    /// A writable tmpfs of `kib` KiB, or `None` with a note where this
    /// process may not mount (a failure in CI, which runs as root).
    #[track_caller]
    pub fn mount(kib: u64) -> Option<Tmpfs> {
        Tmpfs::mount_with(&format!("size={kib}k"))
    }

    /// An empty read-only tmpfs: every write into it fails (`EROFS`), for
    /// root too.
    #[track_caller]
    pub fn mount_read_only() -> Option<Tmpfs> {
        Tmpfs::mount_with("ro,size=64k")
    }

    #[track_caller]
    fn mount_with(options: &str) -> Option<Tmpfs> {
        let dir = TestDir::new();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|status| status.success());
        needed(
            mounted.then_some(Tmpfs { dir }),
            "permission to mount a tmpfs",
            "run the tests as root, as CI does",
        )
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A temporary directory that commands run in.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("pyforge-test-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside the directory.
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` (creating parent folders) and returns its path.
    pub fn write(&self, name: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folders");
        }
        std::fs::write(&path, contents).expect("write test file");
        path
    }

    pub fn mkdir(&self, name: impl AsRef<Path>) -> PathBuf {
        let path = self.join(name);
        std::fs::create_dir_all(&path).expect("create folder");
        path
    }

    /// A `pyforge` command running in this directory.
    pub fn cmd(&self) -> TestCommand {
        TestCommand::new(self.path())
    }

    /// Runs `pyforge convert <args>` here and requires exit code 0.
    pub fn convert_ok<I, S>(&self, args: I) -> RunOutput
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd().arg("convert").args(args).assert_code(EXIT_OK)
    }

    /// File names in the directory (not recursive), sorted.
    pub fn listing(&self) -> Vec<String> {
        listing(self.path())
    }
}

/// File names in `dir` (not recursive), sorted; empty if `dir` does not
/// exist. The hidden manifests pyforge writes beside complete outputs
/// (`.<output>.pyforge.json`) are left out: `all_names` has them.
pub fn listing(dir: &Path) -> Vec<String> {
    all_names(dir)
        .into_iter()
        .filter(|name| !is_manifest(name))
        .collect()
}

/// Every file name in `dir`, manifests included, sorted.
pub fn all_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| {
            e.expect("read directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn is_manifest(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".pyforge.json")
}

/// Fails if `dir` holds a Parquet file, one of pyforge's hidden temporary
/// outputs (`.<name>.<pid>-<n>.tmp`) or a manifest.
pub fn assert_no_output_left(dir: &Path) {
    let leftovers: Vec<String> = all_names(dir)
        .into_iter()
        .filter(|name| {
            name.ends_with(".parquet")
                || name.ends_with("_parquet")
                || (name.starts_with('.') && name.ends_with(".tmp"))
                || is_manifest(name)
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "expected no output or temporary file in {}, found {leftovers:?}",
        dir.display()
    );
}

/// A `pyforge` invocation being built.
pub struct TestCommand {
    args: Vec<OsString>,
    cwd: PathBuf,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
}

impl TestCommand {
    pub fn new(cwd: &Path) -> TestCommand {
        TestCommand {
            args: Vec::new(),
            cwd: cwd.to_path_buf(),
            env: Vec::new(),
            stdin: None,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> TestCommand {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> TestCommand {
        self.env
            .push((key.as_ref().to_os_string(), value.as_ref().to_os_string()));
        self
    }

    /// Runs the command to its end.
    pub fn run(self) -> RunOutput {
        let mut command = Command::new(pyforge_bin());
        command.args(&self.args).current_dir(&self.cwd);
        for key in SCRUBBED_ENV {
            command.env_remove(key);
        }
        command.env("PYFORGE_PROGRESS", "0");
        command.env("PYFORGE_DBR_VERSION_FILE", "/nonexistent/DBR_VERSION");
        command.env("NO_COLOR", "1");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command.stdin(std::process::Stdio::null());
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", pyforge_bin().display()));
        RunOutput {
            command: std::iter::once("pyforge".to_string())
                .chain(self.args.iter().map(|a| shell_quote(&a.to_string_lossy())))
                .collect::<Vec<_>>()
                .join(" "),
            cwd: self.cwd,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code(),
        }
    }

    /// Runs the command and requires `code` as its exit code.
    #[track_caller]
    pub fn assert_code(self, code: i32) -> RunOutput {
        let output = self.run();
        output.check(
            output.code == Some(code),
            &format!("expected exit code {code}"),
        );
        output
    }
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// What a finished command printed and how it exited.
pub struct RunOutput {
    pub command: String,
    pub cwd: PathBuf,
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl fmt::Display for RunOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command:   {}", self.command)?;
        writeln!(f, "cwd:       {}", self.cwd.display())?;
        writeln!(f, "exit code: {:?}", self.code)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

impl RunOutput {
    /// Panics with the whole story of the command unless `ok`.
    #[track_caller]
    pub fn check(&self, ok: bool, what: &str) {
        if !ok {
            panic!("{what}\n{self}");
        }
    }

    /// Requires `needle` in stderr.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        self.check(
            self.stderr.contains(needle),
            &format!("expected stderr to contain {needle:?}"),
        );
        self
    }

    /// Requires `needle` in stdout.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        self.check(
            self.stdout.contains(needle),
            &format!("expected stdout to contain {needle:?}"),
        );
        self
    }

    #[track_caller]
    pub fn stdout_empty(&self) -> &Self {
        self.check(self.stdout.is_empty(), "expected nothing on stdout");
        self
    }

    /// Requires the `error: <file>: ...` line pyforge prints for a failed input.
    #[track_caller]
    pub fn error_names(&self, file: &str) -> &Self {
        let found = self
            .stderr
            .lines()
            .any(|l| l.starts_with("error: ") && l.contains(file));
        self.check(
            found,
            &format!("expected an `error: ...` line naming {file:?} on stderr"),
        );
        self
    }

    /// stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        match serde_json::from_str(&self.stdout) {
            Ok(value) => value,
            Err(e) => {
                self.check(false, &format!("stdout is not one JSON document: {e}"));
                unreachable!()
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Parquet read-back

/// One cell read back from Parquet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Days since 1970-01-01.
    Date(i32),
    /// In the column's unit (pyforge writes microseconds).
    Ts(i64),
    Str(String),
    /// A decimal: its unscaled value and scale.
    Dec(i128, i8),
    Bytes(Vec<u8>),
    /// A list column's entries.
    List(Vec<Value>),
}

pub use Value::Null;

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v as i64)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A string cell.
pub fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

/// Days since the Unix epoch for a calendar date.
pub fn days(year: i32, month: u32, day: u32) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    (date - epoch).num_days() as i32
}

/// A date cell.
pub fn date(year: i32, month: u32, day: u32) -> Value {
    Value::Date(days(year, month, day))
}

/// Microseconds since the epoch for a wall-clock time (read as UTC).
pub fn micros(year: i32, month: u32, day: u32, h: u32, m: u32, sec: u32, us: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_micro_opt(h, m, sec, us))
        .expect("valid timestamp")
        .and_utc()
        .timestamp_micros()
}

/// A timestamp cell (microseconds).
pub fn ts(year: i32, month: u32, day: u32, h: u32, m: u32, sec: u32, us: u32) -> Value {
    Value::Ts(micros(year, month, day, h, m, sec, us))
}

/// A Parquet file read back: names, Arrow types and every value.
#[derive(Debug)]
pub struct Table {
    pub names: Vec<String>,
    pub types: Vec<DataType>,
    pub columns: Vec<Vec<Value>>,
}

impl Table {
    pub fn num_rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    pub fn num_columns(&self) -> usize {
        self.names.len()
    }

    fn index(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no column {name:?}; the columns are {:?}", self.names))
    }

    /// The values of column `name`.
    pub fn column(&self, name: &str) -> &[Value] {
        &self.columns[self.index(name)]
    }

    /// The Arrow type of column `name`.
    pub fn data_type(&self, name: &str) -> &DataType {
        &self.types[self.index(name)]
    }

    /// Row `i` as a vector of values.
    pub fn row(&self, i: usize) -> Vec<Value> {
        self.columns.iter().map(|c| c[i].clone()).collect()
    }

    /// Requires column `name` to have type `expected` and exactly `values`.
    #[track_caller]
    pub fn assert_column(&self, name: &str, expected: &DataType, values: &[Value]) {
        assert_eq!(
            self.data_type(name),
            expected,
            "type of column {name:?} (all types: {:?})",
            self.names.iter().zip(&self.types).collect::<Vec<_>>()
        );
        assert_eq!(self.column(name), values, "values of column {name:?}");
    }
}

/// Reads every row of a Parquet file into plain values.
pub fn read_parquet(path: &Path) -> Table {
    let file = File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap_or_else(|e| panic!("{} is not a Parquet file: {e}", path.display()));
    let schema = builder.schema().clone();
    let reader = builder.build().expect("build the Parquet reader");
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); schema.fields().len()];
    for batch in reader {
        let batch = batch.unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for (index, array) in batch.columns().iter().enumerate() {
            columns[index].extend(array_values(array.as_ref()));
        }
    }
    Table {
        names: schema.fields().iter().map(|f| f.name().clone()).collect(),
        types: schema
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect(),
        columns,
    }
}

fn array_values(array: &dyn Array) -> Vec<Value> {
    (0..array.len())
        .map(|i| {
            if array.is_null(i) {
                return Value::Null;
            }
            match array.data_type() {
                DataType::Boolean => Value::Bool(array.as_boolean().value(i)),
                DataType::Int64 => Value::Int(array.as_primitive::<Int64Type>().value(i)),
                DataType::Int32 => Value::Int(array.as_primitive::<Int32Type>().value(i) as i64),
                DataType::Int16 => Value::Int(array.as_primitive::<Int16Type>().value(i) as i64),
                DataType::UInt8 => Value::Int(array.as_primitive::<UInt8Type>().value(i) as i64),
                DataType::Float32 => {
                    Value::Float(array.as_primitive::<Float32Type>().value(i) as f64)
                }
                DataType::Decimal128(_, scale) => {
                    Value::Dec(array.as_primitive::<Decimal128Type>().value(i), *scale)
                }
                DataType::Binary => Value::Bytes(array.as_binary::<i32>().value(i).to_vec()),
                DataType::Float64 => Value::Float(array.as_primitive::<Float64Type>().value(i)),
                DataType::Date32 => Value::Date(array.as_primitive::<Date32Type>().value(i)),
                DataType::Timestamp(TimeUnit::Microsecond, _) => {
                    Value::Ts(array.as_primitive::<TimestampMicrosecondType>().value(i))
                }
                DataType::Timestamp(TimeUnit::Millisecond, _) => {
                    Value::Ts(array.as_primitive::<TimestampMillisecondType>().value(i))
                }
                DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                    Value::Ts(array.as_primitive::<TimestampNanosecondType>().value(i))
                }
                DataType::Timestamp(TimeUnit::Second, _) => {
                    Value::Ts(array.as_primitive::<TimestampSecondType>().value(i))
                }
                DataType::Utf8 => Value::Str(array.as_string::<i32>().value(i).to_string()),
                DataType::LargeUtf8 => Value::Str(array.as_string::<i64>().value(i).to_string()),
                DataType::Utf8View => Value::Str(array.as_string_view().value(i).to_string()),
                DataType::List(_) => {
                    Value::List(array_values(array.as_list::<i32>().value(i).as_ref()))
                }
                other => panic!("unexpected column type {other:?} in pyforge output"),
            }
        })
        .collect()
}

/// The Parquet-level facts of a file: footer, created_by, column types, codecs.
#[derive(Debug)]
pub struct ParquetFacts {
    pub key_value: BTreeMap<String, String>,
    pub created_by: Option<String>,
    pub num_rows: i64,
    pub columns: Vec<ColumnFacts>,
    /// Every column chunk's codec, e.g. "SNAPPY", "GZIP", "ZSTD", "UNCOMPRESSED".
    pub codecs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ColumnFacts {
    pub name: String,
    pub physical: PhysicalType,
    pub logical: Option<LogicalType>,
}

impl ParquetFacts {
    pub fn column(&self, name: &str) -> &ColumnFacts {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.columns))
    }
}

/// Reads the footer of a Parquet file.
pub fn parquet_facts(path: &Path) -> ParquetFacts {
    let file = File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap_or_else(|e| panic!("{} is not a Parquet file: {e}", path.display()));
    let metadata = builder.metadata();
    let file_metadata = metadata.file_metadata();
    let key_value = file_metadata
        .key_value_metadata()
        .map(|kvs| {
            kvs.iter()
                .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let columns = builder
        .parquet_schema()
        .columns()
        .iter()
        .map(|c| ColumnFacts {
            name: c.name().to_string(),
            physical: c.physical_type(),
            logical: c.logical_type_ref().cloned(),
        })
        .collect();
    let codecs = metadata
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns().iter().map(|c| codec_name(&c.compression())))
        .collect();
    ParquetFacts {
        key_value,
        created_by: file_metadata.created_by().map(str::to_string),
        num_rows: file_metadata.num_rows(),
        columns,
        codecs,
    }
}

fn codec_name(codec: &parquet::basic::Compression) -> String {
    let debug = format!("{codec:?}");
    debug
        .split('(')
        .next()
        .unwrap_or(&debug)
        .to_ascii_uppercase()
}

/// The original column names pyforge keeps in the footer.
pub fn original_names(path: &Path) -> Vec<String> {
    let facts = parquet_facts(path);
    let text = facts
        .key_value
        .get("pyforge.original_column_names")
        .unwrap_or_else(|| {
            panic!(
                "no pyforge.original_column_names in the footer of {}: {:?}",
                path.display(),
                facts.key_value
            )
        });
    serde_json::from_str(text).expect("original names are a JSON array of strings")
}

/// Deterministic pseudo-random bytes (no `rand` dependency needed).
pub fn pseudo_random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// Encodes `text` as UTF-16 with a byte-order mark.
pub fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little_endian {
            &[0xFF, 0xFE]
        } else {
            &[0xFE, 0xFF]
        });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// Encodes `text` in a legacy encoding, failing if a character has no mapping.
pub fn encode_legacy(text: &str, label: &str) -> Vec<u8> {
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
        .unwrap_or_else(|| panic!("unknown encoding label {label}"));
    let (bytes, used, unmappable) = encoding.encode(text);
    assert_eq!(
        used,
        encoding,
        "encoding_rs encoded {label} as {}",
        used.name()
    );
    assert!(!unmappable, "{text:?} cannot be written in {label}");
    bytes.into_owned()
}
