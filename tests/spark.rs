//! The Parquet pyforge writes, read back by Spark itself: PySpark in local
//! mode (installed by scripts/install-test-tools.sh into .peers/pyspark)
//! reads a converted CSV, Access database, Excel workbook, dBase table and
//! XML document (its list columns as arrays), and the Spark types and values
//! must be the expected ones, timestamps before 1900, dates before the
//! Gregorian switch, unsigned bytes and decimals included.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use rust_xlsxwriter::{ExcelDateTime, Format};

use crate::access::{convert, copy_in};
use crate::excel_generated::{sheet, workbook};
use crate::java_helper::generated;
use crate::util::{needed, TestDir, EXIT_OK};

/// The PySpark venv's python, or `None` with a note (CI must have it).
fn pyspark_python() -> Option<PathBuf> {
    let python = std::env::var_os("PYFORGE_TEST_PYSPARK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".peers/pyspark/bin/python"));
    let what = format!("PySpark ({})", python.display());
    needed(
        python.is_file().then_some(python),
        &what,
        "scripts/install-test-tools.sh installs it",
    )
}

/// Every file read by Spark: path → {schema, rows}.
fn read_with_spark(python: &Path, dir: &Path, files: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spark/read_back.py");
    let out = Command::new(python)
        .arg(script)
        .args(files)
        .current_dir(dir)
        .env("PYSPARK_PYTHON", python)
        .output()
        .expect("running PySpark");
    assert!(
        out.status.success(),
        "PySpark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn schema(doc: &Value, file: &str) -> Vec<(String, String)> {
    doc[file]["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f[0].as_str().unwrap().to_string(),
                f[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn spark_reads_every_type_pyforge_writes() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let dir = TestDir::new();
    dir.write(
        "mixed.csv",
        "id,amount,flag,day,at,old_at,name\n\
         1,2.5,true,2024-01-31,2024-01-31 10:00:00,1850-06-01 12:00:00,ü\n\
         2,,false,1582-10-04,2024-02-29 23:59:59.123456,1899-12-30 13:45:30,\n",
    );
    copy_in(&dir, &generated().join("types.accdb"));
    workbook(&dir, "book.xlsx", |book| {
        let ws = sheet(
            book,
            "Sales",
            &[&["id", "amount", "ok", "day", "at", "note"]],
        );
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        ws.write_number(1, 0, 1.0).unwrap();
        ws.write_number(1, 1, 2.5).unwrap();
        ws.write_boolean(1, 2, true).unwrap();
        let day = ExcelDateTime::from_ymd(2024, 1, 31).unwrap();
        ws.write_datetime_with_format(1, 3, day, &date).unwrap();
        let old = ExcelDateTime::from_ymd(1900, 1, 2)
            .unwrap()
            .and_hms(13, 45, 30)
            .unwrap();
        ws.write_datetime_with_format(1, 4, old, &datetime).unwrap();
        ws.write_string(1, 5, "ü").unwrap();
        ws.write_number(2, 0, 2.0).unwrap();
    });
    convert(&dir, &["mixed.csv", "types.accdb", "book.xlsx"]).assert_code(EXIT_OK);
    let excel = "book_parquet/book_Sales.parquet";
    let doc = read_with_spark(
        &python,
        dir.path(),
        &["mixed.parquet", "types_parquet/AllTypes.parquet", excel],
    );
    assert_eq!(
        schema(&doc, excel),
        pairs(&[
            ("id", "bigint"),
            ("amount", "double"),
            ("ok", "boolean"),
            ("day", "date"),
            ("at", "timestamp_ntz"),
            ("note", "string"),
        ])
    );
    assert_eq!(
        doc[excel]["rows"],
        json!([
            ["1", "2.5", "True", "2024-01-31", "1900-01-02 13:45:30", "ü"],
            ["2", null, null, null, null, null]
        ])
    );

    assert_eq!(
        schema(&doc, "mixed.parquet"),
        pairs(&[
            ("id", "bigint"),
            ("amount", "double"),
            ("flag", "boolean"),
            ("day", "date"),
            ("at", "timestamp_ntz"),
            ("old_at", "timestamp_ntz"),
            ("name", "string"),
        ])
    );
    assert_eq!(
        doc["mixed.parquet"]["rows"],
        json!([
            [
                "1",
                "2.5",
                "True",
                "2024-01-31",
                "2024-01-31 10:00:00",
                "1850-06-01 12:00:00",
                "ü"
            ],
            [
                "2",
                null,
                "False",
                "1582-10-04",
                "2024-02-29 23:59:59.123456",
                "1899-12-30 13:45:30",
                null
            ]
        ])
    );

    let access = "types_parquet/AllTypes.parquet";
    assert_eq!(
        schema(&doc, access),
        pairs(&[
            ("id", "int"),
            ("text_col", "string"),
            ("memo_col", "string"),
            ("byte_col", "smallint"),
            ("int_col", "smallint"),
            ("long_col", "int"),
            ("bigint_col", "bigint"),
            ("single_col", "float"),
            ("double_col", "double"),
            ("currency_col", "decimal(19,4)"),
            ("decimal_col", "decimal(18,4)"),
            ("date_col", "timestamp_ntz"),
            ("bool_col", "boolean"),
            ("guid_col", "string"),
            ("ole_col", "binary"),
            ("binary_col", "binary"),
        ])
    );
    let rows = doc[access]["rows"].as_array().unwrap();
    let column = |name: &str| -> Value {
        let index = schema(&doc, access)
            .iter()
            .position(|(n, _)| n == name)
            .unwrap();
        Value::Array(rows.iter().map(|r| r[index].clone()).collect())
    };
    assert_eq!(column("byte_col"), json!(["200", "255", "0", "1", null]));
    assert_eq!(
        column("bigint_col"),
        json!([
            "-9007199254740993",
            "9223372036854775807",
            "-9223372036854775808",
            "1",
            null
        ])
    );
    assert_eq!(
        column("currency_col"),
        json!([
            "1234.5678",
            "-922337203685477.5808",
            "922337203685477.5807",
            "0.0001",
            null
        ])
    );
    assert_eq!(
        column("decimal_col"),
        json!([
            "12345678901234.5678",
            "-0.0001",
            "0.0000",
            "99999999999999.9999",
            null
        ])
    );
    assert_eq!(
        column("date_col"),
        json!([
            "2024-01-31 10:00:00",
            "1899-12-30 00:00:00",
            "1800-01-01 06:30:15",
            "1899-12-30 13:45:30.123000",
            null
        ])
    );
    assert_eq!(
        column("double_col"),
        json!([
            "3.141592653589793",
            "-1e-300",
            "1.7976931348623157e+308",
            "-5e-324",
            null
        ])
    );
    assert_eq!(
        column("binary_col"),
        json!(["deadbeef", "00", "010203", "04", null])
    );
}

#[test]
fn spark_reads_a_converted_dbase_table() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let dir = TestDir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for name in ["sample_customers.dbf", "sample_customers.fpt"] {
        std::fs::copy(data.join(name), dir.join(name)).unwrap();
    }
    convert(&dir, &["sample_customers.dbf"]).assert_code(EXIT_OK);
    let file = "sample_customers_parquet/sample_customers.parquet";
    let doc = read_with_spark(&python, dir.path(), &[file]);
    assert_eq!(
        schema(&doc, file),
        pairs(&[
            ("CUSTID", "bigint"),
            ("NAME", "string"),
            ("CITY", "string"),
            ("BALANCE", "decimal(10,2)"),
            ("JOINED", "date"),
            ("ACTIVE", "boolean"),
            ("NOTES", "string"),
        ])
    );
    assert_eq!(
        doc[file]["rows"][0],
        json!([
            "1001",
            "Müller GmbH",
            "Köln",
            "1520.75",
            "1994-03-14",
            "True",
            "Pays on time.\r\nPrefers invoices by post."
        ])
    );
    assert_eq!(
        doc[file]["rows"].as_array().unwrap().len(),
        4,
        "the deleted record is left out"
    );
}

#[test]
fn spark_reads_xml_list_columns_as_arrays() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let dir = TestDir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    std::fs::copy(
        data.join("sample_shipments.xml"),
        dir.join("sample_shipments.xml"),
    )
    .unwrap();
    convert(&dir, &["sample_shipments.xml"]).assert_code(EXIT_OK);
    let file = "sample_shipments.parquet";
    let doc = read_with_spark(&python, dir.path(), &[file]);
    let fields = schema(&doc, file);
    let type_of = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no column {name} in {fields:?}"))
            .to_string()
    };
    assert_eq!(type_of("parcels_parcel_weight"), "array<double>");
    assert_eq!(type_of("parcels_parcel_fragile"), "array<boolean>");
    assert_eq!(type_of("parcels_parcel@barcode"), "array<string>");
    assert_eq!(type_of("booked"), "date");
    assert_eq!(type_of("delivered"), "timestamp");
    let index = fields
        .iter()
        .position(|(n, _)| n == "parcels_parcel_weight")
        .unwrap();
    let weights: Vec<&str> = doc[file]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[index].as_str().unwrap())
        .collect();
    assert_eq!(
        weights,
        vec!["[2.5, 11.0]", "[0.8]", "[120.0, 95.5, 40.25]"]
    );
    let fragile = fields
        .iter()
        .position(|(n, _)| n == "parcels_parcel_fragile")
        .unwrap();
    assert_eq!(
        doc[file]["rows"][2][fragile],
        json!("[False, True, None]"),
        "the third parcel has no <fragile>: a null entry"
    );
}
