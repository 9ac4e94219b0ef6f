//! File work every part of pyforge shares, and nothing pyforge-specific:
//! write-then-rename with the old target kept until the new one is complete
//! (`atomic`), the removal of what killed writers left (`leftovers`),
//! whole-file writes and sequential copies, the one write pattern Unity
//! Catalog volumes allow (`copy`), and SHA-256 of a file or of a stream
//! while it is copied (`digest`). pyforge's own folders are `crate::home`'s.

pub mod atomic;
pub mod copy;
pub mod digest;
pub mod leftovers;

pub use atomic::{remove_path, CommitError, TempPath};
pub use copy::{copy_sequential, copy_tree, write_atomic};
pub use digest::sha256_file;

use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// Why `path` cannot be read as an input file, or `None` for a regular file
/// (or a link to one). Opening a named pipe would block until something
/// writes to it, and pyforge reads an input more than once, so pipes,
/// devices and sockets are refused here, before anything opens them.
pub fn input_file_problem(path: &Path) -> Option<&'static str> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some("no such file"),
        Err(_) => return Some("cannot read its file information (permission denied?)"),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some("is a directory")
    } else if kind.is_fifo() {
        Some("is a named pipe, not a file (pyforge reads each input more than once: save it to a file first)")
    } else if kind.is_socket() {
        Some("is a socket, not a file")
    } else {
        Some("is a device, not a regular file")
    }
}
