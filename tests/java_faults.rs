//! Every wait on Java has a limit, and nothing Java started outlives pyforge:
//! fault-injecting `java` scripts that hang in `java -version`, never say
//! hello, or cannot create a JVM, with `--timeout`, SIGTERM, and the checks
//! on `--memory-limit`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::access::jars_dir;
use crate::java_helper::generated;
use crate::util::{pyforge_bin, TestCommand, TestDir, EXIT_FAILED, EXIT_USAGE};

/// What `java -XshowSettings:properties -version` prints, for a script that
/// must pass for Java 17.
const VERSION_ANSWER: &str =
    "echo '    java.version = 17.0.15' >&2; echo '    java.vendor = Test' >&2";

/// A `java` script: `version` runs for `-version`, `helper` for the helper.
/// Returns its path; the script writes the pid of what it leaves running to
/// `pid` in the test folder.
fn fake_java(dir: &TestDir, version: &str, helper: &str) -> PathBuf {
    let script = dir.write(
        "java",
        format!("#!/bin/sh\ncase \"$*\" in\n  *-version*) {version} ;;\n  *) {helper} ;;\nesac\n"),
    );
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    script
}

/// Sleeps in a child whose pid goes to `pid`, so the test can see it die.
fn hang(dir: &TestDir) -> String {
    format!(
        "echo junk >&2; sleep 300 & echo $! > '{}'; wait",
        dir.join("pid").display()
    )
}

fn convert(dir: &TestDir, java: &Path, args: &[&str]) -> TestCommand {
    std::fs::copy(generated().join("types.mdb"), dir.join("types.mdb")).unwrap();
    dir.cmd()
        .env("PYFORGE_JAVA", java)
        .env("PYFORGE_JARS_DIR", jars_dir())
        .args(["convert", "types.mdb"])
        .args(args)
}

fn is_gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
    }
}

fn assert_hang_ended(dir: &TestDir) {
    let pid = std::fs::read_to_string(dir.join("pid")).expect("the script started its sleep");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !is_gone(&pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(is_gone(&pid), "process {} outlived pyforge", pid.trim());
}

#[test]
fn a_java_that_hangs_in_version_fails_within_the_timeout() {
    let dir = TestDir::new();
    let java = fake_java(&dir, &hang(&dir), "exit 1");
    let started = Instant::now();
    let run = convert(&dir, &java, &["--timeout", "2"]).assert_code(EXIT_FAILED);
    run.stderr_has("did not answer within 2s");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "bounded by --timeout"
    );
    assert_hang_ended(&dir);
    // env-info answers too, reporting the Java it could not use.
    let run = dir
        .cmd()
        .env("PYFORGE_JAVA", &java)
        .env("PYFORGE_TIMEOUT", "2")
        .args(["env-info", "--no-start"])
        .run();
    run.check(
        run.stderr.contains("did not answer") || run.stdout.contains("did not answer"),
        "env-info names the hang",
    );
}

#[test]
fn a_helper_that_never_says_hello_fails_within_the_timeout_without_retries() {
    let dir = TestDir::new();
    let java = fake_java(&dir, VERSION_ANSWER, &hang(&dir));
    let run = convert(&dir, &java, &["--timeout", "3", "-v"]).assert_code(EXIT_FAILED);
    run.stderr_has("within 3s");
    run.check(!run.stderr.contains("retry"), "a timeout is not retried");
    assert_hang_ended(&dir);
}

#[test]
fn a_jvm_that_cannot_start_is_not_retried_and_says_why() {
    let dir = TestDir::new();
    let count = dir.join("starts");
    let java = fake_java(
        &dir,
        VERSION_ANSWER,
        &format!(
            "echo x >> '{}'; echo 'Invalid maximum heap size: -Xmx99999999m' >&2; \
             echo 'Error: Could not create the Java Virtual Machine.' >&2; \
             echo 'Error: A fatal exception has occurred. Program will exit.' >&2; exit 1",
            count.display()
        ),
    );
    let run = convert(&dir, &java, &[]).assert_code(EXIT_FAILED);
    run.stderr_has("Invalid maximum heap size");
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 1);
}

#[test]
fn a_memory_limit_beyond_the_machine_is_a_usage_error() {
    let dir = TestDir::new();
    dir.write("a.mdb", "x");
    for value in ["9999999999999999999999g", "100000000g"] {
        dir.cmd()
            .args(["convert", "a.mdb", "--memory-limit", value])
            .assert_code(EXIT_USAGE)
            .stderr_has("machine's memory");
    }
}

/// Starts `pyforge convert` with `java`, waits for the script's sleep, sends
/// SIGTERM, and checks that pyforge exits 130 leaving nothing running.
fn sigterm_while_waiting(dir: &TestDir, java: &Path) {
    std::fs::copy(generated().join("types.mdb"), dir.join("types.mdb")).unwrap();
    let mut child = Command::new(pyforge_bin())
        .current_dir(dir.path())
        .env("PYFORGE_JAVA", java)
        .env("PYFORGE_JARS_DIR", jars_dir())
        .env("PYFORGE_PROGRESS", "0")
        .args(["convert", "types.mdb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.join("pid").exists()
        || std::fs::read_to_string(dir.join("pid"))
            .unwrap()
            .trim()
            .is_empty()
    {
        assert!(Instant::now() < deadline, "the fake java never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_hang_ended(dir);
    assert!(!dir.join("types_parquet").exists());
}

#[test]
fn sigterm_during_the_version_probe_leaves_no_process() {
    let dir = TestDir::new();
    let java = fake_java(&dir, &hang(&dir), "exit 1");
    sigterm_while_waiting(&dir, &java);
}

#[test]
fn sigterm_while_waiting_for_hello_leaves_no_process() {
    let dir = TestDir::new();
    let java = fake_java(&dir, VERSION_ANSWER, &hang(&dir));
    sigterm_while_waiting(&dir, &java);
}

#[test]
fn each_helper_gets_a_private_temp_folder_and_killed_runs_leftovers_go() {
    let dir = TestDir::new();
    let temp = dir.mkdir("tmp");
    // What a SIGKILLed run left: a helper folder with a mirror file in it.
    let left = temp.join(".pyforge-helper.999999-0.tmp");
    std::fs::create_dir(&left).unwrap();
    std::fs::write(left.join("mirror.data"), "x").unwrap();
    let args_log = dir.join("args");
    let java = fake_java(
        &dir,
        "exec java \"$@\"",
        &format!("echo \"$@\" >> '{}'; exec java \"$@\"", args_log.display()),
    );
    convert(&dir, &java, &["--temp-dir", temp.to_str().unwrap()]).assert_code(crate::util::EXIT_OK);
    let args = std::fs::read_to_string(&args_log).unwrap();
    let tmpdir = args
        .split_whitespace()
        .find_map(|a| a.strip_prefix("-Djava.io.tmpdir="))
        .expect("java.io.tmpdir is set");
    assert!(
        tmpdir.starts_with(&format!("{}/.pyforge-helper.", temp.display())),
        "{tmpdir}"
    );
    assert!(!Path::new(tmpdir).exists(), "removed with the helper");
    assert!(!left.exists(), "the killed run's folder was removed");
    assert_eq!(crate::util::all_names(&temp), Vec::<String>::new());
}
