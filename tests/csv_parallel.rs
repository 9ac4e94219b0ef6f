//! The parallel reading of large UTF-8 files gives exactly what one thread
//! gives, also when a guessed split point falls inside a quoted field.

use std::fmt::Write as _;

use crate::util::{read_parquet, TestDir, EXIT_OK};

/// A file over the 8 MiB parallel threshold: `rows_before` plain rows, one
/// row whose quoted note holds `note_lines` lines, then `rows_after` rows.
fn large_csv(rows_before: usize, note_lines: usize, rows_after: usize) -> String {
    let mut csv = String::from("id,amount,day,note\n");
    let mut id = 0;
    let mut row = |csv: &mut String, note: &str| {
        id += 1;
        let _ = writeln!(csv, "{id},{}.5,2024-02-{:02},{note}", id % 977, id % 28 + 1);
    };
    for _ in 0..rows_before {
        row(&mut csv, "\"plain text, quoted \"\"here\"\"\"");
    }
    let mut note = String::from("\"line one");
    for i in 0..note_lines {
        let _ = write!(
            note,
            "\nline {i} of a long note, with commas, and \"\"quotes\"\""
        );
    }
    note.push('"');
    row(&mut csv, &note);
    for _ in 0..rows_after {
        row(&mut csv, "after ünïcödé 😀");
    }
    csv
}

fn convert_with_threads(dir: &TestDir, name: &str, threads: &str) -> crate::util::Table {
    let out = format!("out{threads}");
    dir.cmd()
        .env("PYFORGE_THREADS", threads)
        .args(["convert", name, "--output-dir", &out])
        .assert_code(EXIT_OK);
    let stem = name.trim_end_matches(".csv");
    read_parquet(&dir.join(format!("{out}/{stem}.parquet")))
}

fn assert_same_tables(a: &crate::util::Table, b: &crate::util::Table) {
    assert_eq!(a.names, b.names);
    assert_eq!(a.types, b.types);
    assert_eq!(a.num_rows(), b.num_rows());
    for (name, (x, y)) in a.names.iter().zip(a.columns.iter().zip(&b.columns)) {
        assert!(
            x == y,
            "column {name:?} differs between one and several threads"
        );
    }
}

#[test]
fn split_points_between_rows_give_the_same_table() {
    let dir = TestDir::new();
    let csv = large_csv(100_000, 3, 100_000);
    assert!(
        csv.len() > 9 << 20,
        "the file must be large enough to be read in parallel"
    );
    dir.write("rows.csv", csv);
    let one = convert_with_threads(&dir, "rows.csv", "1");
    let four = convert_with_threads(&dir, "rows.csv", "4");
    assert_eq!(one.num_rows(), 200_001);
    assert_same_tables(&one, &four);
}

#[test]
fn a_split_point_inside_a_quoted_field_gives_the_same_table() {
    // The long note spans the middle of the file, where two threads would
    // split it: the scan must notice and not cut the note in two.
    let dir = TestDir::new();
    let csv = large_csv(60_000, 100_000, 60_000);
    assert!(
        csv.len() > 9 << 20,
        "the file must be large enough to be read in parallel"
    );
    let middle = csv.len() / 2;
    let note_start = csv.find("\"line one").unwrap();
    assert!(note_start < middle && csv[middle..].contains("line 99999"));
    dir.write("note.csv", &csv);
    let one = convert_with_threads(&dir, "note.csv", "1");
    let two = convert_with_threads(&dir, "note.csv", "2");
    assert_eq!(one.num_rows(), 120_001);
    assert_same_tables(&one, &two);
    let info = dir
        .cmd()
        .env("PYFORGE_THREADS", "2")
        .args(["info", "--json", "note.csv"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(info["rows"], 120_001);
    assert_eq!(info["long_rows"], 0);
}
