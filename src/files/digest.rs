//! SHA-256 of a whole file, as lowercase hex: the content key of output
//! manifests and of the Access metadata cache.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Reads `path` to the end and returns its SHA-256 in hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}
