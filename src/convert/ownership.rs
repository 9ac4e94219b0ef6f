//! Whether an existing output may be replaced (`--force`, or a stale output
//! under `--skip-existing`), decided before any work and again just before
//! the new output goes in.
//!
//! - Nothing that is, holds or lies above an input of the run is replaced.
//! - A single-file output replaces a file, never a directory.
//! - A directory output replaces an empty directory, or this input's own
//!   earlier output: its manifest names this input and every entry in it is
//!   one pyforge wrote. A folder holding anything else is refused, naming one
//!   such file: a positional OUTPUT of a table-directory format *is* the
//!   output directory, and `--output-dir` is the way to write inside a folder.

use std::path::{Path, PathBuf};

use super::manifest;
use crate::formats::OutputLayout;

/// Why an existing output must stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    pub hint: String,
}

/// May the existing `target` (the output of `input`) be replaced? `Ok` when
/// there is nothing at `target` too. `inputs` are every input of the run.
pub fn may_replace(
    target: &Path,
    layout: OutputLayout,
    input: &Path,
    inputs: &[PathBuf],
) -> Result<(), Refusal> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    let shown = target.display();
    if let Some(held) = input_at_or_below(target, inputs) {
        let reason = if same_path(&held, target) {
            format!(
                "the output {shown} is the input {} of this run",
                held.display()
            )
        } else {
            format!("the output {shown} holds the input {}", held.display())
        };
        return Err(Refusal {
            reason,
            hint: elsewhere_hint(target, layout),
        });
    }
    let is_dir = target.is_dir();
    match layout {
        OutputLayout::File if is_dir => Err(Refusal {
            reason: format!("the output {shown} is a directory"),
            hint: "--force replaces files, never directories: name another output file".into(),
        }),
        OutputLayout::File => Ok(()),
        OutputLayout::Directory(_) if !is_dir => Err(Refusal {
            reason: format!(
                "the output {shown} is a {}, not a directory pyforge wrote",
                if meta.is_file() {
                    "file"
                } else {
                    "special file"
                }
            ),
            hint: "remove it, or name another OUTPUT".into(),
        }),
        OutputLayout::Directory(_) => own_directory(target, input),
    }
}

/// `Ok` for an empty directory or this input's own complete earlier output.
fn own_directory(target: &Path, input: &Path) -> Result<(), Refusal> {
    let shown = target.display();
    let entries = match std::fs::read_dir(target) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(Refusal {
                reason: format!("cannot list the existing output {shown}: {e}"),
                hint: "remove it, or name another OUTPUT".into(),
            })
        }
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let input_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hint = format!(
        "pyforge replaces only its own earlier output of this input, or an empty directory: \
         remove {shown} yourself, or write into it with --output-dir {shown}"
    );
    let Some(manifest) = manifest::read(target) else {
        return Err(Refusal {
            reason: format!(
                "the output directory {shown} holds files pyforge did not write, such as {}",
                target.join(&names[0]).display()
            ),
            hint,
        });
    };
    if manifest.input_name() != input_name {
        return Err(Refusal {
            reason: format!(
                "the output directory {shown} was converted from {}, not from {input_name}",
                manifest.input_name()
            ),
            hint,
        });
    }
    match names.iter().find(|name| !manifest.lists_file(name)) {
        Some(stranger) => Err(Refusal {
            reason: format!(
                "the output directory {shown} holds files pyforge did not write, such as {}",
                target.join(stranger).display()
            ),
            hint,
        }),
        None => Ok(()),
    }
}

fn elsewhere_hint(target: &Path, layout: OutputLayout) -> String {
    match layout {
        OutputLayout::Directory(_) => format!(
            "name a new directory as OUTPUT, or write into {} with --output-dir",
            target.display()
        ),
        OutputLayout::File => "name another output".into(),
    }
}

/// The first input that is `target` or lies below it (symbolic links and
/// `..` resolved).
fn input_at_or_below(target: &Path, inputs: &[PathBuf]) -> Option<PathBuf> {
    let target = std::fs::canonicalize(target).ok()?;
    inputs
        .iter()
        .find(|input| {
            std::fs::canonicalize(input)
                .map(|input| input.starts_with(&target))
                .unwrap_or(false)
        })
        .cloned()
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIRECTORY: OutputLayout = OutputLayout::Directory(crate::formats::TableFiles::TableName);

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        input: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let input = root.join("in/nw.mdb");
        std::fs::create_dir_all(input.parent().unwrap()).unwrap();
        std::fs::write(&input, b"db").unwrap();
        Fixture {
            _dir: dir,
            root,
            input,
        }
    }

    fn judge(f: &Fixture, target: &Path, layout: OutputLayout) -> Result<(), Refusal> {
        may_replace(target, layout, &f.input, std::slice::from_ref(&f.input))
    }

    #[test]
    fn nothing_there_or_an_empty_directory_may_be_replaced() {
        let f = fixture();
        let target = f.root.join("out");
        assert_eq!(judge(&f, &target, DIRECTORY), Ok(()));
        std::fs::create_dir(&target).unwrap();
        assert_eq!(judge(&f, &target, DIRECTORY), Ok(()));
    }

    #[test]
    fn a_directory_holding_an_input_never_is() {
        let f = fixture();
        for target in [f.root.join("in"), f.root.clone()] {
            let refusal = judge(&f, &target, DIRECTORY).unwrap_err();
            assert!(refusal.reason.contains("holds the input"), "{refusal:?}");
            assert!(refusal.hint.contains("--output-dir"), "{refusal:?}");
        }
        // Through `..` too.
        let dotted = f.root.join("in/../in");
        assert!(judge(&f, &dotted, DIRECTORY).is_err());
    }

    #[test]
    fn a_folder_with_files_pyforge_did_not_write_is_refused_naming_one() {
        let f = fixture();
        let target = f.root.join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("notes.txt"), b"keep").unwrap();
        let refusal = judge(&f, &target, DIRECTORY).unwrap_err();
        assert!(refusal.reason.contains("notes.txt"), "{refusal:?}");

        // pyforge's own output of this input may go...
        std::fs::remove_file(target.join("notes.txt")).unwrap();
        std::fs::write(target.join("Orders.parquet"), b"p").unwrap();
        manifest::write(&target, &f.input, false).unwrap();
        assert_eq!(judge(&f, &target, DIRECTORY), Ok(()));
        // ...until someone adds a file of their own, even a Parquet one.
        std::fs::write(target.join("mine.parquet"), b"m").unwrap();
        let refusal = judge(&f, &target, DIRECTORY).unwrap_err();
        assert!(refusal.reason.contains("mine.parquet"), "{refusal:?}");
    }

    #[test]
    fn another_inputs_output_is_not_this_ones() {
        let f = fixture();
        let target = f.root.join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("T.parquet"), b"p").unwrap();
        let other = f.root.join("other.mdb");
        std::fs::write(&other, b"db").unwrap();
        manifest::write(&target, &other, false).unwrap();
        let refusal = judge(&f, &target, DIRECTORY).unwrap_err();
        assert!(refusal.reason.contains("other.mdb"), "{refusal:?}");
    }

    #[test]
    fn single_files_replace_files_never_directories_or_inputs() {
        let f = fixture();
        let file = f.root.join("a.parquet");
        std::fs::write(&file, b"old").unwrap();
        assert_eq!(judge(&f, &file, OutputLayout::File), Ok(()));
        let dir = f.root.join("b.parquet");
        std::fs::create_dir(&dir).unwrap();
        assert!(judge(&f, &dir, OutputLayout::File).is_err());
        let refusal = judge(&f, &f.input, OutputLayout::File).unwrap_err();
        assert!(refusal.reason.contains("is the input"), "{refusal:?}");
        // A file where a directory output goes is not pyforge's either.
        assert!(judge(&f, &file, DIRECTORY).is_err());
    }
}
