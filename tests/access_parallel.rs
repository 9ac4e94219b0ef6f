//! Several databases in one call convert side by side (`--jobs`), each
//! with its own helper JVM, and each comes out exactly as it does alone.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::access::{convert, copy_in, jars_dir};
use crate::access_interrupt::helper_children_of;
use crate::java_helper::generated;
use crate::util::{listing, pyforge_bin, read_parquet, TestDir, EXIT_OK};

#[test]
fn five_databases_convert_at_once_with_a_helper_each() {
    let dir = TestDir::new();
    copy_in(&dir, &generated().join("types.accdb"));
    convert(&dir, &["types.accdb", "--output-dir", "alone"]).assert_code(EXIT_OK);
    let names: Vec<String> = (1..=5).map(|i| format!("db{i}.accdb")).collect();
    for name in &names {
        std::fs::copy(dir.join("types.accdb"), dir.join(name)).unwrap();
    }

    let mut child = Command::new(pyforge_bin())
        .current_dir(dir.path())
        .env("PYFORGE_JARS_DIR", jars_dir())
        .args([
            "convert",
            "--jobs",
            "5",
            "--output-dir",
            "together",
            "--json",
        ])
        .args(&names)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Watch the helper JVMs while the run lasts.
    let mut most_at_once = 0;
    let mut seen = std::collections::BTreeSet::new();
    while child.try_wait().unwrap().is_none() {
        let helpers = helper_children_of(child.id());
        most_at_once = most_at_once.max(helpers.len());
        seen.extend(helpers);
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["converted"], 5, "{doc:#}");
    assert_eq!(seen.len(), 5, "one helper JVM per database");
    assert_eq!(most_at_once, 5, "the five helpers ran side by side");

    let alone = dir.join("alone/types_parquet");
    for name in &names {
        let stem = name.trim_end_matches(".accdb");
        let together = dir.join(format!("together/{stem}_parquet"));
        assert_eq!(listing(&together), listing(&alone), "{name}");
        for file in listing(&alone) {
            let a = read_parquet(&alone.join(&file));
            let t = read_parquet(&together.join(&file));
            assert_eq!(
                (&a.names, &a.types, &a.columns),
                (&t.names, &t.types, &t.columns),
                "{name} {file}"
            );
        }
    }
}
