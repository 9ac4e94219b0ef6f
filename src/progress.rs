//! Progress reporting: a small trait for core code, an indicatif bar for the CLI.
//!
//! Readers count the bytes they pull from a file through [`CountingReader`]
//! and report them to a [`Progress`]; they never draw anything themselves.
//! The CLI decides whether a bar is shown (only on a terminal, never with
//! `--quiet` or `--json`) and hands the readers either a bar or [`NoProgress`].

use std::io::{self, Read};
use std::sync::Arc;

/// Where a reader reports how far it got.
pub trait Progress: Send + Sync {
    /// A new phase over `total_bytes` (for example "scanning", then "writing").
    fn start(&self, phase: &str, total_bytes: u64);
    /// A new phase counted in rows (an Access table); `advance` then counts
    /// rows too.
    fn start_rows(&self, phase: &str, total_rows: u64) {
        self.start(phase, total_rows);
    }
    /// `bytes` (or rows, after `start_rows`) more were read.
    fn advance(&self, bytes: u64);
}

/// Reports nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _phase: &str, _total_bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
}

/// Shared handle to a progress sink.
pub type ProgressRef = Arc<dyn Progress>;

/// A reader that reports every read to a [`Progress`].
pub struct CountingReader<R> {
    inner: R,
    progress: ProgressRef,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R, progress: ProgressRef) -> Self {
        CountingReader { inner, progress }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for CountingReader<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// An indicatif bar in bytes (or rows), for one input, drawn on stderr.
pub struct Bar {
    bar: indicatif::ProgressBar,
    label: String,
}

const BYTES_TEMPLATE: &str =
    "{prefix:>10} {msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}";
const ROWS_TEMPLATE: &str =
    "{prefix:>10} {msg:30!} [{bar:30}] {human_pos}/{human_len} rows {per_sec} {eta}";

fn style(template: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(template)
        .expect("valid template")
        .progress_chars("=> ")
}

impl Bar {
    pub fn new(multi: &indicatif::MultiProgress, label: String) -> Bar {
        let bar = multi.add(indicatif::ProgressBar::new(0));
        bar.set_style(style(BYTES_TEMPLATE));
        Bar { bar, label }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn begin(&self, template: &str, prefix: &str, message: String, total: u64) {
        self.bar.set_style(style(template));
        self.bar.set_prefix(prefix.to_string());
        self.bar.set_message(message);
        self.bar.set_length(total);
        self.bar.set_position(0);
    }
}

impl Progress for Bar {
    fn start_rows(&self, phase: &str, total_rows: u64) {
        let message = format!("{}: {phase}", self.label);
        self.begin(ROWS_TEMPLATE, "table", message, total_rows);
    }

    fn start(&self, phase: &str, total_bytes: u64) {
        self.begin(BYTES_TEMPLATE, phase, self.label.clone(), total_bytes);
    }

    fn advance(&self, bytes: u64) {
        // Parallel readers overlap a little at chunk edges: never show > 100 %.
        let length = self.bar.length().unwrap_or(u64::MAX);
        self.bar
            .set_position((self.bar.position() + bytes).min(length));
    }
}
