//! Paths to remove if pyforge is interrupted.
//!
//! Every temporary output (a hidden file beside its target) is registered
//! here while it is being written. The ctrl-c / SIGTERM handler installed by
//! `main.rs` calls [`remove_all`] before exiting, so an interrupted run leaves
//! no half-written file behind. Normal success and failure paths unregister and
//! clean up through the owning guard; this list is only for the signal path.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remembers `path` as something to delete on interruption.
pub fn register(path: &Path) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pending.push(path.to_path_buf());
}

/// Forgets `path` (it was committed or already removed).
pub fn unregister(path: &Path) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(index) = pending.iter().position(|p| p == path) {
        pending.swap_remove(index);
    }
}

/// Removes every registered path. Called from the signal handler.
pub fn remove_all() {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for path in pending.drain(..) {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}
