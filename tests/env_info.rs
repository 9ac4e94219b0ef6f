//! `pyforge env-info`: the Java found, the JAR set, the helper started for
//! real, and the JVM options; exit 1 when something Access needs is missing.

use crate::jars::real_jars;
use crate::util::{TestDir, EXIT_FAILED, EXIT_OK};

#[test]
fn with_java_and_the_jar_set_the_helper_starts() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    dir.cmd()
        .args(["jars", "install", "--from"])
        .arg(real_jars())
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_OK);
    let doc = dir
        .cmd()
        .args(["env-info", "--json", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert!(doc["java"]["major"].as_u64().unwrap() >= 8, "{doc:#}");
    assert!(doc["java"]["path"].as_str().unwrap().ends_with("java"));
    assert_eq!(doc["jar_set"]["verified"], true);
    assert_eq!(doc["helper"]["started"], true, "{doc:#}");
    assert_eq!(doc["helper"]["jars"]["jackcess"], "4.0.11", "{doc:#}");
    assert_eq!(doc["add_ons"][0]["add_on"], "encrypt", "{doc:#}");
    let options: Vec<&str> = doc["jvm_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    for wanted in [
        "-Xmx1024m",
        "-Dfile.encoding=UTF-8",
        "-Djava.awt.headless=true",
        "-Duser.timezone=UTC",
        "-Dcom.healthmarketscience.jackcess.charset.VERSION_3=windows-1252",
    ] {
        assert!(
            options.contains(&wanted),
            "{wanted} missing from {options:?}"
        );
    }
    assert!(options.iter().any(|o| o.starts_with("-Djava.io.tmpdir=")));

    let text = dir
        .cmd()
        .args(["env-info", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    text.stdout_has("started on Java")
        .stdout_has("jackcess 4.0.11");
}

#[test]
fn a_missing_java_lists_every_place_looked() {
    let dir = TestDir::new();
    let empty = dir.mkdir("empty-path");
    let run = dir
        .cmd()
        .env("PATH", &empty)
        .env("JAVA_HOME", dir.join("no-jdk"))
        .args(["env-info", "--json"])
        .assert_code(EXIT_OK);
    let doc = run.json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["access"]["ready"], false);
    let problem = doc["access"]["problem"].as_str().unwrap();
    assert!(problem.starts_with("no usable Java"), "{problem}");
    let error = doc["java_error"].as_str().unwrap();
    for place in ["--java", "PYFORGE_JAVA", "JAVA_HOME", "PATH"] {
        assert!(error.contains(place), "{place} not in {error}");
    }
}

#[test]
fn an_explicit_java_that_is_missing_is_not_replaced_by_another() {
    let dir = TestDir::new();
    let run = dir
        .cmd()
        .args([
            "env-info",
            "--json",
            "--check",
            "--java",
            "/nonexistent/bin/java",
        ])
        .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert!(doc["java"].is_null(), "{doc:#}");
    let error = doc["java_error"].as_str().unwrap();
    assert!(error.contains("/nonexistent/bin/java"), "{error}");
}

#[test]
fn a_missing_jar_set_is_reported_with_a_hint() {
    let dir = TestDir::new();
    // The report is made: exit 0, and the first conversion will install it.
    let run = dir
        .cmd()
        .args(["env-info", "--no-start", "--jars-dir"])
        .arg(dir.join("empty"))
        .env("PYFORGE_MAVEN_REPO", "http://127.0.0.1:9/maven2")
        .assert_code(EXIT_OK);
    run.stdout_has("installed: no")
        .stdout_has("jackcess-4.0.11.jar is missing")
        .stdout_has("pyforge jars install");
    // --check: the set must come from a repository that cannot be reached.
    let check = dir
        .cmd()
        .args(["env-info", "--check", "--no-start", "--jars-dir"])
        .arg(dir.join("empty"))
        .env("PYFORGE_MAVEN_REPO", "http://127.0.0.1:9/maven2")
        .assert_code(EXIT_FAILED);
    check
        .stdout_has("access:      not ready: the ucanaccess 4.0.4 JAR set is not installed and the repository cannot be reached")
        .stderr_has("error: the ucanaccess 4.0.4 JAR set is not installed");
    // Offline, the same without asking the network.
    dir.cmd()
        .args([
            "env-info",
            "--check",
            "--no-start",
            "--offline",
            "--jars-dir",
        ])
        .arg(dir.join("empty"))
        .assert_code(EXIT_FAILED)
        .stderr_has("--offline (PYFORGE_OFFLINE) forbids downloading it");
}

#[test]
fn memory_limit_sets_the_heap_of_the_jvm_options() {
    let dir = TestDir::new();
    let doc = dir
        .cmd()
        .args([
            "env-info",
            "--json",
            "--no-start",
            "--memory-limit",
            "2g",
            "--jars-dir",
        ])
        .arg(dir.join("cache"))
        .run()
        .json();
    let options = doc["jvm_options"]
        .as_array()
        .expect("options even without the JAR set");
    assert!(options.iter().any(|o| o == "-Xmx2048m"), "{options:?}");
    let bad = dir.cmd().args(["env-info", "--memory-limit", "lots"]).run();
    bad.check(bad.code == Some(2), "a bad size is a usage error");
}
