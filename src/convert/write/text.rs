//! The text writer: a format's text form (`--format txt`, PDF's default)
//! into one UTF-8 file under a hidden temporary name beside the target,
//! handed back whole for `convert::commit` like every other output.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{OutputError, Written};
use crate::files::TempPath;
use crate::formats::{Stop, TextSink};

/// The text sink of one `convert` job.
pub struct TextWriter {
    temp: TempPath,
    file: Option<BufWriter<std::fs::File>>,
    target: PathBuf,
    parts: u64,
    bytes: u64,
    error: Option<OutputError>,
}

impl TextWriter {
    pub fn new(target: &Path) -> Result<TextWriter, OutputError> {
        let (temp, file) = TempPath::file(target).map_err(|source| OutputError::Text {
            target: target.to_path_buf(),
            source,
        })?;
        Ok(TextWriter {
            temp,
            file: Some(BufWriter::with_capacity(1 << 16, file)),
            target: target.to_path_buf(),
            parts: 0,
            bytes: 0,
            error: None,
        })
    }

    /// Why the writer answered [`Stop`].
    pub fn take_error(&mut self) -> Option<OutputError> {
        self.error.take()
    }

    /// The complete file, its parts counted as the output's rows.
    pub fn finish(mut self) -> Result<Written, OutputError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let file = self.file.take().expect("open until finished");
        file.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(|source| OutputError::Text {
                target: self.target.clone(),
                source,
            })?;
        Ok(Written {
            pending: self.temp,
            rows: self.parts,
            columns: 0,
            bytes: self.bytes,
            tables: Vec::new(),
            notes: Vec::new(),
        })
    }
}

impl TextSink for TextWriter {
    fn write_part(&mut self, part: &str) -> Result<(), Stop> {
        let Some(file) = self.file.as_mut() else {
            return Err(Stop);
        };
        if let Err(source) = file.write_all(part.as_bytes()) {
            self.file = None;
            self.error = Some(OutputError::Text {
                target: self.target.clone(),
                source,
            });
            return Err(Stop);
        }
        self.parts += 1;
        self.bytes += part.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_land_in_the_target_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("doc.txt");
        let mut writer = TextWriter::new(&target).unwrap();
        writer.write_part("one\n").unwrap();
        writer.write_part("\ntwo\n").unwrap();
        assert!(!target.exists());
        let written = writer.finish().unwrap();
        assert_eq!((written.rows, written.bytes), (2, 9));
        written.pending.commit(false).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "one\n\ntwo\n");
    }

    #[test]
    fn an_abandoned_writer_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = TextWriter::new(&dir.path().join("doc.txt")).unwrap();
        writer.write_part("partial").unwrap();
        drop(writer);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
