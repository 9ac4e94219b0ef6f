//! The protocol between pyforge and its Java helper: message types and
//! version constants only, no I/O. This rustdoc is the specification; the
//! Java side (`java-helper/src/main/java/dev/pyforge/helper/`) implements it
//! by hand and `tests/java_helper.rs` holds both sides to it.
//!
//! # Transport
//!
//! The helper runs as `java [JVM options] -cp <helper jar>:<JAR set>
//! dev.pyforge.helper.Main`. Messages are JSON objects, one per line
//! (`\n`), UTF-8, in both directions: requests on the helper's stdin,
//! responses on its stdout. Every message has a `"type"` tag in snake_case.
//!
//! - **stdout is protocol only.** The helper keeps the real stdout for
//!   messages and points `System.out` at stderr before any library loads
//!   (UCanAccess prints its `WARNING:` lines on `System.out`). Logs go to
//!   stderr. The JVM itself can still write to stdout: with
//!   `-XX:+ExitOnOutOfMemoryError` it prints `Terminating due to
//!   java.lang.OutOfMemoryError: ...` there. The supervisor logs every stdout
//!   line that is not a JSON object and skips it.
//! - **Lines can be long.** A `rows` message is one line; the helper closes a
//!   batch once its JSON passes about 4 MiB, so a line is at most that plus
//!   one row, and one row can hold a whole OLE object in base64.
//! - **End of stdin ends the helper at once** (exit code 0), even in the
//!   middle of a request: requests still queued are dropped. A pyforge that
//!   dies, even by SIGKILL, leaves no JVM behind. For an orderly end, send
//!   [`Request::Bye`] and wait for its reply before closing stdin.
//!
//! # Lifecycle
//!
//! 1. The helper sends [`Response::Hello`] as soon as it starts, without
//!    waiting: protocol version, helper version, Java version and vendor, the
//!    JAR-set libraries it found on its classpath, features.
//! 2. pyforge sends [`Request::Hello`] with its protocol version. If the
//!    versions differ, the helper answers with an `error` (kind
//!    `bad_request`, `id` null, the message names both versions) and exits
//!    with code 2; pyforge likewise refuses a helper whose hello carries
//!    another version, naming both. Any other request before hello gets a
//!    `bad_request` error.
//! 3. Requests, each with an `id` (a number chosen by pyforge) that every
//!    reply to it echoes. The helper answers requests one at a time, in the
//!    order received; each ends with exactly one final reply (listed below)
//!    or one `error`. `cancel` is the exception: it is handled as soon as it
//!    is read, has no reply of its own, and only ends a running or queued
//!    `read` early.
//! 4. [`Request::Bye`]: the helper closes the database, replies `bye` and
//!    exits with code 0.
//!
//! A helper holds at most one open database (one JVM per database).
//!
//! **Concurrent reads** (feature `concurrent_reads`). A `read` with
//! `"concurrent":true` does not hold up the requests after it: the helper
//! reads that table on a thread of its own, through the same file opened
//! read-only for that thread alone, and goes on with the next request. Its
//! `rows` and its `read_end` (or `error`) interleave with the replies to
//! other requests, whole lines each, told apart by `id`. pyforge sends such
//! reads only for the `jackcess` engine, never more at once than it can
//! take, and no `open`, `close` or second database while any runs; a helper
//! whose engine cannot read that way serves a concurrent read in order, as
//! any other.
//!
//! | request | replies |
//! | --- | --- |
//! | `hello` | none (or `error` and exit 2 on a version mismatch) |
//! | `open` | `opened` |
//! | `tables` | `tables` |
//! | `schema` | `schema` |
//! | `read` | zero or more `rows`, then `read_end` (or `error`, possibly after some `rows`) |
//! | `cancel` | none |
//! | `close` | `closed` (also when nothing was open) |
//! | `bye` | `bye`, then the helper exits |
//!
//! Exit codes: 0 after `bye` or end of stdin; 1 a fatal helper bug (see
//! stderr); 2 protocol mismatch; 3 out of memory (after an `out_of_memory`
//! error when there was room to send one; also the JVM's own code with
//! `-XX:+ExitOnOutOfMemoryError`).
//!
//! # Example
//!
//! ```text
//! <- {"type":"hello","protocol_version":1,"helper_version":"2.0.0-dev.1","java_version":"17.0.15","java_vendor":"Debian","jars":[{"name":"jackcess","version":"4.0.11","file":"jackcess-4.0.11.jar"}],"features":["engine_jackcess","engine_ucanaccess","cancel","compact_values"]}
//! -> {"type":"hello","protocol_version":1,"client":"pyforge 2.0.0-dev.1"}
//! -> {"type":"open","id":1,"path":"/data/shop.accdb","engine":"jackcess"}
//! <- {"type":"opened","id":1,"engine":"jackcess","file_format":"V2010","charset":"UTF-16LE","password_protected":false}
//! -> {"type":"tables","id":2}
//! <- {"type":"tables","id":2,"tables":[{"name":"Orders","kind":"table"},{"name":"Rates","kind":"linked","linked_db":"C:\\db\\rates.mdb","linked_table":"Rates","target_missing":true}]}
//! -> {"type":"schema","id":3,"table":"Orders"}
//! <- {"type":"schema","id":3,"table":"Orders","row_count":2,"columns":[{"name":"OrderID","access_type":"LONG","sql_type":"INTEGER","value_type":"int32","nullable":false,"auto_number":true,"calculated":false},{"name":"Total","access_type":"MONEY","sql_type":"DECIMAL","value_type":"decimal","precision":19,"scale":4,"nullable":true,"auto_number":false,"calculated":false}]}
//! -> {"type":"read","id":4,"table":"Orders","batch_rows":1000}
//! <- {"type":"rows","id":4,"rows":[[1,"12.5000"],[2,null]]}
//! <- {"type":"read_end","id":4,"rows_sent":2,"row_count":2,"cancelled":false}
//! -> {"type":"bye","id":5}
//! <- {"type":"bye","id":5}
//! ```
//!
//! # Values
//!
//! Rows are JSON arrays in the column order of the table's `schema` reply.
//! Each column's [`ValueType`] says how its values travel; both engines give
//! a column the same value type and the same canonical values. `null` is SQL
//! NULL in every type (a Yes/No column is never null in Access).
//!
//! | value type | Access types | JSON |
//! | --- | --- | --- |
//! | `boolean` | Yes/No | `true` / `false` |
//! | `uint8` | Byte | number 0..=255 (Access bytes are unsigned) |
//! | `int16` | Integer | number |
//! | `int32` | Long Integer, AutoNumber | number |
//! | `int64` | Large Number (BIGINT, Access 2016) | number (exact: parse as i64) |
//! | `float32` | Single | number with enough digits to give back the same f32; `"NaN"`, `"Infinity"`, `"-Infinity"` |
//! | `float64` | Double | number that parses back to the same f64; `"NaN"`, `"Infinity"`, `"-Infinity"` |
//! | `decimal` | Currency (precision 19, scale 4), Decimal | string, plain notation, exactly `scale` digits after the point (`"12.5000"`, `"-0.0001"`); a calculated Decimal has no `scale` and each value keeps its own |
//! | `timestamp` | Date/Time | string `YYYY-MM-DDTHH:MM:SS`, then `.` and up to 9 digits only when the fraction is not zero (`"2024-01-31T10:00:00"`, `"1899-12-30T13:45:30.123"`); the wall-clock value as stored, proleptic Gregorian, independent of any time zone (time-only values sit on 1899-12-30) |
//! | `string` | Text, Memo (Long Text), Hyperlink | string |
//! | `guid` | Replication ID | string `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case |
//! | `binary` | OLE Object, Binary, column types Jackcess cannot decode | string, standard base64 with padding, of the bytes as stored (OLE wrapper included) |
//! | `complex` | Attachment, multi-value, version history | string holding a JSON document (below) |
//!
//! That is the `text` encoding. A `read` may ask for `"values":"compact"`
//! instead, which sends timestamps, floats and scaled decimals as integers
//! (see [`ValueEncoding`]); pyforge does, except for `--all-strings`.
//!
//! Complex values, as the JSON text inside the string (an empty list is
//! `"[]"`, never null):
//! - attachment: `[{"name":..,"type":..,"url":..,"time_stamp":..,"flags":..,"data":"<base64>"}]`,
//!   in stored order; `data` is the decoded file content;
//! - multi-value: `[v1, v2, ...]`, each value encoded like the table above
//!   would (bytes unsigned, decimals as strings, dates as ISO strings);
//! - version history: `[{"value":"<text>","modified":"<timestamp>"}]`,
//!   oldest first;
//! - other complex types: `[{"<field>": <value>, ...}]`, one object per entry.
//!
//! Strings escape `"`, `\` and every control character below U+0020;
//! characters outside the Basic Multilingual Plane are written as UTF-8 (not
//! as `\u` surrogate pairs); a lone surrogate in the data becomes U+FFFD.
//!
//! **Row order** is each engine's natural order: `jackcess` gives the rows
//! in file order; `ucanaccess` in its HSQLDB mirror's order, which is
//! primary-key order for tables with a primary key. Compare the engines'
//! rows as multisets.
//!
//! **Row counts**: `schema` and `read_end` carry the row count the file's
//! metadata states; `read_end` also carries the rows actually sent. A damaged
//! table can read short without any exception, so a difference is the
//! supervisor's signal (only `limit` and `cancel` make it expected). When
//! damage stops a read part-way (an `error`, kind `corrupt`), every row read
//! before it has been sent first, so a supervisor may keep them.
//!
//! # Errors
//!
//! `{"type":"error","id":<id or null>,"kind":..,"message":..,"exceptions":[..]}`.
//! `id` is null when the request line could not be read (not JSON, no id).
//! `message` is the helper's text (from Jackcess or UCanAccess where they had
//! one); `exceptions` lists the Java exception classes, outermost first. See
//! [`ErrorKind`] for the kinds. After a `bad_request` the helper goes on
//! reading requests.
//!
//! # Engines
//!
//! - `jackcess` (default): Jackcess reads the file directly, read-only, row by
//!   row; nothing is held beyond the current batch.
//! - `ucanaccess`: the UCanAccess JDBC driver copies the whole database into
//!   HSQLDB when it opens (`mirror` `memory`, or `disk` with the mirror in
//!   `java.io.tmpdir`), then answers `SELECT * FROM [table]`. Table list and
//!   column descriptions come from the Jackcess database UCanAccess opened,
//!   so they match the `jackcess` engine; only `sql_type` is the driver's.
//!   Known differences: UCanAccess cannot load NaN or infinite floats or
//!   some unsupported column types (the whole open fails, kind `internal`),
//!   rounds calculated non-integer columns to 4 decimal places, and does not
//!   load `~TMP` tables (their reads fail with `not_found`).
//!
//! A Jet database password (a header field of `.mdb` files, not encryption)
//! is checked by both engines: a missing or wrong one is an error of kind
//! `password`. The password travels only inside the `open` request, never on
//! the command line or in the environment. Encrypted files (ACE "encrypt with
//! password", Jet RC4 encoding) need the jackcess-encrypt add-on
//! (`jars install --with encrypt`): without it they fail with kind
//! `encrypted`; with it both engines open them through its codec provider,
//! which takes the `open` password (an Office-encrypted file fails with kind
//! `password` without the right one, and reports `password_protected`).
//!
//! The helper sets its JVM's default time zone to UTC at start, so no value
//! depends on the machine's zone, and defaults the Jet3 (Access 97) charset
//! property `com.healthmarketscience.jackcess.charset.VERSION_3` to
//! windows-1252 unless the JVM was given one; `open`'s `charset` overrides
//! both for one file.

// The supervisor (src/jvm/helper.rs, next) is the user; until it lands only
// the tests use these items.
#![allow(dead_code)]

use serde::{Deserialize, Serialize};

/// The protocol version both sides announce in their hello. Since version 1.
pub const PROTOCOL_VERSION: u32 = 1;

/// The helper's main class. Since version 1.
pub const MAIN_CLASS: &str = "dev.pyforge.helper.Main";

/// Rows per `rows` message when `read` does not say. Since version 1.
pub const DEFAULT_BATCH_ROWS: u32 = 1000;

/// The largest `batch_rows` the helper accepts. Since version 1.
pub const MAX_BATCH_ROWS: u32 = 100_000;

/// The hello feature of a helper that reads tables side by side.
pub const FEATURE_CONCURRENT_READS: &str = "concurrent_reads";

/// A `rows` message is closed early once its JSON passes this many
/// characters (so a line stays near this size unless one row is bigger).
/// Since version 1.
pub const BATCH_CHARS: usize = 4 << 20;

/// Exit code of a helper that ran out of heap (ours and the JVM's own with
/// `-XX:+ExitOnOutOfMemoryError`). Since version 1.
pub const EXIT_OUT_OF_MEMORY: i32 = 3;

/// Exit code of a helper that refused pyforge's protocol version. Since
/// version 1.
pub const EXIT_PROTOCOL_MISMATCH: i32 = 2;

/// A request's id, chosen by pyforge; replies echo it. Unique within one
/// helper's life (a `cancel` names its target by id) and at most
/// `i64::MAX` (the helper keeps ids as Java longs).
pub type RequestId = u64;

/// pyforge → helper, one per line on the helper's stdin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// First message, answering the helper's hello. Since version 1.
    Hello(ClientHello),
    /// Open a database. Reply: `opened`. Since version 1.
    Open(OpenRequest),
    /// List the tables. Reply: `tables`. Since version 1.
    Tables(TablesRequest),
    /// Describe one table. Reply: `schema`. Since version 1.
    Schema(SchemaRequest),
    /// Stream one table's rows. Replies: `rows`..., then `read_end`. Since
    /// version 1.
    Read(ReadRequest),
    /// End a `read` early. No reply. Since version 1.
    Cancel(CancelRequest),
    /// Close the open database. Reply: `closed`. Since version 1.
    Close(CloseRequest),
    /// Close and exit. Reply: `bye`. Since version 1.
    Bye(ByeRequest),
}

/// pyforge's hello. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientHello {
    /// Must equal the helper's [`PROTOCOL_VERSION`].
    pub protocol_version: u32,
    /// Who is asking, for the helper's log (`"pyforge 2.0.0-dev.1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

/// Open a database. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenRequest {
    pub id: RequestId,
    /// A local file path (the JVM cannot read `/Volumes`; copy first). JSON
    /// carries text only: a path that is not UTF-8 must be copied or linked
    /// to one that is.
    pub path: String,
    /// Default `jackcess`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
    /// The Jet database password, if the file has one. Never on the command
    /// line or in the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A Java charset name for the file's text (Access 97 files in a code
    /// page other than windows-1252, such as `GBK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Where UCanAccess keeps its HSQLDB copy; ignored by `jackcess`.
    /// Default `memory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<Mirror>,
}

/// How the helper reads the file. Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Jackcess directly: streams rows from the file, small heap.
    Jackcess,
    /// UCanAccess JDBC over an HSQLDB copy of the whole database.
    Ucanaccess,
}

/// UCanAccess' mirror. Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mirror {
    /// `memory=true`: fastest, needs a heap of several times the data.
    Memory,
    /// `memory=false`, mirror files in the JVM's `java.io.tmpdir`.
    Disk,
}

/// List the open database's tables. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TablesRequest {
    pub id: RequestId,
}

/// Describe one table. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaRequest {
    pub id: RequestId,
    /// The table's name as `tables` gave it.
    pub table: String,
}

/// Stream one table's rows. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadRequest {
    pub id: RequestId,
    pub table: String,
    /// Rows per `rows` message, 1..=[`MAX_BATCH_ROWS`]; default
    /// [`DEFAULT_BATCH_ROWS`]. A batch may hold fewer (see [`BATCH_CHARS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_rows: Option<u32>,
    /// Stop after this many rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// How values travel: `text` (default, the table of value types above)
    /// or `compact` (feature `compact_values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<ValueEncoding>,
    /// Read beside the requests that follow (feature
    /// [`FEATURE_CONCURRENT_READS`]); see "Concurrent reads" above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent: Option<bool>,
}

/// The encodings of row values. `compact` writes as JSON integers what
/// costs most to write and parse as text: `timestamp` as microseconds since
/// 1970-01-01T00:00 of the wall clock (read as if it were UTC), `float32` and
/// `float64` as their IEEE 754 bits (`floatToRawIntBits`,
/// `doubleToRawLongBits`: NaN, infinities and -0.0 included), and a
/// `decimal` with a `scale` as its unscaled value when that fits in 63 bits
/// (else the text form). Every other type is as in `text`. Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueEncoding {
    Text,
    Compact,
}

/// End the `read` whose id is `target` early: it stops before its next row
/// and ends with `read_end` with `cancelled: true` (rows of an unfinished
/// batch are not sent). A target that already ended, or never existed, is
/// ignored. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelRequest {
    pub id: RequestId,
    pub target: RequestId,
}

/// Close the open database. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloseRequest {
    pub id: RequestId,
}

/// Close the database and exit. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByeRequest {
    pub id: RequestId,
}

/// helper → pyforge, one per line on the helper's stdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The helper's first line. Since version 1.
    Hello(HelperHello),
    /// Reply to `open`. Since version 1.
    Opened(Opened),
    /// Reply to `tables`. Since version 1.
    Tables(TableList),
    /// Reply to `schema`. Since version 1.
    Schema(TableSchema),
    /// Part of a `read`'s stream. Since version 1.
    Rows(RowBatch),
    /// The end of a `read`'s stream. Since version 1.
    ReadEnd(ReadEnd),
    /// Reply to `close`. Since version 1.
    Closed(Ack),
    /// Reply to `bye`; the helper exits next. Since version 1.
    Bye(Ack),
    /// A request failed. Since version 1.
    Error(ErrorResponse),
}

impl Response {
    /// The id of the request this replies to (none for hello, and for errors
    /// about unreadable request lines).
    pub fn id(&self) -> Option<RequestId> {
        match self {
            Response::Hello(_) => None,
            Response::Opened(m) => Some(m.id),
            Response::Tables(m) => Some(m.id),
            Response::Schema(m) => Some(m.id),
            Response::Rows(m) => Some(m.id),
            Response::ReadEnd(m) => Some(m.id),
            Response::Closed(m) | Response::Bye(m) => Some(m.id),
            Response::Error(m) => m.id,
        }
    }
}

/// The helper's hello. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelperHello {
    pub protocol_version: u32,
    /// The pyforge version the helper jar was built with.
    pub helper_version: String,
    /// `java.version` of the JVM (`1.8.0_392`, `17.0.15`, `25`).
    pub java_version: Option<String>,
    /// `java.vendor` of the JVM.
    pub java_vendor: Option<String>,
    /// The JAR-set libraries found on the classpath; a missing one is absent.
    pub jars: Vec<JarInfo>,
    /// What this helper can do: `engine_jackcess`, `engine_ucanaccess`
    /// (only when jackcess, ucanaccess and hsqldb are all present),
    /// `encryption` (the jackcess-encrypt add-on is on the classpath),
    /// `cancel`, `compact_values` (see [`ValueEncoding`]).
    pub features: Vec<String>,
}

/// One library of the JAR set as the helper found it. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JarInfo {
    /// `jackcess`, `ucanaccess`, `hsqldb`, `commons-lang3`,
    /// `commons-logging`.
    pub name: String,
    /// From the jar's manifest, when it has one.
    pub version: Option<String>,
    /// The jar's file name, when loaded from a file.
    pub file: Option<String>,
}

/// Reply to `open`. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub id: RequestId,
    pub engine: Engine,
    /// Jackcess' FileFormat: `V1997`, `V2000`, `V2003`, `V2007`, `V2010`,
    /// `V2016`, `GENERIC_JET4`, `MSISAM`.
    pub file_format: Option<String>,
    /// The charset text is decoded with (`UTF-16LE` for Jet4/ACE).
    pub charset: Option<String>,
    /// Whether the file carries a Jet database password.
    pub password_protected: bool,
}

/// Reply to `tables`: user and linked tables in catalog order; system
/// tables are left out. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableList {
    pub id: RequestId,
    pub tables: Vec<TableEntry>,
}

/// One table of a `tables` reply. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub kind: TableKind,
    /// Linked tables: the database the link points to, as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_db: Option<String>,
    /// Linked tables: the table's name in that database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_table: Option<String>,
    /// Linked tables: true when the target database is not on this machine
    /// (reading the table then fails with `not_found`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_missing: Option<bool>,
}

/// What a table is. Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A local user table.
    Table,
    /// A link to a table in another database.
    Linked,
    /// Access' scratch tables (`~TMPCLP...`): not user data.
    Temporary,
}

/// Reply to `schema`. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSchema {
    pub id: RequestId,
    /// The table's name as stored (its case may differ from the request's).
    pub table: String,
    /// The row count the file's metadata states (can be stale in a damaged
    /// or badly closed file).
    pub row_count: u64,
    /// In row order: `rows` arrays follow this order.
    pub columns: Vec<Column>,
}

/// One column of a `schema` reply. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// Jackcess' name of the stored type: `TEXT`, `MEMO`, `BYTE`, `INT`,
    /// `LONG`, `BIG_INT`, `FLOAT`, `DOUBLE`, `MONEY`, `NUMERIC`,
    /// `SHORT_DATE_TIME`, `BOOLEAN`, `GUID`, `OLE`, `BINARY`,
    /// `COMPLEX_TYPE`, `UNSUPPORTED_FIXEDLEN`, `UNSUPPORTED_VARLEN`, ...
    pub access_type: String,
    /// The JDBC type name the engine reports (`INTEGER`, `VARCHAR`, ...),
    /// when it has one; informational, engines may differ.
    pub sql_type: Option<String>,
    /// How this column's values travel in `rows`.
    pub value_type: ValueType,
    /// Text: the maximum length in characters; Binary: in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// Decimal and Currency: total digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    /// Decimal and Currency: digits after the point; every value has
    /// exactly this many. Absent for calculated Decimal columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// False for Required columns, AutoNumbers and Yes/No; absent when the
    /// helper could not tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    pub auto_number: bool,
    /// A calculated column: values are the stored results, typed by the
    /// result type.
    pub calculated: bool,
    /// Complex columns: `ATTACHMENT`, `MULTI_VALUE`, `VERSION_HISTORY` or
    /// `UNSUPPORTED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complex_type: Option<String>,
}

/// How a column's values are encoded in `rows` (see the table in the module
/// documentation). Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Boolean,
    Uint8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Decimal,
    Timestamp,
    String,
    Guid,
    Binary,
    Complex,
}

/// Part of a `read` stream: up to `batch_rows` rows, each an array in
/// column order. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowBatch {
    pub id: RequestId,
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// The end of a `read` stream. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadEnd {
    pub id: RequestId,
    /// Rows sent in this read's `rows` messages.
    pub rows_sent: u64,
    /// The row count the file's metadata states. Without `limit` or
    /// `cancel`, a difference from `rows_sent` means a damaged table (or a
    /// stale count); the supervisor decides.
    pub row_count: u64,
    /// True when a `cancel` ended the read early.
    pub cancelled: bool,
}

/// Reply to `close` and `bye`. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    pub id: RequestId,
}

/// A failed request. Since version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The failed request's id; null when the line could not be read.
    pub id: Option<RequestId>,
    pub kind: ErrorKind,
    /// The helper's message (the library's own text where it had one).
    pub message: String,
    /// Java exception classes, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<String>,
}

/// What went wrong, sorted by the helper from the libraries' real messages
/// (DESIGN.md §3). Since version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No such file, no such table, or a linked table whose database is
    /// missing. Final.
    NotFound,
    /// The file has a Jet database password and none or a wrong one was
    /// given (UCanAccess: `Password authentication failed`). Final.
    Password,
    /// Encoded or encrypted file (`Decoding not supported.  Please choose a
    /// CodecProvider ...`) and the jackcess-encrypt add-on is not on the
    /// classpath. Final.
    Encrypted,
    /// A format newer than the JAR set's Jackcess reads (`Unsupported newer
    /// version: ...`; Jackcess 3.0.1 said it of Access 2019 files). Final.
    UnsupportedVersion,
    /// Damage: truncated file, bad pages, rows that do not decode. Final.
    Corrupt,
    /// Not an Access database at all (no Jet/ACE signature). Final.
    NotAccess,
    /// The system failed reading the file (I/O error, permissions). May be
    /// worth a retry when the cause is transient.
    Io,
    /// The JVM's heap ran out; the helper exits with code 3 next. Retry
    /// with a larger heap.
    OutOfMemory,
    /// A helper or library failure that fits nothing above (stderr has the
    /// stack trace).
    Internal,
    /// The request was malformed, out of order, or named an unknown engine.
    /// A bug on pyforge's side; the helper goes on.
    BadRequest,
    /// A kind this pyforge does not know (a newer helper).
    #[serde(other)]
    Unknown,
}
