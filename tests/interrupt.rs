//! ctrl-c / SIGTERM in the middle of a conversion: exit code 130 and no
//! temporary or partial output left behind.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{assert_no_output_left, pyforge_bin, TestDir};

fn is_temp_output(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Also: with `--json`, the summary of what was done is still printed, the
/// input being converted marked `interrupted` and the rest `skipped`.
#[test]
fn sigterm_while_writing_removes_the_temporary_file() {
    let dir = TestDir::new();
    let mut csv = String::from("id,name,amount,day\n");
    for i in 0..1_500_000u32 {
        let _ = writeln!(
            csv,
            "{i},name {i},{}.25,2024-01-{:02}",
            i % 1000,
            i % 28 + 1
        );
    }
    dir.write("big.csv", &csv);
    dir.write("a_small.csv", "x\n1\n");
    dir.write("later.csv", "x\n1\n");
    let out = dir.mkdir("out");

    let mut child = Command::new(pyforge_bin())
        .current_dir(dir.path())
        .env("PYFORGE_PROGRESS", "0")
        .args(["convert", "a_small.csv", "big.csv", "later.csv"])
        .args(["--output-dir", "out", "--jobs", "1", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyforge starts");

    // The temporary file appears once the first pass is done.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut saw_temp = false;
    while Instant::now() < deadline {
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if names.iter().any(|n| is_temp_output(n) && n.contains("big")) {
            saw_temp = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        saw_temp,
        "the conversion ended before its temporary file could be seen; make the input larger"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = child.wait_with_output().expect("pyforge exits");
    assert_eq!(
        output.status.code(),
        Some(130),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("a JSON summary on stdout");
    assert_eq!(summary["interrupted"], true, "{summary}");
    assert_eq!(summary["ok"], false);
    let statuses: Vec<&str> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["converted", "interrupted", "skipped"],
        "{summary}"
    );
    // Only the finished output stays.
    std::fs::remove_file(out.join("a_small.parquet")).unwrap();
    std::fs::remove_file(out.join(".a_small.parquet.pyforge.json")).unwrap();
    assert_no_output_left(&out);
}
