//! Killing pyforge during an Access conversion leaves no JVM behind: the
//! helper exits when its stdin closes, whatever ends pyforge (SIGTERM, or
//! SIGKILL where no handler runs).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::jars::real_jars;
use crate::util::{assert_no_output_left, pyforge_bin, TestCommand, TestDir, EXIT_OK};

/// The pid of a helper JVM whose parent is `parent`, if one runs.
fn helper_child_of(parent: u32) -> Option<u32> {
    helper_children_of(parent).first().copied()
}

/// The pids of the helper JVMs whose parent is `parent`.
pub fn helper_children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children = Vec::new();
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if !String::from_utf8_lossy(&cmdline).contains("dev.pyforge.helper.Main") {
            continue;
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let ppid = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|v| v.trim().parse::<u32>().ok());
        if ppid == Some(parent) && !is_gone(pid) {
            children.push(pid);
        }
    }
    children
}

fn is_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.split_whitespace().nth(2) == Some("Z"),
    }
}

fn install_jars(cache: &Path) {
    TestCommand::new(cache.parent().unwrap())
        .args(["jars", "install", "--from"])
        .arg(real_jars())
        .arg("--jars-dir")
        .arg(cache)
        .assert_code(EXIT_OK);
}

/// Starts a conversion, waits for its helper JVM, sends `signal` to pyforge
/// and returns pyforge's exit code once the JVM is gone too.
fn kill_during_conversion(dir: &TestDir, signal: &str) -> Option<i32> {
    let cache = dir.join("cache");
    install_jars(&cache);
    std::fs::copy(
        crate::java_helper::generated().join("types.accdb"),
        dir.join("types.accdb"),
    )
    .unwrap();
    let mut child = Command::new(pyforge_bin())
        .current_dir(dir.path())
        .env("PYFORGE_PROGRESS", "0")
        .env("PYFORGE_JARS_DIR", &cache)
        .args(["convert", "types.accdb", "--output-dir", "out"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let jvm = loop {
        if let Some(pid) = helper_child_of(child.id()) {
            break pid;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the conversion ended before its helper JVM was seen"
        );
        assert!(Instant::now() < deadline, "no helper JVM appeared");
        std::thread::sleep(Duration::from_millis(2));
    };
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !is_gone(jvm) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        is_gone(jvm),
        "helper JVM {jvm} still runs after pyforge got {signal}"
    );
    code
}

#[test]
fn sigterm_ends_the_helper_and_leaves_no_output() {
    let dir = TestDir::new();
    let code = kill_during_conversion(&dir, "-TERM");
    assert_eq!(code, Some(130));
    if dir.join("out").exists() {
        assert_no_output_left(&dir.join("out"));
    }
}

#[test]
fn sigkill_of_pyforge_still_ends_the_helper() {
    let dir = TestDir::new();
    let code = kill_during_conversion(&dir, "-KILL");
    assert_eq!(code, None, "killed by a signal");
}
