//! Which helper failures are worth another try, and how long to wait.
//!
//! A failure is classified from what the helper said (an error kind), its
//! exit status and the tail of its stderr, using the texts Jackcess,
//! UCanAccess and the JVM really print (DESIGN.md §3). Recoverable: out of
//! memory (retried with a larger heap, up to a cap), file locks, temporary
//! files, connection trouble, and a helper that died without saying why.
//! Final: not found, password, encrypted, unsupported version, corrupt.
//! The delays come from `backoff` (the one module using the `backoff` crate).

use std::time::Duration;

use super::backoff::Delays;

/// Why a failure may go away on another try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recoverable {
    OutOfMemory,
    Locked,
    TempFile,
    Connection,
    DiedSilently,
}

impl Recoverable {
    pub fn describe(&self) -> &'static str {
        match self {
            Recoverable::OutOfMemory => "the helper ran out of memory",
            Recoverable::Locked => "the database is locked",
            Recoverable::TempFile => "a temporary file could not be used",
            Recoverable::Connection => "the connection to the database broke",
            Recoverable::DiedSilently => "the helper died without an error message",
        }
    }
}

/// The verdict on one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Retry(Recoverable),
    Final,
}

/// Helper error kinds that no retry can fix.
const FINAL_KINDS: [&str; 7] = [
    "not_found",
    "password",
    "encrypted",
    "unsupported_version",
    "corrupt",
    "bad_request",
    "unsupported",
];

/// Exit code of a JVM started with `-XX:+ExitOnOutOfMemoryError`.
pub const JVM_OOM_EXIT_CODE: i32 = 3;

/// Classifies a failure. `kind` is the helper's error kind when it reported
/// one; `exit_code` is set when the process ended; `stderr` is its tail.
pub fn classify(kind: Option<&str>, exit_code: Option<i32>, stderr: &str) -> Verdict {
    if let Some(kind) = kind {
        if FINAL_KINDS.contains(&kind) {
            return Verdict::Final;
        }
        if kind == "out_of_memory" {
            return Verdict::Retry(Recoverable::OutOfMemory);
        }
    }
    let text = without_paths(stderr);
    let final_patterns = [
        // The JVM itself cannot start (a bad -Xmx, an unknown option).
        "could not create the java virtual machine",
        "error occurred during initialization of vm",
        "password authentication failed",
        "decoding not supported",
        "unsupported newer version",
        "filenotfoundexception",
        "no such file",
    ];
    if final_patterns.iter().any(|p| text.contains(p)) {
        return Verdict::Final;
    }
    if exit_code == Some(JVM_OOM_EXIT_CODE) || text.contains("outofmemoryerror") {
        return Verdict::Retry(Recoverable::OutOfMemory);
    }
    let patterns: [(&[&str], Recoverable); 3] = [
        (
            &[
                "overlappingfilelockexception",
                "database lock acquisition failure",
                "being used by another process",
                "the database is locked",
                "file is locked",
            ],
            Recoverable::Locked,
        ),
        (
            &[
                "temporary file",
                "tempfile",
                "java.io.tmpdir",
                "no space left",
            ],
            Recoverable::TempFile,
        ),
        (
            &[
                "connection reset",
                "connection closed",
                "broken pipe",
                "socketexception",
            ],
            Recoverable::Connection,
        ),
    ];
    for (needles, reason) in patterns {
        if needles.iter().any(|n| text.contains(n)) {
            return Verdict::Retry(reason);
        }
    }
    match kind {
        // The helper reported an error it does not classify (io, internal).
        Some(_) => Verdict::Final,
        None => Verdict::Retry(Recoverable::DiedSilently),
    }
}

/// `stderr` lower-cased, without the words that are file paths: a phrase is
/// matched in what the JVM said, never in the name of a file
/// (`/data/blocks.mdb` is no lock).
fn without_paths(stderr: &str) -> String {
    stderr
        .split_whitespace()
        .filter(|word| !word.contains('/') && !word.contains('\\'))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Retry settings.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (`--retries`).
    pub retries: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Heap of the first attempt in MiB; doubled after an out-of-memory failure...
    pub heap_mb: u64,
    /// ...up to this cap.
    pub max_heap_mb: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 3,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            heap_mb: 1024,
            max_heap_mb: 8192,
        }
    }
}

impl RetryPolicy {
    /// The heap for the next attempt after `reason`.
    pub fn next_heap_mb(&self, current: u64, reason: Recoverable) -> u64 {
        match reason {
            Recoverable::OutOfMemory => (current * 2).min(self.max_heap_mb.max(current)),
            _ => current,
        }
    }

    /// Exponential delays between attempts, with jitter.
    pub fn backoff(&self) -> Delays {
        Delays::new(self.first_delay, self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_failures_are_not_retried() {
        assert_eq!(classify(Some("password"), None, ""), Verdict::Final);
        assert_eq!(
            classify(
                None,
                Some(1),
                "UCAExc:::4.0.4 Password authentication failed."
            ),
            Verdict::Final
        );
        assert_eq!(
            classify(
                None,
                Some(1),
                "Decoding not supported.  Please choose a CodecProvider"
            ),
            Verdict::Final
        );
        assert_eq!(
            classify(None, Some(1), "Unsupported newer version: 6"),
            Verdict::Final
        );
        // A JVM that cannot start would not start on the next try either.
        assert_eq!(
            classify(
                None,
                Some(1),
                "Invalid maximum heap size: -Xmx99999999999m\nError: Could not create the Java Virtual Machine.\n"
            ),
            Verdict::Final
        );
    }

    #[test]
    fn out_of_memory_in_every_form() {
        let oom = Verdict::Retry(Recoverable::OutOfMemory);
        assert_eq!(classify(Some("out_of_memory"), None, ""), oom);
        assert_eq!(
            classify(
                None,
                Some(3),
                "Terminating due to java.lang.OutOfMemoryError: Java heap space"
            ),
            oom
        );
        assert_eq!(
            classify(None, Some(1), "UCAExc:::4.0.4 java.lang.OutOfMemoryError"),
            oom
        );
    }

    #[test]
    fn transient_failures_are_retried() {
        assert_eq!(
            classify(
                None,
                Some(1),
                "java.nio.channels.OverlappingFileLockException"
            ),
            Verdict::Retry(Recoverable::Locked)
        );
        assert_eq!(
            classify(None, None, ""),
            Verdict::Retry(Recoverable::DiedSilently)
        );
        assert_eq!(classify(Some("internal"), None, ""), Verdict::Final);
        assert_eq!(
            classify(
                None,
                Some(1),
                "org.hsqldb.HsqlException: Database lock acquisition failure: lockFile"
            ),
            Verdict::Retry(Recoverable::Locked)
        );
    }

    #[test]
    fn words_inside_file_paths_are_not_read() {
        // An I/O error on a database whose path holds `lock` or `tempfile`.
        let said = "java.io.IOException: cannot read /data/blocks/lockfile_tempfile.mdb";
        assert_eq!(classify(Some("io"), None, said), Verdict::Final);
        assert_eq!(
            classify(Some("io"), None, "Error reading C:\\data\\locks.mdb"),
            Verdict::Final
        );
    }

    #[test]
    fn heap_grows_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.next_heap_mb(1024, Recoverable::OutOfMemory), 2048);
        assert_eq!(policy.next_heap_mb(8192, Recoverable::OutOfMemory), 8192);
        assert_eq!(policy.next_heap_mb(1024, Recoverable::Locked), 1024);
        let mut backoff = policy.backoff();
        let first = backoff.next_delay();
        let second = backoff.next_delay();
        assert!(
            first <= Duration::from_millis(600) && second > first,
            "{first:?} {second:?}"
        );
    }
}
