//! Where outputs go and which requests are refused: beside the input,
//! --output-dir, an explicit OUTPUT, --force, shared outputs, txt output,
//! formats not built yet, directories, globs, --jobs, --keep-going, --json.

use std::path::Path;

use crate::util::*;

const CSV: &str = "id,name\n1,a\n2,b\n";

/// Requires `path` to be a Parquet file with `rows` rows.
#[track_caller]
fn assert_parquet_rows(path: &Path, rows: usize) {
    assert!(path.is_file(), "expected {} to exist", path.display());
    assert_eq!(
        read_parquet(path).num_rows(),
        rows,
        "rows in {}",
        path.display()
    );
}

#[test]
fn output_goes_beside_the_input_named_after_its_stem() {
    let dir = TestDir::new();
    dir.write("sub/data.csv", CSV);
    let run = dir.convert_ok(["sub/data.csv"]);
    run.stdout_empty();
    run.stderr_has("converted");
    assert_parquet_rows(&dir.join("sub/data.parquet"), 2);
    assert!(
        !dir.join("data.parquet").exists(),
        "nothing is written in the cwd"
    );
    // Other delimited extensions follow the same rule.
    dir.write("t.tsv", "a\tb\n1\t2\n");
    dir.write("p.psv", "a|b\n1|2\n");
    dir.write("named.txt", "a,b\n1,2\n");
    dir.convert_ok(["t.tsv"]);
    dir.convert_ok(["p.psv"]);
    dir.convert_ok(["named.txt"]);
    assert_parquet_rows(&dir.join("t.parquet"), 1);
    assert_parquet_rows(&dir.join("p.parquet"), 1);
    assert_parquet_rows(&dir.join("named.parquet"), 1);
}

#[test]
fn output_dir_receives_every_output_and_is_created() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("in/b.tsv", "x\ty\n1\t2\n");
    dir.convert_ok(["a.csv", "in/b.tsv", "--output-dir", "out/nested"]);
    assert_parquet_rows(&dir.join("out/nested/a.parquet"), 2);
    assert_parquet_rows(&dir.join("out/nested/b.parquet"), 1);
    assert!(!dir.join("a.parquet").exists());
    assert!(!dir.join("in/b.parquet").exists());
}

#[test]
fn explicit_output_path_is_used() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    dir.convert_ok(["data.csv", "result.parquet"]);
    assert_parquet_rows(&dir.join("result.parquet"), 2);
    assert!(!dir.join("data.parquet").exists());
    // Its folder is created when missing.
    dir.convert_ok(["data.csv", "new/place/r.parquet"]);
    assert_parquet_rows(&dir.join("new/place/r.parquet"), 2);
}

#[test]
fn explicit_output_that_is_a_directory_gets_the_stem_name_inside() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    dir.mkdir("target");
    dir.convert_ok(["data.csv", "target"]);
    assert_parquet_rows(&dir.join("target/data.parquet"), 2);
}

#[test]
fn second_path_with_an_input_extension_is_another_input() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("b.tsv", "x\ty\n1\t2\n");
    dir.convert_ok(["a.csv", "b.tsv"]);
    assert_parquet_rows(&dir.join("a.parquet"), 2);
    assert_parquet_rows(&dir.join("b.parquet"), 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("b.tsv")).unwrap(),
        "x\ty\n1\t2\n"
    );
}

#[test]
fn second_path_with_an_input_extension_after_a_glob_is_an_input_not_overwritten() {
    // `convert 'a*.csv' b.csv`: b.csv is a CSV file, never an OUTPUT that
    // would receive Parquet bytes (with --force it would be destroyed).
    let dir = TestDir::new();
    dir.write("a1.csv", CSV);
    dir.write("b.csv", "x,y\n3,4\n");
    let run = dir
        .cmd()
        .args(["convert", "a*.csv", "b.csv", "--force"])
        .run();
    let b = std::fs::read(dir.join("b.csv")).unwrap();
    run.check(
        b == b"x,y\n3,4\n",
        &format!(
            "b.csv was overwritten (now starts with {:?})",
            String::from_utf8_lossy(&b[..b.len().min(4)])
        ),
    );
    run.check(run.code == Some(EXIT_OK), "expected both files converted");
    assert_parquet_rows(&dir.join("a1.parquet"), 2);
    assert_parquet_rows(&dir.join("b.parquet"), 1);
}

#[test]
fn output_and_output_dir_together_is_a_usage_error() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    let run = dir
        .cmd()
        .args(["convert", "data.csv", "out.parquet", "--output-dir", "o"])
        .assert_code(EXIT_USAGE);
    run.stderr_has("error:");
    assert!(!dir.join("out.parquet").exists());
    assert!(!dir.join("o").exists());
}

#[test]
fn existing_output_without_force_is_refused_and_left_untouched() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    dir.write("data.parquet", b"old bytes");
    let run = dir
        .cmd()
        .args(["convert", "data.csv"])
        .assert_code(EXIT_FAILED);
    run.stdout_empty()
        .error_names("data.csv")
        .stderr_has("--force");
    assert_eq!(
        std::fs::read(dir.join("data.parquet")).unwrap(),
        b"old bytes"
    );
    assert_eq!(
        dir.listing(),
        ["data.csv", "data.parquet"],
        "no temporary file left"
    );
    // Same with an explicit OUTPUT.
    dir.write("kept.parquet", b"keep me");
    dir.cmd()
        .args(["convert", "data.csv", "kept.parquet"])
        .assert_code(EXIT_FAILED);
    assert_eq!(std::fs::read(dir.join("kept.parquet")).unwrap(), b"keep me");
}

#[test]
fn force_replaces_an_existing_output() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    dir.write("data.parquet", b"old bytes");
    dir.convert_ok(["data.csv", "--force"]);
    assert_parquet_rows(&dir.join("data.parquet"), 2);
    assert_eq!(dir.listing(), ["data.csv", "data.parquet"]);
}

#[test]
fn one_existing_output_without_force_means_nothing_is_converted() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("b.csv", CSV);
    dir.write("a.parquet", b"old");
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "b.csv"])
        .assert_code(EXIT_FAILED);
    run.error_names("a.csv").stderr_has("skipped");
    assert!(!dir.join("b.parquet").exists());
    assert_eq!(std::fs::read(dir.join("a.parquet")).unwrap(), b"old");
}

#[test]
fn two_inputs_sharing_an_output_dir_name_is_a_usage_error_writing_nothing() {
    let dir = TestDir::new();
    dir.write("x/data.csv", CSV);
    dir.write("y/data.csv", CSV);
    let run = dir
        .cmd()
        .args(["convert", "x/data.csv", "y/data.csv", "--output-dir", "out"])
        .assert_code(EXIT_USAGE);
    run.stderr_has("data.parquet").stdout_empty();
    assert_no_output_left(&dir.join("out"));
    assert_no_output_left(&dir.join("x"));
    assert_no_output_left(&dir.join("y"));
}

#[test]
fn a_glob_of_several_inputs_into_one_output_is_a_usage_error() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("b.csv", CSV);
    dir.cmd()
        .args(["convert", "*.csv", "all.parquet"])
        .assert_code(EXIT_USAGE);
    assert_no_output_left(dir.path());
}

#[test]
fn the_same_input_named_twice_is_converted_once() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    let run = dir.convert_ok(["a.csv", "./a.csv", "--json"]);
    assert_eq!(run.json()["converted"], 1);
    assert_parquet_rows(&dir.join("a.parquet"), 2);
}

#[test]
fn output_equal_to_input_is_a_usage_error() {
    let dir = TestDir::new();
    dir.write("data.dat", CSV);
    dir.cmd()
        .args(["convert", "data.dat", "data.dat"])
        .assert_code(EXIT_USAGE);
    dir.cmd()
        .args(["convert", "data.dat", "./data.dat", "--force"])
        .assert_code(EXIT_USAGE);
    assert_eq!(std::fs::read_to_string(dir.join("data.dat")).unwrap(), CSV);
    assert_eq!(dir.listing(), ["data.dat"]);
}

#[test]
fn text_output_for_csv_is_refused() {
    let dir = TestDir::new();
    dir.write("data.csv", CSV);
    let run = dir
        .cmd()
        .args(["convert", "data.csv", "-f", "txt"])
        .assert_code(EXIT_USAGE);
    run.stderr_has("hint:");
    dir.cmd()
        .args([
            "convert",
            "data.csv",
            "--format",
            "txt",
            "--output-dir",
            "o",
        ])
        .assert_code(EXIT_USAGE);
    dir.cmd()
        .args(["convert", "data.csv", "out.txt"])
        .assert_code(EXIT_USAGE);
    dir.cmd()
        .args(["convert", "data.csv", "out.TXT", "-f", "parquet"])
        .assert_code(EXIT_USAGE);
    assert_eq!(dir.listing(), ["data.csv"], "no .txt, no .parquet");
    // -f parquet is the default for CSV and works.
    dir.convert_ok(["data.csv", "-f", "parquet"]);
    assert_parquet_rows(&dir.join("data.parquet"), 2);
}

#[test]
fn a_directory_expands_to_its_supported_files_only() {
    let dir = TestDir::new();
    dir.write("in/a.csv", CSV);
    dir.write("in/b.TSV", "x\ty\n1\t2\n");
    dir.write("in/.hidden.csv", CSV);
    dir.write("in/notes.md", "# notes\n");
    dir.write("in/readme.txt", "a,b\n1,2\n");
    dir.write("in/sub/c.csv", CSV);
    let run = dir.convert_ok(["in", "--json"]);
    let doc = run.json();
    assert_eq!(doc["converted"], 2, "{doc:#}");
    assert_parquet_rows(&dir.join("in/a.parquet"), 2);
    assert_parquet_rows(&dir.join("in/b.parquet"), 1);
    assert!(!dir.join("in/.hidden.parquet").exists());
    assert!(!dir.join("in/readme.parquet").exists());
    assert!(!dir.join("in/sub/c.parquet").exists(), "not recursive");
}

#[test]
fn quoted_glob_patterns_are_expanded_by_pyforge() {
    let dir = TestDir::new();
    dir.write("in/a.csv", CSV);
    dir.write("in/b.csv", CSV);
    dir.write("in/c.tsv", "x\ty\n1\t2\n");
    dir.convert_ok(["in/*.csv", "--output-dir", "out"]);
    assert_eq!(listing(&dir.join("out")), ["a.parquet", "b.parquet"]);
    // A pattern that matches nothing is an error naming it.
    let run = dir
        .cmd()
        .args(["convert", "in/*.xyz"])
        .assert_code(EXIT_FAILED);
    run.error_names("in/*.xyz");
}

#[test]
fn jobs_two_converts_several_inputs_each_correctly() {
    let dir = TestDir::new();
    let mut names = Vec::new();
    for i in 0..6 {
        let mut csv = String::from("n,label\n");
        for row in 0..(i * 100 + 1) {
            csv.push_str(&format!("{row},file{i}\n"));
        }
        let name = format!("f{i}.csv");
        dir.write(&name, csv);
        names.push(name);
    }
    let run = dir
        .cmd()
        .arg("convert")
        .args(&names)
        .args(["--jobs", "2", "--json"])
        .assert_code(EXIT_OK);
    assert_eq!(run.json()["converted"], 6);
    for i in 0..6 {
        let table = read_parquet(&dir.join(format!("f{i}.parquet")));
        assert_eq!(table.num_rows(), i * 100 + 1);
        assert_eq!(table.column("label")[0], s(&format!("file{i}")));
    }
    dir.cmd()
        .args(["convert", "f0.csv", "--jobs", "0", "--force"])
        .assert_code(EXIT_USAGE);
}

#[test]
fn without_keep_going_a_failure_skips_the_rest() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("b.csv", "");
    dir.write("c.csv", CSV);
    let run = dir
        .cmd()
        .args([
            "convert", "a.csv", "b.csv", "c.csv", "--jobs", "1", "--json",
        ])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    let statuses: Vec<&str> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["converted", "failed", "skipped"], "{doc:#}");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["skipped"], 1);
    assert!(dir.join("a.parquet").exists());
    assert!(!dir.join("c.parquet").exists());
    assert_eq!(dir.listing(), ["a.csv", "a.parquet", "b.csv", "c.csv"]);
}

#[test]
fn with_keep_going_the_others_convert_and_the_exit_code_is_still_1() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("b.csv", "");
    dir.write("c.csv", CSV);
    let run = dir
        .cmd()
        .args([
            "convert",
            "a.csv",
            "b.csv",
            "c.csv",
            "--jobs",
            "1",
            "--keep-going",
        ])
        .assert_code(EXIT_FAILED);
    run.error_names("b.csv").stderr_has("2 converted, 1 failed");
    assert_parquet_rows(&dir.join("a.parquet"), 2);
    assert_parquet_rows(&dir.join("c.parquet"), 2);
    assert!(!dir.join("b.parquet").exists());
}

#[test]
fn an_input_rejected_while_planning_stops_everything_unless_keep_going() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    dir.write("c.csv", CSV);
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "missing.csv", "c.csv", "--json"])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert_eq!(doc["converted"], 0, "{doc:#}");
    assert_eq!(doc["failed"], 1);
    assert_eq!(doc["skipped"], 2);
    assert_no_output_left(dir.path());

    let run = dir
        .cmd()
        .args([
            "convert",
            "a.csv",
            "missing.csv",
            "c.csv",
            "--keep-going",
            "--json",
        ])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert_eq!(doc["converted"], 2, "{doc:#}");
    assert_eq!(doc["failed"], 1);
    assert_parquet_rows(&dir.join("a.parquet"), 2);
    assert_parquet_rows(&dir.join("c.parquet"), 2);
}

#[test]
fn json_summary_describes_every_input() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    let run = dir.convert_ok(["a.csv", "--json"]);
    let doc = run.json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["pyforge_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["converted"], 1);
    assert_eq!(doc["failed"], 0);
    assert_eq!(doc["skipped"], 0);
    let input = &doc["inputs"][0];
    assert_eq!(input["input"], "a.csv");
    assert_eq!(input["format"], "csv");
    assert_eq!(input["status"], "converted");
    assert_eq!(
        input["output"].as_str().map(|o| o.ends_with("a.parquet")),
        Some(true)
    );
    assert_eq!(input["rows"], 2);
    assert_eq!(input["columns"], 2);
    assert_eq!(
        input["bytes"].as_u64(),
        Some(std::fs::metadata(dir.join("a.parquet")).unwrap().len())
    );
    assert!(input["seconds"].as_f64().is_some());
    assert!(input["notes"].as_array().is_some());

    dir.write("t.csv", "a,b\n1,\"open");
    let run = dir
        .cmd()
        .args(["convert", "t.csv", "--json"])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert_eq!(doc["ok"], false);
    let input = &doc["inputs"][0];
    assert_eq!(input["status"], "failed");
    assert!(
        input["error"]
            .as_str()
            .is_some_and(|e| e.contains("truncated")),
        "{doc:#}"
    );
    assert!(input["hint"].as_str().is_some());
    assert!(input.get("output").is_none());
}

#[test]
fn quiet_prints_only_errors() {
    let dir = TestDir::new();
    dir.write("a.csv", CSV);
    let run = dir.convert_ok(["a.csv", "-q"]);
    run.check(run.stderr.is_empty(), "expected nothing on stderr with -q");
    run.stdout_empty();
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "-q"])
        .assert_code(EXIT_FAILED);
    run.error_names("a.csv");
}

#[test]
fn two_inputs_with_one_stem_beside_each_other_get_a_hint_that_fits() {
    let dir = TestDir::new();
    dir.write("x.csv", CSV);
    dir.write("x.tsv", "a\tb\n1\t2\n");
    let run = dir
        .cmd()
        .args(["convert", "x.csv", "x.tsv"])
        .assert_code(EXIT_USAGE);
    run.stderr_has("would both write");
    run.check(
        !run.stderr.contains("--output-dir"),
        "no advice to drop an --output-dir that was never given",
    );
    assert_eq!(dir.listing(), ["x.csv", "x.tsv"]);
}
