//! The command line itself: help, version, formats, usage errors.

use crate::util::*;

#[test]
fn help_documents_the_exit_codes() {
    let dir = TestDir::new();
    for args in [&["--help"][..], &["convert", "--help"]] {
        let run = dir.cmd().args(args).assert_code(EXIT_OK);
        run.stdout_has("Exit codes:");
        for line in [
            "0  every input",
            "1  at least one input failed",
            "2  usage error",
        ] {
            run.stdout_has(line);
        }
    }
    let run = dir.cmd().args(["convert", "--help"]).assert_code(EXIT_OK);
    for flag in [
        "--output-dir",
        "--force",
        "--compression",
        "--jobs",
        "--keep-going",
        "--json",
        "--all-strings",
        "--delimiter",
        "--encoding",
        "--no-header",
        "--skip-rows",
    ] {
        run.stdout_has(flag);
    }
}

#[test]
fn version_prints_the_crate_version_and_the_commit() {
    let dir = TestDir::new();
    let run = dir.cmd().arg("--version").assert_code(EXIT_OK);
    let line = run.stdout.trim();
    let revision = line
        .strip_prefix(&format!("pyforge {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|rest| rest.strip_suffix(')'));
    run.check(
        revision.is_some_and(|r| {
            r == "unknown"
                || r.trim_end_matches("-dirty").len() == 12
                    && r.trim_end_matches("-dirty")
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit())
        }),
        "expected `pyforge <version> (<12-digit commit>[-dirty])`",
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_command_definitions() {
    let dir = TestDir::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = dir.cmd().args(["completions", shell]).assert_code(EXIT_OK);
        // Every subcommand and a flag deep inside one are offered.
        for word in ["convert", "env-info", "jars", "record-path"] {
            run.check(
                run.stdout.contains(word),
                &format!("{shell} completes {word}"),
            );
        }
    }
    let man = dir.cmd().arg("man").assert_code(EXIT_OK);
    man.check(man.stdout.starts_with(".ie"), "a roff document");
    man.check(
        man.stdout.contains(".TH pyforge 1"),
        "the man page's title line",
    );
    man.check(man.stdout.contains(r"env\-info"), "the subcommands listed");
    dir.cmd()
        .args(["completions", "tcsh"])
        .assert_code(crate::util::EXIT_USAGE);
}

#[test]
fn formats_lists_every_format_with_its_output() {
    let dir = TestDir::new();
    let run = dir.cmd().arg("formats").assert_code(EXIT_OK);
    // Each row's output, read at the column the header puts it in.
    let mut lines = run.stdout.lines();
    let header = lines.next().expect("a header line");
    let column = header.find("output").expect("an output column");
    let outputs: Vec<(&str, &str)> = lines
        .map(|line| {
            let name = line.split_whitespace().next().unwrap_or_default();
            let rest = line.get(column..).unwrap_or_default();
            (name, rest.split_whitespace().next().unwrap_or_default())
        })
        .collect();
    run.check(
        outputs
            == [
                ("CSV", "<stem>.parquet"),
                ("Excel", "<stem>_parquet/"),
                ("dBase", "<stem>_parquet/"),
                ("Access", "<stem>_parquet/"),
                ("XML", "<stem>.parquet"),
                ("PDF", "<stem>.txt"),
            ],
        &format!("expected each format's output, got {outputs:?}"),
    );
    run.stdout_has(".csv");
    let doc = dir
        .cmd()
        .args(["formats", "--json"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(doc["schema_version"], 1);
    let formats = doc["formats"].as_array().expect("formats array");
    let supported: Vec<(&str, bool)> = formats
        .iter()
        .map(|f| {
            (
                f["format"].as_str().unwrap(),
                f["supported"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        supported,
        [
            ("csv", true),
            ("excel", true),
            ("dbf", true),
            ("access", true),
            ("xml", true),
            ("pdf", true)
        ]
    );
    let csv = &formats[0];
    let extensions: Vec<&str> = csv["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(extensions, ["csv", "tsv", "psv", "tab"]);
    assert_eq!(csv["output"], "<stem>.parquet");
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = TestDir::new();
    dir.write("a.csv", "a\n1\n");
    for args in [
        &[][..],
        &["convert"],
        &["frobnicate"],
        &["convert", "a.csv", "--compression", "lz77"],
        &["convert", "a.csv", "--delimiter", "ab"],
        &["convert", "a.csv", "--delimiter", "\""],
        &["convert", "a.csv", "--jobs", "many"],
        &["convert", "a.csv", "--format", "xlsx"],
        &["convert", "a.csv", "--skip-rows", "-1"],
    ] {
        let run = dir.cmd().args(args).run();
        run.check(run.code == Some(EXIT_USAGE), "expected exit code 2");
    }
    assert_eq!(dir.listing(), ["a.csv"]);
}

#[test]
fn info_and_validate_refuse_what_they_cannot_read() {
    let dir = TestDir::new();
    dir.write("book.xlsx", b"PK\x03\x04");
    dir.write("table.dbf", b"\x03 dbase");
    dir.write("notes.md", "# hi\n");
    let run = dir
        .cmd()
        .args(["info", "book.xlsx"])
        .assert_code(EXIT_FAILED);
    run.error_names("book.xlsx")
        .stderr_has("not a readable xlsx workbook");
    let run = dir
        .cmd()
        .args(["info", "table.dbf"])
        .assert_code(EXIT_FAILED);
    run.error_names("table.dbf").stderr_has("not a dBase table");
    let run = dir
        .cmd()
        .args(["info", "notes.md"])
        .assert_code(EXIT_FAILED);
    run.error_names("notes.md");
    let run = dir
        .cmd()
        .args(["info", "missing.csv"])
        .assert_code(EXIT_FAILED);
    run.error_names("missing.csv");
    let run = dir
        .cmd()
        .args(["validate", "book.xlsx", "notes.md"])
        .assert_code(EXIT_FAILED);
    run.error_names("book.xlsx").error_names("notes.md");
}

#[test]
fn info_format_json_is_the_same_document_as_json() {
    let dir = TestDir::new();
    dir.write("a.csv", "id,name\n1,x\n2,y\n");
    let json = dir
        .cmd()
        .args(["info", "--json", "a.csv"])
        .assert_code(EXIT_OK);
    let format = dir
        .cmd()
        .args(["info", "--format", "json", "a.csv"])
        .assert_code(EXIT_OK);
    assert_eq!(format.json(), json.json());
    assert_eq!(json.json()["rows"], 2);
    let table = dir.cmd().args(["info", "a.csv"]).assert_code(EXIT_OK);
    table.check(
        serde_json::from_str::<serde_json::Value>(&table.stdout).is_err(),
        "plain info prints text, not JSON",
    );
    assert_eq!(dir.listing(), ["a.csv"], "info writes nothing");
}
