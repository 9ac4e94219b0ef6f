//! `pyforge convert DB.mdb|DB.accdb`: one Parquet file per table in
//! `<stem>_parquet/`, real types read back value by value, row counts against
//! mdbtools' REFERENCE.tsv, clear errors that leave nothing behind, and
//! `--force` replacing the directory whole.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::jars::{real_add_on_jars, real_jars};
use crate::java_helper::{generated, reference_counts};
use crate::util::{
    assert_no_output_left, fixtures_dir, listing, parquet_facts, RunOutput, TestCommand, TestDir,
    EXIT_FAILED, EXIT_OK,
};

/// A JAR cache with the real set installed by `pyforge jars install --from`,
/// shared by the tests of this module.
pub fn jars_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        TestCommand::new(dir.path())
            .args(["jars", "install", "--from"])
            .arg(real_jars())
            .arg("--jars-dir")
            .arg(dir.path())
            .assert_code(EXIT_OK);
        dir
    })
    .path()
}

/// A JAR cache with the real set and the encryption add-on, installed by
/// `pyforge jars install --with encrypt --from` the folder of both
/// (`.jars/`), offline.
pub fn jars_dir_with_encrypt() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let both = real_jars().parent().unwrap().to_path_buf();
        assert_eq!(real_add_on_jars().parent(), Some(both.as_path()));
        TestCommand::new(dir.path())
            .args([
                "jars",
                "install",
                "--offline",
                "--with",
                "encrypt",
                "--from",
            ])
            .arg(both)
            .arg("--jars-dir")
            .arg(dir.path())
            .assert_code(EXIT_OK);
        dir
    })
    .path()
}

/// `pyforge convert ARGS` in `dir` with the shared JAR cache.
pub fn convert(dir: &TestDir, args: &[&str]) -> TestCommand {
    dir.cmd()
        .env("PYFORGE_JARS_DIR", jars_dir())
        .arg("convert")
        .args(args)
}

/// Copies `source` into `dir` (outputs go beside their input).
pub fn copy_in(dir: &TestDir, source: &Path) -> PathBuf {
    let target = dir.join(source.file_name().unwrap());
    std::fs::copy(source, &target).unwrap();
    target
}

fn read_all(path: &Path) -> RecordBatch {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    assert_eq!(batches.len(), 1, "a small table reads back as one batch");
    batches.remove(0)
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a dyn Array {
    batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name:?} in {:?}", batch.schema()))
        .as_ref()
}

fn micros(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

fn nullable<T: Copy>(array: &dyn Array, value: impl Fn(usize) -> T) -> Vec<Option<T>> {
    (0..array.len())
        .map(|i| (!array.is_null(i)).then(|| value(i)))
        .collect()
}

#[test]
fn generated_database_reads_back_value_by_value() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.accdb"));
    let out = convert(&dir, &["types.accdb", "--json"]).assert_code(EXIT_OK);
    let doc = out.json();
    let input = &doc["inputs"][0];
    assert_eq!(input["status"], "converted", "{doc:#}");
    let tables: Vec<(String, u64)> = input["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["file"].as_str().unwrap().to_string(),
                t["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        tables.contains(&("AllTypes.parquet".into(), 5)),
        "{tables:?}"
    );
    assert!(
        tables.contains(&("Spaced name ü.parquet".into(), 2)),
        "{tables:?}"
    );
    assert!(tables.contains(&("Empty.parquet".into(), 0)), "{tables:?}");

    let path = dir.join("types_parquet/AllTypes.parquet");
    let facts = parquet_facts(&path);
    assert_eq!(facts.key_value["pyforge.source_table"], "AllTypes");
    assert_eq!(facts.key_value["pyforge.source_format"], "access");
    let batch = read_all(&path);
    assert_eq!(batch.num_rows(), 5);

    let id = column(&batch, "id");
    assert_eq!(id.data_type(), &DataType::Int32);
    let id = id.as_primitive::<Int32Type>();
    assert_eq!(
        nullable(id, |i| id.value(i)),
        [Some(1), Some(2), Some(3), Some(4), Some(5)]
    );

    let text = column(&batch, "text_col").as_string::<i32>();
    assert_eq!(
        nullable(text, |i| text.value(i)),
        [
            Some("hello"),
            Some(""),
            Some("pre-1900"),
            Some("time only"),
            None
        ]
    );
    let memo = column(&batch, "memo_col").as_string::<i32>();
    assert_eq!(memo.value(0), "first line\nsecond line, café");
    assert_eq!(
        memo.value(1),
        "quote \" backslash \\ tab \t ctrl \u{1} emoji \u{1F600} end"
    );

    let byte = column(&batch, "byte_col").as_primitive::<UInt8Type>();
    assert_eq!(
        nullable(byte, |i| byte.value(i)),
        [Some(200), Some(255), Some(0), Some(1), None]
    );
    let int = column(&batch, "int_col").as_primitive::<Int16Type>();
    assert_eq!(
        nullable(int, |i| int.value(i)),
        [Some(-32768), Some(32767), Some(0), Some(1), None]
    );
    let long = column(&batch, "long_col").as_primitive::<Int32Type>();
    assert_eq!(
        nullable(long, |i| long.value(i)),
        [Some(i32::MIN), Some(i32::MAX), Some(0), Some(1), None]
    );
    let big = column(&batch, "bigint_col").as_primitive::<Int64Type>();
    assert_eq!(
        nullable(big, |i| big.value(i)),
        [
            Some(-9007199254740993),
            Some(i64::MAX),
            Some(i64::MIN),
            Some(1),
            None
        ]
    );
    let single = column(&batch, "single_col").as_primitive::<Float32Type>();
    assert_eq!(
        nullable(single, |i| single.value(i).to_bits()),
        [1.5f32, -0.25, 1.0e30, f32::from_bits(1)]
            .map(|v| Some(v.to_bits()))
            .into_iter()
            .chain([None])
            .collect::<Vec<_>>()
    );
    let double = column(&batch, "double_col").as_primitive::<Float64Type>();
    assert_eq!(
        nullable(double, |i| double.value(i).to_bits()),
        [
            std::f64::consts::PI,
            -1.0e-300,
            f64::MAX,
            -f64::from_bits(1)
        ]
        .map(|v| Some(v.to_bits()))
        .into_iter()
        .chain([None])
        .collect::<Vec<_>>()
    );

    let currency = column(&batch, "currency_col");
    assert_eq!(currency.data_type(), &DataType::Decimal128(19, 4));
    let currency = currency.as_primitive::<Decimal128Type>();
    assert_eq!(
        (0..5)
            .map(|i| (!currency.is_null(i)).then(|| currency.value_as_string(i)))
            .collect::<Vec<_>>(),
        [
            Some("1234.5678".to_string()),
            Some("-922337203685477.5808".into()),
            Some("922337203685477.5807".into()),
            Some("0.0001".into()),
            None
        ]
    );
    let decimal = column(&batch, "decimal_col");
    assert!(
        matches!(decimal.data_type(), DataType::Decimal128(_, 4)),
        "{:?}",
        decimal.data_type()
    );
    let decimal = decimal.as_primitive::<Decimal128Type>();
    assert_eq!(
        (0..5)
            .map(|i| (!decimal.is_null(i)).then(|| decimal.value_as_string(i)))
            .collect::<Vec<_>>(),
        [
            Some("12345678901234.5678".to_string()),
            Some("-0.0001".into()),
            Some("0.0000".into()),
            Some("99999999999999.9999".into()),
            None
        ]
    );

    let date = column(&batch, "date_col");
    assert_eq!(
        date.data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    let date = date.as_primitive::<TimestampMicrosecondType>();
    assert_eq!(
        nullable(date, |i| date.value(i)),
        [
            Some(micros("2024-01-31T10:00:00")),
            Some(micros("1899-12-30T00:00:00")),
            Some(micros("1800-01-01T06:30:15")),
            Some(micros("1899-12-30T13:45:30.123")),
            None
        ]
    );

    let boolean = column(&batch, "bool_col").as_boolean();
    assert_eq!(
        nullable(boolean, |i| boolean.value(i)),
        [
            Some(true),
            Some(false),
            Some(true),
            Some(false),
            Some(false)
        ]
    );
    let guid = column(&batch, "guid_col").as_string::<i32>();
    assert_eq!(guid.value(0), "{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}");
    assert!(guid.is_null(4));

    let ole = column(&batch, "ole_col").as_binary::<i32>();
    assert_eq!(
        nullable(ole, |i| ole.value(i)),
        [
            Some(&[0u8, 1, 2, 255][..]),
            Some(&[][..]),
            Some(&[1][..]),
            Some(&[2][..]),
            None
        ]
    );
    let binary = column(&batch, "binary_col").as_binary::<i32>();
    assert_eq!(
        nullable(binary, |i| binary.value(i)),
        [
            Some(&[0xde, 0xad, 0xbe, 0xef][..]),
            Some(&[0][..]),
            Some(&[1, 2, 3][..]),
            Some(&[4][..]),
            None
        ]
    );
}

#[test]
fn all_strings_writes_every_column_as_text() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.mdb"));
    convert(&dir, &["types.mdb", "--all-strings"]).assert_code(EXIT_OK);
    let batch = read_all(&dir.join("types_parquet/AllTypes.parquet"));
    for field in batch.schema().fields() {
        assert_eq!(field.data_type(), &DataType::Utf8, "{}", field.name());
    }
    let currency = column(&batch, "currency_col").as_string::<i32>();
    assert_eq!(currency.value(0), "1234.5678");
    let date = column(&batch, "date_col").as_string::<i32>();
    assert_eq!(date.value(2), "1800-01-01T06:30:15");
}

#[test]
fn shared_fixture_tables_and_row_counts_match_the_reference() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    for file in ["mdbtestdata__nwind.mdb", "jackcess__testV2010.accdb"] {
        let dir = TestDir::new();
        copy_in(&dir, &corpus.join(file));
        convert(&dir, &[file]).assert_code(EXIT_OK);
        let stem = file.rsplit_once('.').unwrap().0;
        let out = dir.join(format!("{stem}_parquet"));
        let mut got = std::collections::BTreeMap::new();
        for name in listing(&out) {
            assert!(name.ends_with(".parquet"), "{name} in {}", out.display());
            let facts = parquet_facts(&out.join(&name));
            got.insert(
                facts.key_value["pyforge.source_table"].clone(),
                facts.num_rows as u64,
            );
        }
        assert_eq!(got, reference_counts(&corpus, file), "{file}");
    }
}

/// An encoded file without the add-on: one line saying what it is and the
/// install command, nothing written. With the add-on it converts; an
/// encrypted .accdb then needs its password.
#[test]
fn encrypted_databases_need_the_add_on_and_their_password() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    let dir = TestDir::new();
    copy_in(&dir, &corpus.join("jackcessencrypt__db-enc.mdb"));
    copy_in(&dir, &corpus.join("mdbreader__V2010_with-password.accdb"));
    let out = convert(&dir, &["jackcessencrypt__db-enc.mdb"]).assert_code(EXIT_FAILED);
    out.stderr_has("jackcessencrypt__db-enc.mdb")
        .stderr_has("the database is encoded or encrypted")
        .stderr_has("pyforge jars install --with encrypt");
    assert_no_output_left(dir.path());

    let with_add_on = |args: &[&str]| {
        dir.cmd()
            .env("PYFORGE_JARS_DIR", jars_dir_with_encrypt())
            .arg("convert")
            .args(args)
    };
    with_add_on(&["jackcessencrypt__db-enc.mdb"]).assert_code(EXIT_OK);
    let table = dir.join("jackcessencrypt__db-enc_parquet/Table1.parquet");
    assert_eq!(parquet_facts(&table).num_rows, 2);

    let file = "mdbreader__V2010_with-password.accdb";
    with_add_on(&[file])
        .assert_code(EXIT_FAILED)
        .stderr_has("password required or wrong")
        .stderr_has("--password");
    with_add_on(&[file])
        .env("PYFORGE_ACCESS_PASSWORD", "password")
        .assert_code(EXIT_OK);
    let table = dir.join("mdbreader__V2010_with-password_parquet/Table1.parquet");
    assert_eq!(parquet_facts(&table).num_rows, 3);
}

#[test]
fn a_password_protected_database_fails_clearly_and_leaves_nothing() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    let dir = TestDir::new();
    copy_in(&dir, &corpus.join("ucanaccess__password.mdb"));
    let out: RunOutput = convert(&dir, &["ucanaccess__password.mdb"]).assert_code(EXIT_FAILED);
    out.stderr_has("password");
    assert_no_output_left(dir.path());
    assert_eq!(listing(dir.path()), ["ucanaccess__password.mdb"]);
}

#[test]
fn a_file_that_is_not_an_access_database_fails_and_leaves_nothing() {
    for (name, bytes) in [
        ("db.mdb", &b"\x00\x01\x00\x00Standard Jet DB"[..]),
        ("db.accdb", b"not an Access database at all"),
    ] {
        let dir = TestDir::new();
        dir.write(name, bytes);
        let run = convert(&dir, &[name]).assert_code(EXIT_FAILED);
        run.error_names(name).stdout_empty();
        let said = run.stderr.to_lowercase();
        run.check(
            said.matches("not an access database").count() <= 1,
            "the cause is said once, not `not an Access database: not an Access database`",
        );
        assert_eq!(
            listing(dir.path()),
            [name],
            "{name}: nothing may be written"
        );
    }
}

#[test]
fn force_replaces_the_output_directory_whole() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.mdb"));
    convert(&dir, &["types.mdb", "--tables", "Empty"]).assert_code(EXIT_OK);
    let out = dir.join("types_parquet");
    convert(&dir, &["types.mdb"])
        .assert_code(EXIT_FAILED)
        .stderr_has("--force");
    assert_eq!(listing(&out), ["Empty.parquet"]);
    convert(&dir, &["types.mdb", "--tables", "AllTypes", "--force"]).assert_code(EXIT_OK);
    // Replaced whole, never merged: the table left out is gone.
    assert_eq!(listing(&out), ["AllTypes.parquet"]);
    assert_eq!(listing(dir.path()), ["types.mdb", "types_parquet"]);
    // A file pyforge did not write makes the folder someone else's.
    std::fs::write(out.join("stale.parquet"), b"old").unwrap();
    convert(&dir, &["types.mdb", "--force"])
        .assert_code(EXIT_FAILED)
        .stderr_has("stale.parquet");
    assert!(out.join("stale.parquet").exists());
}

#[test]
fn tables_selects_and_an_unknown_table_is_an_error() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    let dir = TestDir::new();
    copy_in(&dir, &corpus.join("mdbtestdata__nwind.mdb"));
    convert(
        &dir,
        &["mdbtestdata__nwind.mdb", "--tables", "shippers,Orders"],
    )
    .assert_code(EXIT_OK);
    assert_eq!(
        listing(&dir.join("mdbtestdata__nwind_parquet")),
        ["Orders.parquet", "Shippers.parquet"]
    );

    let out = convert(
        &dir,
        &[
            "mdbtestdata__nwind.mdb",
            "--force",
            "-t",
            "Orders",
            "-t",
            "Nope",
        ],
    )
    .assert_code(EXIT_FAILED);
    out.error_names("mdbtestdata__nwind.mdb")
        .stderr_has("no table named `Nope`")
        .stderr_has("`Customers`");
    // The earlier output is untouched: a failed run replaces nothing.
    assert_eq!(
        listing(&dir.join("mdbtestdata__nwind_parquet")),
        ["Orders.parquet", "Shippers.parquet"]
    );
}

#[test]
fn the_right_password_opens_a_protected_database() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    let dir = TestDir::new();
    let file = "mdbreader__V2003_with-password.mdb";
    copy_in(&dir, &corpus.join(file));
    convert(&dir, &[file, "--password", "wrong"])
        .assert_code(EXIT_FAILED)
        .stderr_has("password");
    assert!(!dir.join("mdbreader__V2003_with-password_parquet").exists());
    convert(&dir, &[file])
        .env("PYFORGE_ACCESS_PASSWORD", "password")
        .assert_code(EXIT_OK);
    let table = dir.join("mdbreader__V2003_with-password_parquet/Table1.parquet");
    assert_eq!(parquet_facts(&table).num_rows, 3);
}

#[test]
fn both_engines_write_the_same_tables_and_rows() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.accdb"));
    let mut results = Vec::new();
    for engine in ["jackcess", "ucanaccess"] {
        let out = format!("out-{engine}");
        convert(
            &dir,
            &["types.accdb", "--engine", engine, "--output-dir", &out],
        )
        .assert_code(EXIT_OK);
        let folder = dir.join(&out).join("types_parquet");
        let tables: Vec<(String, i64)> = listing(&folder)
            .into_iter()
            .map(|name| {
                let rows = parquet_facts(&folder.join(&name)).num_rows;
                (name, rows)
            })
            .collect();
        results.push(tables);
    }
    assert!(!results[0].is_empty());
    assert_eq!(results[0], results[1]);
}

#[test]
fn info_lists_tables_row_counts_and_both_types() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.accdb"));
    let doc = dir
        .cmd()
        .env("PYFORGE_JARS_DIR", jars_dir())
        .args(["info", "--json", "types.accdb"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["format"], "access");
    let tables = doc["tables"].as_array().unwrap();
    assert!(!tables.is_empty(), "{doc:#}");
    // The row counts are the ones convert writes.
    convert(&dir, &["types.accdb"]).assert_code(EXIT_OK);
    for table in tables {
        let name = table["name"].as_str().unwrap();
        let file = dir.join("types_parquet").join(format!("{name}.parquet"));
        if file.exists() {
            assert_eq!(
                table["rows"].as_i64().unwrap(),
                parquet_facts(&file).num_rows,
                "{name}"
            );
        }
        for column in table["columns"].as_array().unwrap() {
            assert!(column["access_type"].is_string() && column["parquet_type"].is_string());
        }
    }
    let text = dir
        .cmd()
        .env("PYFORGE_JARS_DIR", jars_dir())
        .args(["info", "types.accdb", "--tables", "nope"])
        .assert_code(EXIT_FAILED);
    text.error_names("types.accdb")
        .stderr_has("no table named `nope`");
}

#[test]
fn info_of_a_shared_fixture_matches_the_reference() {
    let Some(corpus) = fixtures_dir("access") else {
        return;
    };
    let file = "mdbtestdata__nwind.mdb";
    let dir = TestDir::new();
    copy_in(&dir, &corpus.join(file));
    let doc = dir
        .cmd()
        .env("PYFORGE_JARS_DIR", jars_dir())
        .args(["info", "--json", file])
        .assert_code(EXIT_OK)
        .json();
    let got: std::collections::BTreeMap<String, u64> = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, reference_counts(&corpus, file));
    let orders = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Orders")
        .unwrap();
    let freight = orders["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Freight")
        .unwrap();
    assert_eq!(freight["access_type"], "MONEY");
    assert_eq!(freight["parquet_type"], "Decimal128(19, 4)");
}

#[test]
fn nan_infinities_and_negative_zero_reach_parquet_bit_for_bit() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("floats.accdb"));
    convert(&dir, &["floats.accdb"]).assert_code(EXIT_OK);
    let batch = read_all(&dir.join("floats_parquet/Floats.parquet"));
    let single = column(&batch, "single_col").as_primitive::<Float32Type>();
    let double = column(&batch, "double_col").as_primitive::<Float64Type>();
    let singles: Vec<u32> = (0..4).map(|i| single.value(i).to_bits()).collect();
    let doubles: Vec<u64> = (0..4).map(|i| double.value(i).to_bits()).collect();
    assert!(f32::from_bits(singles[0]).is_nan() && f64::from_bits(doubles[0]).is_nan());
    assert_eq!(
        singles[1..],
        [f32::INFINITY, f32::NEG_INFINITY, -0.0f32].map(f32::to_bits)
    );
    assert_eq!(
        doubles[1..],
        [f64::INFINITY, f64::NEG_INFINITY, -0.0f64].map(f64::to_bits)
    );
}
