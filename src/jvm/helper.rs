//! One Java helper per database: start it, shake hands, ask, stream rows.
//!
//! [`Helper`] speaks protocol v1 (see `protocol`) over a [`HelperProcess`].
//! Two layers of failure stay apart (STYLE.md): the process or pipe broke
//! ([`HelperError::Process`], carrying the exit status and stderr tail) or the
//! helper answered with an error ([`HelperError::Reported`]). `retry`
//! classifies both. The JVM gets its heap, a private temp dir and fixed
//! file-encoding, time-zone and Jet3 charset settings, so results do not
//! depend on the machine.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::process::Command;

use super::process::{self, HelperProcess, ProcessError};
use super::protocol::{
    self, ClientHello, Engine, ErrorKind, HelperHello, Mirror, OpenRequest, Opened, ReadEnd,
    ReadRequest, Request, RequestId, Response, SchemaRequest, TableList, TableSchema,
    TablesRequest, ValueEncoding,
};
use super::retry::{self, RetryPolicy, Verdict};
use super::rows::{self, DecodeError, Decoded, OneRead, RowsRoute, RowsTarget};
use crate::files::{leftovers, TempPath};

/// How to start a helper.
#[derive(Debug, Clone)]
pub struct HelperConfig {
    /// The `java` executable (or, in tests, any program speaking the protocol).
    pub program: PathBuf,
    /// Arguments before the JVM options (tests run scripts through an interpreter).
    pub program_args: Vec<String>,
    /// The helper jar first, then the JAR set.
    pub classpath: Vec<PathBuf>,
    /// `-Xmx`, in MiB.
    pub heap_mb: u64,
    /// Where each helper gets a private `java.io.tmpdir` (UCanAccess' disk
    /// mirror goes there), removed when the helper ends.
    pub temp_dir: PathBuf,
    /// Longest wait for the helper's hello (JVM start-up).
    pub handshake_timeout: Duration,
    /// Longest wait for any one message once started (a stuck helper).
    pub idle_timeout: Duration,
    /// Longest time one attempt of a whole job may take (`with_retries`);
    /// running out is final, not retried.
    pub overall_timeout: Option<Duration>,
}

impl HelperConfig {
    /// The private temporary folder of one helper, under `temp_dir`.
    fn private_temp(&self) -> PathBuf {
        self.temp_dir.join(HELPER_TEMP_NAME)
    }

    /// The JVM options, in the order they are passed, with `tmpdir` as the
    /// JVM's `java.io.tmpdir`.
    pub fn jvm_options(&self, tmpdir: &Path) -> Vec<String> {
        let classpath = std::env::join_paths(&self.classpath)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        vec![
            format!("-Xmx{}m", self.heap_mb),
            // One thread streams rows: the serial collector is the fastest
            // and smallest for it (G1 grew a 1M-row read to 320 MB).
            "-XX:+UseSerialGC".into(),
            // Exit with code 3 instead of limping on; it prints on stdout,
            // which the transport skips as a non-protocol line.
            "-XX:+ExitOnOutOfMemoryError".into(),
            "-Dfile.encoding=UTF-8".into(),
            "-Djava.awt.headless=true".into(),
            format!("-Djava.io.tmpdir={}", tmpdir.display()),
            // Dates are wall-clock values whatever the machine's zone.
            "-Duser.timezone=UTC".into(),
            // Access 97 names are garbled without it (DESIGN.md §3).
            "-Dcom.healthmarketscience.jackcess.charset.VERSION_3=windows-1252".into(),
            "-cp".into(),
            classpath,
            protocol::MAIN_CLASS.into(),
        ]
    }

    fn command(&self, tmpdir: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.program_args)
            .args(self.jvm_options(tmpdir));
        command
    }
}

/// The name the private temporary folders of helpers are made from
/// (`.pyforge-helper.<pid>-<n>.tmp` in the temp dir).
const HELPER_TEMP_NAME: &str = "pyforge-helper";

/// How the helper begins every `rows` message (`Messages.rowsStart`); a line
/// that begins otherwise takes the generic path.
const ROWS_MESSAGE_START: &[u8] = br#"{"type":"rows","#;

/// Why a helper request failed.
#[derive(Debug, thiserror::Error)]
pub enum HelperError {
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("{message}")]
    Reported { kind: ErrorKind, message: String },
    #[error("the helper broke the protocol: {0}")]
    Protocol(String),
    #[error("the attempt did not finish within {}s (--timeout)", .0.as_secs_f64())]
    OverallTimeout(Duration),
}

impl HelperError {
    /// Whether another attempt may succeed, and why.
    pub fn verdict(&self) -> Verdict {
        match self {
            HelperError::Reported { kind, message } => {
                retry::classify(Some(kind_name(*kind)), None, message)
            }
            // The same attempt would time out again.
            HelperError::Process(ProcessError::Timeout { .. }) => Verdict::Final,
            HelperError::Process(e) => retry::classify(None, e.exit_code(), e.stderr_tail()),
            HelperError::Protocol(_) | HelperError::OverallTimeout(_) => Verdict::Final,
        }
    }
}

fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "not_found",
        ErrorKind::Password => "password",
        ErrorKind::Encrypted => "encrypted",
        ErrorKind::UnsupportedVersion => "unsupported_version",
        ErrorKind::Corrupt => "corrupt",
        ErrorKind::NotAccess => "unsupported",
        ErrorKind::Io => "io",
        ErrorKind::OutOfMemory => "out_of_memory",
        ErrorKind::Internal => "internal",
        ErrorKind::BadRequest => "bad_request",
        ErrorKind::Unknown => "internal",
    }
}

/// What happened next to a read in flight (see [`Helper::next_read_event`]).
#[derive(Debug)]
pub enum ReadEvent<E> {
    /// A `rows` message: this many rows went into request `id`'s target.
    Rows { id: RequestId, rows: usize },
    /// Request `id`'s read is over.
    Ended { id: RequestId, end: ReadEnd },
    /// The helper answered request `id` with an error; reads beside it go on.
    Failed { id: RequestId, error: HelperError },
    /// Request `id`'s target refused what it was given.
    Refused { id: RequestId, error: E },
}

/// A started helper that completed the handshake.
pub struct Helper {
    process: HelperProcess,
    /// The helper's `java.io.tmpdir`, locked while it runs and removed with
    /// it; one a killed run left is removed by the next helper.
    _temp: TempPath,
    hello: HelperHello,
    next_id: RequestId,
    idle_timeout: Duration,
    heap_mb: u64,
}

impl Helper {
    /// Starts the helper and completes the hello exchange.
    pub async fn start(config: &HelperConfig) -> Result<Helper, HelperError> {
        let private = config.private_temp();
        for cleaned in leftovers::clean(&private, Duration::ZERO) {
            tracing::info!("removed a helper temp folder left by a killed run: {cleaned:?}");
        }
        let temp = TempPath::dir(&private).map_err(ProcessError::Io)?;
        let mut process = HelperProcess::spawn(config.command(temp.path()))?;
        let hello = match process
            .receive::<Response>(config.handshake_timeout, "hello")
            .await?
        {
            Response::Hello(hello) => hello,
            Response::Error(e) => {
                return Err(HelperError::Reported {
                    kind: e.kind,
                    message: e.message,
                })
            }
            other => return Err(unexpected("hello", &other)),
        };
        if hello.protocol_version != protocol::PROTOCOL_VERSION {
            return Err(HelperError::Protocol(format!(
                "the helper speaks protocol version {}, this pyforge speaks version {}",
                hello.protocol_version,
                protocol::PROTOCOL_VERSION
            )));
        }
        process
            .send(&Request::Hello(ClientHello {
                protocol_version: protocol::PROTOCOL_VERSION,
                client: Some(format!("pyforge {}", env!("CARGO_PKG_VERSION"))),
            }))
            .await?;
        Ok(Helper {
            process,
            _temp: temp,
            hello,
            next_id: 1,
            idle_timeout: config.idle_timeout,
            heap_mb: config.heap_mb,
        })
    }

    /// What the helper said about itself.
    pub fn hello(&self) -> &HelperHello {
        &self.hello
    }

    fn id(&mut self) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The next message for request `id`; an error response becomes `Reported`.
    async fn answer(&mut self, id: RequestId, what: &'static str) -> Result<Response, HelperError> {
        loop {
            let response: Response = self.process.receive(self.idle_timeout, what).await?;
            if let Some(response) = Self::check_answer(id, response)? {
                return Ok(response);
            }
        }
    }

    /// `response` as the answer to request `id`: `None` for an answer to
    /// another request (logged and skipped), an `error` as `Err`.
    fn check_answer(id: RequestId, response: Response) -> Result<Option<Response>, HelperError> {
        match response.id() {
            Some(got) if got != id => {
                tracing::warn!("helper answered request {got} while pyforge waited for {id}");
                return Ok(None);
            }
            _ => {}
        }
        if let Response::Error(e) = response {
            return Err(HelperError::Reported {
                kind: e.kind,
                message: e.message,
            });
        }
        Ok(Some(response))
    }

    /// Opens a database (a local path: copy volume files first). UCanAccess
    /// gets its mirror in memory when the file is small beside the heap,
    /// on disk otherwise ([`mirror_for`]).
    pub async fn open(
        &mut self,
        path: &std::path::Path,
        engine: Engine,
        password: Option<String>,
    ) -> Result<Opened, HelperError> {
        let id = self.id();
        self.process
            .send(&Request::Open(OpenRequest {
                id,
                path: path.to_string_lossy().into_owned(),
                engine: Some(engine),
                password,
                charset: None,
                mirror: (engine == Engine::Ucanaccess).then(|| {
                    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
                    mirror_for(bytes, self.heap_mb)
                }),
            }))
            .await?;
        match self.answer(id, "open").await? {
            Response::Opened(opened) => Ok(opened),
            other => Err(unexpected("opened", &other)),
        }
    }

    /// The tables of the open database.
    pub async fn tables(&mut self) -> Result<TableList, HelperError> {
        let id = self.id();
        self.process
            .send(&Request::Tables(TablesRequest { id }))
            .await?;
        match self.answer(id, "tables").await? {
            Response::Tables(list) => Ok(list),
            other => Err(unexpected("tables", &other)),
        }
    }

    /// One table's columns and row count.
    pub async fn schema(&mut self, table: &str) -> Result<TableSchema, HelperError> {
        let id = self.id();
        self.process
            .send(&Request::Schema(SchemaRequest {
                id,
                table: table.to_string(),
            }))
            .await?;
        match self.answer(id, "schema").await? {
            Response::Schema(schema) => Ok(schema),
            other => Err(unexpected("schema", &other)),
        }
    }

    /// Whether the helper reads several tables at once when asked (feature
    /// `concurrent_reads`).
    pub fn reads_concurrently(&self) -> bool {
        self.hello
            .features
            .iter()
            .any(|f| f == protocol::FEATURE_CONCURRENT_READS)
    }

    /// Asks for a table's rows; they come as [`ReadEvent`]s. With
    /// `concurrent` (only when [`reads_concurrently`](Self::reads_concurrently))
    /// the helper reads the table beside the requests that follow.
    pub async fn start_read(
        &mut self,
        table: &str,
        batch_rows: u32,
        values: ValueEncoding,
        concurrent: bool,
    ) -> Result<RequestId, HelperError> {
        let id = self.id();
        self.process
            .send(&Request::Read(ReadRequest {
                id,
                table: table.to_string(),
                batch_rows: Some(batch_rows),
                limit: None,
                values: Some(values),
                concurrent: concurrent.then_some(true),
            }))
            .await?;
        Ok(id)
    }

    /// Asks the helper to end read `id` early (it answers `read_end` with
    /// `cancelled`).
    pub async fn cancel(&mut self, id: RequestId) -> Result<(), HelperError> {
        let target = id;
        let id = self.id();
        self.process
            .send(&Request::Cancel(protocol::CancelRequest { id, target }))
            .await?;
        Ok(())
    }

    /// The next thing that happened to one of the reads `route` knows: each
    /// `rows` message is decoded straight into its read's target (the Rust
    /// side never holds a table). Messages for other requests are skipped;
    /// an `error` without a request id fails the helper as a whole.
    pub async fn next_read_event<R: RowsRoute>(
        &mut self,
        route: &mut R,
    ) -> Result<ReadEvent<<R::Target as RowsTarget>::Error>, HelperError> {
        loop {
            let line = self.process.receive_line(self.idle_timeout, "rows").await?;
            // The hot path: a `rows` line goes straight into the target. The
            // generic `Response` enum is tagged by a field, which makes serde
            // buffer the whole message before decoding it a second time.
            let (id, decoded) = if line.starts_with(ROWS_MESSAGE_START) {
                match rows::decode(line, route) {
                    Ok(Decoded::Rows { id, rows }) => (id, Ok(rows)),
                    Ok(Decoded::OtherRequest(got)) => {
                        tracing::warn!("helper sent rows of request {got}, which is not read here");
                        continue;
                    }
                    Err(DecodeError { id, error }) => {
                        let refusal = id.and_then(|id| {
                            let refusal = route.target(id)?.take_refusal()?;
                            Some(ReadEvent::Refused { id, error: refusal })
                        });
                        return match refusal {
                            Some(refused) => Ok(refused),
                            None => Err(process::bad_message(line, &error).into()),
                        };
                    }
                }
            } else {
                let response = process::parse_message::<Response>(line)?;
                let Some(id) = response.id() else {
                    if let Response::Error(e) = response {
                        return Err(HelperError::Reported {
                            kind: e.kind,
                            message: e.message,
                        });
                    }
                    tracing::warn!("helper sent a message with no request id; skipped");
                    continue;
                };
                let Some(target) = route.target(id) else {
                    tracing::warn!("helper answered request {id}, which is not read here");
                    continue;
                };
                match response {
                    Response::Rows(batch) => (id, rows::feed(batch.rows, target)),
                    Response::ReadEnd(end) => return Ok(ReadEvent::Ended { id, end }),
                    Response::Error(e) => {
                        let error = HelperError::Reported {
                            kind: e.kind,
                            message: e.message,
                        };
                        return Ok(ReadEvent::Failed { id, error });
                    }
                    other => return Err(unexpected("rows", &other)),
                }
            };
            let target = route.target(id).expect("a routed read");
            let rows = match decoded {
                Ok(rows) => rows,
                Err(error) => {
                    return match target.take_refusal() {
                        Some(refusal) => Ok(ReadEvent::Refused { id, error: refusal }),
                        None => Err(process::bad_message(line, &error).into()),
                    }
                }
            };
            return Ok(match target.end_batch(rows) {
                Ok(()) => ReadEvent::Rows { id, rows },
                Err(error) => ReadEvent::Refused { id, error },
            });
        }
    }

    /// Streams a table into `target` alone. Returns the helper's closing
    /// counts, or the target's reason for ending the read.
    pub async fn read<T: RowsTarget>(
        &mut self,
        table: &str,
        batch_rows: u32,
        values: ValueEncoding,
        target: &mut T,
    ) -> Result<Result<ReadEnd, T::Error>, HelperError> {
        let id = self.start_read(table, batch_rows, values, false).await?;
        let mut route = OneRead { id, target };
        loop {
            match self.next_read_event(&mut route).await? {
                ReadEvent::Rows { .. } => {}
                ReadEvent::Ended { end, .. } => return Ok(Ok(end)),
                ReadEvent::Failed { error, .. } => return Err(error),
                ReadEvent::Refused { error, .. } => return Ok(Err(error)),
            }
        }
    }

    /// Says goodbye and waits for the helper to exit (killing it after a
    /// grace period).
    pub async fn finish(mut self) {
        let id = self.id();
        if self
            .process
            .send(&Request::Bye(protocol::ByeRequest { id }))
            .await
            .is_ok()
        {
            let _ = self.answer(id, "bye").await;
        }
        self.process.shutdown(Duration::from_secs(5)).await;
    }
}

/// UCanAccess' HSQLDB mirror of a whole database takes about nine times the
/// file's size in memory (a 247 MB file needed 2.2 GB): in memory when that
/// ten times the file's size fits in the heap, on disk otherwise.
pub fn mirror_for(file_bytes: u64, heap_mb: u64) -> Mirror {
    if file_bytes.saturating_mul(10) <= heap_mb * 1024 * 1024 {
        Mirror::Memory
    } else {
        Mirror::Disk
    }
}

/// A result and how many retries it took.
#[derive(Debug)]
pub struct Attempted<T> {
    pub value: T,
    pub retries: u32,
}

/// Runs `work` on a fresh helper; a recoverable failure (see `retry`)
/// starts a new helper after an exponential backoff, with a larger heap
/// after an out-of-memory failure, up to `policy.retries` times. Each retry
/// is logged with its reason. Final failures return at once.
pub async fn with_retries<T>(
    config: &HelperConfig,
    policy: &RetryPolicy,
    mut work: impl AsyncFnMut(&mut Helper) -> Result<T, HelperError>,
) -> Result<Attempted<T>, HelperError> {
    let mut config = config.clone();
    let mut backoff = policy.backoff();
    let mut retries = 0;
    loop {
        // One attempt, the JVM's start-up and hello included, within the
        // timeout; a timeout is final (the same attempt would time out again).
        let attempt = async {
            let mut helper = Helper::start(&config).await?;
            let result = work(&mut helper).await;
            if result.is_ok() {
                helper.finish().await;
            }
            result
        };
        let result = match config.overall_timeout {
            Some(limit) => tokio::time::timeout(limit, attempt)
                .await
                .unwrap_or(Err(HelperError::OverallTimeout(limit))),
            None => attempt.await,
        };
        let error = match result {
            Ok(value) => return Ok(Attempted { value, retries }),
            Err(error) => error,
        };
        match error.verdict() {
            Verdict::Retry(reason) if retries < policy.retries => {
                let delay = backoff.next_delay();
                retries += 1;
                config.heap_mb = policy.next_heap_mb(config.heap_mb, reason);
                tracing::warn!(
                    "{} ({error}); retry {retries} of {} in {:.1}s with a {} MiB heap",
                    reason.describe(),
                    policy.retries,
                    delay.as_secs_f64(),
                    config.heap_mb
                );
                tokio::time::sleep(delay).await;
            }
            _ => return Err(error),
        }
    }
}

fn unexpected(wanted: &str, got: &Response) -> HelperError {
    let text = serde_json::to_string(got).unwrap_or_default();
    HelperError::Protocol(format!(
        "expected `{wanted}`, got {}",
        &text[..text.len().min(200)]
    ))
}

#[cfg(test)]
mod tests;
