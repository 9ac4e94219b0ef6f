//! The shared dBase fixtures (real tables from public repositories) against
//! their REFERENCE.tsv: every table converts with the live records and the
//! fields dbfread reads (lenient mode, which reads every file it can), every
//! memo value dbfread finds is there, text comes out right in every code
//! page, and damaged files are read as far as they can be, with notes.
//!
//! Where pyforge and dbfread disagree, [`OUR_ROWS`] says who is right and
//! why.

use std::path::Path;

use crate::util::*;

/// (file, live records pyforge reads, why dbfread's count is wrong).
const OUR_ROWS: [(&str, u64, &str); 3] = [
    (
        "infused__mazovia.dbf",
        2,
        "its records' flag bytes are 0x00, not blanks: dbfread skips them as if deleted; \
         they are live records (the header states 2, none marked '*'), read with a note",
    ),
    (
        "dbasers__stations_with_deleted.dbf",
        5,
        "the header's record length (1016) is one byte short of its fields' (1017): dbfread \
         reads with the header's, so every record after the first is shifted and the deleted \
         one is taken as live; read with the fields' length there are 5 live and 1 deleted",
    ),
    (
        "infused__dbase_02.dbf",
        9,
        "a dBase II table: dbfread reads it as dBase III and fails; its 16-byte field \
         descriptors hold 14 fields and its 2-byte record count 9 records",
    ),
];

/// One file's readings.
struct Reading {
    file: String,
    /// dbfread-lenient's facts: `live=2 deleted=1 ... memo_nonempty=2`.
    lenient: String,
    lenient_columns: Option<usize>,
    /// The raw header's columns (dBase II, which dbfread cannot read).
    header_columns: Option<usize>,
}

impl Reading {
    fn fact(&self, key: &str) -> Option<u64> {
        let at = self.lenient.find(&format!("{key}="))? + key.len() + 1;
        self.lenient[at..].split(' ').next()?.parse().ok()
    }
}

fn references(dir: &Path) -> Vec<Reading> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).expect("REFERENCE.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file, detail, columns, raw_columns) =
        (at("file"), at("r3_detail"), at("r3_cols"), at("r2_cols"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Reading {
                file: fields[file].to_string(),
                lenient: fields[detail].to_string(),
                lenient_columns: fields[columns].parse().ok(),
                header_columns: fields[raw_columns].parse().ok(),
            }
        })
        .collect()
}

fn info(dir: &TestDir, path: &Path, extra: &[&str]) -> serde_json::Value {
    dir.cmd()
        .arg("info")
        .arg("--json")
        .arg(path)
        .args(extra)
        .assert_code(EXIT_OK)
        .json()
}

/// Converts `file` into `dir`, returning the table and the run.
fn convert(dir: &TestDir, fixtures: &Path, file: &str, extra: &[&str]) -> (Table, RunOutput) {
    let out = dir.join(format!("out-{file}-{}", extra.join("")));
    let run = dir
        .cmd()
        .arg("convert")
        .arg(fixtures.join(file))
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .args(extra)
        .assert_code(EXIT_OK);
    let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
    let table = read_parquet(&out.join(format!("{stem}_parquet/{stem}.parquet")));
    (table, run)
}

#[test]
fn every_table_converts_with_its_live_records_fields_and_memos() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    let mut checked = 0;
    for reading in references(&fixtures) {
        let file = reading.file.as_str();
        if file == "dbfread__no_memofile.dbf" {
            continue; // its own test below
        }
        let rows = match OUR_ROWS.iter().find(|(f, _, _)| *f == file) {
            Some((_, rows, _)) => *rows,
            None => reading
                .fact("live")
                .unwrap_or_else(|| panic!("{file}: no live count")),
        };
        let columns = reading
            .lenient_columns
            .or(reading.header_columns)
            .unwrap_or_else(|| panic!("{file}: no field count"));
        // `_NullFlags` is a system field, not a column.
        let columns = columns - usize::from(reading.lenient.contains("_NullFlags"));
        let (table, _) = convert(&dir, &fixtures, file, &[]);
        assert_eq!(table.num_rows() as u64, rows, "{file}: rows");
        assert_eq!(
            table.num_columns(),
            columns,
            "{file}: columns {:?}",
            table.names
        );

        // Every memo dbfread reads non-empty is there.
        let described = info(&dir, &fixtures.join(file), &[]);
        let memo_columns: Vec<&str> = described["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["declared"].as_str().unwrap().starts_with('M'))
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let memos = memo_columns
            .iter()
            .flat_map(|c| table.column(c))
            .filter(|v| !matches!(v, Null) && **v != s(""))
            .count() as u64;
        let expected = reading.fact("memo_nonempty").unwrap_or(0);
        assert_eq!(memos, expected, "{file}: memo values");
        // info counts the records as convert reads them.
        assert_eq!(described["records"]["live"], rows, "{file}: {described}");
        checked += 1;
    }
    assert!(checked >= 23, "only {checked} tables checked");
}

#[test]
fn text_comes_out_right_in_every_code_page() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    // (file, column, first value, code page, how it was chosen)
    let cases = [
        (
            "infused__cp1251.dbf",
            "NAME",
            "амбулаторно-поликлиническое",
            "windows-1251",
            "language_driver",
        ),
        (
            "dbasers__cp936.dbf",
            "TEST",
            "测试中文",
            "GBK",
            "language_driver",
        ),
        // The header declares Windows-1252, but 0x81 is undefined there:
        // the text is DOS (ü is 0x81 in code page 850).
        (
            "dbasers__cp850.dbf",
            "TEXT",
            "Äöü!§$%&/",
            "IBM850",
            "detected",
        ),
        // No language driver; Latin-1 letters.
        (
            "pyshp__latin1.dbf",
            "Name",
            "Ñandú",
            "windows-1252",
            "detected",
        ),
        // No language driver; Catalan written by a DOS program (è is 0x8A).
        (
            "infused__dbase_f5.dbf",
            "COMN",
            "baix penedès",
            "IBM850",
            "detected",
        ),
        (
            "infused__mazovia.dbf",
            "A2",
            "English",
            "Mazovia",
            "language_driver",
        ),
    ];
    for (file, column, first, code_page, source) in cases {
        let (table, run) = convert(&dir, &fixtures, file, &[]);
        assert_eq!(table.column(column)[0], s(first), "{file}");
        let described = info(&dir, &fixtures.join(file), &[]);
        assert_eq!(described["code_page"], code_page, "{file}: {described}");
        assert_eq!(described["code_page_source"], source, "{file}");
        if source == "detected" {
            run.stderr_has(&format!("text read as {code_page}"));
        }
    }
    // Mazovia's Polish letters: Ś is 0x98 and ś 0x9E there (Harbour's table).
    let (table, _) = convert(&dir, &fixtures, "infused__mazovia.dbf", &[]);
    assert_eq!(table.column("A2")[1], s("Ś╫êëτ⌡ś"));
    // --encoding wins over the language driver.
    let (table, _) = convert(
        &dir,
        &fixtures,
        "dbasers__cp850.dbf",
        &["--encoding", "cp437"],
    );
    assert_eq!(table.column("TEXT")[0], s("Äöü!⌡$%&/"));
}

#[test]
fn types_come_from_the_header() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    use arrow_schema::{DataType, TimeUnit};
    let (products, _) = convert(&dir, &fixtures, "infused__dbase_31.dbf", &[]);
    assert_eq!(products.data_type("PRODUCTID"), &DataType::Int32);
    // Y (currency) is an exact decimal(19,4).
    assert_eq!(
        products.data_type("UNITPRICE"),
        &DataType::Decimal128(19, 4)
    );
    assert_eq!(products.column("UNITPRICE")[0], Value::Dec(180_000, 4));
    assert_eq!(products.column("DISCONTINU")[0], Value::Bool(false));
    let (dbase4, _) = convert(&dir, &fixtures, "infused__dbase_8b.dbf", &[]);
    assert_eq!(dbase4.data_type("NUMERICAL"), &DataType::Decimal128(20, 2));
    // F(20,18): an exact decimal, never through a float.
    assert_eq!(dbase4.data_type("FLOAT"), &DataType::Decimal128(20, 18));
    assert_eq!(
        dbase4.column("FLOAT")[0],
        Value::Dec(1_234_567_890_123_460_000, 18)
    );
    assert_eq!(dbase4.column("DATE")[1], date(1970, 12, 31));
    assert_eq!(dbase4.column("LOGICAL")[2], Null, "'?' is null");
    assert_eq!(dbase4.column("MEMO")[0], s("First memo\r\n"));
    let (contacts, _) = convert(&dir, &fixtures, "infused__foxprodb_contacts.dbf", &[]);
    assert_eq!(
        contacts.data_type("LAST_MEETI"),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert_eq!(contacts.column("BIRTHDATE")[0], date(1963, 4, 8));
    let (dbase2, _) = convert(&dir, &fixtures, "infused__dbase_02.dbf", &[]);
    assert_eq!(dbase2.column("EMP:NMBR")[0], Value::Int(2));
    assert_eq!(dbase2.column("PAYRATE")[3], Value::Dec(8_989_000, 3));
    // "    .   " is how dBase II leaves a number with decimals empty.
    assert_eq!(dbase2.column("START:PAY")[8], Null);
    // --all-strings keeps each value's text.
    let (text, _) = convert(&dir, &fixtures, "infused__dbase_8b.dbf", &["--all-strings"]);
    assert_eq!(text.column("NUMERICAL")[0], s("1.00"));
    assert_eq!(text.column("DATE")[1], s("1970-12-31"));
    assert_eq!(text.column("LOGICAL")[0], s("Y"));
}

#[test]
fn damage_is_read_around_and_reported() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    // NUL-padded numbers are null and counted.
    let (table, run) = convert(
        &dir,
        &fixtures,
        "dbasers__contain_null_padded_numeric.dbf",
        &[],
    );
    assert_eq!(table.column("number"), [Null]);
    run.stderr_has("column 'number': 1 value(s) do not fit its declared type N(50)");
    // Bytes after the last record are ignored with a note.
    let (table, run) = convert(&dir, &fixtures, "pyshp__corrupt_too_long.dbf", &[]);
    assert_eq!(table.num_rows(), 10);
    run.stderr_has("ignored 5 byte(s) after the last record");
    // A record length that disagrees with the fields', and a deleted record.
    let (table, run) = convert(&dir, &fixtures, "dbasers__stations_with_deleted.dbf", &[]);
    assert_eq!(table.num_rows(), 5);
    run.stderr_has("read with the fields' length")
        .stderr_has("1 deleted record(s) skipped");
    let (table, run) = convert(
        &dir,
        &fixtures,
        "dbasers__stations_with_deleted.dbf",
        &["--include-deleted"],
    );
    assert_eq!(table.num_rows(), 6);
    let deleted = table.column("_deleted");
    assert_eq!(
        deleted.iter().filter(|v| **v == Value::Bool(true)).count(),
        1
    );
    run.stderr_has("1 deleted record(s) included");
    // Flag bytes that are neither blank nor '*' are live, with a note.
    let (_, run) = convert(&dir, &fixtures, "infused__mazovia.dbf", &[]);
    run.stderr_has("2 record(s) have a flag byte that is neither blank nor '*'");
}

#[test]
fn a_missing_memo_file_fails_unless_told_to_read_nulls() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    let out = dir.join("out");
    let run = dir
        .cmd()
        .arg("convert")
        .arg(fixtures.join("dbfread__no_memofile.dbf"))
        .arg("-o")
        .arg(&out)
        .assert_code(EXIT_FAILED);
    run.error_names("dbfread__no_memofile.dbf")
        .stderr_has("its memo file (dbfread__no_memofile.fpt) is missing")
        .stderr_has("--ignore-missing-memo");
    assert!(!out.exists() || listing(&out).is_empty(), "nothing written");
    let (table, run) = convert(
        &dir,
        &fixtures,
        "dbfread__no_memofile.dbf",
        &["--ignore-missing-memo"],
    );
    assert_eq!(table.num_rows(), 2);
    assert_eq!(table.column("MEMO"), [Null, Null]);
    run.stderr_has("the memo file is missing: 2 memo value(s) read as null");
}

#[test]
fn a_truncated_table_fails_with_both_counts_unless_partial_is_allowed() {
    let Some(fixtures) = fixtures_dir("dbf") else {
        return;
    };
    let dir = TestDir::new();
    let whole = std::fs::read(fixtures.join("pyshp__blockgroups.dbf")).unwrap();
    // Half the file: the header states 663 records.
    let path = dir.write("cut.dbf", &whole[..whole.len() / 2]);
    let run = dir.cmd().arg("convert").arg(&path).assert_code(EXIT_FAILED);
    run.error_names("cut.dbf")
        .stderr_has("of the 663 its header states (truncated)");
    assert_eq!(dir.listing(), ["cut.dbf"], "no output");
    let run = dir
        .cmd()
        .args(["validate", "cut.dbf"])
        .assert_code(EXIT_FAILED);
    run.stderr_has("truncated");
    let run = dir
        .cmd()
        .args(["convert", "cut.dbf", "--allow-partial"])
        .assert_code(EXIT_OK);
    run.stderr_has("--allow-partial");
    let table = read_parquet(&dir.join("cut_parquet/cut.parquet"));
    let described = info(&dir, &path, &[]);
    let present = described["records"]["present"].as_u64().unwrap();
    assert!(present > 300 && present < 663, "{described}");
    assert_eq!(table.num_rows() as u64, present);
}
