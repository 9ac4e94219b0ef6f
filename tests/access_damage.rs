//! Damaged and inconsistent Access databases: `validate` reads every table
//! and names the bad ones; `convert` fails with both row numbers and leaves
//! nothing behind; `--allow-partial` keeps what could be read, with a note.
//!
//! The damage is real: a generated database cut short, so Jackcess meets
//! pages past the end of the file part-way through the `Big` table.

use std::path::PathBuf;

use crate::access::{convert, copy_in, jars_dir};
use crate::java_helper::generated;
use crate::util::{
    assert_no_output_left, fixtures_dir, listing, read_parquet, TestDir, Value, EXIT_FAILED,
    EXIT_OK,
};

/// `types.accdb` cut to its first 112 pages (4 KiB each): `AllTypes` reads
/// whole, `Big` breaks part-way, the tables after it cannot be opened.
fn truncated(dir: &TestDir) -> PathBuf {
    let bytes = std::fs::read(generated().join("types.accdb")).unwrap();
    dir.write("cut.accdb", &bytes[..112 * 4096])
}

/// `pyforge validate ARGS` in `dir` with the shared JAR cache.
fn validate(dir: &TestDir, args: &[&str]) -> crate::util::TestCommand {
    dir.cmd()
        .env("PYFORGE_JARS_DIR", jars_dir())
        .arg("validate")
        .args(args)
}

#[test]
fn validate_reads_every_table_and_passes_a_sound_database() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.accdb"));
    validate(&dir, &["types.accdb"])
        .assert_code(EXIT_OK)
        .stdout_has("valid: types.accdb (4 tables, 2507 rows)");
    let doc = validate(&dir, &["types.accdb", "--json"])
        .assert_code(EXIT_OK)
        .json();
    let file = &doc["files"][0];
    assert_eq!(file["format"], "access", "{doc:#}");
    assert_eq!(file["valid"], true, "{doc:#}");
    let big = file["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "Big")
        .unwrap_or_else(|| panic!("no Big table: {doc:#}"));
    assert_eq!(
        (&big["rows"], &big["row_count"]),
        (&2500.into(), &2500.into())
    );
    assert_eq!(
        listing(dir.path()),
        ["types.accdb"],
        "validate writes nothing"
    );
}

#[test]
fn validate_names_each_damaged_table_and_exits_1() {
    let dir = TestDir::new();
    truncated(&dir);
    let out = validate(&dir, &["cut.accdb", "--json"]).assert_code(EXIT_FAILED);
    let doc = out.json();
    let file = &doc["files"][0];
    assert_eq!(doc["ok"], false);
    assert_eq!(file["valid"], false);
    let tables: Vec<(String, bool, u64)> = file["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["table"].as_str().unwrap().to_string(),
                t["valid"].as_bool().unwrap(),
                t["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(tables[0], ("AllTypes".into(), true, 5), "{doc:#}");
    let (name, valid, rows) = &tables[1];
    assert_eq!((name.as_str(), *valid), ("Big", false), "{doc:#}");
    assert!(*rows > 0 && *rows < 2500, "Big read part-way: {doc:#}");
    assert!(tables[2..].iter().all(|(_, valid, _)| !valid), "{tables:?}");
    // Every bad table gets its own error line naming the file.
    out.stderr_has("cut.accdb: table `Big`: the database is damaged")
        .stderr_has(&format!("after {rows} of the 2500 rows the file states"))
        .stderr_has("cut.accdb: table `Empty`");
}

#[test]
fn a_damaged_table_fails_the_conversion_and_leaves_nothing() {
    let dir = TestDir::new();
    truncated(&dir);
    convert(&dir, &["cut.accdb"])
        .assert_code(EXIT_FAILED)
        .stderr_has("table `Big`: the database is damaged")
        .stderr_has("of the 2500 rows the file states")
        .stderr_has("--allow-partial");
    assert_no_output_left(dir.path());
    assert_eq!(listing(dir.path()), ["cut.accdb"]);
}

#[test]
fn allow_partial_keeps_the_rows_read_before_the_damage() {
    let dir = TestDir::new();
    truncated(&dir);
    let out = convert(&dir, &["cut.accdb", "--allow-partial", "--json"]).assert_code(EXIT_OK);
    let doc = out.json();
    let input = &doc["inputs"][0];
    assert_eq!(input["status"], "converted", "{doc:#}");
    let notes: Vec<&str> = input["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("table `Big`:") && n.contains("(--allow-partial)")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("table `Empty`:") && n.contains("skipped")),
        "{notes:?}"
    );
    assert_eq!(
        listing(&dir.join("cut_parquet")),
        ["AllTypes.parquet", "Big.parquet"]
    );

    // The rows kept are exactly the first rows of the table, in order.
    let big = read_parquet(&dir.join("cut_parquet/Big.parquet"));
    let kept = big.num_rows();
    assert!(kept > 0 && kept < 2500, "{kept} rows kept");
    for (i, row) in (0..kept).map(|i| (i, big.row(i))) {
        let n = i as i64;
        assert_eq!(
            row,
            [
                Value::Int(n),
                Value::Str(format!("row {n}")),
                Value::Float(n as f64 / 2.0)
            ],
            "row {i}"
        );
    }
}

#[test]
fn a_stale_row_count_fails_unless_allow_partial_keeps_the_table() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    // Its Table1 states 3 rows and holds 4.
    let file = "jackcess__calcFieldTestV2010.accdb";
    let dir = TestDir::new();
    copy_in(&dir, &corpus.join(file));
    validate(&dir, &[file])
        .assert_code(EXIT_FAILED)
        .stderr_has("table `Table1`: read 4 rows but the file states 3");
    convert(&dir, &[file])
        .assert_code(EXIT_FAILED)
        .stderr_has("read 4 rows but the file states 3");
    assert_eq!(listing(dir.path()), [file]);
    convert(&dir, &[file, "--allow-partial"])
        .assert_code(EXIT_OK)
        .stderr_has("kept the 4 rows read (--allow-partial)");
    let table = read_parquet(&dir.join("jackcess__calcFieldTestV2010_parquet/Table1.parquet"));
    assert_eq!(table.num_rows(), 4);
}
