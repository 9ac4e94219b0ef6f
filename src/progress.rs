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
    /// `bytes` more were read.
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

/// An indicatif bar in bytes, for one input, drawn on stderr.
pub struct Bar {
    bar: indicatif::ProgressBar,
    label: String,
}

impl Bar {
    pub fn new(multi: &indicatif::MultiProgress, label: String) -> Bar {
        let bar = multi.add(indicatif::ProgressBar::new(0));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>10} {msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Bar { bar, label }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total_bytes: u64) {
        self.bar.set_prefix(phase.to_string());
        self.bar.set_message(self.label.clone());
        self.bar.set_length(total_bytes);
        self.bar.set_position(0);
    }

    fn advance(&self, bytes: u64) {
        // Parallel readers overlap a little at chunk edges: never show > 100 %.
        let length = self.bar.length().unwrap_or(u64::MAX);
        self.bar
            .set_position((self.bar.position() + bytes).min(length));
    }
}
