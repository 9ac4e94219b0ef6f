//! The shared Access corpus converted end to end by the real binary:
//!
//! - every file either converts, with the tables and row counts of
//!   REFERENCE.tsv (mdbtools), or fails with the error its damage or
//!   protection calls for;
//! - the values of the simple types equal `mdb-export`'s (mdbtools);
//! - both engines write the same Parquet (types, and rows as multisets:
//!   UCanAccess returns primary-key order, Jackcess file order).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::access::jars_dir_with_encrypt;
use crate::java_helper::{corpus, reference_counts};
use crate::util::{read_parquet, tool_on_path, Table, TestCommand, Value, EXIT_OK};

/// The files that need more than the defaults, and what: their password,
/// or `--allow-partial` for a table whose stated row count is stale (the
/// file says 3, its pages hold the 4 rows mdbtools reads too). The encoded
/// and encrypted files need the jackcess-encrypt add-on, which the corpus
/// runs with; the Access 2019 file needs Jackcess 4.0.11, in the set.
const NEEDS: [(&str, &[&str]); 5] = [
    (
        "jackcessencrypt__db2007-enc.accdb",
        &["--password", "Test123"],
    ),
    (
        "mdbreader__V2010_with-password.accdb",
        &["--password", "password"],
    ),
    (
        "mdbreader__V2003_with-password.mdb",
        &["--password", "password"],
    ),
    ("ucanaccess__password.mdb", &["--password", "ucanaccess"]),
    ("jackcess__calcFieldTestV2010.accdb", &["--allow-partial"]),
];

/// Files the `ucanaccess` engine cannot open: UCanAccess 4.0.4 fails on
/// their column types while loading the whole database (unsupported
/// fields; the Access 2019 "Date/Time Extended", which it has no HSQLDB
/// type for).
const UCANACCESS_CANNOT_READ: [&str; 2] = [
    "jackcess__unsupportedFieldsTestV2007.accdb",
    "jackcess__extDateTestV2019.accdb",
];

/// One file converted by one engine: table name → Parquet read back.
type Converted = BTreeMap<String, Table>;

/// Every corpus file, converted by each engine asked for.
struct Corpus {
    dir: PathBuf,
    files: Vec<String>,
    /// (file, engine) → the tables, or the error.
    results: BTreeMap<(String, &'static str), Result<Converted, String>>,
    _out: tempfile::TempDir,
}

/// The databases of the corpus in `dir`, sorted.
pub fn corpus_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mdb") || n.ends_with(".accdb"))
        .collect();
    files.sort();
    files
}

/// How `files` are converted: all but those of [`NEEDS`] in one call, then
/// each of those alone with the arguments it needs.
pub fn corpus_calls(files: &[String]) -> Vec<(Vec<&str>, &'static [&'static str])> {
    let plain: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !NEEDS.iter().any(|(name, _)| name == f))
        .collect();
    let mut calls: Vec<(Vec<&str>, &[&str])> = vec![(plain, &[])];
    calls.extend(NEEDS.iter().map(|(file, args)| (vec![*file], *args)));
    calls
}

/// Converts the whole corpus with each of `engines`, with the encryption
/// add-on installed: the files of [`NEEDS`] one by one with what they need,
/// all others in one call, four at once, each with its own helper. `None`
/// without the corpus.
fn convert_corpus(engines: &[&'static str]) -> Option<Corpus> {
    let dir = corpus()?;
    let files = corpus_files(&dir);
    let out = tempfile::tempdir().unwrap();
    let calls = corpus_calls(&files);
    let mut results = BTreeMap::new();
    for &engine in engines {
        for (inputs, extra) in &calls {
            let doc = TestCommand::new(&dir)
                .env("PYFORGE_JARS_DIR", jars_dir_with_encrypt())
                .arg("convert")
                .args(inputs)
                .args(*extra)
                .args(["--engine", engine, "--keep-going", "--jobs", "4", "--json"])
                .arg("--output-dir")
                .arg(out.path().join(engine))
                .run()
                .json();
            for input in doc["inputs"].as_array().unwrap() {
                let path = PathBuf::from(input["input"].as_str().unwrap());
                let file = path.file_name().unwrap().to_string_lossy().into_owned();
                results.insert((file, engine), converted_tables(input));
            }
        }
    }
    Some(Corpus {
        dir,
        files,
        results,
        _out: out,
    })
}

/// One input of `convert --json`: its tables read back, or its error.
fn converted_tables(input: &serde_json::Value) -> Result<Converted, String> {
    match input["status"].as_str() {
        Some("converted") => {
            let folder = PathBuf::from(input["output"].as_str().unwrap());
            let tables = input["tables"].as_array().map_or(&[][..], Vec::as_slice);
            Ok(tables
                .iter()
                .map(|t| {
                    let name = t["table"].as_str().unwrap().to_string();
                    let file = folder.join(t["file"].as_str().unwrap());
                    (name, read_parquet(&file))
                })
                .collect())
        }
        _ => Err(input["error"].as_str().unwrap_or_default().to_string()),
    }
}

/// The encrypted files mdbtools cannot read: their tables and row counts as
/// the projects they come from state them (mdbreader's `password.spec.ts`,
/// jackcessencrypt's `CryptCodecProviderTest`).
const NOT_READ_BY_MDBTOOLS: [(&str, &str, u64); 2] = [
    ("mdbreader__V2010_with-password.accdb", "Table1", 3),
    ("jackcessencrypt__db2007-enc.accdb", "Table1", 1),
];

/// The reference tables and row counts of `file`.
fn expected_counts(corpus: &Path, file: &str) -> BTreeMap<String, u64> {
    let stated: BTreeMap<String, u64> = NOT_READ_BY_MDBTOOLS
        .iter()
        .filter(|(name, _, _)| *name == file)
        .map(|(_, table, rows)| (table.to_string(), *rows))
        .collect();
    if !stated.is_empty() {
        return stated;
    }
    // mdb-tables lists `~TMP` tables; pyforge skips them.
    let mut reference = reference_counts(corpus, file);
    reference.retain(|name, _| !name.starts_with("~TMP"));
    reference
}

#[test]
fn every_corpus_file_converts_with_the_reference_tables_and_counts() {
    let Some(corpus) = convert_corpus(&["jackcess"]) else {
        return;
    };
    for file in &corpus.files {
        let tables = match &corpus.results[&(file.clone(), "jackcess")] {
            Ok(tables) => tables,
            Err(error) => panic!("{file}: {error}"),
        };
        let counts: BTreeMap<String, u64> = tables
            .iter()
            .map(|(name, table)| (name.clone(), table.num_rows() as u64))
            .collect();
        assert_eq!(
            counts,
            expected_counts(&corpus.dir, file),
            "{file}: tables and row counts against mdbtools"
        );
    }
    eprintln!("all {} corpus files convert", corpus.files.len());
}

#[test]
fn both_engines_write_the_same_parquet_for_every_file_both_read() {
    let Some(corpus) = convert_corpus(&["jackcess", "ucanaccess"]) else {
        return;
    };
    let mut compared = 0;
    for file in &corpus.files {
        let jackcess = &corpus.results[&(file.clone(), "jackcess")];
        let ucanaccess = &corpus.results[&(file.clone(), "ucanaccess")];
        if UCANACCESS_CANNOT_READ.contains(&file.as_str()) {
            let error = ucanaccess.as_ref().err();
            assert!(error.is_some(), "{file}: UCanAccess now reads it");
            continue;
        }
        let (jackcess, ucanaccess) = match (jackcess, ucanaccess) {
            (Ok(j), Ok(u)) => (j, u),
            (Err(j), Err(u)) => {
                // The same cause with either engine.
                let cause = |e: &str| e.split(':').next().unwrap_or_default().to_string();
                assert_eq!(cause(j), cause(u), "{file}");
                continue;
            }
            (j, u) => panic!(
                "{file}: jackcess {:?}, ucanaccess {:?}",
                j.is_ok(),
                u.is_ok()
            ),
        };
        assert_eq!(
            jackcess.keys().collect::<Vec<_>>(),
            ucanaccess.keys().collect::<Vec<_>>(),
            "{file}: tables"
        );
        for (name, j) in jackcess {
            let u = &ucanaccess[name];
            assert_eq!(j.names, u.names, "{file} {name}: column names");
            assert_eq!(j.types, u.types, "{file} {name}: column types");
            if sorted_rows(j, None) != sorted_rows(u, None) {
                // UCanAccess rounds calculated non-integer columns to four
                // decimals (the protocol documents it): the rest must agree.
                let types = &access_types(&corpus.dir, file)[name];
                let stored: Vec<usize> = (0..types.len())
                    .filter(|&c| types[c] != "calculated")
                    .collect();
                assert!(stored.len() < types.len(), "{file} {name}: rows differ");
                assert_eq!(
                    sorted_rows(j, Some(&stored)),
                    sorted_rows(u, Some(&stored)),
                    "{file} {name}: rows (as multisets) of the stored columns"
                );
            }
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} tables compared");
    eprintln!("{compared} tables identical with both engines");
}

/// A table's rows (only `columns` when given) as sorted text, so row order
/// does not matter.
fn sorted_rows(table: &Table, columns: Option<&[usize]>) -> Vec<String> {
    let mut rows: Vec<String> = (0..table.num_rows())
        .map(|i| {
            let row = table.row(i);
            match columns {
                Some(columns) => {
                    format!("{:?}", columns.iter().map(|&c| &row[c]).collect::<Vec<_>>())
                }
                None => format!("{row:?}"),
            }
        })
        .collect();
    rows.sort();
    rows
}

// ---------------------------------------------------------------------------
// Against mdb-export

/// `mdb-export`, or `None` with a note (CI installs mdbtools: there it is
/// an error to lack it).
fn mdb_export() -> Option<PathBuf> {
    tool_on_path(
        "mdb-export",
        "scripts/install-test-tools.sh installs mdbtools",
    )
}

/// The Access types compared with mdb-export. Left out: Large Number and
/// the Access 2019 date (mdbtools 1.0 prints NULL), GUID, OLE, binary and
/// complex columns (mdbtools prints bytes or nothing), calculated columns.
const SIMPLE_TYPES: [&str; 11] = [
    "TEXT",
    "MEMO",
    "BYTE",
    "INT",
    "LONG",
    "FLOAT",
    "DOUBLE",
    "MONEY",
    "NUMERIC",
    "SHORT_DATE_TIME",
    "BOOLEAN",
];

/// Each table's columns with their Access types, from `pyforge info --json`.
fn access_types(dir: &Path, file: &str) -> BTreeMap<String, Vec<String>> {
    let password: &[&str] = NEEDS
        .iter()
        .find(|(name, args)| *name == file && args[0] == "--password")
        .map_or(&[], |(_, args)| args);
    let doc = TestCommand::new(dir)
        .env("PYFORGE_JARS_DIR", jars_dir_with_encrypt())
        .args(["info", file, "--json"])
        .args(password)
        .assert_code(EXIT_OK)
        .json();
    doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            // mdbtools 1.0 does not read calculated columns' stored results.
            let types = t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| match c["calculated"].as_bool() {
                    Some(true) => "calculated".to_string(),
                    _ => c["access_type"].as_str().unwrap().to_string(),
                })
                .collect();
            (t["name"].as_str().unwrap().to_string(), types)
        })
        .collect()
}

/// One table as mdb-export prints it: a row per record, `None` for NULL.
fn mdb_rows(mdb_export: &Path, path: &Path, table: &str) -> Vec<Vec<Option<String>>> {
    let out = Command::new(mdb_export)
        .args(["-H", "-T", "%Y-%m-%d %H:%M:%S", "-0", "\\N", "-b", "strip"])
        .arg(path)
        .arg(table)
        .output()
        .unwrap();
    assert!(out.status.success(), "mdb-export {table}: {:?}", out.status);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&out.stdout[..]);
    reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|cell| (cell != "\\N").then(|| cell.to_string()))
                .collect()
        })
        .collect()
}

/// A Parquet value printed the way mdb-export prints the same cell.
fn as_mdbtools_prints(value: &Value, access_type: &str) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        // mdbtools prints an empty text as NULL.
        Value::Str(s) if s.is_empty() => return None,
        // mdbtools 1.0 prints each half of a UTF-16 surrogate pair as `?`,
        // and `?` for a byte its code page does not define (Java: U+FFFD).
        Value::Str(s) => s
            .chars()
            .map(|c| match c {
                '\u{FFFD}' => "?".to_string(),
                c if c > '\u{FFFF}' => "??".to_string(),
                c => c.to_string(),
            })
            .collect(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => u8::from(*b).to_string(),
        Value::Float(f) if access_type == "FLOAT" => c_format_g(*f, 8),
        Value::Float(f) => c_format_g(*f, 16),
        Value::Dec(unscaled, scale) => decimal_text(*unscaled, *scale),
        // mdbtools 1.0 prints only day numbers 0 to 1,000,000 (1899-12-30
        // to 4637-11-25); every other date comes out as this.
        Value::Ts(micros) if !MDBTOOLS_DATES.contains(micros) => "1900-01-00 00:00:00".into(),
        Value::Ts(micros) => chrono::DateTime::from_timestamp_micros(*micros)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        other => panic!("no mdbtools form for {other:?}"),
    })
}

/// 1899-12-30T00:00:00, day 0 of Access dates, in Unix microseconds.
const ACCESS_DAY_ZERO_MICROS: i64 = -2_209_161_600_000_000;
const DAY_MICROS: i64 = 86_400_000_000;
/// The dates mdbtools 1.0 prints (`mdb_date_to_tm` gives up outside them).
const MDBTOOLS_DATES: std::ops::RangeInclusive<i64> =
    ACCESS_DAY_ZERO_MICROS..=ACCESS_DAY_ZERO_MICROS + 1_000_000 * DAY_MICROS;

/// C's `printf("%.<precision>g")`.
fn c_format_g(value: f64, precision: usize) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let scientific = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = scientific.split_once('e').unwrap();
    let exponent: i32 = exponent.parse().unwrap();
    if exponent < -4 || exponent >= precision as i32 {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            strip_fraction_zeros(mantissa),
            exponent.abs()
        )
    } else {
        let decimals = (precision as i32 - 1 - exponent) as usize;
        strip_fraction_zeros(&format!("{value:.decimals$}"))
    }
}

fn strip_fraction_zeros(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

fn decimal_text(unscaled: i128, scale: i8) -> String {
    let sign = if unscaled < 0 { "-" } else { "" };
    let digits = format!(
        "{:0>width$}",
        unscaled.unsigned_abs(),
        width = scale as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[test]
fn values_of_the_simple_types_equal_mdb_export() {
    let Some(mdb_export) = mdb_export() else {
        return;
    };
    let Some(corpus) = convert_corpus(&["jackcess"]) else {
        return;
    };
    let mut cells = 0usize;
    for file in &corpus.files {
        let Ok(tables) = &corpus.results[&(file.clone(), "jackcess")] else {
            continue;
        };
        if NOT_READ_BY_MDBTOOLS.iter().any(|(name, _, _)| name == file) {
            continue;
        }
        let path = corpus.dir.join(file);
        let types = access_types(&corpus.dir, file);
        for (name, table) in tables {
            let types = &types[name];
            let compared: Vec<usize> = (0..types.len())
                .filter(|&c| SIMPLE_TYPES.contains(&types[c].as_str()))
                .collect();
            let ours: Vec<Vec<Option<String>>> = (0..table.num_rows())
                .map(|r| {
                    compared
                        .iter()
                        .map(|&c| as_mdbtools_prints(&table.columns[c][r], &types[c]))
                        .collect()
                })
                .collect();
            let theirs: Vec<Vec<Option<String>>> = mdb_rows(&mdb_export, &path, name)
                .into_iter()
                .map(|row| compared.iter().map(|&c| row[c].clone()).collect())
                .collect();
            let mut ours_sorted = ours.clone();
            let mut theirs_sorted = theirs.clone();
            ours_sorted.sort();
            theirs_sorted.sort();
            assert_eq!(ours.len(), theirs.len(), "{file} {name}: rows");
            if let Some((o, t)) = ours_sorted.iter().zip(&theirs_sorted).find(|(o, t)| o != t) {
                panic!("{file} {name} (types {types:?}): pyforge {o:?}, mdb-export {t:?}");
            }
            cells += ours.len() * compared.len();
        }
    }
    eprintln!("{cells} cells equal to mdb-export's");
    assert!(cells > 10_000, "only {cells} cells compared");
}

#[test]
fn c_format_g_matches_printf() {
    assert_eq!(c_format_g(1.5, 16), "1.5");
    assert_eq!(c_format_g(-1e-300, 16), "-1e-300");
    assert_eq!(c_format_g(f64::MAX, 16), "1.797693134862316e+308");
    assert_eq!(c_format_g(f32::from_bits(1) as f64, 8), "1.4012985e-45");
    assert_eq!(c_format_g(1.0e30f32 as f64, 8), "1e+30");
    assert_eq!(c_format_g(0.0001, 16), "0.0001");
    assert_eq!(c_format_g(123456.0, 8), "123456");
    assert_eq!(
        decimal_text(-9223372036854775808, 4),
        "-922337203685477.5808"
    );
    assert_eq!(decimal_text(5, 4), "0.0005");
    assert_eq!(decimal_text(-42, 0), "-42");
}
