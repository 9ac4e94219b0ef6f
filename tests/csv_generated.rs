//! CSV files written by the tests, converted by the binary, and the Parquet
//! read back value by value: types, nulls, dialects, flags, whole-file inference.

use arrow_schema::{DataType, TimeUnit};

use crate::util::*;

const TS: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

fn ts_utc() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// Writes `name`, converts it with `extra` flags and reads `<stem>.parquet` back.
pub fn convert_table(dir: &TestDir, name: &str, contents: &[u8], extra: &[&str]) -> Table {
    let input = dir.write(name, contents);
    let output = input.with_extension("parquet");
    let _ = std::fs::remove_file(&output);
    let run = dir.cmd().arg("convert").arg(name).args(extra).run();
    run.check(
        run.code == Some(EXIT_OK),
        "expected the conversion to succeed",
    );
    run.check(
        output.is_file(),
        "expected the Parquet output beside the input",
    );
    read_parquet(&output)
}

/// `pyforge info --json` on a file already in `dir`.
pub fn info_json(dir: &TestDir, name: &str, extra: &[&str]) -> serde_json::Value {
    let run = dir
        .cmd()
        .args(["info", "--json", name])
        .args(extra)
        .assert_code(EXIT_OK);
    run.json()
}

fn strings(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| s(v)).collect()
}

#[test]
fn typed_columns_round_trip_value_by_value() {
    let dir = TestDir::new();
    let csv = "id,price,active,day,at,zoned,note,zip,score,label\n\
        1,1.5,true,2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00Z,\"hello, world\",08123,10,NA\n\
        2,-0.25,FALSE,1899-12-30,2024-02-29T23:59:59.123456,2024-01-31T12:00:00+02:00,\"she said \"\"hi\"\"\",00501,NA,x\n\
        3,1e3,yes,1800-01-01,1800-01-01 00:00:00,2024-06-30T23:30:00-01:30,\"two\nlines\",12345,,NULL\n\
        4,,no,,2000-01-01 00:00:00.5,,\"Ünïcödé 日本語 😀\",,-7,\n";
    let table = convert_table(&dir, "typed.csv", csv.as_bytes(), &[]);
    assert_eq!(table.num_rows(), 4);
    table.assert_column(
        "id",
        &DataType::Int64,
        &[1.into(), 2.into(), 3.into(), 4.into()],
    );
    table.assert_column(
        "price",
        &DataType::Float64,
        &[1.5.into(), (-0.25).into(), 1000.0.into(), Null],
    );
    table.assert_column(
        "active",
        &DataType::Boolean,
        &[true.into(), false.into(), true.into(), false.into()],
    );
    table.assert_column(
        "day",
        &DataType::Date32,
        &[
            date(2024, 1, 31),
            date(1899, 12, 30),
            date(1800, 1, 1),
            Null,
        ],
    );
    table.assert_column(
        "at",
        &TS,
        &[
            ts(2024, 1, 31, 10, 0, 0, 0),
            ts(2024, 2, 29, 23, 59, 59, 123_456),
            ts(1800, 1, 1, 0, 0, 0, 0),
            ts(2000, 1, 1, 0, 0, 0, 500_000),
        ],
    );
    table.assert_column(
        "zoned",
        &ts_utc(),
        &[
            ts(2024, 1, 31, 10, 0, 0, 0),
            ts(2024, 1, 31, 10, 0, 0, 0),
            ts(2024, 7, 1, 1, 0, 0, 0),
            Null,
        ],
    );
    table.assert_column(
        "note",
        &DataType::Utf8,
        &strings(&[
            "hello, world",
            "she said \"hi\"",
            "two\nlines",
            "Ünïcödé 日本語 😀",
        ]),
    );
    table.assert_column(
        "zip",
        &DataType::Utf8,
        &[s("08123"), s("00501"), s("12345"), Null],
    );
    table.assert_column(
        "score",
        &DataType::Int64,
        &[10.into(), Null, Null, (-7).into()],
    );
    // Null tokens stay verbatim in a text column; only empty cells are null.
    table.assert_column(
        "label",
        &DataType::Utf8,
        &[s("NA"), s("x"), s("NULL"), Null],
    );
}

#[test]
fn dates_before_1900_round_trip_exactly() {
    let dir = TestDir::new();
    let csv = "d,t\n1899-12-30,1899-12-30 00:00:00\n1800-01-01,1800-01-01 12:34:56.789\n0001-01-01,1582-10-04 23:59:59\n1970-01-01,1969-12-31 23:59:59.999999\n";
    let table = convert_table(&dir, "old.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "d",
        &DataType::Date32,
        &[
            Value::Date(-25569),
            date(1800, 1, 1),
            date(1, 1, 1),
            Value::Date(0),
        ],
    );
    table.assert_column(
        "t",
        &TS,
        &[
            ts(1899, 12, 30, 0, 0, 0, 0),
            Value::Ts(-5_364_662_400_000_000 + (12 * 3600 + 34 * 60 + 56) * 1_000_000 + 789_000),
            ts(1582, 10, 4, 23, 59, 59, 0),
            Value::Ts(-1),
        ],
    );
}

#[test]
fn integer_bounds_floats_and_identifiers() {
    let dir = TestDir::new();
    let csv = "big,f,ident,over,zero,comma\n\
        9223372036854775807,1,007,9223372036854775808,0,\"1,234\"\n\
        -9223372036854775808,2.5,0,1,0,5\n\
        0,-3e4,42,2,-0,6\n\
        1,.5,1,3,0,7\n\
        2,inf,2,4,0,8\n\
        3,-Infinity,3,5,0,9\n";
    let table = convert_table(&dir, "numbers.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "big",
        &DataType::Int64,
        &[
            i64::MAX.into(),
            i64::MIN.into(),
            0.into(),
            1.into(),
            2.into(),
            3.into(),
        ],
    );
    table.assert_column(
        "f",
        &DataType::Float64,
        &[
            1.0.into(),
            2.5.into(),
            (-30000.0).into(),
            0.5.into(),
            f64::INFINITY.into(),
            f64::NEG_INFINITY.into(),
        ],
    );
    // 007 is an identifier: the whole column stays text, every cell as written.
    table.assert_column(
        "ident",
        &DataType::Utf8,
        &strings(&["007", "0", "42", "1", "2", "3"]),
    );
    // One value past i64::MAX: text, not a lossy float.
    table.assert_column(
        "over",
        &DataType::Utf8,
        &strings(&["9223372036854775808", "1", "2", "3", "4", "5"]),
    );
    table.assert_column(
        "zero",
        &DataType::Int64,
        &[0.into(), 0.into(), 0.into(), 0.into(), 0.into(), 0.into()],
    );
    table.assert_column(
        "comma",
        &DataType::Utf8,
        &strings(&["1,234", "5", "6", "7", "8", "9"]),
    );
}

#[test]
fn null_tokens_are_null_in_typed_columns_and_verbatim_in_text_columns() {
    let tokens = [
        "NA", "N/A", "n/a", "na", "NULL", "null", "Null", "None", "none", "NaN", "nan", "NAN",
        "#N/A", "-", "nil",
    ];
    let mut csv = String::from("n,t,d,b\n1,word,2024-01-01,true\n");
    for token in tokens {
        csv.push_str(&format!("{token},{token},{token},{token}\n"));
    }
    csv.push_str(" ,  ,,\n");
    let dir = TestDir::new();
    let table = convert_table(&dir, "nulls.csv", csv.as_bytes(), &[]);
    let mut typed_nulls = vec![Null; tokens.len() + 1];
    let mut expected = vec![Value::from(1)];
    expected.append(&mut typed_nulls.clone());
    table.assert_column("n", &DataType::Int64, &expected);
    let mut expected = vec![date(2024, 1, 1)];
    expected.append(&mut typed_nulls.clone());
    table.assert_column("d", &DataType::Date32, &expected);
    let mut expected = vec![Value::from(true)];
    expected.append(&mut typed_nulls);
    table.assert_column("b", &DataType::Boolean, &expected);
    let mut expected = vec![s("word")];
    expected.extend(tokens.iter().map(|t| s(t)));
    expected.push(s("  "));
    table.assert_column("t", &DataType::Utf8, &expected);

    // A column of nothing but null tokens has no type to give: text, verbatim.
    let table = convert_table(&dir, "only_tokens.csv", b"a,b\nNA,1\nNULL,2\n", &[]);
    table.assert_column("a", &DataType::Utf8, &strings(&["NA", "NULL"]));
}

#[test]
fn a_late_value_that_does_not_fit_widens_the_column_without_losing_anything() {
    // More rows than one Arrow batch (65,536), so the widening must hold across batches.
    let rows = 70_000;
    let mut csv = String::from("n,f,d,b,keep\n");
    for i in 0..rows {
        let last = i == rows - 1;
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            if last { "x".to_string() } else { i.to_string() },
            if last {
                "2.5".to_string()
            } else {
                i.to_string()
            },
            if last { "not a date" } else { "2024-03-01" },
            if last { "maybe" } else { "yes" },
            i
        ));
    }
    let dir = TestDir::new();
    let table = convert_table(&dir, "late.csv", csv.as_bytes(), &[]);
    assert_eq!(table.num_rows(), rows);
    assert_eq!(table.data_type("n"), &DataType::Utf8);
    assert_eq!(table.column("n")[0], s("0"));
    assert_eq!(table.column("n")[12_345], s("12345"));
    assert_eq!(table.column("n")[rows - 1], s("x"));
    assert_eq!(table.data_type("f"), &DataType::Float64);
    assert_eq!(table.column("f")[69_998], Value::Float(69_998.0));
    assert_eq!(table.column("f")[rows - 1], Value::Float(2.5));
    assert_eq!(table.data_type("d"), &DataType::Utf8);
    assert_eq!(table.column("d")[0], s("2024-03-01"));
    assert_eq!(table.column("d")[rows - 1], s("not a date"));
    assert_eq!(table.data_type("b"), &DataType::Utf8);
    assert_eq!(table.column("b")[rows - 1], s("maybe"));
    assert_eq!(table.data_type("keep"), &DataType::Int64);
    assert_eq!(table.column("keep")[rows - 1], Value::Int(rows as i64 - 1));
}

/// The slow one (a few MB): the only non-integer cell of 200,000 rows is the last.
#[test]
fn whole_file_inference_sees_the_last_of_200k_rows() {
    let rows = 200_000usize;
    let mut csv = String::with_capacity(rows * 24);
    csv.push_str("id,value,label\n");
    for i in 0..rows {
        if i == rows - 1 {
            csv.push_str(&format!("{i},12.5x,row {i}\n"));
        } else {
            csv.push_str(&format!("{i},{},row {i}\n", i * 3));
        }
    }
    let dir = TestDir::new();
    let table = convert_table(&dir, "big.csv", csv.as_bytes(), &[]);
    assert_eq!(table.num_rows(), rows);
    assert_eq!(table.data_type("id"), &DataType::Int64);
    assert_eq!(table.data_type("value"), &DataType::Utf8);
    assert_eq!(table.data_type("label"), &DataType::Utf8);
    for i in [0, 1, 65_535, 65_536, 131_072, rows - 2] {
        assert_eq!(table.column("id")[i], Value::Int(i as i64));
        assert_eq!(table.column("value")[i], s(&(i * 3).to_string()));
    }
    assert_eq!(table.column("value")[rows - 1], s("12.5x"));
    assert_eq!(
        table.column("label")[rows - 1],
        s(&format!("row {}", rows - 1))
    );
}

#[test]
fn short_rows_are_padded_and_long_rows_get_numbered_columns() {
    let dir = TestDir::new();
    let csv = "a,b,c\n1,2,3\n4,5\n6,7,8,9,10\n11,12,13\n";
    let table = convert_table(&dir, "ragged.csv", csv.as_bytes(), &[]);
    assert_eq!(table.names, ["a", "b", "c", "column_4", "column_5"]);
    table.assert_column(
        "c",
        &DataType::Int64,
        &[3.into(), Null, 8.into(), 13.into()],
    );
    table.assert_column("column_4", &DataType::Int64, &[Null, Null, 9.into(), Null]);
    table.assert_column("column_5", &DataType::Int64, &[Null, Null, 10.into(), Null]);
    let info = info_json(&dir, "ragged.csv", &[]);
    assert_eq!(info["rows"], 4);
    assert_eq!(info["long_rows"], 1, "{info:#}");
}

#[test]
fn short_row_count_only_counts_rows_shorter_than_the_header() {
    // Row 2 has exactly the header's three fields; only row 3 is short.
    let dir = TestDir::new();
    dir.write("ragged.csv", "a,b,c\n1,2,3,4\n5,6,7\n8,9\n");
    let info = info_json(&dir, "ragged.csv", &[]);
    assert_eq!(info["short_rows"], 1, "{info:#}");
    assert_eq!(info["long_rows"], 1, "{info:#}");
    let run = dir
        .cmd()
        .args(["convert", "ragged.csv"])
        .assert_code(EXIT_OK);
    run.stderr_has("1 row(s) had fewer fields");
}

#[test]
fn a_complete_last_row_without_newline_after_a_long_row_is_not_truncation() {
    // The last row has all of the header's fields; it is only "short" next to
    // the extra column a long row added. The file is whole.
    let dir = TestDir::new();
    let table = convert_table(&dir, "whole.csv", b"a,b,c\n1,2,3,4\n5,6,7", &[]);
    assert_eq!(table.names, ["a", "b", "c", "column_4"]);
    table.assert_column("c", &DataType::Int64, &[3.into(), 7.into()]);
    table.assert_column("column_4", &DataType::Int64, &[4.into(), Null]);
}

#[test]
fn a_short_last_row_with_a_final_newline_is_padded_not_refused() {
    let dir = TestDir::new();
    let table = convert_table(&dir, "short.csv", b"a,b,c\n1,2,3\n4,5\n", &[]);
    table.assert_column("c", &DataType::Int64, &[3.into(), Null]);
}

#[test]
fn all_strings_keeps_every_cell_verbatim() {
    let dir = TestDir::new();
    let csv = "id,price,flag,day,zip,label\n1,1.50,true,2024-01-31,08123,NA\n2,,no,1899-12-30,12345, x \n";
    let table = convert_table(&dir, "s.csv", csv.as_bytes(), &["--all-strings"]);
    for name in &table.names {
        assert_eq!(table.data_type(name), &DataType::Utf8, "column {name}");
    }
    assert_eq!(
        table.row(0),
        strings(&["1", "1.50", "true", "2024-01-31", "08123", "NA"])
    );
    assert_eq!(
        table.row(1),
        vec![s("2"), Null, s("no"), s("1899-12-30"), s("12345"), s(" x ")]
    );
}

#[test]
fn column_names_are_unique_ignoring_case_and_never_empty() {
    let dir = TestDir::new();
    let table = convert_table(
        &dir,
        "names.csv",
        b"id,ID,Id,name,,id_2\n1,2,3,x,4,5\n",
        &[],
    );
    assert_eq!(
        table.names,
        ["id", "ID_3", "Id_4", "name", "column_5", "id_2"]
    );
    table.assert_column("ID_3", &DataType::Int64, &[2.into()]);
    table.assert_column("column_5", &DataType::Int64, &[4.into()]);
    assert_eq!(
        original_names(&dir.join("names.parquet")),
        ["id", "ID", "Id", "name", "", "id_2"]
    );
}

#[test]
fn case_duplicate_column_gets_suffix_two() {
    let dir = TestDir::new();
    let table = convert_table(&dir, "dup.csv", b"id,ID\n1,2\n", &[]);
    assert_eq!(table.names, ["id", "ID_2"]);
    assert_eq!(table.row(0), [Value::Int(1), Value::Int(2)]);
}

#[test]
fn every_candidate_delimiter_is_sniffed() {
    let dir = TestDir::new();
    for (delimiter, name) in [
        (',', ","),
        (';', ";"),
        ('\t', "tab"),
        ('|', "|"),
        (':', ":"),
    ] {
        let d = delimiter;
        // Each file also holds the other candidates inside a quoted field.
        let csv = format!(
            "name{d}qty{d}price{d}note\nAlice{d}3{d}1.5{d}\"a,b;c|d:e\tf\"\nBob{d}4{d}2.25{d}plain\nCy{d}5{d}-1{d}x\n"
        );
        let file = format!("delim_{}.csv", (delimiter as u8));
        let table = convert_table(&dir, &file, csv.as_bytes(), &[]);
        assert_eq!(
            table.names,
            ["name", "qty", "price", "note"],
            "delimiter {name}"
        );
        table.assert_column("qty", &DataType::Int64, &[3.into(), 4.into(), 5.into()]);
        table.assert_column(
            "price",
            &DataType::Float64,
            &[1.5.into(), 2.25.into(), (-1.0).into()],
        );
        table.assert_column(
            "note",
            &DataType::Utf8,
            &strings(&["a,b;c|d:e\tf", "plain", "x"]),
        );
        let info = info_json(&dir, &file, &[]);
        assert_eq!(info["delimiter"], name, "{info:#}");
    }
}

#[test]
fn timestamps_with_colons_do_not_fool_the_delimiter_sniffer() {
    let dir = TestDir::new();
    let csv = "id;at\n1;2024-01-01 10:00:00\n2;2024-01-01 11:30:15\n3;2024-01-02 00:00:00\n";
    let table = convert_table(&dir, "semi.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "at",
        &TS,
        &[
            ts(2024, 1, 1, 10, 0, 0, 0),
            ts(2024, 1, 1, 11, 30, 15, 0),
            ts(2024, 1, 2, 0, 0, 0, 0),
        ],
    );
}

#[test]
fn lf_crlf_and_cr_line_ends_give_the_same_table() {
    let dir = TestDir::new();
    for (eol, label) in [("\n", "lf"), ("\r\n", "crlf"), ("\r", "cr")] {
        let csv = format!(
            "id,text,when{eol}1,\"first{eol}second\",2024-01-01{eol}2,plain,2024-12-31{eol}3,\"a, b\",{eol}"
        );
        let table = convert_table(&dir, &format!("{label}.csv"), csv.as_bytes(), &[]);
        assert_eq!(table.num_rows(), 3, "{label}");
        table.assert_column("id", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
        table.assert_column(
            "text",
            &DataType::Utf8,
            &[s(&format!("first{eol}second")), s("plain"), s("a, b")],
        );
        table.assert_column(
            "when",
            &DataType::Date32,
            &[date(2024, 1, 1), date(2024, 12, 31), Null],
        );
    }
}

#[test]
fn a_file_without_final_newline_keeps_its_last_row() {
    let dir = TestDir::new();
    let table = convert_table(&dir, "nonl.csv", b"a,b\n1,x\n2,y", &[]);
    table.assert_column("a", &DataType::Int64, &[1.into(), 2.into()]);
    table.assert_column("b", &DataType::Utf8, &strings(&["x", "y"]));
}

#[test]
fn forced_delimiter_overrides_the_sniffer() {
    let dir = TestDir::new();
    let csv = b"a|b,c\n1|2,3\n4|5,6\n";
    // Sniffed: both split every row into two fields; the comma wins the tie.
    let table = convert_table(&dir, "forced.csv", csv, &[]);
    assert_eq!(table.names, ["a|b", "c"]);
    for flag in ["|", "pipe"] {
        let table = convert_table(&dir, "forced.csv", csv, &["--delimiter", flag]);
        assert_eq!(table.names, ["a", "b,c"], "--delimiter {flag}");
        table.assert_column("a", &DataType::Int64, &[1.into(), 4.into()]);
        table.assert_column("b,c", &DataType::Utf8, &strings(&["2,3", "5,6"]));
    }
    let table = convert_table(&dir, "tabbed.txt", b"x\ty,z\n1\t2\n", &["-d", "tab"]);
    assert_eq!(table.names, ["x", "y,z"]);
}

#[test]
fn no_header_names_columns_and_keeps_the_first_row_as_data() {
    let dir = TestDir::new();
    let table = convert_table(
        &dir,
        "nh.csv",
        b"1,alpha,2024-01-01\n2,beta,2024-01-02\n",
        &["--no-header"],
    );
    assert_eq!(table.names, ["column_1", "column_2", "column_3"]);
    table.assert_column("column_1", &DataType::Int64, &[1.into(), 2.into()]);
    table.assert_column("column_2", &DataType::Utf8, &strings(&["alpha", "beta"]));
    table.assert_column(
        "column_3",
        &DataType::Date32,
        &[date(2024, 1, 1), date(2024, 1, 2)],
    );
    let info = info_json(&dir, "nh.csv", &["--no-header"]);
    assert_eq!(info["has_header"], false);
    assert_eq!(info["rows"], 2);
}

#[test]
fn skip_rows_skips_title_lines_before_the_header() {
    let dir = TestDir::new();
    let csv = "Report: sales\nexported 2024-01-01 by someone\nregion,amount\nnorth,10\nsouth,20\n";
    let table = convert_table(&dir, "title.csv", csv.as_bytes(), &["--skip-rows", "2"]);
    assert_eq!(table.names, ["region", "amount"]);
    table.assert_column("amount", &DataType::Int64, &[10.into(), 20.into()]);
    // Without the flag the title lines are detected (they have fewer fields).
    let table = convert_table(&dir, "title.csv", csv.as_bytes(), &[]);
    assert_eq!(table.names, ["region", "amount"]);
    assert_eq!(table.num_rows(), 2);
    let info = info_json(&dir, "title.csv", &[]);
    assert_eq!(info["skipped_lines"], 2);
}

#[test]
fn skip_rows_counts_blank_lines_as_lines() {
    // `--skip-rows N` is documented as "skip N lines before the header".
    let dir = TestDir::new();
    let table = convert_table(
        &dir,
        "blank.csv",
        b"\n\n\na,b,c\n1,2,3\n",
        &["--skip-rows", "3"],
    );
    assert_eq!(table.names, ["a", "b", "c"]);
    assert_eq!(table.row(0), [Value::Int(1), Value::Int(2), Value::Int(3)]);
}

#[test]
fn blank_lines_before_the_header_are_ignored() {
    let dir = TestDir::new();
    let table = convert_table(&dir, "blank.csv", b"\n\n\na,b,c\n1,2,3\n", &[]);
    assert_eq!(table.names, ["a", "b", "c"]);
    assert_eq!(table.num_rows(), 1);
}

#[test]
fn date_order_follows_the_whole_column() {
    let dir = TestDir::new();
    let csv = "mdy,dmy,dots,amb\n01/02/2024,01/02/2024,31.12.2024,03/04/2024\n12/31/2024,31/12/2024,01.01.1900,05/06/2024\n";
    let table = convert_table(&dir, "orders.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "mdy",
        &DataType::Date32,
        &[date(2024, 1, 2), date(2024, 12, 31)],
    );
    table.assert_column(
        "dmy",
        &DataType::Date32,
        &[date(2024, 2, 1), date(2024, 12, 31)],
    );
    table.assert_column(
        "dots",
        &DataType::Date32,
        &[date(2024, 12, 31), date(1900, 1, 1)],
    );
    // All days ≤ 12: month first, as pandas reads it.
    table.assert_column(
        "amb",
        &DataType::Date32,
        &[date(2024, 3, 4), date(2024, 5, 6)],
    );
    let info = info_json(&dir, "orders.csv", &[]);
    let orders: Vec<&str> = info["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date_order"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(orders, ["mdy", "dmy", "dmy", "mdy"]);
}

#[test]
fn timestamps_keep_microseconds_and_refuse_to_cut_nanoseconds() {
    let dir = TestDir::new();
    let csv = "us,ns_zero,ns,mixed,zoned\n\
        2024-01-31 10:00:00.000001,2024-01-31 10:00:00.123456000,2024-01-31 10:00:00.123456789,2024-01-31,2024-01-31T10:00:00.25+05:30\n\
        2024-01-31T23:59:59.999999,2024-01-31 10:00:00.100000000,2024-01-31 10:00:00.000000001,2024-01-31 08:15,2024-01-31 10:00:00 -08:00\n";
    let table = convert_table(&dir, "ts.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "us",
        &TS,
        &[
            ts(2024, 1, 31, 10, 0, 0, 1),
            ts(2024, 1, 31, 23, 59, 59, 999_999),
        ],
    );
    table.assert_column(
        "ns_zero",
        &TS,
        &[
            ts(2024, 1, 31, 10, 0, 0, 123_456),
            ts(2024, 1, 31, 10, 0, 0, 100_000),
        ],
    );
    table.assert_column(
        "ns",
        &DataType::Utf8,
        &strings(&[
            "2024-01-31 10:00:00.123456789",
            "2024-01-31 10:00:00.000000001",
        ]),
    );
    table.assert_column(
        "mixed",
        &TS,
        &[ts(2024, 1, 31, 0, 0, 0, 0), ts(2024, 1, 31, 8, 15, 0, 0)],
    );
    table.assert_column(
        "zoned",
        &ts_utc(),
        &[
            ts(2024, 1, 31, 4, 30, 0, 250_000),
            ts(2024, 1, 31, 18, 0, 0, 0),
        ],
    );
}

#[test]
fn zoned_and_naive_timestamps_in_one_column_stay_text() {
    let dir = TestDir::new();
    let csv = "id,at\n1,2024-01-31T10:00:00Z\n2,2024-01-31 10:00\n";
    let table = convert_table(&dir, "mix.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "at",
        &DataType::Utf8,
        &strings(&["2024-01-31T10:00:00Z", "2024-01-31 10:00"]),
    );
}

#[test]
fn a_single_column_file_stays_one_column() {
    let dir = TestDir::new();
    let table = convert_table(&dir, "names.csv", b"name\nalice\nbob\n", &[]);
    table.assert_column("name", &DataType::Utf8, &strings(&["alice", "bob"]));
}

#[test]
fn a_single_column_of_times_is_not_split_on_colons() {
    // `:` is a delimiter candidate, but it does not split the header and
    // splits the values into an inconsistent number of fields.
    let dir = TestDir::new();
    let table = convert_table(&dir, "times.csv", b"t\n10:00\n11:30\n12:45\n", &[]);
    assert_eq!(table.names, ["t"]);
    table.assert_column("t", &DataType::Utf8, &strings(&["10:00", "11:30", "12:45"]));
    let table = convert_table(
        &dir,
        "stamps.csv",
        b"at\n2024-01-31T10:00:00Z\n2024-01-31T11:00:00+01:00\n",
        &[],
    );
    assert_eq!(table.names, ["at"]);
    table.assert_column(
        "at",
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        &[ts(2024, 1, 31, 10, 0, 0, 0), ts(2024, 1, 31, 10, 0, 0, 0)],
    );
}

#[test]
fn a_header_shorter_than_rows_with_a_trailing_delimiter_is_still_the_header() {
    // Many exporters end every data row with a delimiter but not the header.
    // The header must not be mistaken for a title line and dropped (which
    // would also turn the first data row into column names).
    let dir = TestDir::new();
    let table = convert_table(&dir, "trail.csv", b"id,name\n1,a,\n2,b,\n3,c,\n", &[]);
    assert_eq!(table.names, ["id", "name", "column_3"]);
    table.assert_column("id", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
    table.assert_column("name", &DataType::Utf8, &strings(&["a", "b", "c"]));
}

#[test]
fn spaces_around_typed_values_are_ignored_but_text_is_kept_verbatim() {
    let dir = TestDir::new();
    let csv = "n, f ,t\n 1 , 2.5 , padded \n2,3, x\n";
    let table = convert_table(&dir, "spaces.csv", csv.as_bytes(), &[]);
    assert_eq!(table.names, ["n", " f ", "t"]);
    table.assert_column("n", &DataType::Int64, &[1.into(), 2.into()]);
    table.assert_column(" f ", &DataType::Float64, &[2.5.into(), 3.0.into()]);
    table.assert_column("t", &DataType::Utf8, &strings(&[" padded ", " x"]));
}

#[test]
fn backslash_escaped_quotes_are_read_as_quotes() {
    let dir = TestDir::new();
    let csv = "name;year\n\"\\\"Hacksaw\\\" Jim\";1987\n\"Bret \\\"Hit\\\" Hart\";1984\n";
    let table = convert_table(&dir, "bs.csv", csv.as_bytes(), &[]);
    table.assert_column(
        "name",
        &DataType::Utf8,
        &strings(&["\"Hacksaw\" Jim", "Bret \"Hit\" Hart"]),
    );
    table.assert_column("year", &DataType::Int64, &[1987.into(), 1984.into()]);
}

#[test]
fn info_json_describes_the_file() {
    let dir = TestDir::new();
    dir.write(
        "d.csv",
        "id,name,when,amount\n1,a,2024-01-01,1.5\n2,,2024-01-02,\n3,c,,NA\n",
    );
    let info = info_json(&dir, "d.csv", &[]);
    assert_eq!(info["schema_version"], 1);
    assert_eq!(info["format"], "csv");
    assert_eq!(info["encoding"], "UTF-8");
    assert_eq!(info["delimiter"], ",");
    assert_eq!(info["has_header"], true);
    assert_eq!(info["rows"], 3);
    assert_eq!(
        info["bytes"].as_u64(),
        Some(std::fs::metadata(dir.join("d.csv")).unwrap().len())
    );
    let columns: Vec<(String, String, u64)> = info["columns"]
        .as_array()
        .expect("columns array")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["type"].as_str().unwrap().to_string(),
                c["nulls"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("id", "int64", 0),
        ("name", "string", 1),
        ("when", "date", 1),
        ("amount", "float64", 2),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(n, t, c)| (n.to_string(), t.to_string(), *c))
        .collect();
    assert_eq!(columns, expected);
    // The text form names the same facts.
    let text = dir.cmd().args(["info", "d.csv"]).assert_code(EXIT_OK);
    text.stdout_has("rows:       3").stdout_has("amount");
}

#[test]
fn validate_reads_good_files_and_reports_bad_ones() {
    let dir = TestDir::new();
    dir.write("good.csv", "a,b\n1,2\n3,4\n");
    dir.write("empty.csv", "");
    let run = dir
        .cmd()
        .args(["validate", "good.csv"])
        .assert_code(EXIT_OK);
    run.stdout_has("good.csv").stdout_has("2 rows");
    let run = dir
        .cmd()
        .args(["validate", "--json", "good.csv", "empty.csv", "missing.csv"])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], false);
    let files = doc["files"].as_array().expect("files array");
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["rows"], 2);
    assert_eq!(files[0]["columns"], 2);
    assert_eq!(files[1]["valid"], false);
    assert!(files[1]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(files[2]["valid"], false);
    run.error_names("empty.csv").error_names("missing.csv");
    assert_no_output_left(dir.path());
}

#[test]
fn a_header_of_100000_repeated_names_converts_with_unique_names() {
    // Naming was quadratic in the repeats (40,000 did not finish in a
    // minute); it is linear now, and the suite's normal time bounds it.
    let dir = TestDir::new();
    let names = vec!["name"; 100_000].join(",");
    let values = vec!["1"; 100_000].join(",");
    dir.write("wide.csv", format!("{names}\n{values}\n"));
    dir.convert_ok(["wide.csv"]);
    let file = std::fs::File::open(dir.join("wide.parquet")).unwrap();
    let builder =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let fields = builder.schema().fields();
    assert_eq!(fields.len(), 100_000);
    assert_eq!(fields[0].name(), "name");
    assert_eq!(fields[1].name(), "name_2");
    assert_eq!(fields[99_999].name(), "name_100000");
    let unique: std::collections::HashSet<String> =
        fields.iter().map(|f| f.name().to_lowercase()).collect();
    assert_eq!(unique.len(), 100_000);
}
