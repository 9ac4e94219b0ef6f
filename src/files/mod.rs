//! File work every part of pyforge shares, and nothing pyforge-specific:
//! write-then-rename with the old target kept until the new one is complete
//! (`atomic`), the removal of what killed writers left (`leftovers`),
//! whole-file writes and sequential copies, the one write pattern Unity
//! Catalog volumes allow (`copy`), and SHA-256 of a file (`digest`).

pub mod atomic;
pub mod copy;
pub mod digest;
pub mod leftovers;

pub use atomic::{remove_path, CommitError, TempPath};
pub use copy::{copy_sequential, copy_tree, write_atomic};
pub use digest::sha256_file;
