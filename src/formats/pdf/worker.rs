//! The PDF worker: each PDF is read by a pyforge process of its own
//! (`pyforge pdf-worker`, hidden), so that a file which makes the engine
//! panic, overflow its stack, hang or grow without bound costs an error
//! naming the file and page, never the run.
//!
//! The conversation, one JSON object per line:
//! 1. pyforge writes an [`OpenRequest`] (the path, the password: on stdin,
//!    never the command line or the environment);
//! 2. the worker answers `facts` (or `failed`);
//! 3. pyforge writes a [`PageRequest`]: the pages to read, chosen from the
//!    facts, and whether their text is wanted;
//! 4. the worker answers one `page` per page, then `done` (or `failed`,
//!    naming the page).
//!
//! The worker runs with an address-space limit (`setrlimit`), dies with
//! pyforge (`PR_SET_PDEATHSIG`), and is killed when it is silent for longer
//! than the step time limit: opening the file, or any one page.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::document::{Facts, PageContent, PdfError, PdfFile};
use crate::cleanup;
use crate::env_vars;
use crate::formats::Stop;

/// The hidden subcommand that runs a worker.
pub const SUBCOMMAND: &str = "pdf-worker";

/// What a worker may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerLimits {
    /// The longest it may take to open the file, or to read one page.
    pub step: Duration,
    /// Its address space, MiB; `None`: twice the file's size plus 2 GiB.
    pub memory_mb: Option<u64>,
}

impl WorkerLimits {
    /// The address space a worker reading a file of `file_bytes` gets.
    pub fn memory_mb_for(&self, file_bytes: u64) -> u64 {
        self.memory_mb
            .unwrap_or(2048 + (file_bytes / (1 << 20)).saturating_mul(2))
    }
}

/// The first request: which file, with which password.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenRequest {
    pub path: PathBuf,
    pub password: Option<String>,
}

/// The second request: which pages (numbers from 1), with or without their
/// text (`info` and `validate` count, `convert` keeps it).
#[derive(Debug, Serialize, Deserialize)]
pub struct PageRequest {
    pub pages: Vec<u32>,
    pub text: bool,
}

/// What a worker reports about one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageReport {
    pub number: u32,
    /// Empty unless the text was asked for.
    pub text: String,
    /// Characters of its text (line breaks included).
    pub characters: u64,
    /// Whether its text holds anything but white space.
    pub has_text: bool,
    pub images: u32,
}

impl PageReport {
    fn of(number: u32, content: PageContent, keep_text: bool) -> PageReport {
        PageReport {
            number,
            characters: content.text.chars().count() as u64,
            has_text: content.has_text(),
            images: content.images,
            text: if keep_text {
                content.text
            } else {
                String::new()
            },
        }
    }
}

/// A worker's messages.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Facts { facts: Facts },
    Page(PageReport),
    Done,
    Failed { page: Option<u32>, error: PdfError },
}

/// Why reading a PDF through its worker failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("{}{error}", on_page(*.page))]
    Pdf { page: Option<u32>, error: PdfError },
    #[error("cannot start the PDF worker ({}): {source}", .program.display())]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    #[error("{}the PDF reader took longer than {seconds} s and was stopped", on_page(*.page))]
    TimedOut { page: Option<u32>, seconds: u64 },
    #[error("{}the PDF reader went past its memory limit of {limit_mb} MiB and was stopped", on_page(*.page))]
    OutOfMemory { page: Option<u32>, limit_mb: u64 },
    #[error("{}the PDF reader crashed ({how})", on_page(*.page))]
    Crashed { page: Option<u32>, how: String },
    #[error("{}the PDF worker broke the protocol: {detail}", on_page(*.page))]
    Protocol { page: Option<u32>, detail: String },
    /// The reader answered [`Stop`].
    #[error("stopped")]
    Stopped,
}

fn on_page(page: Option<u32>) -> String {
    page.map(|p| format!("page {p}: ")).unwrap_or_default()
}

impl WorkerError {
    /// The hint to print under the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            WorkerError::Pdf {
                error: PdfError::NeedsPassword | PdfError::WrongPassword,
                ..
            } => Some("give the password with --password or PYFORGE_PDF_PASSWORD".into()),
            WorkerError::TimedOut { .. } => {
                Some("--page-timeout (PYFORGE_PDF_PAGE_TIMEOUT) gives it longer".into())
            }
            WorkerError::OutOfMemory { .. } => {
                Some("--pdf-memory-limit (PYFORGE_PDF_MEMORY_LIMIT) gives it more".into())
            }
            _ => None,
        }
    }

    /// Whether the file's content is at fault (a damaged page, rather than
    /// a password, a limit or the machine).
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            WorkerError::Pdf {
                error: PdfError::Damaged(_) | PdfError::Engine(_),
                ..
            } | WorkerError::Crashed { .. }
        )
    }
}

/// What the reader of a PDF is told as the worker goes. Answering
/// [`Stop`] ends the read with [`WorkerError::Stopped`]; the reader keeps
/// its reason.
pub trait WorkerEvents {
    /// The file's facts; answers the pages to read.
    fn facts(&mut self, facts: &Facts) -> Result<Vec<u32>, Stop>;
    /// One page, in the order asked.
    fn page(&mut self, page: PageReport) -> Result<(), Stop>;
}

/// Reads `path` in a worker process: its facts, then the pages `events`
/// asks for, with their text when `text`.
pub fn read(
    path: &Path,
    password: Option<&str>,
    text: bool,
    limits: &WorkerLimits,
    events: &mut dyn WorkerEvents,
) -> Result<(), WorkerError> {
    let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let limit_mb = limits.memory_mb_for(file_bytes);
    let mut worker = Worker::start(limit_mb)?;
    let seconds = limits.step.as_secs();
    worker.send(&OpenRequest {
        path: path.to_path_buf(),
        password: password.map(str::to_string),
    })?;
    let facts = match worker.next(limits.step, None)? {
        Message::Facts { facts } => facts,
        other => return Err(worker.unexpected(other, None)),
    };
    let pages = events.facts(&facts).map_err(|Stop| WorkerError::Stopped)?;
    worker.send(&PageRequest {
        pages: pages.clone(),
        text,
    })?;
    for &number in &pages {
        match worker.next(limits.step, Some(number)) {
            Ok(Message::Page(page)) if page.number == number => {
                events.page(page).map_err(|Stop| WorkerError::Stopped)?
            }
            Ok(other) => return Err(worker.unexpected(other, Some(number))),
            Err(WorkerError::TimedOut { page, .. }) => {
                return Err(WorkerError::TimedOut { page, seconds })
            }
            Err(e) => return Err(e),
        }
    }
    match worker.next(limits.step, None)? {
        Message::Done => Ok(()),
        other => Err(worker.unexpected(other, None)),
    }
}

/// A running worker process, killed when dropped.
struct Worker {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    lines: Receiver<std::io::Result<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Disconnected once the worker's stderr is read to its end.
    stderr_closed: Receiver<()>,
    limit_mb: u64,
}

/// How long a dead worker's last words may take to reach the stderr reader.
const STDERR_GRACE: Duration = Duration::from_secs(2);

/// The longest line a worker may send (one page's text).
const MAX_LINE: u64 = 256 << 20;
/// How much of a worker's stderr is kept to explain a crash.
const STDERR_TAIL: usize = 4096;

impl Worker {
    fn start(limit_mb: u64) -> Result<Worker, WorkerError> {
        let (program, args) = worker_command();
        let mut command = Command::new(&program);
        command
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        confine(&mut command, limit_mb);
        let mut child = command
            .spawn()
            .map_err(|source| WorkerError::Spawn { program, source })?;
        cleanup::register_group(child.id());
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let read = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line);
                let end = matches!(read, Ok(0) | Err(_));
                if sender.send(read.map(|_| line)).is_err() || end {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (stderr_open, stderr_closed) = mpsc::channel::<()>();
        if let Some(mut pipe) = child.stderr.take() {
            let tail = stderr.clone();
            std::thread::spawn(move || {
                let _open = stderr_open;
                let mut chunk = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                    tail.extend_from_slice(&chunk[..n]);
                    let excess = tail.len().saturating_sub(STDERR_TAIL);
                    tail.drain(..excess);
                }
            });
        }
        Ok(Worker {
            child,
            stdin,
            lines,
            stderr,
            stderr_closed,
            limit_mb,
        })
    }

    fn send(&mut self, request: &impl Serialize) -> Result<(), WorkerError> {
        let mut line = serde_json::to_vec(request).expect("requests serialize");
        line.push(b'\n');
        let stdin = self
            .stdin
            .as_mut()
            .expect("stdin open while the worker runs");
        if stdin.write_all(&line).and_then(|()| stdin.flush()).is_err() {
            // It died before reading: its exit says why.
            return Err(self.ended(None));
        }
        Ok(())
    }

    /// The next message, within `step`; `page` is what the worker is on.
    fn next(&mut self, step: Duration, page: Option<u32>) -> Result<Message, WorkerError> {
        let line = match self.lines.recv_timeout(step) {
            Ok(Ok(line)) if !line.is_empty() => line,
            Ok(_) | Err(RecvTimeoutError::Disconnected) => return Err(self.ended(page)),
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                return Err(WorkerError::TimedOut {
                    page,
                    seconds: step.as_secs(),
                });
            }
        };
        if !line.ends_with(b"\n") {
            self.kill();
            return Err(WorkerError::Protocol {
                page,
                detail: format!("a line longer than {MAX_LINE} bytes"),
            });
        }
        match serde_json::from_slice::<Message>(&line) {
            Ok(Message::Failed { page, error }) => Err(WorkerError::Pdf { page, error }),
            Ok(message) => Ok(message),
            Err(e) => {
                self.kill();
                Err(WorkerError::Protocol {
                    page,
                    detail: format!(
                        "{e} in `{}`",
                        String::from_utf8_lossy(&line[..line.len().min(80)]).trim_end()
                    ),
                })
            }
        }
    }

    fn unexpected(&mut self, message: Message, page: Option<u32>) -> WorkerError {
        self.kill();
        let what = match message {
            Message::Facts { .. } => "facts again".to_string(),
            Message::Page(p) => format!("page {}", p.number),
            Message::Done => "done".to_string(),
            Message::Failed { .. } => "failed".to_string(),
        };
        WorkerError::Protocol {
            page,
            detail: format!("unexpected message: {what}"),
        }
    }

    /// Why the worker stopped talking: its exit status and stderr.
    fn ended(&mut self, page: Option<u32>) -> WorkerError {
        self.stdin = None;
        let status = wait_briefly(&mut self.child);
        if status.is_some() {
            // Its stderr may still hold what it said last (a panic's message).
            let _ = self.stderr_closed.recv_timeout(STDERR_GRACE);
        }
        let tail = {
            let tail = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
            String::from_utf8_lossy(&tail).into_owned()
        };
        if tail.contains("memory allocation of") {
            return WorkerError::OutOfMemory {
                page,
                limit_mb: self.limit_mb,
            };
        }
        let last_line = tail
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(|l| l.chars().take(200).collect::<String>());
        let how = match (status, last_line) {
            (Some(status), Some(line)) => format!("{}: {line}", describe_exit(status)),
            (Some(status), None) => describe_exit(status),
            (None, Some(line)) => format!("it closed its output: {line}"),
            (None, None) => "it closed its output".into(),
        };
        WorkerError::Crashed { page, how }
    }

    fn kill(&mut self) {
        cleanup::kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stdin = None;
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            self.kill();
        }
        cleanup::unregister_group(self.child.id());
    }
}

/// The worker's program and arguments: this pyforge, or the command in
/// `PYFORGE_PDF_WORKER` (for fault-injection tests: a worker that crashes,
/// hangs or talks nonsense).
fn worker_command() -> (PathBuf, Vec<String>) {
    if let Some(program) = std::env::var_os(env_vars::PYFORGE_PDF_WORKER) {
        return (PathBuf::from(program), Vec::new());
    }
    let program = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("pyforge"));
    (program, vec![SUBCOMMAND.to_string()])
}

/// The worker's own process group (a ctrl-c reaches pyforge, which ends
/// it), its address-space limit, and its death with pyforge.
fn confine(command: &mut Command, limit_mb: u64) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    let bytes = limit_mb.saturating_mul(1 << 20);
    // SAFETY: between fork and exec only async-signal-safe calls are made
    // (setrlimit, prctl); nothing allocates.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

/// The worker's exit status, waiting up to a second for it.
fn wait_briefly(child: &mut Child) -> Option<ExitStatus> {
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn describe_exit(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal} ({})", signal_name(signal)),
        _ => status.to_string(),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        _ => "a signal",
    }
}

/// The worker's side: `pyforge pdf-worker`. Reads the requests on stdin,
/// answers on stdout; the work runs on a thread with a large stack, since
/// deeply nested PDFs recurse deeply. An error here (not a PDF's: those are
/// answered) is for the caller to print on stderr, where pyforge reads it.
pub fn serve() -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("pdf-worker".into())
        .stack_size(WORKER_STACK)
        .spawn(serve_requests)
        .map_err(|e| {
            // Under the address-space limit this is the first allocation to fail.
            std::io::Error::other(format!(
                "memory allocation of {WORKER_STACK} bytes failed (the worker's stack: {e})"
            ))
        })?
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the worker thread panicked")))
}

/// The worker thread's stack.
const WORKER_STACK: usize = 64 << 20;

fn serve_requests() -> std::io::Result<()> {
    let mut stdin = BufReader::new(std::io::stdin().lock());
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut say = |message: &Message| -> std::io::Result<()> {
        serde_json::to_writer(&mut stdout, message)?;
        stdout.write_all(b"\n")?;
        stdout.flush()
    };
    let Some(open) = read_request::<OpenRequest>(&mut stdin)? else {
        return Ok(());
    };
    let file = match PdfFile::open(&open.path, open.password.as_deref()) {
        Ok(file) => file,
        Err(error) => return say(&Message::Failed { page: None, error }),
    };
    say(&Message::Facts {
        facts: file.facts().clone(),
    })?;
    let Some(request) = read_request::<PageRequest>(&mut stdin)? else {
        return Ok(());
    };
    for number in request.pages {
        if number == 0 || number > file.facts().pages {
            let error = PdfError::Engine(format!("no page {number}"));
            return say(&Message::Failed {
                page: Some(number),
                error,
            });
        }
        match file.page(number) {
            Ok(content) => say(&Message::Page(PageReport::of(
                number,
                content,
                request.text,
            )))?,
            Err(error) => {
                return say(&Message::Failed {
                    page: Some(number),
                    error,
                })
            }
        }
    }
    say(&Message::Done)
}

/// The next request line; `None` when stdin closed first.
fn read_request<T: serde::de::DeserializeOwned>(
    stdin: &mut impl BufRead,
) -> std::io::Result<Option<T>> {
    let mut line = String::new();
    if stdin.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(&line)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
