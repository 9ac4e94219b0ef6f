//! The same workbook as `.xlsx`, `.xls`, `.xlsb` and `.ods` (python-calamine's
//! test workbooks, in tests/data/excel/ with their SOURCES.md): the same
//! tables from each kind, the same sheet kinds and visibilities, and a
//! password-protected workbook of each kind refused with one clear line.

use std::path::{Path, PathBuf};

use arrow_schema::{DataType, TimeUnit};

use crate::util::*;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/excel")
        .join(name)
}

/// Converts `name` with `extra` flags into `dir` and reads sheet `sheet` back.
fn sheet_table(dir: &TestDir, name: &str, sheet: &str, extra: &[&str]) -> Table {
    let out = dir.join(format!("out-{name}"));
    dir.cmd()
        .arg("convert")
        .arg(sample(name))
        .args(extra)
        .arg("-o")
        .arg(&out)
        .assert_code(EXIT_OK);
    let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
    read_parquet(
        &out.join(format!("{stem}_parquet"))
            .join(format!("{stem}_{sheet}.parquet")),
    )
}

#[test]
fn every_kind_of_the_same_workbook_gives_the_same_table() {
    let dir = TestDir::new();
    let xlsx = sheet_table(&dir, "base.xlsx", "Sheet1", &["--no-header"]);
    let expected = [
        ("column_1", DataType::Utf8, s("String")),
        ("column_2", DataType::Int64, 1.into()),
        ("column_3", DataType::Float64, 1.1.into()),
        ("column_4", DataType::Boolean, true.into()),
        ("column_5", DataType::Boolean, false.into()),
        ("column_6", DataType::Date32, date(2010, 10, 10)),
        (
            "column_7",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            ts(2010, 10, 10, 10, 10, 10, 0),
        ),
        // A time of day, one with a fraction, a duration: Spark has no time type.
        ("column_8", DataType::Utf8, s("10:10:10")),
        ("column_9", DataType::Utf8, s("10:10:10.100")),
        ("column_10", DataType::Utf8, s("255:10:10")),
    ];
    for (name, data_type, value) in &expected {
        xlsx.assert_column(name, data_type, std::slice::from_ref(value));
    }
    for other in ["base.xls", "base.xlsb", "base.ods"] {
        let table = sheet_table(&dir, other, "Sheet1", &["--no-header"]);
        assert_eq!(table.names, xlsx.names, "{other}");
        assert_eq!(table.types, xlsx.types, "{other}");
        assert_eq!(table.columns, xlsx.columns, "{other}");
    }
}

#[test]
fn sheet_kinds_and_visibility_read_alike_in_every_kind() {
    let dir = TestDir::new();
    for name in ["any_sheets.xls", "any_sheets.xlsb", "any_sheets.ods"] {
        let info = dir
            .cmd()
            .args(["info", "--json"])
            .arg(sample(name))
            .assert_code(EXIT_OK)
            .json();
        let sheets: Vec<(String, String)> = info["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["visibility"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["Visible", "Hidden", "VeryHidden", "Chart"],
            "{name}"
        );
        assert_eq!(sheets[0].1, "visible", "{name}");
        assert_ne!(sheets[1].1, "visible", "{name}");
        let table = sheet_table(&dir, name, "Visible", &[]);
        assert_eq!(table.num_rows(), 3, "{name}");
    }
}

#[test]
fn password_protected_workbooks_of_every_kind_are_refused() {
    let dir = TestDir::new();
    for name in [
        "password.xlsx",
        "password.xls",
        "password.xlsb",
        "password.ods",
    ] {
        let run = dir
            .cmd()
            .arg("convert")
            .arg(sample(name))
            .arg("-o")
            .arg(dir.path())
            .assert_code(EXIT_FAILED);
        run.error_names(name)
            .stderr_has("the workbook is encrypted (password-protected)");
    }
    assert_no_output_left(dir.path());
}

#[test]
fn fuzzing_finds_are_refused_quickly() {
    // An OLE file whose directory chain loops: calamine alone read it
    // forever, growing past 4 GiB (found by scripts/fuzz.sh excel).
    let dir = TestDir::new();
    let run = dir
        .cmd()
        .arg("convert")
        .arg(sample("fuzz/looping-directory.xls"))
        .arg("-o")
        .arg(dir.path())
        .assert_code(EXIT_FAILED);
    run.error_names("looping-directory.xls")
        .stderr_has("its OLE container is damaged (the directory loops back on itself)");
    assert_no_output_left(dir.path());
}
