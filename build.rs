//! Builds the Java helper that reads Access databases and hands its jar to
//! the crate (`src/jvm/helper_jar.rs` embeds it).
//!
//! The sources in `java-helper/` are compiled with `javac --release 8` (class
//! major version 52, so the helper runs on Java 8 through 25) against the
//! UCanAccess 4.0.4 JAR set, then packed with the `zip` crate into
//! `$OUT_DIR/pyforge-helper.jar`: entries sorted, every timestamp
//! 1980-01-01, so the same sources give the same bytes and the same SHA-256.
//! The fixture program (`java-helper/src/fixtures/`) goes into
//! `$OUT_DIR/pyforge-fixtures.jar`, which only the tests use.
//!
//! What the crate gets (`cargo:rustc-env`):
//! - `PYFORGE_HELPER_JAR_SHA256`: hex SHA-256 of the helper jar;
//! - `PYFORGE_FIXTURES_JAR`: path of the fixture jar (tests);
//! - `PYFORGE_BUILD_JARS_DIR`: the JAR-set folder the helper was compiled
//!   against (tests run the helper with it).
//!
//! Inputs: `javac` from `$JAVA_HOME/bin`, else `PATH`; the five JARs from
//! `$PYFORGE_BUILD_JARS`, else `.jars/ucanaccess-4.0.4/` beside Cargo.toml
//! (`scripts/fetch-jars.sh` puts them there). A missing javac, a javac
//! without `--release` (JDK 8's) or a missing JAR stops the build with a
//! message saying what to do: pyforge is never built without its helper.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The JAR set the helper compiles against (DESIGN.md §3, `jars/`).
const JAR_SET: [&str; 5] = [
    "ucanaccess-4.0.4.jar",
    "jackcess-4.0.11.jar",
    "hsqldb-2.5.0.jar",
    "commons-lang3-3.8.1.jar",
    "commons-logging-1.2.jar",
];

const HELPER_PACKAGE: &str = "dev/pyforge/helper/";
const FIXTURES_PACKAGE: &str = "dev/pyforge/fixtures/";
const MAIN_CLASS: &str = "dev.pyforge.helper.Main";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let java_dir = manifest_dir.join("java-helper");
    println!("cargo:rerun-if-changed=java-helper");
    println!("cargo:rerun-if-env-changed=PYFORGE_BUILD_JARS");
    println!("cargo:rerun-if-env-changed=JAVA_HOME");
    emit_git_revision(&manifest_dir);

    let jars_dir = jar_set_dir(&manifest_dir);
    let jars = JAR_SET.map(|name| jars_dir.join(name));
    for jar in &jars {
        println!("cargo:rerun-if-changed={}", jar.display());
    }
    let javac = find_javac();

    let mut sources = Vec::new();
    collect(&java_dir.join("src/main/java"), "java", &mut sources);
    collect(&java_dir.join("src/fixtures/java"), "java", &mut sources);
    if sources.is_empty() {
        panic!("no Java sources under {}", java_dir.display());
    }
    sources.sort();

    let classes = out_dir.join("java-classes");
    if classes.exists() {
        fs::remove_dir_all(&classes).expect("clearing the old Java classes");
    }
    fs::create_dir_all(&classes).expect("creating the Java class folder");
    compile(&javac, &jars, &sources, &classes);

    let version = env!("CARGO_PKG_VERSION");
    let mut class_files = Vec::new();
    collect(&classes, "class", &mut class_files);
    let mut entries: Vec<(String, Vec<u8>)> = class_files
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(&classes)
                .expect("class under the class folder")
                .to_string_lossy()
                .replace('\\', "/");
            (name, fs::read(path).expect("reading a class file"))
        })
        .collect();
    entries.sort();

    let manifest = format!(
        "Manifest-Version: 1.0\r\nMain-Class: {MAIN_CLASS}\r\nImplementation-Title: pyforge helper\r\nImplementation-Version: {version}\r\n\r\n"
    );
    let mut helper = vec![("META-INF/MANIFEST.MF".to_string(), manifest.into_bytes())];
    helper.push((
        format!("{HELPER_PACKAGE}version.properties"),
        format!("helper_version={version}\n").into_bytes(),
    ));
    helper.extend(
        entries
            .iter()
            .filter(|(name, _)| name.starts_with(HELPER_PACKAGE))
            .cloned(),
    );
    let fixtures: Vec<(String, Vec<u8>)> = entries
        .iter()
        .filter(|(name, _)| name.starts_with(FIXTURES_PACKAGE))
        .cloned()
        .collect();

    let helper_jar = pack(&helper);
    fs::write(out_dir.join("pyforge-helper.jar"), &helper_jar).expect("writing the helper jar");
    let fixtures_jar = out_dir.join("pyforge-fixtures.jar");
    fs::write(&fixtures_jar, pack(&fixtures)).expect("writing the fixture jar");

    println!(
        "cargo:rustc-env=PYFORGE_HELPER_JAR_SHA256={}",
        sha256_hex(&helper_jar)
    );
    println!(
        "cargo:rustc-env=PYFORGE_FIXTURES_JAR={}",
        fixtures_jar.display()
    );
    println!(
        "cargo:rustc-env=PYFORGE_BUILD_JARS_DIR={}",
        jars_dir.display()
    );
}

/// The folder with the five JARs, or a build error naming what is missing.
fn jar_set_dir(manifest_dir: &Path) -> PathBuf {
    let (dir, source) = match env::var_os("PYFORGE_BUILD_JARS") {
        Some(dir) if !dir.is_empty() => (PathBuf::from(dir), "PYFORGE_BUILD_JARS"),
        _ => (
            manifest_dir.join(".jars").join("ucanaccess-4.0.4"),
            "the default location",
        ),
    };
    let missing: Vec<&str> = JAR_SET
        .iter()
        .copied()
        .filter(|name| !dir.join(name).is_file())
        .collect();
    if !missing.is_empty() {
        panic!(
            "\n\nerror: the Java helper cannot be built: the UCanAccess 4.0.4 JAR set is incomplete in {} ({source}).\n\
             missing: {}\n\
             hint: run scripts/fetch-jars.sh, or set PYFORGE_BUILD_JARS to a folder holding the five JARs.\n\n",
            dir.display(),
            missing.join(", ")
        );
    }
    dir.canonicalize().unwrap_or(dir)
}

/// `$JAVA_HOME/bin/javac`, else the first `javac` on `PATH`.
fn find_javac() -> PathBuf {
    let exe = if cfg!(windows) { "javac.exe" } else { "javac" };
    let mut looked = Vec::new();
    if let Some(home) = env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        let candidate = PathBuf::from(home).join("bin").join(exe);
        if candidate.is_file() {
            return candidate;
        }
        looked.push(format!("{} (from JAVA_HOME)", candidate.display()));
    } else {
        looked.push("$JAVA_HOME/bin (JAVA_HOME is not set)".to_string());
    }
    if let Some(path) = env::var_os("PATH") {
        for dir in env::split_paths(&path) {
            let candidate = dir.join(exe);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    looked.push("every folder on PATH".to_string());
    panic!(
        "\n\nerror: the Java helper cannot be built: no javac found.\n\
         looked in: {}\n\
         hint: install a JDK 9 or later (for example openjdk-17-jdk-headless) and set JAVA_HOME or put javac on PATH; \
         then run scripts/fetch-jars.sh for the JAR set if you have not.\n\n",
        looked.join("; ")
    );
}

fn compile(javac: &Path, jars: &[PathBuf], sources: &[PathBuf], classes: &Path) {
    let classpath = env::join_paths(jars).expect("a classpath from the JAR paths");
    let output = Command::new(javac)
        .arg("--release")
        .arg("8")
        .args(["-encoding", "UTF-8", "-g", "-Xlint:all,-options", "-d"])
        .arg(classes)
        .arg("-cp")
        .arg(&classpath)
        .args(sources)
        .output()
        .unwrap_or_else(|e| panic!("\n\nerror: cannot run {}: {e}\n\n", javac.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        if stderr.contains("--release") {
            panic!(
                "\n\nerror: {} does not support `--release 8` (a JDK 8 javac?).\n{stderr}\n\
                 hint: build with a JDK 9 or later (set JAVA_HOME); the helper still runs on Java 8.\n\n",
                javac.display()
            );
        }
        panic!(
            "\n\nerror: javac failed to compile the Java helper ({}):\n{stdout}{stderr}\n",
            javac.display()
        );
    }
    for line in stdout.lines().chain(stderr.lines()) {
        if !line.trim().is_empty() {
            println!("cargo:warning=javac: {line}");
        }
    }
}

/// Every file under `dir` whose extension is `ext`.
fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("reading a source folder").path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// A jar (zip) of `entries`, deterministic: given order, fixed time and mode.
fn pack(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(name.as_str(), options)
            .expect("adding a jar entry");
        writer.write_all(bytes).expect("writing a jar entry");
    }
    writer.finish().expect("finishing the jar").into_inner()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `PYFORGE_GIT_REVISION` for `pyforge --version`: the variable when it is
/// set (a build from a source archive), else the checkout's commit
/// (`git rev-parse --short=12 HEAD`, `-dirty` with uncommitted changes to
/// tracked files), else `unknown`.
fn emit_git_revision(manifest_dir: &Path) {
    println!("cargo:rerun-if-env-changed=PYFORGE_GIT_REVISION");
    let git_dir = manifest_dir.join(".git");
    if git_dir.is_dir() {
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        println!("cargo:rerun-if-changed={}", git_dir.join("index").display());
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(manifest_dir)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let revision = env::var("PYFORGE_GIT_REVISION")
        .ok()
        .filter(|r| !r.is_empty())
        .or_else(|| {
            let head = git(&["rev-parse", "--short=12", "HEAD"])?;
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|changes| !changes.is_empty());
            Some(if dirty { format!("{head}-dirty") } else { head })
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=PYFORGE_GIT_REVISION={revision}");
}
