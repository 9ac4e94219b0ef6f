//! What the Parquet file looks like to other readers: physical and logical
//! types, footer metadata, codecs.

use parquet::basic::{
    IntType, LogicalType, TimeUnit as ParquetTimeUnit, TimestampType, Type as PhysicalType,
};

use crate::util::*;

const TYPED: &str = "id,price,flag,day,at,zoned,name\n\
    1,1.5,true,2024-01-31,2024-01-31 10:00:00.5,2024-01-31T10:00:00Z,alpha\n\
    2,,false,1800-01-01,1899-12-30 23:59:59,2024-01-31T10:00:00+01:00,\n";

fn timestamp_micros(adjusted_to_utc: bool) -> Option<LogicalType> {
    Some(LogicalType::timestamp(
        adjusted_to_utc,
        ParquetTimeUnit::MICROS,
    ))
}

#[test]
fn physical_and_logical_types_are_what_spark_reads() {
    let dir = TestDir::new();
    dir.write("t.csv", TYPED);
    dir.convert_ok(["t.csv"]);
    let facts = parquet_facts(&dir.join("t.parquet"));
    let id = facts.column("id");
    assert_eq!(id.physical, PhysicalType::INT64);
    assert!(
        matches!(
            id.logical,
            None | Some(LogicalType::Integer(IntType {
                bit_width: 64,
                is_signed: true
            }))
        ),
        "{id:?}"
    );
    assert_eq!(facts.column("price").physical, PhysicalType::DOUBLE);
    assert_eq!(facts.column("flag").physical, PhysicalType::BOOLEAN);
    let day = facts.column("day");
    assert_eq!(
        (day.physical, day.logical.clone()),
        (PhysicalType::INT32, Some(LogicalType::Date))
    );
    let at = facts.column("at");
    assert_eq!(
        (at.physical, at.logical.clone()),
        (PhysicalType::INT64, timestamp_micros(false))
    );
    let zoned = facts.column("zoned");
    assert_eq!(
        (zoned.physical, zoned.logical.clone()),
        (PhysicalType::INT64, timestamp_micros(true))
    );
    let name = facts.column("name");
    assert_eq!(
        (name.physical, name.logical.clone()),
        (PhysicalType::BYTE_ARRAY, Some(LogicalType::String))
    );
    // Never nanoseconds anywhere.
    for column in &facts.columns {
        if let Some(LogicalType::Timestamp(TimestampType { unit, .. })) = &column.logical {
            assert_eq!(*unit, ParquetTimeUnit::MICROS, "{column:?}");
        }
    }
    // And the values agree (the pre-1900 ones exactly).
    let table = read_parquet(&dir.join("t.parquet"));
    assert_eq!(table.column("day")[1], date(1800, 1, 1));
    assert_eq!(table.column("at")[1], ts(1899, 12, 30, 23, 59, 59, 0));
    assert_eq!(table.column("at")[0], ts(2024, 1, 31, 10, 0, 0, 500_000));
    assert_eq!(table.column("zoned")[1], ts(2024, 1, 31, 9, 0, 0, 0));
}

#[test]
fn footer_carries_pyforge_and_spark_keys() {
    let dir = TestDir::new();
    dir.write("sales data.csv", "Id,ID,,name\n1,2,3,x\n");
    dir.convert_ok(["sales data.csv"]);
    let path = dir.join("sales data.parquet");
    let facts = parquet_facts(&path);
    let kv = &facts.key_value;
    assert_eq!(
        kv.get("pyforge.version").map(String::as_str),
        Some(env!("CARGO_PKG_VERSION")),
        "{kv:?}"
    );
    assert_eq!(
        kv.get("pyforge.source").map(String::as_str),
        Some("sales data.csv")
    );
    let spark = kv
        .get("org.apache.spark.version")
        .expect("spark version key");
    assert!(
        spark.starts_with("3."),
        "org.apache.spark.version = {spark}"
    );
    assert_eq!(original_names(&path), ["Id", "ID", "", "name"]);
    let created_by = facts.created_by.clone().unwrap_or_default();
    assert!(
        created_by.starts_with("pyforge"),
        "created_by = {created_by:?}"
    );
    let written: Vec<&str> = facts.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(written, ["Id", "ID_2", "column_3", "name"]);
    assert_eq!(facts.num_rows, 1);
}

#[test]
fn compression_codec_is_the_one_asked_for() {
    let dir = TestDir::new();
    dir.write("c.csv", TYPED);
    for (flag, codec) in [
        ("snappy", "SNAPPY"),
        ("gzip", "GZIP"),
        ("zstd", "ZSTD"),
        ("none", "UNCOMPRESSED"),
    ] {
        dir.convert_ok(["c.csv", "--force", "-c", flag]);
        let facts = parquet_facts(&dir.join("c.parquet"));
        assert!(!facts.codecs.is_empty());
        assert!(
            facts.codecs.iter().all(|c| c == codec),
            "-c {flag}: codecs {:?}",
            facts.codecs
        );
        assert_eq!(read_parquet(&dir.join("c.parquet")).num_rows(), 2);
    }
    // Snappy is the default.
    dir.convert_ok(["c.csv", "--force"]);
    let facts = parquet_facts(&dir.join("c.parquet"));
    assert!(
        facts.codecs.iter().all(|c| c == "SNAPPY"),
        "{:?}",
        facts.codecs
    );
}

#[test]
fn compression_can_come_from_the_environment_and_the_flag_wins() {
    let dir = TestDir::new();
    dir.write("c.csv", TYPED);
    dir.cmd()
        .args(["convert", "c.csv"])
        .env("PYFORGE_COMPRESSION", "zstd")
        .assert_code(EXIT_OK);
    let facts = parquet_facts(&dir.join("c.parquet"));
    assert!(
        facts.codecs.iter().all(|c| c == "ZSTD"),
        "{:?}",
        facts.codecs
    );
    dir.cmd()
        .args(["convert", "c.csv", "--force", "-c", "gzip"])
        .env("PYFORGE_COMPRESSION", "zstd")
        .assert_code(EXIT_OK);
    let facts = parquet_facts(&dir.join("c.parquet"));
    assert!(
        facts.codecs.iter().all(|c| c == "GZIP"),
        "{:?}",
        facts.codecs
    );
}

#[test]
fn a_header_only_file_gives_an_empty_table_with_its_columns() {
    let dir = TestDir::new();
    dir.write("h.csv", "a,b,c\n");
    let run = dir.convert_ok(["h.csv", "--json"]);
    assert_eq!(run.json()["inputs"][0]["rows"], 0);
    let table = read_parquet(&dir.join("h.parquet"));
    assert_eq!(table.names, ["a", "b", "c"]);
    assert_eq!(table.num_rows(), 0);
}

#[test]
fn a_successful_run_leaves_only_the_output() {
    let dir = TestDir::new();
    dir.write("a.csv", TYPED);
    dir.convert_ok(["a.csv"]);
    assert_eq!(dir.listing(), ["a.csv", "a.parquet"]);
}
