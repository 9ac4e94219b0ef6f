//! How errors reach the user: one `error:` line naming the file and the
//! cause, then a `hint:` line where one helps. Part of the CLI layer.

use std::io::Write;
use std::path::Path;

/// Writes `error: <file>: <message>` and an optional hint to stderr.
pub fn error(file: Option<&Path>, message: &str, hint: Option<&str>) {
    let mut stderr = std::io::stderr().lock();
    let message = message.replace('\n', " ");
    let _ = match file {
        Some(file) => writeln!(stderr, "error: {}: {message}", file.display()),
        None => writeln!(stderr, "error: {message}"),
    };
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "hint: {hint}");
    }
}

/// Writes a warning line to stderr.
pub fn warning(file: &Path, message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {}: {message}",
        file.display()
    );
}
