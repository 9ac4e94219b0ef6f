//! dBase tables written for the tests and read back value by value: by the
//! `dbf` package (PyPI) for dBase III, Clipper, FoxPro 2 and Visual FoxPro
//! (memos, nulls, code pages, a deleted record), and byte by byte from the
//! format's documentation for what no writer at hand makes: dBase 7 (48-byte
//! fields; big-endian `I`, `+`, `O`, `@`), dBase IV's 0x8E and its memo
//! blocks, Visual FoxPro's varchar and varbinary.

use std::path::{Path, PathBuf};

use arrow_schema::{DataType, TimeUnit};

use crate::util::*;

/// The test tools' Python with the `dbf` package
/// (scripts/install-test-tools.sh).
fn dbf_python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".peers/pyspark/bin/python");
    let works = std::process::Command::new(&python)
        .args(["-c", "import dbf"])
        .output()
        .is_ok_and(|o| o.status.success());
    needed(
        works.then_some(python),
        "the dbf package in .peers/pyspark",
        "run scripts/install-test-tools.sh",
    )
}

fn convert(dir: &TestDir, file: &str, extra: &[&str]) -> (Table, RunOutput) {
    let run = dir
        .cmd()
        .arg("convert")
        .arg(file)
        .arg("--force")
        .args(extra)
        .assert_code(EXIT_OK);
    let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
    (
        read_parquet(&dir.join(format!("{stem}_parquet/{stem}.parquet"))),
        run,
    )
}

fn dec(unscaled: i128, scale: i8) -> Value {
    Value::Dec(unscaled, scale)
}

#[test]
fn tables_the_dbf_package_writes_read_back_value_by_value() {
    let Some(python) = dbf_python() else {
        return;
    };
    let dir = TestDir::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dbase/write_tables.py");
    let status = std::process::Command::new(python)
        .arg(script)
        .arg(dir.path())
        .status()
        .expect("python runs");
    assert!(status.success(), "write_tables.py failed");
    for (file, second_name) in [("db3.dbf", "Lodz"), ("clp.dbf", "Lodz"), ("fp.dbf", "Łódź")] {
        let (table, run) = convert(&dir, file, &[]);
        run.stderr_has("1 deleted record(s) skipped");
        // A blank character field is null, as an empty CSV cell is.
        assert_eq!(
            table.column("NAME"),
            [s("Zürich é"), s(second_name), Null],
            "{file}"
        );
        table.assert_column("QTY", &DataType::Int64, &[12.into(), (-3).into(), Null]);
        table.assert_column(
            "PRICE",
            &DataType::Decimal128(10, 2),
            &[dec(123_456, 2), dec(-50, 2), Null],
        );
        table.assert_column(
            "BORN",
            &DataType::Date32,
            &[date(2001, 2, 3), date(1999, 12, 31), Null],
        );
        table.assert_column("OK", &DataType::Boolean, &[true.into(), false.into(), Null]);
        assert_eq!(
            table.column("NOTES"),
            [s("first memo\r\nline two"), Null, Null],
            "{file}"
        );
        if file == "fp.dbf" {
            table.assert_column(
                "RATIO",
                &DataType::Decimal128(12, 4),
                &[dec(31_416, 4), dec(-25_000, 4), Null],
            );
        }
        let (with_deleted, _) = convert(&dir, file, &["--include-deleted"]);
        assert_eq!(
            with_deleted.column("_deleted"),
            [false.into(), false.into(), true.into(), false.into()]
        );
        assert_eq!(with_deleted.column("NOTES")[2], s("gone"));
    }

    let (vfp, _) = convert(&dir, "vfp.dbf", &[]);
    assert_eq!(
        vfp.column("NAME"),
        [s("Привет"), Null, s("x")],
        "nulls from _NullFlags"
    );
    assert_eq!(vfp.column("QTY"), [12.into(), Null, Null]);
    assert_eq!(vfp.column("NOTES"), [s("первый"), Null, s("m")]);
    assert_eq!(
        vfp.column("BORN"),
        [date(2001, 2, 3), Null, date(1999, 12, 31)]
    );
    vfp.assert_column(
        "CNT",
        &DataType::Int32,
        &[(-7).into(), 0.into(), 2_147_483_646.into()],
    );
    vfp.assert_column(
        "CASH",
        &DataType::Decimal128(19, 4),
        &[
            dec(123_456, 4),
            dec(0, 4),
            dec(-9_223_372_036_854_775_807, 4),
        ],
    );
    vfp.assert_column(
        "SEEN",
        &DataType::Timestamp(TimeUnit::Microsecond, None),
        &[
            ts(2020, 1, 1, 12, 30, 15, 0),
            Null,
            ts(1900, 1, 1, 0, 0, 1, 0),
        ],
    );
    vfp.assert_column(
        "DBL",
        &DataType::Float64,
        &[2.5.into(), 0.0.into(), (-1e300).into()],
    );
    // --all-strings: every value's text, nulls still null.
    let (text, _) = convert(&dir, "vfp.dbf", &["--all-strings"]);
    assert_eq!(text.column("CASH")[0], s("12.3456"));
    assert_eq!(text.column("SEEN")[0], s("2020-01-01 12:30:15.000"));
    assert_eq!(text.column("NAME")[1], Null);
}

/// A field of a hand-built table: name, type, length, decimals, flags.
type FieldSpec<'a> = (&'a str, u8, u8, u8, u8);

/// A dBase III-style table (32-byte fields): `version`, language driver
/// `ldid`, and records given as their field bytes (the flag byte first).
fn dbase_table(
    version: u8,
    ldid: u8,
    fields: &[FieldSpec],
    records: &[Vec<u8>],
    backlink: bool,
) -> Vec<u8> {
    let record_length: usize = 1 + fields.iter().map(|f| usize::from(f.2)).sum::<usize>();
    let header_length = 32 + 32 * fields.len() + 1 + if backlink { 263 } else { 0 };
    let mut out = vec![0u8; 32];
    out[0] = version;
    out[1..4].copy_from_slice(&[124, 12, 7]);
    out[4..8].copy_from_slice(&(records.len() as u32).to_le_bytes());
    out[8..10].copy_from_slice(&(header_length as u16).to_le_bytes());
    out[10..12].copy_from_slice(&(record_length as u16).to_le_bytes());
    out[29] = ldid;
    let mut offset = 1u32;
    for (name, kind, length, decimals, flags) in fields {
        let mut descriptor = [0u8; 32];
        descriptor[..name.len()].copy_from_slice(name.as_bytes());
        descriptor[11] = *kind;
        descriptor[12..16].copy_from_slice(&offset.to_le_bytes());
        descriptor[16] = *length;
        descriptor[17] = *decimals;
        descriptor[18] = *flags;
        out.extend_from_slice(&descriptor);
        offset += u32::from(*length);
    }
    out.push(0x0D);
    out.resize(header_length, 0);
    for record in records {
        assert_eq!(record.len(), record_length, "a record's length");
        out.extend_from_slice(record);
    }
    out.push(0x1A);
    out
}

/// A dBase 7 table: the 68-byte header (language driver name at 32) and
/// 48-byte fields.
fn dbase7_table(version: u8, fields: &[FieldSpec], records: &[Vec<u8>]) -> Vec<u8> {
    let record_length: usize = 1 + fields.iter().map(|f| usize::from(f.2)).sum::<usize>();
    let header_length = 68 + 48 * fields.len() + 1;
    let mut out = vec![0u8; 68];
    out[0] = version;
    out[1..4].copy_from_slice(&[120, 6, 1]);
    out[4..8].copy_from_slice(&(records.len() as u32).to_le_bytes());
    out[8..10].copy_from_slice(&(header_length as u16).to_le_bytes());
    out[10..12].copy_from_slice(&(record_length as u16).to_le_bytes());
    out[32..40].copy_from_slice(b"DB850DE0");
    for (name, kind, length, decimals, _) in fields {
        let mut descriptor = [0u8; 48];
        descriptor[..name.len()].copy_from_slice(name.as_bytes());
        descriptor[32] = *kind;
        descriptor[33] = *length;
        descriptor[34] = *decimals;
        out.extend_from_slice(&descriptor);
    }
    out.push(0x0D);
    for record in records {
        assert_eq!(record.len(), record_length);
        out.extend_from_slice(record);
    }
    out.push(0x1A);
    out
}

/// A record: the flag byte, then each field's bytes.
fn record(flag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![flag];
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// dBase 7's byte-sortable forms.
fn d7_int(v: i32) -> [u8; 4] {
    ((v as u32) ^ 0x8000_0000).to_be_bytes()
}

fn d7_double(v: f64) -> [u8; 8] {
    let bits = v.to_bits();
    (if v >= 0.0 { bits ^ (1 << 63) } else { !bits }).to_be_bytes()
}

/// dBase 7's `@`: milliseconds since 0001-01-01 (as day 1), a big-endian
/// double.
fn d7_timestamp(unix_micros: i64) -> [u8; 8] {
    let millis = unix_micros / 1000 + 62_135_683_200_000;
    (millis as f64).to_bits().to_be_bytes()
}

/// A dBase IV / 7 memo file: a 512-byte header block (block size at byte
/// 20), then each text in its block: `FF FF 08 00`, its length with those 8
/// bytes, the text.
fn dbase4_memo(texts: &[&str]) -> Vec<u8> {
    let mut out = vec![0u8; 512];
    out[20..22].copy_from_slice(&512u16.to_le_bytes());
    for text in texts {
        let mut block = vec![0xFF, 0xFF, 0x08, 0x00];
        block.extend_from_slice(&(text.len() as u32 + 8).to_le_bytes());
        block.extend_from_slice(text.as_bytes());
        block.resize(block.len().div_ceil(512) * 512, 0);
        out.extend_from_slice(&block);
    }
    out
}

#[test]
fn dbase7_tables_built_from_the_documentation() {
    let dir = TestDir::new();
    let fields: [FieldSpec; 7] = [
        ("NAME", b'C', 10, 0, 0),
        ("COUNT", b'I', 4, 0, 0),
        ("SERIAL", b'+', 4, 0, 0),
        ("RATIO", b'O', 8, 0, 0),
        ("STAMP", b'@', 8, 0, 0),
        ("DAY", b'D', 8, 0, 0),
        ("NOTE", b'M', 10, 0, 0),
    ];
    let stamp = micros(2020, 1, 1, 12, 0, 0, 0);
    let records = [
        record(
            b' ',
            &[
                b"K\x94ln      ",
                &d7_int(-5),
                &d7_int(1),
                &d7_double(-2.5),
                &d7_timestamp(stamp),
                b"20200101",
                b"         1",
            ],
        ),
        record(
            b' ',
            &[
                b"two       ",
                &d7_int(1000),
                &d7_int(2),
                &d7_double(0.125),
                &[0; 8],
                b"        ",
                b"          ",
            ],
        ),
    ];
    dir.write("level7.dbf", dbase7_table(0x8C, &fields, &records));
    dir.write("level7.dbt", dbase4_memo(&["a memo"]));
    let (table, _) = convert(&dir, "level7.dbf", &[]);
    // The driver name DB850DE0 says code page 850: 0x94 is ö.
    assert_eq!(table.column("NAME"), [s("Köln"), s("two")]);
    table.assert_column("COUNT", &DataType::Int32, &[(-5).into(), 1000.into()]);
    table.assert_column("SERIAL", &DataType::Int32, &[1.into(), 2.into()]);
    table.assert_column("RATIO", &DataType::Float64, &[(-2.5).into(), 0.125.into()]);
    table.assert_column(
        "STAMP",
        &DataType::Timestamp(TimeUnit::Microsecond, None),
        &[Value::Ts(stamp), Null],
    );
    assert_eq!(table.column("DAY"), [date(2020, 1, 1), Null]);
    assert_eq!(table.column("NOTE"), [s("a memo"), Null]);
    let described = dir
        .cmd()
        .args(["info", "--json", "level7.dbf"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(described["version"], "dBase 7 with memo (.dbt)");
    assert_eq!(described["code_page"], "IBM850");
    assert_eq!(described["language_driver_name"], "DB850DE0");
}

#[test]
fn a_dbase4_sql_table_with_memo_blocks() {
    let dir = TestDir::new();
    let fields: [FieldSpec; 3] = [
        ("ID", b'N', 6, 0, 0),
        ("AMOUNT", b'N', 9, 3, 0),
        ("TEXT", b'M', 10, 0, 0),
    ];
    let records = [
        record(b' ', &[b"     1", b"   -1.250", b"         1"]),
        record(b' ', &[b"     2", b"12345.678", b"         2"]),
        // More decimals than declared, and a memo block past the file's end.
        record(b' ', &[b"     3", b"  1.23456", b"        99"]),
    ];
    dir.write("sql.dbf", dbase_table(0x8E, 0x01, &fields, &records, false));
    dir.write(
        "SQL.DBT",
        dbase4_memo(&["first", "second, longer than one line\r\n"]),
    );
    let (table, run) = convert(&dir, "sql.dbf", &[]);
    table.assert_column("ID", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
    table.assert_column(
        "AMOUNT",
        &DataType::Decimal128(9, 3),
        &[dec(-1250, 3), dec(12_345_678, 3), Null],
    );
    assert_eq!(
        table.column("TEXT"),
        [s("first"), s("second, longer than one line\r\n"), Null]
    );
    run.stderr_has("column 'AMOUNT': 1 value(s) do not fit its declared type N(9,3)")
        .stderr_has("column 'TEXT': 1 value(s) do not fit");
}

#[test]
fn visual_foxpro_varchar_varbinary_and_null_flags() {
    let dir = TestDir::new();
    // V nullable: its length bit (0), then its null bit (1); Q: length bit
    // (2); C nullable: null bit (3).
    let fields: [FieldSpec; 4] = [
        ("V", b'V', 10, 0, 0x02),
        ("Q", b'Q', 6, 0, 0x04),
        ("C", b'C', 5, 0, 0x02),
        ("_NullFlags", b'0', 1, 0, 0x05),
    ];
    let records = [
        // "abc" shorter than the field (length in the last byte), 2 bytes of Q.
        record(
            b' ',
            &[
                b"abc      \x03",
                b"\x01\x02\0\0\0\x02",
                b"hi   ",
                &[0b0000_0101],
            ],
        ),
        // Full-length values (length bits clear); C null.
        record(
            b' ',
            &[
                b"abcdefghij",
                b"\x01\x02\x03\x04\x05\x06",
                b"     ",
                &[0b0000_1000],
            ],
        ),
        // V null.
        record(
            b' ',
            &[b"          ", b"\0\0\0\0\0\x00", b"yes  ", &[0b0000_0110]],
        ),
    ];
    dir.write("vary.dbf", dbase_table(0x32, 0x03, &fields, &records, true));
    let (table, _) = convert(&dir, "vary.dbf", &[]);
    assert_eq!(table.names, ["V", "Q", "C"], "_NullFlags is not a column");
    table.assert_column("V", &DataType::Utf8, &[s("abc"), s("abcdefghij"), Null]);
    table.assert_column(
        "Q",
        &DataType::Binary,
        &[
            Value::Bytes(vec![1, 2]),
            Value::Bytes(vec![1, 2, 3, 4, 5, 6]),
            Value::Bytes(vec![]),
        ],
    );
    assert_eq!(table.column("C"), [s("hi"), Null, s("yes")]);
    let (padded, _) = convert(&dir, "vary.dbf", &["--keep-padding"]);
    assert_eq!(padded.column("C"), [s("hi   "), Null, s("yes  ")]);
}

#[test]
fn a_table_that_is_not_dbase_is_one_clear_error() {
    let dir = TestDir::new();
    for (name, bytes, error) in [
        (
            "text.dbf",
            b"hello, this is not a table at all, just text".to_vec(),
            "no dBase version",
        ),
        ("short.dbf", vec![0x03, 1, 2], "shorter than a dBase header"),
        (
            "header.dbf",
            {
                let mut b = dbase_table(0x03, 0, &[("A", b'C', 4, 0, 0)], &[], false);
                b[8..10].copy_from_slice(&60_000u16.to_le_bytes());
                b
            },
            "the dBase header is damaged",
        ),
    ] {
        dir.write(name, bytes);
        let run = dir.cmd().args(["convert", name]).assert_code(EXIT_FAILED);
        run.error_names(name).stderr_has(error);
    }
    assert_eq!(
        dir.listing(),
        ["header.dbf", "short.dbf", "text.dbf"],
        "no output"
    );
}

#[test]
fn a_cpg_file_names_the_code_page_when_the_header_does_not() {
    let dir = TestDir::new();
    let fields: [FieldSpec; 1] = [("NAME", b'C', 6, 0, 0)];
    // "Привет" in Windows-1251, no language driver.
    let records = [record(b' ', &[b"\xcf\xf0\xe8\xe2\xe5\xf2"])];
    dir.write(
        "shape.dbf",
        dbase_table(0x03, 0x00, &fields, &records, false),
    );
    dir.write("SHAPE.CPG", "1251\n");
    let (table, _) = convert(&dir, "shape.dbf", &[]);
    assert_eq!(table.column("NAME"), [s("Привет")]);
    let described = dir
        .cmd()
        .args(["info", "--json", "shape.dbf"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(described["code_page_source"], "cpg_file");
}
