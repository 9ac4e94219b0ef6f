//! The shared CSV fixtures (real files from public repositories), checked
//! against the readings in their REFERENCE.tsv.
//!
//! Where the reference tools agree ("all agree RxC") pyforge must read the
//! same shape. Where they disagree, [`OUR_READING`] says what pyforge should
//! read and why, decided from the bytes of the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow_schema::DataType;

use crate::util::*;

/// Our expected (rows, columns) where the reference tools disagree, with the reason.
const OUR_READING: [(&str, u64, usize, &str); 13] = [
    (
        "csvkit__bad.csv",
        3,
        4,
        "the long row's extra cell gets its own column (column_4) instead of being dropped; the short row is padded",
    ),
    (
        "csvkit__test_skip_lines.csv",
        1,
        3,
        "the three blank lines before the header are not records (pandas' sniffer gave up on them)",
    ),
    (
        "csvkit__dummy.tsv",
        1,
        3,
        "tab-delimited, three columns (pandas' default comma reading sees one)",
    ),
    (
        "csvkit__test_utf16_little.csv",
        2,
        3,
        "UTF-16LE with a byte-order mark decodes instead of failing as UTF-8",
    ),
    (
        "csvkit__test_latin1.csv",
        2,
        3,
        "the 0xA9 byte decodes as windows-1252 (©) instead of failing as UTF-8",
    ),
    (
        "frictionless__table-with-accents.csv",
        638,
        8,
        "semicolon-delimited windows-1252 (Année) decodes instead of failing as UTF-8",
    ),
    (
        "frictionless__table-infer-iso-8859-7.csv",
        4,
        3,
        "Greek decodes (pandas-sniff got the shape but read latin-1 mojibake)",
    ),
    (
        "frictionless__dialect.csv",
        2,
        3,
        "'#' is no quote character without a dialect file: `2| -|##` has three pipe fields, the third gets column_3",
    ),
    (
        "frictionless__matrix-with-comment.csv",
        4,
        4,
        "the '# comment' title line before the header is skipped",
    ),
    (
        "messytables__utf-16le_encoded.csv",
        327,
        19,
        "UTF-16LE with a byte-order mark decodes instead of failing as UTF-8",
    ),
    (
        "messytables__characters.csv",
        382,
        18,
        "Big5 decodes (pandas-sniff got the shape but read latin-1 mojibake)",
    ),
    (
        "messytables__simple.psv",
        28,
        6,
        "the pipe-delimited header has 6 names (pandas-sniff split on spaces too)",
    ),
    (
        "rustcsv__strange.csv",
        6,
        2,
        "semicolon-delimited with backslash-escaped quotes; the first record is the header (there is no header detection: --no-header reads 7 rows) and the '#' line is a data row",
    ),
];

/// The fixtures folder, or `None` (with a message) when this checkout lacks
/// it (a failure in CI).
#[track_caller]
fn fixtures() -> Option<PathBuf> {
    fixtures_dir("csv")
}

/// The data files of the fixtures folder, sorted.
fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list the fixtures")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "REFERENCE.tsv" && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
}

/// `file` → comparison column of REFERENCE.tsv.
fn reference(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).expect("read REFERENCE.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .expect("REFERENCE.tsv header")
        .split('\t')
        .collect();
    let file_col = header
        .iter()
        .position(|h| *h == "file")
        .expect("file column");
    let cmp_col = header
        .iter()
        .position(|h| *h == "comparison")
        .expect("comparison column");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), header.len(), "REFERENCE.tsv row: {line}");
            (fields[file_col].to_string(), fields[cmp_col].to_string())
        })
        .collect()
}

/// "all agree 3x2" → (3, 2).
fn agreed_shape(comparison: &str) -> Option<(u64, usize)> {
    let shape = comparison.strip_prefix("all agree ")?;
    let (rows, cols) = shape.trim().split_once('x')?;
    Some((rows.parse().ok()?, cols.parse().ok()?))
}

/// The shape pyforge must read for every fixture.
fn expected_shapes(dir: &Path) -> BTreeMap<String, (u64, usize)> {
    let reference = reference(dir);
    let ours: BTreeMap<&str, (u64, usize)> = OUR_READING
        .iter()
        .map(|(f, r, c, _)| (*f, (*r, *c)))
        .collect();
    let mut shapes = BTreeMap::new();
    for file in fixture_files(dir) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let comparison = reference
            .get(&name)
            .unwrap_or_else(|| panic!("{name} has no row in REFERENCE.tsv"));
        let shape = match (agreed_shape(comparison), ours.get(name.as_str())) {
            (Some(agreed), None) => agreed,
            (None, Some(ours)) => *ours,
            (Some(_), Some(_)) => {
                panic!("{name}: the reference tools agree, so OUR_READING must not override it")
            }
            (None, None) => panic!(
                "{name}: the reference tools disagree ({comparison}); add our reading to OUR_READING"
            ),
        };
        shapes.insert(name, shape);
    }
    shapes
}

#[test]
fn every_fixture_converts_to_the_expected_shape() {
    let Some(fixtures) = fixtures() else { return };
    let shapes = expected_shapes(&fixtures);
    let dir = TestDir::new();
    let mut problems = Vec::new();
    for (name, (rows, cols)) in &shapes {
        let out = dir.join(format!("out_{name}"));
        let run = dir
            .cmd()
            .arg("convert")
            .arg(fixtures.join(name))
            .arg("--output-dir")
            .arg(&out)
            .arg("--json")
            .run();
        if run.code != Some(EXIT_OK) {
            problems.push(format!("{name}: convert failed\n{run}"));
            continue;
        }
        let summary = run.json();
        let report = &summary["inputs"][0];
        let stem = Path::new(name)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let parquet = out.join(format!("{stem}.parquet"));
        let table = read_parquet(&parquet);
        let facts = parquet_facts(&parquet);
        let got = (table.num_rows() as u64, table.num_columns());
        if got != (*rows, *cols) {
            problems.push(format!(
                "{name}: read {}x{}, expected {rows}x{cols}",
                got.0, got.1
            ));
        }
        if report["rows"] != got.0 || report["columns"] != got.1 || facts.num_rows != got.0 as i64 {
            problems.push(format!(
                "{name}: --json says {}x{}, the footer says {} rows, the data has {}x{}",
                report["rows"], report["columns"], facts.num_rows, got.0, got.1
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixture_validates_and_info_agrees() {
    let Some(fixtures) = fixtures() else { return };
    let shapes = expected_shapes(&fixtures);
    let dir = TestDir::new();
    let mut problems = Vec::new();
    for (name, (rows, cols)) in &shapes {
        let path = fixtures.join(name);
        let run = dir.cmd().args(["validate", "--json"]).arg(&path).run();
        if run.code != Some(EXIT_OK) {
            problems.push(format!("{name}: validate failed\n{run}"));
        } else {
            let doc = run.json();
            let file = &doc["files"][0];
            if file["valid"] != true || file["rows"] != *rows || file["columns"] != *cols {
                problems.push(format!(
                    "{name}: validate says {file}, expected {rows}x{cols}"
                ));
            }
        }
        let run = dir.cmd().args(["info", "--json"]).arg(&path).run();
        if run.code != Some(EXIT_OK) {
            problems.push(format!("{name}: info failed\n{run}"));
            continue;
        }
        let info = run.json();
        let info_cols = info["columns"].as_array().map_or(0, Vec::len);
        if info["rows"] != *rows || info_cols != *cols {
            problems.push(format!(
                "{name}: info says {}x{info_cols}, expected {rows}x{cols}",
                info["rows"]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Reading never writes.
    assert_no_output_left(&fixtures);
}

/// Converts one fixture into a fresh folder and reads it back.
fn convert_fixture(dir: &TestDir, fixtures: &Path, name: &str) -> Table {
    let out = dir.join(format!("out_{name}"));
    dir.cmd()
        .arg("convert")
        .arg(fixtures.join(name))
        .arg("-o")
        .arg(&out)
        .assert_code(EXIT_OK);
    let stem = Path::new(name)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    read_parquet(&out.join(format!("{stem}.parquet")))
}

#[test]
fn legacy_encoded_fixtures_decode_to_the_right_text() {
    let Some(fixtures) = fixtures() else { return };
    let dir = TestDir::new();

    let greek = convert_fixture(&dir, &fixtures, "frictionless__table-infer-iso-8859-7.csv");
    greek.assert_column(
        "name",
        &DataType::Utf8,
        &[s("Λεωνιδας"), s("Αλεξανδρος"), s("Μυρων"), s("Ευστοργιος")],
    );
    greek.assert_column(
        "age",
        &DataType::Int64,
        &[39.into(), 23.into(), 36.into(), 28.into()],
    );

    let big5 = convert_fixture(&dir, &fixtures, "messytables__characters.csv");
    assert_eq!(
        &big5.names[..4],
        ["id", "景點編號", "景點中文名稱", "景點特色詳細文字簡述"]
    );
    assert_eq!(
        big5.column("景點中文名稱")[0],
        s("雲嘉南濱海國家風景區管理處")
    );
    assert_eq!(big5.column("景點中文名稱")[1], s("蘆竹溝"));

    // The byte 0xA9 (the only non-ASCII byte) is © in windows-1252 and latin-1.
    let latin1 = convert_fixture(&dir, &fixtures, "csvkit__test_latin1.csv");
    latin1.assert_column("c", &DataType::Utf8, &[s("3"), s("©")]);
    latin1.assert_column("a", &DataType::Int64, &[1.into(), 4.into()]);

    let accents = convert_fixture(&dir, &fixtures, "frictionless__table-with-accents.csv");
    assert!(
        accents.names.iter().any(|n| n == "Année"),
        "{:?}",
        accents.names
    );
    assert_eq!(accents.data_type("Année"), &DataType::Int64);

    let utf16 = convert_fixture(&dir, &fixtures, "csvkit__test_utf16_little.csv");
    utf16.assert_column("c", &DataType::Utf8, &[s("3"), s("\u{2a4}")]);

    let bom = convert_fixture(&dir, &fixtures, "csvkit__test_utf8_bom.csv");
    assert_eq!(bom.names, ["foo", "bar", "baz"]);
    bom.assert_column("baz", &DataType::Utf8, &[s("3"), s("\u{2a4}")]);

    let messy16 = convert_fixture(&dir, &fixtures, "messytables__utf-16le_encoded.csv");
    assert_eq!(messy16.names[0], "Organisation_code");
}

#[test]
fn quoting_and_line_end_fixtures_keep_their_text() {
    let Some(fixtures) = fixtures() else { return };
    let dir = TestDir::new();

    let t = convert_fixture(&dir, &fixtures, "csvspectrum__escaped_quotes.csv");
    t.assert_column("b", &DataType::Utf8, &[s("ha \"ha\" ha"), s("4")]);

    let t = convert_fixture(&dir, &fixtures, "csvspectrum__quotes_and_newlines.csv");
    t.assert_column("b", &DataType::Utf8, &[s("ha \n\"ha\" \nha"), s("4")]);

    let t = convert_fixture(&dir, &fixtures, "csvspectrum__comma_in_quotes.csv");
    t.assert_column("city", &DataType::Utf8, &[s("Anytown, WW")]);
    // A ZIP code with a leading zero stays text.
    t.assert_column("zip", &DataType::Utf8, &[s("08123")]);

    let t = convert_fixture(&dir, &fixtures, "csvspectrum__json.csv");
    t.assert_column(
        "val",
        &DataType::Utf8,
        &[s(r#"{"type": "Point", "coordinates": [102.0, 0.5]}"#)],
    );

    let t = convert_fixture(&dir, &fixtures, "csvkit__mac_newlines.csv");
    t.assert_column("a", &DataType::Utf8, &[s("1"), s("Once upon\ra time")]);
    t.assert_column("c", &DataType::Int64, &[3.into(), 6.into()]);

    let t = convert_fixture(&dir, &fixtures, "csvkit__null_byte.csv");
    t.assert_column("a", &DataType::Utf8, &[s("\0")]);

    let t = convert_fixture(&dir, &fixtures, "rustcsv__strange.csv");
    assert_eq!(t.names, ["\"Hacksaw\" Jim Duggan", "1987"]);
    assert_eq!(
        t.column("\"Hacksaw\" Jim Duggan")[0],
        s("Bret \"Hit Man\" Hart")
    );
    assert_eq!(t.column("1987")[0], Value::Int(1984));

    let t = convert_fixture(&dir, &fixtures, "frictionless__matrix-with-comment.csv");
    assert_eq!(t.names, ["f1", "f2", "f3", "f4"]);
    t.assert_column(
        "f4",
        &DataType::Int64,
        &[14.into(), 24.into(), 34.into(), 44.into()],
    );

    let t = convert_fixture(&dir, &fixtures, "csvkit__bad.csv");
    assert_eq!(t.names, ["column_a", "column_b", "column_c", "column_4"]);
    t.assert_column(
        "column_4",
        &DataType::Utf8,
        &[s("I'm too long!"), Null, Null],
    );
    t.assert_column(
        "column_b",
        &DataType::Utf8,
        &[s("27"), s("I'm too short!"), s("mixed types.... uh oh")],
    );

    let t = convert_fixture(&dir, &fixtures, "messytables__simple.psv");
    assert_eq!(t.names[0], "Year");
    assert_eq!(t.names.len(), 6);
    assert_eq!(t.column("Year")[0], Value::Int(1986));
}

#[test]
fn real_data_fixtures_get_real_types() {
    let Some(fixtures) = fixtures() else { return };
    let dir = TestDir::new();
    let t = convert_fixture(&dir, &fixtures, "rustcsv__worldcitiespop.csv");
    assert_eq!(t.num_rows(), 20_000);
    assert_eq!(t.data_type("Population"), &DataType::Int64);
    assert_eq!(t.data_type("Latitude"), &DataType::Float64);
    assert_eq!(t.column("Population")[0], Null);
    assert_eq!(t.column("Latitude")[0], Value::Float(7.3666667));
    // Region codes like "06" keep their leading zero.
    assert_eq!(t.data_type("Region"), &DataType::Utf8);
    assert_eq!(t.column("Region")[1], s("06"));

    let t = convert_fixture(&dir, &fixtures, "frictionless__wide.csv");
    assert_eq!(t.num_columns(), 9074);
    assert_eq!(t.data_type("100022"), &DataType::Boolean);

    let t = convert_fixture(&dir, &fixtures, "csvkit__ks_1033_data.csv");
    assert_eq!(t.num_rows(), 1575);
    assert_eq!(t.data_type("quantity"), &DataType::Int64);
    assert_eq!(t.data_type("total_cost"), &DataType::Float64);
    // "5/19/2006 0:00:00": month first, a one-digit hour.
    assert_eq!(
        t.data_type("ship_date"),
        &DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, None)
    );
    assert_eq!(t.column("ship_date")[0], ts(2006, 5, 19, 0, 0, 0, 0));
}
