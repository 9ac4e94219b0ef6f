//! The shared Excel fixtures (real workbooks from public repositories),
//! checked against the readings in their REFERENCE.tsv: every sheet's used
//! range as python-calamine read it, every sheet converted with as many
//! rows as `info` reports, and the files no reference tool reads refused
//! with one clear line.
//!
//! Where calamine and openpyxl/xlrd disagree, pyforge follows calamine's
//! cells: a merged area holds one value, in its first cell, and does not
//! widen the used range (`calamine__merge_cells.xlsx`: 2x3, openpyxl 4x4);
//! an empty sheet has no cells and is skipped (openpyxl 1x1); a declared
//! `<dimension>` of A1:XFD1048576 is not believed (`calamine__issue_174.xlsx`
//! is 2x11). [`OUR_RANGE`] lists where pyforge reads differently from
//! python-calamine too, and why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow_schema::DataType;

use crate::util::*;

/// (file, sheet, our used range, why) where python-calamine's differs.
const OUR_RANGE: [(&str, &str, &str, &str); 1] = [(
    "messytables__large.xlsx",
    "Report",
    "A1:K37",
    "A52 is a formula whose cached value is the empty string: an empty cell, not a row of data \
     (python-calamine counts it, and its range reaches row 52)",
)];

/// (file, the start of our error) for the files python-calamine cannot read.
const REFUSED: [(&str, &str); 2] = [
    (
        "calamine__pass_protected.xlsx",
        "the workbook is encrypted (password-protected)",
    ),
    (
        "xlrd__biff4_no_format_no_window2.xls",
        "an Excel 2.x-4.0 worksheet (BIFF2-4), which pyforge cannot read",
    ),
];

struct Reading {
    file: String,
    sheet: String,
    status: String,
    detail: String,
}

fn references(dir: &Path) -> Vec<Reading> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).expect("REFERENCE.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file, sheet, status, detail) = (at("file"), at("sheet"), at("r1_status"), at("r1_detail"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Reading {
                file: fields[file].to_string(),
                sheet: fields[sheet].to_string(),
                status: fields[status].to_string(),
                detail: fields[detail].to_string(),
            }
        })
        .collect()
}

/// python-calamine's `start=(r, c) end=(r, c)` as an A1 range; `None` for an
/// empty sheet.
fn reference_range(detail: &str) -> Option<String> {
    let numbers = |key: &str| -> Option<(u32, u32)> {
        let rest = &detail[detail.find(key)? + key.len()..];
        let inner = rest.strip_prefix('(')?.split(')').next()?;
        let (r, c) = inner.split_once(", ")?;
        Some((r.parse().ok()?, c.parse().ok()?))
    };
    let (start, end) = (numbers("start=")?, numbers("end=")?);
    Some(format!("{}:{}", a1(start), a1(end)))
}

fn a1((row, col): (u32, u32)) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn info(dir: &TestDir, path: &Path) -> serde_json::Value {
    dir.cmd()
        .arg("info")
        .arg("--json")
        .arg(path)
        .assert_code(EXIT_OK)
        .json()
}

#[test]
fn every_sheet_has_the_reference_range_and_converts_with_its_rows() {
    let Some(fixtures) = fixtures_dir("excel") else {
        return;
    };
    let dir = TestDir::new();
    let mut by_file: BTreeMap<String, Vec<Reading>> = BTreeMap::new();
    for reading in references(&fixtures) {
        by_file
            .entry(reading.file.clone())
            .or_default()
            .push(reading);
    }
    let mut sheets_checked = 0;
    for (file, readings) in &by_file {
        let path = fixtures.join(file);
        if let Some((_, error)) = REFUSED.iter().find(|(f, _)| f == file) {
            assert!(readings.iter().all(|r| r.status == "error"), "{file}");
            let out = dir.join(format!("refused-{file}"));
            let run = dir
                .cmd()
                .arg("convert")
                .arg(&path)
                .arg("-o")
                .arg(&out)
                .assert_code(EXIT_FAILED);
            run.stderr_has(error);
            run.error_names(file);
            assert!(
                !out.exists() || listing(&out).is_empty(),
                "{file} left output"
            );
            continue;
        }
        let described = info(&dir, &path);
        for reading in readings {
            assert_eq!(reading.status, "ok", "{file} {}", reading.sheet);
            let sheet = described["sheets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == reading.sheet.as_str())
                .unwrap_or_else(|| panic!("{file}: no sheet {:?} in {described}", reading.sheet));
            let expected = match OUR_RANGE
                .iter()
                .find(|(f, s, _, _)| f == file && *s == reading.sheet)
            {
                Some((_, _, range, _)) => Some(range.to_string()),
                None => reference_range(&reading.detail),
            };
            assert_eq!(
                sheet["used_range"].as_str().map(str::to_string),
                expected,
                "{file} sheet {:?}",
                reading.sheet
            );
            if expected.is_none() {
                assert!(
                    sheet["skipped"].is_string(),
                    "{file} {:?}: {sheet}",
                    reading.sheet
                );
            }
            sheets_checked += 1;
        }

        // Every sheet with data converts, with the rows and columns info
        // reports; a workbook without one fails, naming its sheets.
        let out = dir.join(format!("out-{file}"));
        let converted: Vec<&serde_json::Value> = described["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["skipped"].is_null())
            .collect();
        let run = dir
            .cmd()
            .arg("convert")
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .run();
        if converted.is_empty() {
            run.check(
                run.code == Some(EXIT_FAILED),
                "a workbook without data fails",
            );
            run.stderr_has("no sheet holds data");
            continue;
        }
        run.check(run.code == Some(EXIT_OK), "the workbook converts");
        let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
        let written = out.join(format!("{stem}_parquet"));
        assert_eq!(
            listing(&written).len(),
            converted.len(),
            "{file}: {:?}",
            listing(&written)
        );
        for sheet in converted {
            let name = sheet["name"].as_str().unwrap();
            let table = find_sheet_file(&written, name);
            assert_eq!(
                table.num_rows() as u64,
                sheet["rows"].as_u64().unwrap(),
                "{file} {name}"
            );
            assert_eq!(
                table.num_columns(),
                sheet["columns"].as_array().unwrap().len(),
                "{file} {name}"
            );
        }
    }
    assert_eq!(sheets_checked, 47, "readable sheets in REFERENCE.tsv");
}

/// The Parquet file of sheet `name` in an output directory, by its footer.
fn find_sheet_file(dir: &Path, name: &str) -> Table {
    let path: PathBuf = listing(dir)
        .iter()
        .map(|f| dir.join(f))
        .find(|p| parquet_facts(p).key_value["pyforge.source_table"] == name)
        .unwrap_or_else(|| panic!("no file for sheet {name:?} in {}", dir.display()));
    read_parquet(&path)
}

#[test]
fn the_1900_and_1904_date_systems_hold_the_same_dates() {
    let Some(fixtures) = fixtures_dir("excel") else {
        return;
    };
    let dir = TestDir::new();
    let mut tables = Vec::new();
    for file in [
        "calamine__date.xls",
        "calamine__date_1904.xls",
        "calamine__date.xlsx",
    ] {
        let out = dir.join(file);
        dir.cmd()
            .arg("convert")
            .arg(fixtures.join(file))
            .args(["--no-header", "-o"])
            .arg(&out)
            .assert_code(EXIT_OK);
        let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
        tables.push(read_parquet(
            &out.join(format!("{stem}_parquet"))
                .join(format!("{stem}_Sheet1.parquet")),
        ));
    }
    // Two dates and a duration of 10 days 15:10:10 (as calamine's own tests
    // read these files: serials 44197 and 44198, and 10.632060185...).
    let dates = tables[0].column("column_1").to_vec();
    assert_eq!(tables[0].data_type("column_1"), &DataType::Utf8);
    assert_eq!(dates, [s("2021-01-01"), s("2021-01-02"), s("255:10:10")]);
    assert_eq!(tables[1].column("column_1"), dates, "the 1904 workbook");
    assert_eq!(tables[2].column("column_1"), dates, "the .xlsx workbook");
}

#[test]
fn iso_dates_errors_and_escapes_read_as_their_values() {
    let Some(fixtures) = fixtures_dir("excel") else {
        return;
    };
    let dir = TestDir::new();
    let convert = |file: &str, extra: &[&str]| -> PathBuf {
        let out = dir.join(format!("{file}{}", extra.join("")));
        dir.cmd()
            .arg("convert")
            .arg(fixtures.join(file))
            .args(extra)
            .arg("-o")
            .arg(&out)
            .assert_code(EXIT_OK);
        let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
        out.join(format!("{stem}_parquet"))
    };
    // t="d" cells: a date, a date and time, a time of day, and text.
    let iso = read_parquet(
        &convert("calamine__date_iso.xlsx", &["--no-header"])
            .join("calamine__date_iso_Sheet.parquet"),
    );
    let values = iso.column("column_1");
    assert_eq!(values[0], s("2021-01-01"), "{values:?}");
    assert!(
        values.iter().any(|v| *v == s("2021-01-01T10:10:10")),
        "{values:?}"
    );
    assert!(values.iter().any(|v| *v == s("10:10:10")), "{values:?}");

    // Error cells: null and counted, or their text with --keep-errors.
    let errors = read_parquet(
        &convert("calamine__errors.xlsx", &["--no-header"]).join("calamine__errors_Feuil1.parquet"),
    );
    assert_eq!(errors.column("column_1"), vec![Null; 7]);
    let kept = read_parquet(
        &convert("calamine__errors.xlsx", &["--no-header", "--keep-errors"])
            .join("calamine__errors_Feuil1.parquet"),
    );
    let texts: Vec<Value> = kept.column("column_1").to_vec();
    for error in [
        "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
    ] {
        assert!(texts.contains(&s(error)), "{error} in {texts:?}");
    }

    // _x000D_ in shared strings is a carriage return, not text.
    let escaped = read_parquet(
        &convert("calamine__has_x000D_.xlsx", &["--no-header"])
            .join("calamine__has_x000D__Sheet1.parquet"),
    );
    let Value::Str(text) = &escaped.column("column_1")[0] else {
        panic!("a string: {:?}", escaped.column("column_1"));
    };
    assert!(!text.contains("_x000D_") && text.contains('\r'), "{text:?}");
}

#[test]
fn an_rc4_encrypted_xls_fails_cleanly() {
    let Some(fixtures) = fixtures_dir("excel") else {
        return;
    };
    // A FILEPASS record (RC4) in the workbook globals, where the CODEPAGE
    // record (1200) was: what Excel writes first in an encrypted .xls.
    let mut bytes = std::fs::read(fixtures.join("calamine__date.xls")).unwrap();
    let codepage = [0x42, 0x00, 0x02, 0x00, 0xb0, 0x04];
    let at = bytes
        .windows(codepage.len())
        .position(|w| w == codepage)
        .expect("a CODEPAGE record");
    bytes[at..at + 6].copy_from_slice(&[0x2f, 0x00, 0x02, 0x00, 0x01, 0x00]);
    let dir = TestDir::new();
    dir.write("locked.xls", &bytes);
    let run = dir
        .cmd()
        .args(["convert", "locked.xls"])
        .assert_code(EXIT_FAILED);
    run.error_names("locked.xls")
        .stderr_has("the workbook is encrypted (password-protected)");
    assert_eq!(dir.listing(), ["locked.xls"]);
}
