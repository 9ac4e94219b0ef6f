//! Tables of one database read side by side (the helper's
//! `concurrent_reads`, four at once with `PYFORGE_THREADS=8`) give what
//! one table at a time gives (`PYFORGE_THREADS=1`): the same reports, in
//! the same order, the same files and the same Parquet, on the whole shared
//! corpus and on a database damaged part-way through a table.

use std::path::{Path, PathBuf};

use crate::access::{jars_dir, jars_dir_with_encrypt};
use crate::access_corpus::{corpus_calls, corpus_files};
use crate::java_helper::{corpus, generated};
use crate::util::{read_parquet, TestCommand, TestDir};

/// Threads that make a database's tables read one at a time, and four at once.
const ONE_AT_A_TIME: &str = "1";
const FOUR_AT_ONCE: &str = "8";

/// `pyforge ARGS --json` in `dir` with `PYFORGE_THREADS` at `threads`,
/// converting into `out`; the JSON document.
fn run(dir: &Path, jars: &Path, threads: &str, args: &[&str], out: &Path) -> serde_json::Value {
    let mut command = TestCommand::new(dir)
        .env("PYFORGE_JARS_DIR", jars)
        .env("PYFORGE_THREADS", threads)
        .args(args)
        .arg("--json");
    if args[0] == "convert" {
        command = command.arg("--output-dir").arg(out);
    }
    command.run().json()
}

/// The document with what differs between two runs by nature taken out:
/// timings, and the output folder each run was given.
fn comparable(mut doc: serde_json::Value, out: &Path) -> serde_json::Value {
    fn scrub(value: &mut serde_json::Value, out: &str) {
        match value {
            serde_json::Value::Object(map) => {
                map.retain(|key, _| !key.contains("second") && !key.contains("elapsed"));
                map.values_mut().for_each(|v| scrub(v, out));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, out)),
            serde_json::Value::String(text) => *text = text.replace(out, "OUT"),
            _ => {}
        }
    }
    scrub(&mut doc, &out.to_string_lossy());
    doc
}

/// Runs `args` one table at a time and four at once and compares the two:
/// documents, and every Parquet file the first run reported.
fn compare_runs(dir: &Path, jars: &Path, args: &[&str]) -> usize {
    let out = tempfile::tempdir().unwrap();
    let (one, four) = (out.path().join("one"), out.path().join("four"));
    let one_doc = comparable(run(dir, jars, ONE_AT_A_TIME, args, &one), &one);
    let four_doc = comparable(run(dir, jars, FOUR_AT_ONCE, args, &four), &four);
    assert_eq!(one_doc, four_doc, "{args:?}");
    let mut files = 0;
    for input in one_doc["inputs"].as_array().into_iter().flatten() {
        let Some(output) = input["output"].as_str() else {
            continue;
        };
        for table in input["tables"].as_array().map_or(&[][..], Vec::as_slice) {
            let file = PathBuf::from(output).join(table["file"].as_str().unwrap());
            let relative = file.strip_prefix("OUT").unwrap().to_path_buf();
            let (a, b) = (
                read_parquet(&one.join(&relative)),
                read_parquet(&four.join(&relative)),
            );
            assert_eq!(
                (&a.names, &a.types, &a.columns),
                (&b.names, &b.types, &b.columns),
                "{}",
                relative.display()
            );
            files += 1;
        }
    }
    files
}

#[test]
fn the_corpus_converts_the_same_four_tables_at_once() {
    let Some(dir) = corpus() else {
        return;
    };
    let files = corpus_files(&dir);
    let mut tables = 0;
    for (inputs, extra) in corpus_calls(&files) {
        let mut args = vec!["convert", "--keep-going", "--jobs", "2"];
        args.extend(inputs);
        args.extend(extra);
        tables += compare_runs(&dir, jars_dir_with_encrypt(), &args);
    }
    assert!(tables > 100, "only {tables} tables compared");
    eprintln!("{tables} tables identical one at a time and four at once");
}

#[test]
fn a_table_damaged_part_way_is_reported_the_same_four_tables_at_once() {
    let dir = TestDir::new();
    // Cut short: `AllTypes` reads whole, `Big` breaks part-way, the tables
    // after it cannot be opened.
    let bytes = std::fs::read(generated().join("types.accdb")).unwrap();
    dir.write("cut.accdb", &bytes[..112 * 4096]);
    dir.write(
        "whole.accdb",
        std::fs::read(generated().join("types.accdb")).unwrap(),
    );
    for args in [
        &["validate", "cut.accdb", "whole.accdb"][..],
        &["convert", "cut.accdb", "whole.accdb", "--keep-going"],
        &["convert", "cut.accdb", "--allow-partial"],
    ] {
        compare_runs(dir.path(), jars_dir(), args);
    }
}

#[test]
fn tables_are_read_on_reader_threads_only_when_the_cpus_allow() {
    let dir = TestDir::new();
    dir.write(
        "db.accdb",
        std::fs::read(generated().join("types.accdb")).unwrap(),
    );
    let threads_of = |threads: &str, engine: &str| {
        let out = TestCommand::new(dir.path())
            .env("PYFORGE_JARS_DIR", jars_dir())
            .env("PYFORGE_THREADS", threads)
            .args(["convert", "db.accdb", "--force", "-vv", "--engine", engine])
            .run();
        out.check(out.code == Some(0), "the conversion");
        let mut threads: Vec<String> = out
            .stderr
            .lines()
            .filter(|line| line.contains("pyforge-helper: read "))
            .filter_map(|line| {
                line.split(" on ")
                    .nth(1)?
                    .split(' ')
                    .next()
                    .map(String::from)
            })
            .collect();
        threads.sort();
        threads.dedup();
        threads
    };
    assert_eq!(threads_of(ONE_AT_A_TIME, "jackcess"), ["main"]);
    let side_by_side = threads_of(FOUR_AT_ONCE, "jackcess");
    assert!(
        !side_by_side.is_empty() && side_by_side.iter().all(|t| t.starts_with("pyforge-read-")),
        "{side_by_side:?}"
    );
    assert_eq!(threads_of(FOUR_AT_ONCE, "ucanaccess"), ["main"]);
}
