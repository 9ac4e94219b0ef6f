//! Workbooks written by the tests (rust_xlsxwriter), converted by the binary,
//! and every sheet's Parquet read back value by value: types, the header and
//! title blocks, sheet selection and naming, shared columns and `--combine`,
//! merged areas, error cells, and the errors of files that are not readable
//! workbooks.

use std::path::{Path, PathBuf};

use arrow_schema::{DataType, TimeUnit};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

use crate::util::*;

const TS: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

/// Writes a workbook named `name` into `dir`, its sheets added by `build`.
pub fn workbook(dir: &TestDir, name: &str, build: impl FnOnce(&mut Workbook)) -> PathBuf {
    let mut book = Workbook::new();
    build(&mut book);
    let path = dir.join(name);
    book.save(&path).expect("the test workbook is written");
    path
}

/// A sheet named `name` with `rows` of strings and numbers (`""`: no cell).
pub fn sheet<'b>(book: &'b mut Workbook, name: &str, rows: &[&[&str]]) -> &'b mut Worksheet {
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    sheet
}

/// The output directory of `stem`'s conversion.
fn out_dir(dir: &TestDir, stem: &str) -> PathBuf {
    dir.join(format!("{stem}_parquet"))
}

fn sheet_file(dir: &TestDir, stem: &str, file: &str) -> PathBuf {
    out_dir(dir, stem).join(file)
}

fn strings(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| s(v)).collect()
}

fn files(path: &Path) -> Vec<String> {
    listing(path)
}

/// id, price, active, day (y, m, d), at (y, m, d, h, m, s), name.
type TypesRow = (
    f64,
    f64,
    bool,
    (u16, u8, u8),
    (u16, u8, u8, u16, u8, u8),
    &'static str,
);

#[test]
fn every_cell_kind_becomes_a_typed_column() {
    let dir = TestDir::new();
    workbook(&dir, "types.xlsx", |book| {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        let time = Format::new().set_num_format("hh:mm:ss");
        let ws = sheet(
            book,
            "Data",
            &[&[
                "id", "price", "active", "day", "at", "name", "mixed", "took", "sparse",
            ]],
        );
        let rows: [TypesRow; 3] = [
            (
                1.0,
                1.5,
                true,
                (2024, 1, 31),
                (2024, 1, 31, 10, 30, 0),
                "Ünïcödé 日本語",
            ),
            (
                2.0,
                -0.25,
                false,
                (1900, 3, 1),
                (1999, 12, 31, 23, 59, 59),
                "two\nlines",
            ),
            (
                3.0,
                1e3,
                true,
                (2100, 12, 31),
                (2000, 1, 1, 0, 0, 1),
                " padded ",
            ),
        ];
        for (i, (id, price, active, day, at, name)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_number(r, 0, *id).unwrap();
            ws.write_number(r, 1, *price).unwrap();
            ws.write_boolean(r, 2, *active).unwrap();
            let d = ExcelDateTime::from_ymd(day.0, day.1, day.2).unwrap();
            ws.write_datetime_with_format(r, 3, d, &date).unwrap();
            let t = ExcelDateTime::from_ymd(at.0, at.1, at.2)
                .unwrap()
                .and_hms(at.3, at.4, at.5)
                .unwrap();
            ws.write_datetime_with_format(r, 4, t, &datetime).unwrap();
            ws.write_string(r, 5, *name).unwrap();
        }
        // A column mixing numbers and text: text, numbers as Excel shows them.
        ws.write_number(1, 6, 42.0).unwrap();
        ws.write_number(2, 6, 0.1 + 0.2).unwrap();
        ws.write_string(3, 6, "n/a").unwrap();
        // Durations and times of day as text.
        let half_day = ExcelDateTime::from_hms(12, 0, 0).unwrap();
        ws.write_datetime_with_format(1, 7, half_day, &time)
            .unwrap();
        let long = ExcelDateTime::from_hms_milli(1, 2, 3, 250).unwrap();
        ws.write_datetime_with_format(2, 7, long, &time).unwrap();
        // Only the last row has a value in the last column.
        ws.write_number(3, 8, 7.0).unwrap();
    });
    dir.convert_ok(["types.xlsx"]);
    assert_eq!(files(&out_dir(&dir, "types")), ["types_Data.parquet"]);
    let table = read_parquet(&sheet_file(&dir, "types", "types_Data.parquet"));
    assert_eq!(table.num_rows(), 3);
    table.assert_column("id", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
    table.assert_column(
        "price",
        &DataType::Float64,
        &[1.5.into(), (-0.25).into(), 1000.0.into()],
    );
    table.assert_column(
        "active",
        &DataType::Boolean,
        &[true.into(), false.into(), true.into()],
    );
    table.assert_column(
        "day",
        &DataType::Date32,
        &[date(2024, 1, 31), date(1900, 3, 1), date(2100, 12, 31)],
    );
    table.assert_column(
        "at",
        &TS,
        &[
            ts(2024, 1, 31, 10, 30, 0, 0),
            ts(1999, 12, 31, 23, 59, 59, 0),
            ts(2000, 1, 1, 0, 0, 1, 0),
        ],
    );
    table.assert_column(
        "name",
        &DataType::Utf8,
        &strings(&["Ünïcödé 日本語", "two\nlines", " padded "]),
    );
    table.assert_column("mixed", &DataType::Utf8, &strings(&["42", "0.3", "n/a"]));
    table.assert_column(
        "took",
        &DataType::Utf8,
        &[s("12:00:00"), s("01:02:03.250"), Null],
    );
    table.assert_column("sparse", &DataType::Int64, &[Null, Null, 7.into()]);

    // The sheet's own name is in the footer.
    let facts = parquet_facts(&sheet_file(&dir, "types", "types_Data.parquet"));
    assert_eq!(facts.key_value["pyforge.source_table"], "Data");
    assert_eq!(facts.key_value["pyforge.source_format"], "excel");

    // --all-strings: every column is text, as pyforge-cli 1.0.9 wrote.
    dir.convert_ok(["types.xlsx", "--force", "--all-strings"]);
    let table = read_parquet(&sheet_file(&dir, "types", "types_Data.parquet"));
    assert!(
        table.types.iter().all(|t| *t == DataType::Utf8),
        "{:?}",
        table.types
    );
    assert_eq!(table.column("id"), strings(&["1", "2", "3"]));
    assert_eq!(table.column("active"), strings(&["TRUE", "FALSE", "TRUE"]));
    assert_eq!(
        table.column("at"),
        strings(&[
            "2024-01-31T10:30:00",
            "1999-12-31T23:59:59",
            "2000-01-01T00:00:01"
        ])
    );
}

#[test]
fn a_title_block_above_the_header_is_counted_not_converted() {
    let dir = TestDir::new();
    workbook(&dir, "report.xlsx", |book| {
        sheet(
            book,
            "Q1",
            &[
                &["Quarterly report"],
                &["", "generated 2024-04-01"],
                &[],
                &["region", "units", "revenue"],
                &["north", "10", "1.5"],
                &["south", "20", "2.5"],
                &["east", "30", "3.5"],
            ],
        );
    });
    let run = dir.convert_ok(["report.xlsx"]);
    run.stderr_has("header in row 4; 2 row(s) above it not converted");
    let table = read_parquet(&sheet_file(&dir, "report", "report_Q1.parquet"));
    assert_eq!(table.names, ["region", "units", "revenue"]);
    table.assert_column(
        "units",
        &DataType::Int64,
        &[10.into(), 20.into(), 30.into()],
    );

    let info = dir
        .cmd()
        .args(["info", "--json", "report.xlsx"])
        .assert_code(EXIT_OK)
        .json();
    let sheet = &info["sheets"][0];
    assert_eq!(sheet["header_row"], 4);
    assert_eq!(sheet["rows_above_header"], 2);
    assert_eq!(sheet["rows"], 3);
    assert_eq!(sheet["used_range"], "A1:C7");
    assert_eq!(sheet["columns"][2]["type"], "float64");

    // --header-row names the row; --no-header makes every row data.
    dir.convert_ok(["report.xlsx", "--force", "--header-row", "5"]);
    let table = read_parquet(&sheet_file(&dir, "report", "report_Q1.parquet"));
    assert_eq!(table.names, ["north", "10", "1.5"]);
    assert_eq!(table.num_rows(), 2);
    dir.convert_ok(["report.xlsx", "--force", "--no-header"]);
    let table = read_parquet(&sheet_file(&dir, "report", "report_Q1.parquet"));
    assert_eq!(table.names, ["column_1", "column_2", "column_3"]);
    assert_eq!(table.num_rows(), 6);
    assert_eq!(table.column("column_1")[0], s("Quarterly report"));

    // A header row below the data is a mistake, said before anything is written.
    dir.cmd()
        .args(["convert", "report.xlsx", "--force", "--header-row", "99"])
        .assert_code(EXIT_FAILED)
        .stderr_has("--header-row of 99 is below the last row of sheet 'Q1' (7)");
}

#[test]
fn sheets_are_named_as_pyforge_cli_named_them_and_selected_by_name() {
    let dir = TestDir::new();
    workbook(&dir, "book.xlsx", |book| {
        sheet(book, "My Sheet (Q1)", &[&["a"], &["1"]]);
        sheet(book, "a b", &[&["b"], &["2"]]);
        sheet(book, "a_b", &[&["c"], &["3"]]);
        sheet(book, "Hidden", &[&["d"], &["4"]]).set_hidden(true);
    });
    dir.convert_ok(["book.xlsx"]);
    assert_eq!(
        files(&out_dir(&dir, "book")),
        [
            "book_Hidden.parquet",
            "book_My_Sheet_(Q1).parquet",
            "book_a_b.parquet",
            "book_a_b_2.parquet"
        ]
    );
    let facts = parquet_facts(&sheet_file(&dir, "book", "book_a_b_2.parquet"));
    assert_eq!(facts.key_value["pyforge.source_table"], "a_b");

    // validate reads every sheet as convert does.
    let checked = dir
        .cmd()
        .args(["validate", "--json", "book.xlsx"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(checked["files"][0]["valid"], true, "{checked}");
    assert_eq!(checked["files"][0]["tables"].as_array().unwrap().len(), 4);

    // --skip-hidden leaves the hidden sheet out, with a note.
    dir.convert_ok(["book.xlsx", "--force", "--skip-hidden"])
        .stderr_has("sheet 'Hidden' is hidden (--skip-hidden): skipped");
    assert!(!sheet_file(&dir, "book", "book_Hidden.parquet").exists());

    // --sheets selects; an unknown name lists the sheets there are.
    dir.convert_ok(["book.xlsx", "--force", "--sheets", "a b,Hidden"]);
    assert_eq!(
        files(&out_dir(&dir, "book")),
        ["book_Hidden.parquet", "book_a_b.parquet"]
    );
    dir.cmd()
        .args([
            "convert",
            "book.xlsx",
            "-o",
            "elsewhere",
            "--sheets",
            "Nope",
        ])
        .assert_code(EXIT_FAILED)
        .stderr_has(
            "no sheet named 'Nope'; the sheets are: 'My Sheet (Q1)', 'a b', 'a_b', 'Hidden'",
        );
    assert!(!dir.join("elsewhere").join("book_parquet").exists());
}

#[test]
fn sheets_sharing_columns_are_reported_and_combined_on_request() {
    let dir = TestDir::new();
    workbook(&dir, "months.xlsx", |book| {
        sheet(
            book,
            "Jan",
            &[&["day", "sales"], &["1", "10"], &["2", "20"]],
        );
        sheet(book, "Feb", &[&["day", "sales"], &["1", "1.5"]]);
        sheet(book, "Notes", &[&["text"], &["hello"]]);
    });
    // Separate files by default, never a prompt, and the summary says which share.
    dir.convert_ok(["months.xlsx"])
        .stderr_has("sheets 'Jan', 'Feb' share their columns (--combine writes them as one file)");
    assert_eq!(
        files(&out_dir(&dir, "months")),
        [
            "months_Feb.parquet",
            "months_Jan.parquet",
            "months_Notes.parquet"
        ]
    );
    dir.convert_ok(["months.xlsx", "--force", "--separate"]);

    // --combine: one file per group, named after its first sheet, with a sheet
    // column; the group's types come from all its sheets.
    dir.convert_ok(["months.xlsx", "--force", "--combine"]);
    assert_eq!(
        files(&out_dir(&dir, "months")),
        ["months_Jan.parquet", "months_Notes.parquet"]
    );
    let table = read_parquet(&sheet_file(&dir, "months", "months_Jan.parquet"));
    assert_eq!(table.names, ["sheet", "day", "sales"]);
    assert_eq!(table.column("sheet"), strings(&["Jan", "Jan", "Feb"]));
    table.assert_column(
        "sales",
        &DataType::Float64,
        &[10.0.into(), 20.0.into(), 1.5.into()],
    );

    // Every sheet in one group: <stem>.parquet.
    workbook(&dir, "same.xlsx", |book| {
        sheet(book, "A", &[&["x"], &["1"]]);
        sheet(book, "B", &[&["x"], &["2"]]);
    });
    dir.convert_ok(["same.xlsx", "--combine"]);
    assert_eq!(files(&out_dir(&dir, "same")), ["same.parquet"]);
    let table = read_parquet(&sheet_file(&dir, "same", "same.parquet"));
    assert_eq!(table.column("x"), [1.into(), 2.into()]);

    dir.cmd()
        .args(["convert", "same.xlsx", "--combine", "--separate"])
        .assert_code(EXIT_USAGE);
}

#[test]
fn merged_areas_keep_their_value_in_the_first_cell_or_fill_on_request() {
    let dir = TestDir::new();
    workbook(&dir, "merged.xlsx", |book| {
        let ws = sheet(book, "S", &[&["group", "item", "n"]]);
        ws.merge_range(1, 0, 3, 0, "fruit", &Format::new()).unwrap();
        ws.write_string(1, 1, "apple").unwrap();
        ws.write_string(2, 1, "pear").unwrap();
        ws.write_string(3, 1, "plum").unwrap();
        ws.merge_range(4, 1, 4, 2, "wide", &Format::new()).unwrap();
        ws.write_string(4, 0, "other").unwrap();
    });
    dir.convert_ok(["merged.xlsx"]);
    let table = read_parquet(&sheet_file(&dir, "merged", "merged_S.parquet"));
    assert_eq!(table.column("group"), [s("fruit"), Null, Null, s("other")]);
    assert_eq!(table.column("n"), [Null, Null, Null, Null]);

    dir.convert_ok(["merged.xlsx", "--force", "--fill-merged"]);
    let table = read_parquet(&sheet_file(&dir, "merged", "merged_S.parquet"));
    assert_eq!(
        table.column("group"),
        strings(&["fruit", "fruit", "fruit", "other"])
    );
    assert_eq!(table.column("n"), [Null, Null, Null, s("wide")]);
}

#[test]
fn error_cells_are_null_and_counted_or_kept_as_text() {
    let dir = TestDir::new();
    workbook(&dir, "errors.xlsx", |book| {
        let ws = sheet(book, "S", &[&["ratio", "label"], &["0.5", "a"]]);
        ws.write_formula(2, 0, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        ws.write_string(2, 1, "b").unwrap();
        ws.write_formula(3, 0, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        ws.write_formula(3, 1, Formula::new("=\"c\"").set_result("c"))
            .unwrap();
    });
    dir.convert_ok(["errors.xlsx"]).stderr_has(
        "sheet 'S': error cells (#DIV/0!, #N/A...) read as null: 'ratio' 2 (--keep-errors keeps their text)",
    );
    let table = read_parquet(&sheet_file(&dir, "errors", "errors_S.parquet"));
    table.assert_column("ratio", &DataType::Float64, &[0.5.into(), Null, Null]);
    // Formula cells give their cached values.
    assert_eq!(table.column("label"), strings(&["a", "b", "c"]));

    dir.convert_ok(["errors.xlsx", "--force", "--keep-errors"]);
    let table = read_parquet(&sheet_file(&dir, "errors", "errors_S.parquet"));
    table.assert_column(
        "ratio",
        &DataType::Utf8,
        &strings(&["0.5", "#DIV/0!", "#N/A"]),
    );
}

#[test]
fn empty_and_chart_sheets_are_skipped_and_a_workbook_without_data_fails() {
    let dir = TestDir::new();
    workbook(&dir, "some.xlsx", |book| {
        sheet(book, "Data", &[&["a"], &["1"]]);
        sheet(book, "Empty", &[]);
    });
    dir.convert_ok(["some.xlsx"])
        .stderr_has("sheet 'Empty' is empty: skipped");
    assert_eq!(files(&out_dir(&dir, "some")), ["some_Data.parquet"]);

    let dir = TestDir::new();
    workbook(&dir, "none.xlsx", |book| {
        sheet(book, "Empty", &[]);
    });
    dir.cmd()
        .args(["convert", "none.xlsx"])
        .assert_code(EXIT_FAILED)
        .stderr_has("no sheet holds data ('Empty' is empty)");
    assert_no_output_left(dir.path());
}

#[test]
fn unreadable_workbooks_fail_with_one_line_and_no_output() {
    let dir = TestDir::new();
    let good = workbook(&dir, "good.xlsx", |book| {
        sheet(book, "S", &[&["a"], &["1"], &["2"]]);
    });
    let bytes = std::fs::read(&good).unwrap();
    std::fs::remove_file(&good).unwrap();
    dir.write("truncated.xlsx", &bytes[..bytes.len() / 2]);
    dir.write("text.xlsx", "id,name\n1,a\n");
    dir.write("empty.xls", "");
    dir.write(
        "random.xlsb",
        [0x17u8, 0x42, 0x00, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50],
    );
    for (file, message) in [
        (
            "truncated.xlsx",
            "truncated.xlsx: not a readable xlsx workbook",
        ),
        ("text.xlsx", "it looks like text"),
        ("empty.xls", "an empty file, not a workbook"),
        ("random.xlsb", "not a workbook"),
    ] {
        let run = dir.cmd().args(["convert", file]).assert_code(EXIT_FAILED);
        run.stderr_has(message);
        run.error_names(file);
    }
    assert_no_output_left(dir.path());
}

/// `path`'s zip package with `part` rewritten by `edit`.
fn rewrite_part(path: &Path, part: &str, edit: impl Fn(String) -> String) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        parts.push((file.name().unwrap().to_string(), bytes));
    }
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        let bytes = if name == part {
            edit(String::from_utf8(bytes).unwrap()).into_bytes()
        } else {
            bytes
        };
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn a_sheet_storing_its_rows_out_of_order_is_read_in_sheet_order() {
    let dir = TestDir::new();
    let path = workbook(&dir, "shuffled.xlsx", |book| {
        sheet(
            book,
            "S",
            &[
                &["n", "label"],
                &["1", "one"],
                &["2", "two"],
                &["3", "three"],
            ],
        );
    });
    // Row 4 stored before rows 2 and 3, as some writers do.
    rewrite_part(&path, "xl/worksheets/sheet1.xml", |xml| {
        let start = xml.find("<row r=\"2\"").unwrap();
        let last = xml.find("<row r=\"4\"").unwrap();
        let end = xml.find("</sheetData>").unwrap();
        format!(
            "{}{}{}{}",
            &xml[..start],
            &xml[last..end],
            &xml[start..last],
            &xml[end..]
        )
    });
    dir.convert_ok(["shuffled.xlsx"]);
    let table = read_parquet(&sheet_file(&dir, "shuffled", "shuffled_S.parquet"));
    table.assert_column("n", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
    assert_eq!(table.column("label"), strings(&["one", "two", "three"]));
}
