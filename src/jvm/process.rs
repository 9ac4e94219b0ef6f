//! The helper's process: spawned in its own process group, JSON lines on
//! stdin/stdout, stderr drained into a bounded tail, timeouts, killed on drop.
//!
//! This module only frames and supervises; it knows nothing of the message
//! types (see `protocol`). stdout belongs to the protocol: a line that is not
//! JSON (the JVM prints "Terminating due to java.lang.OutOfMemoryError" there
//! with `-XX:+ExitOnOutOfMemoryError`) is logged and skipped. End of file on
//! stdout means the helper died; the error carries its exit status and the
//! tail of its stderr. The helper exits when its stdin closes, so even a
//! pyforge killed with SIGKILL leaves no JVM behind.

use std::collections::VecDeque;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::cleanup;

/// Bytes of stderr kept for error messages.
pub const STDERR_TAIL_BYTES: usize = 16 * 1024;
/// The longest protocol line accepted (a batch of rows is one line).
pub const MAX_LINE_BYTES: usize = 256 * 1024 * 1024;

/// What went wrong with the process or its pipes (not a helper-reported error).
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("the helper exited ({}){}", describe(.status), tail_suffix(.stderr_tail))]
    Died {
        status: Option<ExitStatus>,
        stderr_tail: String,
    },
    #[error("the helper did not answer within {}s ({what}){}", .after.as_secs(), tail_suffix(.stderr_tail))]
    Timeout {
        what: &'static str,
        after: Duration,
        stderr_tail: String,
    },
    #[error("the helper sent a message pyforge does not understand: {error}; the line began with `{start}`")]
    BadMessage { start: String, error: String },
    #[error("the helper sent a line longer than {MAX_LINE_BYTES} bytes")]
    LineTooLong,
    #[error("talking to the helper failed: {0}")]
    Io(#[from] std::io::Error),
}

impl ProcessError {
    /// The tail of the helper's stderr, where the error has one.
    pub fn stderr_tail(&self) -> &str {
        match self {
            ProcessError::Died { stderr_tail, .. } | ProcessError::Timeout { stderr_tail, .. } => {
                stderr_tail
            }
            _ => "",
        }
    }

    /// The helper's exit code, if it exited.
    pub fn exit_code(&self) -> Option<i32> {
        match self {
            ProcessError::Died { status, .. } => status.and_then(|s| s.code()),
            _ => None,
        }
    }
}

fn describe(status: &Option<ExitStatus>) -> String {
    match status {
        Some(status) => status.to_string(),
        None => "exit status unknown".into(),
    }
}

/// The last few non-empty lines of stderr, oldest first: the JVM explains
/// before it concludes ("Invalid maximum heap size: …" comes before "Could
/// not create the Java Virtual Machine.").
fn tail_suffix(tail: &str) -> String {
    let mut last: Vec<&str> = tail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .rev()
        .take(3)
        .collect();
    if last.is_empty() {
        return String::new();
    }
    last.reverse();
    format!("; its last words: {}", last.join(" / "))
}

/// The last bytes the helper wrote to stderr.
#[derive(Debug, Default)]
pub struct StderrTail {
    bytes: Mutex<VecDeque<u8>>,
}

impl StderrTail {
    fn push(&self, line: &[u8]) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        bytes.extend(line);
        let excess = bytes.len().saturating_sub(STDERR_TAIL_BYTES);
        bytes.drain(..excess);
    }

    pub fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        let (a, b) = bytes.as_slices();
        String::from_utf8_lossy(&[a, b].concat()).into_owned()
    }
}

/// A running helper process.
pub struct HelperProcess {
    /// The process group the helper leads (killed whole on drop).
    pgid: Option<u32>,
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    stderr: Arc<StderrTail>,
    line: Vec<u8>,
}

impl HelperProcess {
    /// Starts `command` with piped stdio, in its own process group (a ctrl-c
    /// at the terminal reaches pyforge, which then ends the helper), killed
    /// when this handle is dropped.
    pub fn spawn(mut command: Command) -> Result<HelperProcess, ProcessError> {
        let program = command
            .as_std()
            .get_program()
            .to_string_lossy()
            .into_owned();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command
            .spawn()
            .map_err(|source| ProcessError::Spawn { program, source })?;
        if let Some(pid) = child.id() {
            cleanup::register_group(pid);
        }
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped stdout"));
        let stderr = Arc::new(StderrTail::default());
        if let Some(pipe) = child.stderr.take() {
            let tail = stderr.clone();
            // Drained continuously so the helper never blocks on a full pipe.
            tokio::spawn(async move {
                let mut reader = BufReader::new(pipe);
                let mut line = Vec::new();
                while let Ok(n) = reader.read_until(b'\n', &mut line).await {
                    if n == 0 {
                        break;
                    }
                    tracing::debug!(target: "pyforge::helper", "{}", String::from_utf8_lossy(&line).trim_end());
                    tail.push(&line);
                    line.clear();
                }
            });
        }
        Ok(HelperProcess {
            pgid: child.id(),
            child,
            stdin,
            stdout,
            stderr,
            line: Vec::new(),
        })
    }

    /// The process id, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// The tail of stderr so far.
    pub fn stderr_tail(&self) -> String {
        self.stderr.text()
    }

    /// Writes one message as one line and flushes.
    pub async fn send<T: Serialize>(&mut self, message: &T) -> Result<(), ProcessError> {
        let mut line = serde_json::to_vec(message).expect("protocol messages serialize");
        line.push(b'\n');
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.died().await);
        };
        let written = async {
            stdin.write_all(&line).await?;
            stdin.flush().await
        }
        .await;
        match written {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(self.died().await),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads the next message, skipping (and logging) lines that are not
    /// JSON. `what` names the wait in a timeout error.
    pub async fn receive<T: DeserializeOwned>(
        &mut self,
        timeout: Duration,
        what: &'static str,
    ) -> Result<T, ProcessError> {
        match tokio::time::timeout(timeout, self.receive_untimed()).await {
            Ok(result) => result,
            Err(_) => Err(ProcessError::Timeout {
                what,
                after: timeout,
                stderr_tail: self.stderr_tail(),
            }),
        }
    }

    async fn receive_untimed<T: DeserializeOwned>(&mut self) -> Result<T, ProcessError> {
        self.next_protocol_line().await?;
        parse_message(self.line.trim_ascii())
    }

    /// The next protocol line (a JSON object), within `timeout`; lines that
    /// are not JSON are skipped and logged. The caller parses it (see
    /// [`parse_message`]); the line is valid until the next receive.
    pub async fn receive_line(
        &mut self,
        timeout: Duration,
        what: &'static str,
    ) -> Result<&[u8], ProcessError> {
        match tokio::time::timeout(timeout, self.next_protocol_line()).await {
            Ok(Ok(())) => Ok(self.line.trim_ascii()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ProcessError::Timeout {
                what,
                after: timeout,
                stderr_tail: self.stderr_tail(),
            }),
        }
    }

    /// Reads lines into `self.line` until one is a protocol line.
    async fn next_protocol_line(&mut self) -> Result<(), ProcessError> {
        loop {
            self.read_line().await?;
            let text = self.line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            if text[0] != b'{' {
                tracing::warn!(
                    "helper wrote a line that is not protocol: {}",
                    String::from_utf8_lossy(text)
                );
                continue;
            }
            return Ok(());
        }
    }

    /// Reads one line into `self.line`, bounded by [`MAX_LINE_BYTES`].
    async fn read_line(&mut self) -> Result<(), ProcessError> {
        self.line.clear();
        loop {
            let buffer = self.stdout.fill_buf().await?;
            if buffer.is_empty() {
                return Err(self.died().await);
            }
            let (take, done) = match buffer.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (buffer.len(), false),
            };
            if self.line.len() + take > MAX_LINE_BYTES {
                return Err(ProcessError::LineTooLong);
            }
            self.line.extend_from_slice(&buffer[..take]);
            self.stdout.consume(take);
            if done {
                return Ok(());
            }
        }
    }

    /// The error for a helper that went away: its exit status (waiting a
    /// moment for it) and its last stderr.
    async fn died(&mut self) -> ProcessError {
        let status = tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        // Let the stderr task catch the last lines.
        tokio::time::sleep(Duration::from_millis(20)).await;
        ProcessError::Died {
            status,
            stderr_tail: self.stderr_tail(),
        }
    }

    /// Polite end: close stdin (the helper exits on end of input), wait up
    /// to `grace`, then kill.
    pub async fn shutdown(mut self, grace: Duration) -> Option<ExitStatus> {
        self.stdin = None;
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(Ok(status)) => Some(status),
            _ => {
                let _ = self.child.start_kill();
                self.child.wait().await.ok()
            }
        }
    }
}

impl Drop for HelperProcess {
    /// Kills what is left of the helper's process group (a JVM that never
    /// read its stdin, or what a wrapper script started) unless it already
    /// ended and was reaped.
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid.take() {
            if matches!(self.child.try_wait(), Ok(None)) {
                cleanup::kill_group(pgid);
            }
            cleanup::unregister_group(pgid);
        }
    }
}

/// One protocol line parsed as `T`; a line that is not one is a
/// [`ProcessError::BadMessage`] quoting its start.
pub fn parse_message<T: DeserializeOwned>(text: &[u8]) -> Result<T, ProcessError> {
    serde_json::from_slice(text).map_err(|e| bad_message(text, &e))
}

/// The protocol line `text` that failed to parse with `error`.
pub fn bad_message(text: &[u8], error: &serde_json::Error) -> ProcessError {
    ProcessError::BadMessage {
        start: String::from_utf8_lossy(&text[..text.len().min(120)]).into_owned(),
        error: error.to_string(),
    }
}
