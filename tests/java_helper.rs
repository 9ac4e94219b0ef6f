//! The Java helper against the real JVM and the real UCanAccess JAR set,
//! speaking protocol v1 as `src/jvm/protocol.rs` specifies it.
//!
//! The tests compile the protocol module themselves (`#[path]` below), so
//! the helper's messages are parsed with the very types the supervisor uses,
//! and run the very helper jar pyforge embeds (`build.rs` output; writing it
//! to disk is `src/jvm/helper_jar.rs`'s, tested there and by every Access
//! test of the binary). The JVM is spawned directly
//! (`java -cp <helper jar>:<JAR set> dev.pyforge.helper.Main`): the
//! supervisor is not part of this.
//!
//! Every test runs on each Java found: `PYFORGE_TEST_JAVA` (a list of `java`
//! executables, separated like `PATH`) if set, else `$JAVA_HOME/bin/java` or
//! `java` on `PATH`, plus one `java` per other major version installed under
//! `/usr/lib/jvm` (where Debian and the Temurin packages put them).
//!
//! The generated databases come from the fixture program
//! `java-helper/src/fixtures/java/dev/pyforge/fixtures/MakeFixtures.java`
//! (packed by build.rs into `PYFORGE_FIXTURES_JAR`); the shared corpus in
//! `../shared/fixtures/access/` is used when present, else those tests say
//! so and pass.

#[path = "../src/jvm/protocol.rs"]
mod protocol;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use protocol::{
    ByeRequest, CancelRequest, ClientHello, CloseRequest, Column, Engine, ErrorKind, ErrorResponse,
    HelperHello, OpenRequest, Opened, ReadEnd, ReadRequest, Request, Response, SchemaRequest,
    TableEntry, TableKind, TableSchema, TablesRequest, ValueEncoding, ValueType,
};

/// How long any single reply may take (UCanAccess loading a database is the
/// slowest step: about a second per fixture here).
const REPLY_TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------
// Javas, jars and fixtures

/// A `java` executable and its major version.
#[derive(Clone, Debug)]
struct Java {
    path: PathBuf,
    major: u32,
}

/// The Javas every test runs on (see the module documentation).
fn javas() -> &'static [Java] {
    static JAVAS: OnceLock<Vec<Java>> = OnceLock::new();
    JAVAS.get_or_init(|| {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(list) = std::env::var_os("PYFORGE_TEST_JAVA").filter(|v| !v.is_empty()) {
            candidates.extend(std::env::split_paths(&list));
        } else {
            candidates.push(default_java());
            if let Ok(entries) = std::fs::read_dir("/usr/lib/jvm") {
                let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                dirs.sort();
                candidates.extend(dirs.into_iter().map(|d| d.join("bin").join("java")));
            }
        }
        let mut found: Vec<Java> = Vec::new();
        for path in candidates {
            let Some(major) = java_major(&path) else {
                continue;
            };
            if !found.iter().any(|j| j.major == major) {
                found.push(Java { path, major });
            }
        }
        assert!(
            !found.is_empty(),
            "no working java found (set PYFORGE_TEST_JAVA or JAVA_HOME)"
        );
        eprintln!(
            "java_helper tests run on: {}",
            found
                .iter()
                .map(|j| format!("Java {} ({})", j.major, j.path.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        found
    })
}

fn default_java() -> PathBuf {
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        let java = PathBuf::from(home).join("bin").join("java");
        if java.is_file() {
            return java;
        }
    }
    PathBuf::from("java")
}

/// The major version from `java -version` (`1.8.0_392` → 8, `17.0.15` → 17,
/// `25` → 25), or None if it does not run.
fn java_major(java: &Path) -> Option<u32> {
    let out = Command::new(java).arg("-version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let version = text.split('"').nth(1)?;
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let first: u32 = parts.next()?.parse().ok()?;
    if first == 1 {
        parts.next()?.parse().ok()
    } else {
        Some(first)
    }
}

/// The JAR-set folder build.rs compiled the helper against.
fn jar_set() -> Vec<PathBuf> {
    let dir = Path::new(env!("PYFORGE_BUILD_JARS_DIR"));
    let mut jars: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the JAR-set folder build.rs used")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jar"))
        .collect();
    jars.sort();
    assert_eq!(jars.len(), 5, "the five JARs in {}", dir.display());
    jars
}

/// The helper jar pyforge embeds, as `build.rs` made it.
const HELPER_JAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pyforge-helper.jar"));

/// The helper jar, written into a temporary folder.
fn helper_jar() -> &'static Path {
    static JAR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &JAR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyforge-helper.jar");
        std::fs::write(&path, HELPER_JAR).expect("writing the helper jar");
        (dir, path)
    })
    .1
}

fn classpath(first: &Path) -> std::ffi::OsString {
    let mut parts = vec![first.to_path_buf()];
    parts.extend(jar_set());
    std::env::join_paths(parts).unwrap()
}

/// The databases `MakeFixtures` writes, generated once per test run.
pub fn generated() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let java = &javas()[0];
        let out = Command::new(&java.path)
            .arg("-cp")
            .arg(classpath(Path::new(env!("PYFORGE_FIXTURES_JAR"))))
            .arg("dev.pyforge.fixtures.MakeFixtures")
            .arg(dir.path())
            .output()
            .expect("running MakeFixtures");
        assert!(
            out.status.success(),
            "MakeFixtures failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .path()
}

/// The shared Access corpus, or None (with a note) when this checkout lacks
/// it (a failure in CI).
#[track_caller]
pub fn corpus() -> Option<PathBuf> {
    crate::util::fixtures_dir("access")
}

// ---------------------------------------------------------------------------
// A helper process

/// One running helper, spoken to line by line. Killed on drop.
struct Helper {
    java: Java,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// stdout lines that were not JSON (logged and skipped, as the
    /// supervisor must).
    skipped: Vec<String>,
    next_id: u64,
    hello: Option<HelperHello>,
}

impl Helper {
    /// Spawns the helper and reads its hello; does not answer it.
    fn spawn(java: &Java, jvm_args: &[&str], env: &[(&str, &str)]) -> Helper {
        Helper::spawn_with_jars(java, jvm_args, env, &[])
    }

    /// A helper with the encryption add-on's real JARs on its classpath too.
    fn start_with_encrypt(java: &Java) -> Helper {
        let add_on: Vec<PathBuf> = std::fs::read_dir(crate::jars::real_add_on_jars())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jar"))
            .collect();
        assert_eq!(add_on.len(), 2, "{add_on:?}");
        Helper::spawn_with_jars(java, &[], &[], &add_on).greeted()
    }

    fn spawn_with_jars(
        java: &Java,
        jvm_args: &[&str],
        env: &[(&str, &str)],
        extra_jars: &[PathBuf],
    ) -> Helper {
        let mut path: Vec<PathBuf> = std::env::split_paths(&classpath(helper_jar())).collect();
        path.extend_from_slice(extra_jars);
        let mut cmd = Command::new(&java.path);
        cmd.args(jvm_args)
            .arg("-cp")
            .arg(std::env::join_paths(path).unwrap())
            .arg(protocol::MAIN_CLASS)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {}: {e}", java.path.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut helper = Helper {
            java: java.clone(),
            child,
            stdin,
            lines,
            stderr,
            skipped: Vec::new(),
            next_id: 1,
            hello: None,
        };
        match helper.recv() {
            Some(Response::Hello(hello)) => helper.hello = Some(hello),
            other => helper.fail(&format!("expected the helper's hello, got {other:?}")),
        }
        helper
    }

    /// Spawns the helper and completes the handshake.
    fn start(java: &Java) -> Helper {
        Helper::start_with(java, &[], &[])
    }

    fn start_with(java: &Java, jvm_args: &[&str], env: &[(&str, &str)]) -> Helper {
        Helper::spawn(java, jvm_args, env).greeted()
    }

    /// This helper after pyforge's side of the hello.
    fn greeted(mut self) -> Helper {
        self.send(&Request::Hello(ClientHello {
            protocol_version: protocol::PROTOCOL_VERSION,
            client: Some("pyforge tests".into()),
        }));
        self
    }

    /// Panics with the helper's Java and the tail of its stderr.
    fn fail(&self, what: &str) -> ! {
        let stderr = self.stderr.lock().unwrap().clone();
        let tail: String = stderr
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "{what}\n  java: Java {} ({})\n  skipped stdout lines: {:?}\n  helper stderr (tail):\n{tail}",
            self.java.major,
            self.java.path.display(),
            self.skipped
        );
    }

    fn send_raw(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, request: &Request) {
        let line = serde_json::to_string(request).unwrap();
        self.send_raw(&line);
    }

    /// The next protocol message, skipping non-JSON lines; None at end of
    /// output.
    fn recv(&mut self) -> Option<Response> {
        loop {
            let line = match self.lines.recv_timeout(REPLY_TIMEOUT) {
                Ok(line) => line,
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => self.fail("no reply within the timeout"),
            };
            if !line.trim_start().starts_with('{') {
                self.skipped.push(line);
                continue;
            }
            match serde_json::from_str::<Response>(&line) {
                Ok(message) => return Some(message),
                Err(e) => self.fail(&format!(
                    "a stdout line does not follow the protocol ({e}): {line}"
                )),
            }
        }
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Sends a request and collects its replies up to the final one.
    fn call(&mut self, request: Request) -> (Vec<Vec<Value>>, usize, Response) {
        let id = match &request {
            Request::Open(r) => r.id,
            Request::Tables(r) => r.id,
            Request::Schema(r) => r.id,
            Request::Read(r) => r.id,
            Request::Close(r) => r.id,
            Request::Bye(r) => r.id,
            Request::Hello(_) | Request::Cancel(_) => panic!("no reply to wait for"),
        };
        self.send(&request);
        let mut rows = Vec::new();
        let mut batches = 0;
        loop {
            let Some(message) = self.recv() else {
                self.fail(&format!("the helper ended while answering {request:?}"))
            };
            if message.id() != Some(id) {
                self.fail(&format!("reply to another request: {message:?}"));
            }
            match message {
                Response::Rows(batch) => {
                    batches += 1;
                    rows.extend(batch.rows);
                }
                other => return (rows, batches, other),
            }
        }
    }

    fn open(&mut self, path: &Path, engine: Engine, password: Option<&str>) -> Response {
        let id = self.id();
        self.call(Request::Open(OpenRequest {
            id,
            path: path.to_str().unwrap().to_string(),
            engine: Some(engine),
            password: password.map(String::from),
            charset: None,
            mirror: None,
        }))
        .2
    }

    fn open_ok(&mut self, path: &Path, engine: Engine, password: Option<&str>) -> Opened {
        match self.open(path, engine, password) {
            Response::Opened(o) => o,
            other => self.fail(&format!(
                "opening {} with {engine:?}: {other:?}",
                path.display()
            )),
        }
    }

    fn open_err(&mut self, path: &Path, engine: Engine, password: Option<&str>) -> ErrorResponse {
        match self.open(path, engine, password) {
            Response::Error(e) => e,
            other => self.fail(&format!(
                "opening {} with {engine:?} should fail: {other:?}",
                path.display()
            )),
        }
    }

    fn tables(&mut self) -> Vec<TableEntry> {
        let id = self.id();
        match self.call(Request::Tables(TablesRequest { id })).2 {
            Response::Tables(t) => t.tables,
            other => self.fail(&format!("tables: {other:?}")),
        }
    }

    fn schema(&mut self, table: &str) -> Result<TableSchema, ErrorResponse> {
        let id = self.id();
        match self
            .call(Request::Schema(SchemaRequest {
                id,
                table: table.into(),
            }))
            .2
        {
            Response::Schema(s) => Ok(s),
            Response::Error(e) => Err(e),
            other => self.fail(&format!("schema {table}: {other:?}")),
        }
    }

    /// Reads a whole table: rows, number of `rows` messages, `read_end`.
    fn read(
        &mut self,
        table: &str,
        batch_rows: Option<u32>,
        limit: Option<u64>,
    ) -> Result<(Vec<Vec<Value>>, usize, ReadEnd), ErrorResponse> {
        let id = self.id();
        let (rows, batches, last) = self.call(Request::Read(ReadRequest {
            id,
            table: table.into(),
            batch_rows,
            limit,
            values: None,
            concurrent: None,
        }));
        match last {
            Response::ReadEnd(end) => Ok((rows, batches, end)),
            Response::Error(e) => Err(e),
            other => self.fail(&format!("read {table}: {other:?}")),
        }
    }

    /// Every row of `table` in the `values` encoding.
    fn read_encoded(&mut self, table: &str, values: ValueEncoding) -> Vec<Vec<Value>> {
        let id = self.id();
        let (rows, _, last) = self.call(Request::Read(ReadRequest {
            id,
            table: table.into(),
            batch_rows: None,
            limit: None,
            values: Some(values),
            concurrent: None,
        }));
        match last {
            Response::ReadEnd(_) => rows,
            other => self.fail(&format!("read {table}: {other:?}")),
        }
    }

    fn read_ok(&mut self, table: &str) -> (Vec<Vec<Value>>, ReadEnd) {
        match self.read(table, None, None) {
            Ok((rows, _, end)) => (rows, end),
            Err(e) => self.fail(&format!("reading {table}: {e:?}")),
        }
    }

    fn close(&mut self) {
        let id = self.id();
        match self.call(Request::Close(CloseRequest { id })).2 {
            Response::Closed(ack) => assert_eq!(ack.id, id),
            other => self.fail(&format!("close: {other:?}")),
        }
    }

    /// Says bye and waits for the exit.
    fn bye(mut self) -> ExitStatus {
        let id = self.id();
        match self.call(Request::Bye(ByeRequest { id })).2 {
            Response::Bye(ack) => assert_eq!(ack.id, id),
            other => self.fail(&format!("bye: {other:?}")),
        }
        self.wait_exit(Duration::from_secs(20))
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end, or fails the test.
    fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > within {
                self.fail(&format!("the helper is still running after {within:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `test` once per Java.
fn each_java(test: impl Fn(&Java)) {
    for java in javas() {
        test(java);
    }
}

/// The helper computes dates from their stored bits (`AccessDates`) instead of
/// through Jackcess' `LOCAL_DATE_TIME` mode: both must give the same
/// LocalDateTime for every stored value, on every Java here.
#[test]
fn dates_from_stored_bits_equal_jackcess_own() {
    each_java(|java| {
        let mut parts = vec![
            PathBuf::from(env!("PYFORGE_FIXTURES_JAR")),
            helper_jar().to_path_buf(),
        ];
        parts.extend(jar_set());
        let out = Command::new(&java.path)
            .arg("-cp")
            .arg(std::env::join_paths(parts).unwrap())
            .args(["dev.pyforge.fixtures.CheckDates", "2000000"])
            .output()
            .expect("running CheckDates");
        assert!(
            out.status.success(),
            "{}: {}",
            java.path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("no difference"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    });
}

// ---------------------------------------------------------------------------
// The jar

#[test]
fn every_class_file_targets_java_8() {
    for (label, bytes) in [
        ("helper", HELPER_JAR.to_vec()),
        (
            "fixtures",
            std::fs::read(env!("PYFORGE_FIXTURES_JAR")).unwrap(),
        ),
    ] {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut classes = 0;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            if !name.ends_with(".class") {
                continue;
            }
            let mut head = [0u8; 8];
            entry.read_exact(&mut head).unwrap();
            assert_eq!(head[..4], [0xCA, 0xFE, 0xBA, 0xBE], "{name}");
            let major = u16::from_be_bytes([head[6], head[7]]);
            assert_eq!(
                major, 52,
                "{name} in the {label} jar is not Java 8 bytecode"
            );
            classes += 1;
        }
        assert!(classes > 0, "no classes in the {label} jar");
    }
}

#[test]
fn the_jar_names_its_main_class_and_version() {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(HELPER_JAR)).unwrap();
    let mut manifest = String::new();
    archive
        .by_name("META-INF/MANIFEST.MF")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    assert!(manifest.contains(&format!("Main-Class: {}", protocol::MAIN_CLASS)));
    assert!(manifest.contains(&format!(
        "Implementation-Version: {}",
        env!("CARGO_PKG_VERSION")
    )));
}

// ---------------------------------------------------------------------------
// Lifecycle

#[test]
fn hello_both_ways_then_bye() {
    each_java(|java| {
        let helper = Helper::start(java);
        let hello = helper.hello.clone().unwrap();
        assert_eq!(hello.protocol_version, protocol::PROTOCOL_VERSION);
        assert_eq!(hello.helper_version, env!("CARGO_PKG_VERSION"));
        let java_version = hello.java_version.clone().unwrap();
        let major: u32 = java_version
            .trim_start_matches("1.")
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(major, java.major, "java_version {java_version}");
        assert!(hello.java_vendor.as_deref().is_some_and(|v| !v.is_empty()));
        let jars: BTreeMap<&str, Option<&str>> = hello
            .jars
            .iter()
            .map(|j| (j.name.as_str(), j.version.as_deref()))
            .collect();
        assert_eq!(
            jars,
            BTreeMap::from([
                ("commons-lang3", Some("3.8.1")),
                ("commons-logging", Some("1.2")),
                ("hsqldb", Some("2.5.0")),
                ("jackcess", Some("4.0.11")),
                ("ucanaccess", Some("4.0.4")),
            ])
        );
        for jar in &hello.jars {
            assert!(jar.file.as_deref().is_some_and(|f| f.ends_with(".jar")));
        }
        for feature in ["engine_jackcess", "engine_ucanaccess", "cancel"] {
            assert!(hello.features.iter().any(|f| f == feature), "{feature}");
        }
        let status = helper.bye();
        assert_eq!(status.code(), Some(0));
    });
}

#[test]
fn a_protocol_mismatch_names_both_versions_and_exits_2() {
    each_java(|java| {
        let mut helper = Helper::spawn(java, &[], &[]);
        helper.send(&Request::Hello(ClientHello {
            protocol_version: 99,
            client: None,
        }));
        match helper.recv() {
            Some(Response::Error(e)) => {
                assert_eq!(e.kind, ErrorKind::BadRequest);
                assert_eq!(e.id, None);
                assert!(
                    e.message.contains("99")
                        && e.message.contains(&protocol::PROTOCOL_VERSION.to_string()),
                    "{}",
                    e.message
                );
            }
            other => helper.fail(&format!("expected a mismatch error, got {other:?}")),
        }
        let status = helper.wait_exit(Duration::from_secs(20));
        assert_eq!(status.code(), Some(protocol::EXIT_PROTOCOL_MISMATCH));
    });
}

#[test]
fn bad_request_lines_are_answered_and_the_helper_goes_on() {
    each_java(|java| {
        let mut helper = Helper::spawn(java, &[], &[]);
        // Before hello: refused.
        helper.send_raw(r#"{"type":"tables","id":1}"#);
        let first = helper.recv();
        assert!(
            matches!(&first, Some(Response::Error(e)) if e.kind == ErrorKind::BadRequest && e.id == Some(1)),
            "{first:?}"
        );
        helper.send(&Request::Hello(ClientHello {
            protocol_version: protocol::PROTOCOL_VERSION,
            client: None,
        }));
        let garbage = [
            ("this is not json", None),
            ("[1, 2, 3]", None),
            (r#"{"type": "open", "id": 5"#, None),
            (r#"{"type":"frobnicate","id":6}"#, Some(6)),
            (r#"{"type":"tables"}"#, None),
            (r#"{"type":"read","id":8}"#, Some(8)),
            (
                r#"{"type":"read","id":9,"table":"x","batch_rows":0}"#,
                Some(9),
            ),
            (
                r#"{"type":"open","id":10,"path":"x.mdb","engine":"odbc"}"#,
                Some(10),
            ),
            (r#"{"type":"tables","id":11}"#, Some(11)),
            (r#"{"type":"cancel","id":12}"#, Some(12)),
        ];
        for (line, id) in garbage {
            helper.send_raw(line);
            match helper.recv() {
                Some(Response::Error(e)) => {
                    assert_eq!(e.kind, ErrorKind::BadRequest, "{line}: {}", e.message);
                    assert_eq!(e.id, id, "{line}");
                    assert!(!e.message.is_empty());
                }
                other => helper.fail(&format!("{line}: expected bad_request, got {other:?}")),
            }
        }
        // Still alive and useful.
        let db = generated().join("types.accdb");
        helper.open_ok(&db, Engine::Jackcess, None);
        assert_eq!(helper.tables().len(), 4);
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn the_helper_exits_when_stdin_closes() {
    each_java(|java| {
        // Idle, with a database open.
        let mut helper = Helper::start(java);
        helper.open_ok(&generated().join("types.accdb"), Engine::Jackcess, None);
        helper.close_stdin();
        assert_eq!(helper.wait_exit(Duration::from_secs(20)).code(), Some(0));

        // In the middle of a read whose output nobody takes: the helper
        // blocks writing to a full pipe (2,500 one-row messages are more than
        // a pipe holds) and must still go when its stdin closes.
        let db = generated().join("types.accdb");
        let mut child = Command::new(&java.path)
            .arg("-cp")
            .arg(classpath(helper_jar()))
            .arg(protocol::MAIN_CLASS)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let requests = [
            Request::Hello(ClientHello {
                protocol_version: protocol::PROTOCOL_VERSION,
                client: None,
            }),
            Request::Open(OpenRequest {
                id: 1,
                path: db.to_str().unwrap().into(),
                engine: None,
                password: None,
                charset: None,
                mirror: None,
            }),
            Request::Read(ReadRequest {
                id: 2,
                table: "Big".into(),
                batch_rows: Some(1),
                limit: None,
                values: None,
                concurrent: None,
            }),
        ];
        for request in &requests {
            writeln!(stdin, "{}", serde_json::to_string(request).unwrap()).unwrap();
        }
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_secs(2));
        drop(stdin);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("Java {}: the helper outlived its stdin", java.major);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "Java {}", java.major);
    });
}

#[test]
fn cancel_ends_a_read_early() {
    each_java(|java| {
        let mut helper = Helper::start(java);
        helper.open_ok(&generated().join("types.accdb"), Engine::Jackcess, None);
        let id = helper.id();
        let cancel = helper.id();
        // Both lines in one write: the cancel is read while the table opens.
        let read = serde_json::to_string(&Request::Read(ReadRequest {
            id,
            table: "Big".into(),
            batch_rows: Some(1),
            limit: None,
            values: None,
            concurrent: None,
        }))
        .unwrap();
        let stop = serde_json::to_string(&Request::Cancel(CancelRequest {
            id: cancel,
            target: id,
        }))
        .unwrap();
        helper.send_raw(&format!("{read}\n{stop}"));
        let mut rows = 0;
        let end = loop {
            match helper.recv() {
                Some(Response::Rows(b)) => rows += b.rows.len() as u64,
                Some(Response::ReadEnd(end)) => break end,
                other => helper.fail(&format!("during a cancelled read: {other:?}")),
            }
        };
        assert!(end.cancelled, "{end:?}");
        assert_eq!(end.rows_sent, rows);
        assert!(rows < 2500, "{rows} rows sent despite the cancel");
        assert_eq!(end.row_count, 2500);
        // The helper carries on.
        let (rows, _) = helper.read_ok("Spaced name ü");
        assert_eq!(rows.len(), 2);
        assert_eq!(helper.bye().code(), Some(0));
    });
}

// ---------------------------------------------------------------------------
// The generated database: every type, both engines

/// The column names, Access types and value types of `AllTypes`.
fn all_types_columns(big_int: bool) -> Vec<(&'static str, &'static str, ValueType)> {
    let mut cols = vec![
        ("id", "LONG", ValueType::Int32),
        ("text_col", "TEXT", ValueType::String),
        ("memo_col", "MEMO", ValueType::String),
        ("byte_col", "BYTE", ValueType::Uint8),
        ("int_col", "INT", ValueType::Int16),
        ("long_col", "LONG", ValueType::Int32),
        ("bigint_col", "BIG_INT", ValueType::Int64),
        ("single_col", "FLOAT", ValueType::Float32),
        ("double_col", "DOUBLE", ValueType::Float64),
        ("currency_col", "MONEY", ValueType::Decimal),
        ("decimal_col", "NUMERIC", ValueType::Decimal),
        ("date_col", "SHORT_DATE_TIME", ValueType::Timestamp),
        ("bool_col", "BOOLEAN", ValueType::Boolean),
        ("guid_col", "GUID", ValueType::Guid),
        ("ole_col", "OLE", ValueType::Binary),
        ("binary_col", "BINARY", ValueType::Binary),
    ];
    if !big_int {
        cols.remove(6);
    }
    cols
}

/// The rows `MakeFixtures` writes into `AllTypes`, as the protocol carries
/// them.
fn all_types_rows(big_int: bool) -> Vec<Vec<Value>> {
    let rows = [
        json!([
            1,
            "hello",
            "first line\nsecond line, café",
            200,
            -32768,
            -2147483648i64,
            -9007199254740993i64,
            1.5f32,
            std::f64::consts::PI,
            "1234.5678",
            "12345678901234.5678",
            "2024-01-31T10:00:00",
            true,
            "{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}",
            "AAEC/w==",
            "3q2+7w=="
        ]),
        json!([
            2,
            "",
            "quote \" backslash \\ tab \t ctrl \u{1} emoji \u{1F600} end",
            255,
            32767,
            2147483647,
            i64::MAX,
            -0.25f32,
            -1.0e-300f64,
            "-922337203685477.5808",
            "-0.0001",
            "1899-12-30T00:00:00",
            false,
            "{00000000-0000-0000-0000-000000000000}",
            "",
            "AA=="
        ]),
        json!([
            3,
            "pre-1900",
            "x",
            0,
            0,
            0,
            i64::MIN,
            1.0e30f32,
            f64::MAX,
            "922337203685477.5807",
            "0.0000",
            "1800-01-01T06:30:15",
            true,
            "{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}",
            "AQ==",
            "AQID"
        ]),
        json!([
            4,
            "time only",
            "y",
            1,
            1,
            1,
            1,
            f32::from_bits(1),
            -f64::from_bits(1),
            "0.0001",
            "99999999999999.9999",
            "1899-12-30T13:45:30.123",
            false,
            "{12345678-9ABC-DEF0-1234-56789ABCDEF0}",
            "Ag==",
            "BA=="
        ]),
        json!([
            5, null, null, null, null, null, null, null, null, null, null, null, false, null, null,
            null
        ]),
    ];
    let mut rows: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect();
    if !big_int {
        for row in &mut rows {
            row.remove(6);
        }
    }
    rows
}

/// Compares rows value by value; Single columns as f32 (the JSON number is
/// the shortest text for the f32, which as an f64 is another number).
fn assert_rows(columns: &[Column], actual: &[Vec<Value>], expected: &[Vec<Value>], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: row count");
    for (r, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a.len(), columns.len(), "{what}: row {r} width");
        for (c, col) in columns.iter().enumerate() {
            let same = match (col.value_type, &a[c], &e[c]) {
                (ValueType::Float32, Value::Number(x), Value::Number(y)) => {
                    (x.as_f64().unwrap() as f32).to_bits() == (y.as_f64().unwrap() as f32).to_bits()
                }
                (ValueType::Float64, Value::Number(x), Value::Number(y)) => {
                    x.as_f64().unwrap().to_bits() == y.as_f64().unwrap().to_bits()
                }
                (_, x, y) => x == y,
            };
            assert!(
                same,
                "{what}: row {r} column {}: got {}, expected {}",
                col.name, a[c], e[c]
            );
        }
    }
}

fn check_generated(helper: &mut Helper, file: &str, engine: Engine) {
    let big_int = file.ends_with(".accdb");
    let what = format!("{file} with {engine:?} on Java {}", helper.java.major);
    let opened = helper.open_ok(&generated().join(file), engine, None);
    assert_eq!(opened.engine, engine);
    assert_eq!(
        opened.file_format.as_deref(),
        Some(if big_int { "V2016" } else { "V2000" })
    );
    assert!(!opened.password_protected);

    let tables = helper.tables();
    let names: Vec<(&str, TableKind)> = tables.iter().map(|t| (t.name.as_str(), t.kind)).collect();
    assert_eq!(
        names,
        [
            ("AllTypes", TableKind::Table),
            ("Big", TableKind::Table),
            ("Empty", TableKind::Table),
            ("Spaced name ü", TableKind::Table)
        ],
        "{what}"
    );

    let schema = helper.schema("AllTypes").unwrap();
    assert_eq!(schema.table, "AllTypes");
    assert_eq!(schema.row_count, 5);
    let described: Vec<(&str, &str, ValueType)> = schema
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.access_type.as_str(), c.value_type))
        .collect();
    assert_eq!(described, all_types_columns(big_int), "{what}");
    let col = |name: &str| schema.columns.iter().find(|c| c.name == name).unwrap();
    assert!(col("id").auto_number);
    assert_eq!(col("id").nullable, Some(false));
    assert_eq!(col("text_col").size, Some(50));
    assert_eq!(col("binary_col").size, Some(16));
    assert_eq!(
        (col("currency_col").precision, col("currency_col").scale),
        (Some(19), Some(4))
    );
    assert_eq!(
        (col("decimal_col").precision, col("decimal_col").scale),
        (Some(18), Some(4))
    );
    assert_eq!(col("bool_col").nullable, Some(false));
    assert_eq!(col("memo_col").nullable, Some(true));
    assert!(schema
        .columns
        .iter()
        .all(|c| !c.calculated && c.complex_type.is_none()));

    let (rows, end) = helper.read_ok("AllTypes");
    assert_rows(&schema.columns, &rows, &all_types_rows(big_int), &what);
    assert_eq!((end.rows_sent, end.row_count, end.cancelled), (5, 5, false));

    // Batches: 2,500 rows in at most 1,000 per message.
    let (rows, batches, end) = helper.read("Big", Some(1000), None).unwrap();
    assert_eq!(batches, 3, "{what}");
    assert_eq!((end.rows_sent, end.row_count), (2500, 2500));
    let mut rows = rows;
    rows.sort_by_key(|r| r[0].as_i64());
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(
            row,
            &vec![json!(n), json!(format!("row {n}")), json!(n as f64 / 2.0)]
        );
    }
    let (rows, batches, end) = helper.read("Big", Some(7), Some(10)).unwrap();
    assert_eq!(
        (rows.len(), batches, end.rows_sent, end.row_count),
        (10, 2, 10, 2500)
    );

    let (rows, batches, end) = helper.read("Empty", None, None).unwrap();
    assert_eq!(
        (rows.len(), batches, end.rows_sent, end.row_count),
        (0, 0, 0, 0)
    );

    let (rows, _) = helper.read_ok("Spaced name ü");
    assert_eq!(
        rows,
        vec![vec![json!(1), json!("eins")], vec![json!(2), json!("zwei")]]
    );
    let spaced = helper.schema("Spaced name ü").unwrap();
    assert_eq!(spaced.columns[1].name, "Größe");

    // Table names are matched without regard to case, as Access does.
    assert_eq!(helper.schema("alltypes").unwrap().table, "AllTypes");
    let missing = helper.schema("NoSuchTable").unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    let missing = helper.read("NoSuchTable", None, None).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    helper.close();
}

#[test]
fn generated_database_with_jackcess() {
    each_java(|java| {
        let mut helper = Helper::start(java);
        check_generated(&mut helper, "types.accdb", Engine::Jackcess);
        check_generated(&mut helper, "types.mdb", Engine::Jackcess);
        assert_eq!(helper.bye().code(), Some(0));
    });
}

/// Reads marked concurrent run beside the requests after them (feature
/// `concurrent_reads`): their rows interleave by id, a `schema` asked
/// meanwhile is answered, and each read still gives its table whole and in
/// file order. UCanAccess serves the same requests one after another.
#[test]
fn concurrent_reads_interleave_and_give_each_table_whole() {
    each_java(|java| {
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            let mut helper = Helper::start(java);
            let features = &helper.hello.as_ref().unwrap().features;
            assert!(features
                .iter()
                .any(|f| f == protocol::FEATURE_CONCURRENT_READS));
            helper.open_ok(&generated().join("types.accdb"), engine, None);
            let read = |id, table: &str| {
                Request::Read(ReadRequest {
                    id,
                    table: table.to_string(),
                    batch_rows: Some(10),
                    limit: None,
                    values: None,
                    concurrent: Some(true),
                })
            };
            let (first, second, types) = (helper.id(), helper.id(), helper.id());
            helper.send(&read(first, "Big"));
            helper.send(&read(second, "Big"));
            helper.send(&read(types, "AllTypes"));
            let schema = helper.id();
            helper.send(&Request::Schema(SchemaRequest {
                id: schema,
                table: "Empty".into(),
            }));
            let mut rows: BTreeMap<u64, Vec<Vec<Value>>> = BTreeMap::new();
            let mut ended = Vec::new();
            let mut order = Vec::new();
            let mut schema_answered = false;
            while ended.len() < 3 || !schema_answered {
                let Some(message) = helper.recv() else {
                    helper.fail("the helper ended during concurrent reads")
                };
                let id = message.id().unwrap();
                order.push(id);
                match message {
                    Response::Rows(batch) => rows.entry(id).or_default().extend(batch.rows),
                    Response::ReadEnd(end) => {
                        assert!(!end.cancelled);
                        ended.push((id, end.rows_sent));
                    }
                    Response::Schema(s) if id == schema => {
                        assert_eq!(s.table, "Empty");
                        schema_answered = true;
                    }
                    other => helper.fail(&format!("unexpected {other:?}")),
                }
                // A slow reader: the reads hold the pipe in turns.
                std::thread::sleep(Duration::from_micros(300));
            }
            let big: Vec<Vec<Value>> = (0..2500)
                .map(|n| vec![json!(n), json!(format!("row {n}")), json!(n as f64 / 2.0)])
                .collect();
            for id in [first, second] {
                let mut got = rows.remove(&id).unwrap_or_default();
                if engine == Engine::Ucanaccess {
                    got.sort_by_key(|r| r[0].as_i64());
                }
                assert_eq!(got, big, "{engine:?} read {id}");
            }
            assert_eq!(rows.remove(&types).map(|r| r.len()), Some(5));
            let last_of = |id| order.iter().rposition(|&i| i == id).unwrap();
            let first_of = |id| order.iter().position(|&i| i == id).unwrap();
            let interleaved = first_of(second) < last_of(first);
            match engine {
                Engine::Jackcess => assert!(interleaved, "{engine:?}: {order:?}"),
                Engine::Ucanaccess => assert!(!interleaved, "{engine:?}: in order"),
            }
            assert_eq!(helper.bye().code(), Some(0));
        }
    });
}

#[test]
fn generated_database_with_ucanaccess() {
    each_java(|java| {
        let mut helper = Helper::start(java);
        check_generated(&mut helper, "types.accdb", Engine::Ucanaccess);
        check_generated(&mut helper, "types.mdb", Engine::Ucanaccess);
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn nan_and_infinities() {
    each_java(|java| {
        let mut helper = Helper::start(java);
        let db = generated().join("floats.accdb");
        helper.open_ok(&db, Engine::Jackcess, None);
        let (rows, _) = helper.read_ok("Floats");
        assert_eq!(
            rows,
            vec![
                vec![json!(1), json!("NaN"), json!("NaN")],
                vec![json!(2), json!("Infinity"), json!("Infinity")],
                vec![json!(3), json!("-Infinity"), json!("-Infinity")],
                vec![json!(4), json!(-0.0), json!(-0.0)],
            ]
        );
        assert!(rows[3][1].as_f64().unwrap().is_sign_negative());
        helper.close();
        // A documented UCanAccess limitation: it cannot load such values at
        // all, so the whole file fails to open with that engine.
        let e = helper.open_err(&db, Engine::Ucanaccess, None);
        assert_eq!(e.kind, ErrorKind::Internal, "{e:?}");
    });
}

/// The value a text-encoded cell stands for, in the compact form.
fn as_compact(text: &Value, column: &Column) -> Value {
    let float = |v: &Value| match v.as_str() {
        Some("NaN") => f64::NAN,
        Some("Infinity") => f64::INFINITY,
        Some("-Infinity") => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap(),
    };
    match (text, column.value_type) {
        (Value::Null, _) => Value::Null,
        (v, ValueType::Float64) => json!(float(v).to_bits() as i64),
        (v, ValueType::Float32) => json!((float(v) as f32).to_bits() as i32),
        (Value::String(t), ValueType::Timestamp) => json!(chrono::NaiveDateTime::parse_from_str(
            t,
            "%Y-%m-%dT%H:%M:%S%.f"
        )
        .unwrap()
        .and_utc()
        .timestamp_micros()),
        (Value::String(t), ValueType::Decimal) if column.scale.is_some() => {
            let digits: String = t.chars().filter(|c| *c != '.').collect();
            match digits.parse::<i64>() {
                Ok(unscaled) => json!(unscaled),
                Err(_) => text.clone(), // beyond 63 bits: stays text
            }
        }
        (other, _) => other.clone(),
    }
}

#[test]
fn compact_values_carry_exactly_what_the_text_values_say() {
    each_java(|java| {
        let mut helper = Helper::start(java);
        for (file, table) in [
            ("types.accdb", "AllTypes"),
            ("types.mdb", "AllTypes"),
            ("floats.accdb", "Floats"),
        ] {
            helper.open_ok(&generated().join(file), Engine::Jackcess, None);
            let columns = helper.schema(table).unwrap().columns;
            let text = helper.read_encoded(table, ValueEncoding::Text);
            let compact = helper.read_encoded(table, ValueEncoding::Compact);
            assert_eq!(text.len(), compact.len());
            for (t, c) in text.iter().zip(&compact) {
                for ((tv, cv), column) in t.iter().zip(c).zip(&columns) {
                    assert_eq!(
                        &as_compact(tv, column),
                        cv,
                        "{file} {table}.{}: text {tv}",
                        column.name
                    );
                }
            }
            helper.close();
        }
    });
}

#[test]
fn dates_do_not_depend_on_the_machine_time_zone() {
    each_java(|java| {
        for zone in ["America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham"] {
            let arg = format!("-Duser.timezone={zone}");
            let mut helper = Helper::start_with(java, &[&arg], &[("TZ", zone)]);
            for engine in [Engine::Jackcess, Engine::Ucanaccess] {
                helper.open_ok(&generated().join("types.accdb"), engine, None);
                let schema = helper.schema("AllTypes").unwrap();
                let (rows, _) = helper.read_ok("AllTypes");
                let dates: Vec<&Value> = rows.iter().map(|r| &r[11]).collect();
                assert_eq!(schema.columns[11].name, "date_col");
                assert_eq!(
                    dates,
                    [
                        "2024-01-31T10:00:00",
                        "1899-12-30T00:00:00",
                        "1800-01-01T06:30:15",
                        "1899-12-30T13:45:30.123"
                    ]
                    .iter()
                    .map(|s| json!(s))
                    .chain([Value::Null])
                    .collect::<Vec<_>>()
                    .iter()
                    .collect::<Vec<_>>(),
                    "{engine:?} in {zone}"
                );
                helper.close();
            }
        }
    });
}

/// Too little heap for UCanAccess to load Northwind, enough for the helper
/// to start (the serial collector keeps this the same on every machine).
const TINY_HEAP: [&str; 2] = ["-XX:+UseSerialGC", "-Xmx8m"];

#[test]
fn out_of_memory_is_reported_and_exits_3() {
    let Some(corpus) = corpus() else { return };
    let db = corpus.join("glogue__Northwind.mdb");
    each_java(|java| {
        // Caught by the helper: an out_of_memory error, then exit code 3.
        let mut helper = Helper::start_with(java, &TINY_HEAP, &[]);
        let id = helper.id();
        helper.send(&Request::Open(OpenRequest {
            id,
            path: db.to_str().unwrap().into(),
            engine: Some(Engine::Ucanaccess),
            password: None,
            charset: None,
            mirror: None,
        }));
        if let Some(message) = helper.recv() {
            match message {
                Response::Error(e) => assert_eq!(e.kind, ErrorKind::OutOfMemory, "{e:?}"),
                other => helper.fail(&format!("expected out_of_memory, got {other:?}")),
            }
        }
        let status = helper.wait_exit(Duration::from_secs(60));
        assert_eq!(status.code(), Some(protocol::EXIT_OUT_OF_MEMORY));

        // With -XX:+ExitOnOutOfMemoryError the JVM writes "Terminating due
        // to java.lang.OutOfMemoryError" on stdout itself: not JSON, skipped.
        let mut helper = Helper::start_with(
            java,
            &[TINY_HEAP[0], TINY_HEAP[1], "-XX:+ExitOnOutOfMemoryError"],
            &[],
        );
        let id = helper.id();
        helper.send(&Request::Open(OpenRequest {
            id,
            path: db.to_str().unwrap().into(),
            engine: Some(Engine::Ucanaccess),
            password: None,
            charset: None,
            mirror: None,
        }));
        while let Some(message) = helper.recv() {
            if !matches!(&message, Response::Error(e) if e.kind == ErrorKind::OutOfMemory) {
                helper.fail(&format!(
                    "expected nothing or out_of_memory, got {message:?}"
                ));
            }
        }
        let status = helper.wait_exit(Duration::from_secs(60));
        assert_eq!(status.code(), Some(protocol::EXIT_OUT_OF_MEMORY));
        assert!(
            helper
                .skipped
                .iter()
                .any(|l| l.contains("Terminating due to")),
            "skipped lines: {:?}",
            helper.skipped
        );
    });
}

// ---------------------------------------------------------------------------
// The shared corpus

/// Row counts of `REFERENCE.tsv` (mdbtools) for one file.
pub fn reference_counts(corpus: &Path, file: &str) -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(corpus.join("REFERENCE.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f.len() >= 4 && f[0] == file && !f[2].is_empty())
                .then(|| (unquote(f[2]), f[3].parse().unwrap()))
        })
        .collect()
}

/// A name as REFERENCE.tsv writes it: CSV-quoted when it holds a quote.
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => name.to_string(),
    }
}

/// Files both engines read; their tables, counts and values must agree.
const AGREEING_FILES: [&str; 9] = [
    "jackcess__testV2010.accdb",
    "mdbtestdata__nwind.mdb",
    "jackcess__oldDatesV2007.accdb",
    "mdbtestdata__DateTestDatabase.mdb",
    "jackcess__testEmoticonsV2010.accdb",
    "jackcess__complexDataTestV2007.accdb",
    "ucanaccess__badDb.accdb",
    "jackcess__fixedNumericTestV2000.mdb",
    "mdbreader__V2016-attachments.accdb",
];

/// Every table of the open database: name → (columns, sorted rows, end).
fn read_everything(helper: &mut Helper) -> BTreeMap<String, (Vec<Column>, Vec<String>, ReadEnd)> {
    let mut out = BTreeMap::new();
    for table in helper.tables() {
        if table.kind != TableKind::Table {
            continue;
        }
        let schema = helper.schema(&table.name).unwrap();
        let (rows, end) = helper.read_ok(&table.name);
        // Engines differ in row order (file order against the mirror's
        // primary-key order): compare as sorted multisets.
        let mut rows: Vec<String> = rows
            .iter()
            .map(|r| Value::from(r.clone()).to_string())
            .collect();
        rows.sort();
        out.insert(table.name.clone(), (schema.columns, rows, end));
    }
    out
}

#[test]
fn corpus_files_read_alike_with_both_engines() {
    let Some(corpus) = corpus() else { return };
    each_java(|java| {
        let mut helper = Helper::start(java);
        for file in AGREEING_FILES {
            let path = corpus.join(file);
            helper.open_ok(&path, Engine::Jackcess, None);
            let jackcess = read_everything(&mut helper);
            helper.close();
            helper.open_ok(&path, Engine::Ucanaccess, None);
            let ucanaccess = read_everything(&mut helper);
            helper.close();

            let reference = reference_counts(&corpus, file);
            let counts: BTreeMap<String, u64> = jackcess
                .iter()
                .map(|(name, (_, _, end))| (name.clone(), end.rows_sent))
                .collect();
            assert_eq!(
                counts, reference,
                "{file}: tables and row counts against mdbtools"
            );
            assert_eq!(
                jackcess.keys().collect::<Vec<_>>(),
                ucanaccess.keys().collect::<Vec<_>>(),
                "{file}"
            );
            for (name, (jcols, jrows, jend)) in &jackcess {
                let (ucols, urows, uend) = &ucanaccess[name];
                assert_eq!(
                    jend.rows_sent, jend.row_count,
                    "{file} {name}: metadata count"
                );
                assert_eq!(
                    (jend.rows_sent, jend.row_count),
                    (uend.rows_sent, uend.row_count),
                    "{file} {name}"
                );
                let strip = |cols: &[Column]| -> Vec<Column> {
                    cols.iter()
                        .map(|c| Column {
                            sql_type: None,
                            ..c.clone()
                        })
                        .collect()
                };
                assert_eq!(strip(jcols), strip(ucols), "{file} {name}: columns");
                assert!(jrows == urows, "{file} {name}: the engines' rows differ");
            }
        }
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn corpus_values_worth_pinning() {
    let Some(corpus) = corpus() else { return };
    each_java(|java| {
        let mut helper = Helper::start(java);
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            // Dates around the Julian/Gregorian cut-over, proleptic Gregorian.
            helper.open_ok(&corpus.join("jackcess__oldDatesV2007.accdb"), engine, None);
            let (mut rows, _) = helper.read_ok("Table1");
            rows.sort_by_key(|r| r[0].as_i64());
            let dates: Vec<&str> = rows.iter().map(|r| r[1].as_str().unwrap()).collect();
            assert_eq!(
                dates,
                [
                    "1582-10-15T00:00:00",
                    "1582-10-14T00:00:00",
                    "1492-01-10T00:00:00",
                    "1392-01-10T00:00:00"
                ],
                "{engine:?}"
            );
            helper.close();

            // Supplementary-plane characters arrive whole.
            helper.open_ok(
                &corpus.join("jackcess__testEmoticonsV2010.accdb"),
                engine,
                None,
            );
            let (mut rows, _) = helper.read_ok("data");
            rows.sort_by_key(|r| r[0].as_i64());
            assert_eq!(
                rows[0],
                vec![json!(128512), json!("a\u{1F600}a")],
                "{engine:?}"
            );
            helper.close();

            // Access 97 names in windows-1252, OLE pictures as the stored bytes.
            let opened = helper.open_ok(&corpus.join("mdbtestdata__nwind.mdb"), engine, None);
            assert_eq!(opened.file_format.as_deref(), Some("V1997"));
            assert_eq!(opened.charset.as_deref(), Some("windows-1252"));
            assert!(helper.tables().iter().any(|t| t.name == "Umsätze"));
            let (rows, _) = helper.read_ok("Categories");
            assert_eq!(rows.len(), 8);
            assert!(
                rows.iter()
                    .all(|r| r[3].as_str().is_some_and(|s| s.starts_with("FRwvAAIAAAAN"))),
                "OLE values with {engine:?}"
            );
            helper.close();

            // Complex columns as JSON text.
            helper.open_ok(
                &corpus.join("jackcess__complexDataTestV2007.accdb"),
                engine,
                None,
            );
            let schema = helper.schema("Table1").unwrap();
            let complex: Vec<(&str, &str)> = schema
                .columns
                .iter()
                .filter_map(|c| Some((c.name.as_str(), c.complex_type.as_deref()?)))
                .collect();
            assert_eq!(complex.len(), 3, "{complex:?}");
            let (mut rows, _) = helper.read_ok("Table1");
            rows.sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()));
            let row2: Vec<Value> = rows[1][1..]
                .iter()
                .filter_map(|v| v.as_str())
                .filter_map(|s| serde_json::from_str(s).ok())
                .filter(|v: &Value| v.is_array())
                .collect();
            assert!(row2.contains(&json!(["value1", "value4"])), "{row2:?}");
            assert!(
                row2.iter().any(|v| v[0]["name"] == "test_data.txt"
                    && v[0]["data"] == "dGhpcyBpcyBzb21lIHRlc3QgZGF0YSBmb3IgYXR0YWNobWVudC4="),
                "{row2:?}"
            );
            helper.close();
        }
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn corpus_charset_override_for_access_97() {
    let Some(corpus) = corpus() else { return };
    let db = corpus.join("ucanaccess__charsetGBK.mdb");
    each_java(|java| {
        let mut helper = Helper::start(java);
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            let id = helper.id();
            let opened = helper.call(Request::Open(OpenRequest {
                id,
                path: db.to_str().unwrap().into(),
                engine: Some(engine),
                password: None,
                charset: Some("GBK".into()),
                mirror: None,
            }));
            assert!(matches!(opened.2, Response::Opened(_)), "{:?}", opened.2);
            let (rows, _) = helper.read_ok("table1");
            assert_eq!(rows, vec![vec![json!(2), json!("GBK编码")]], "{engine:?}");
            helper.close();
        }
        // Without it, Access 97 text is read as windows-1252.
        helper.open_ok(&db, Engine::Jackcess, None);
        let (rows, _) = helper.read_ok("table1");
        assert_ne!(rows[0][1], json!("GBK编码"));
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn corpus_linked_tables_are_reported() {
    let Some(corpus) = corpus() else { return };
    each_java(|java| {
        let mut helper = Helper::start(java);
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            helper.open_ok(
                &corpus.join("jackcess__linkerTestV2007.accdb"),
                engine,
                None,
            );
            let tables = helper.tables();
            assert_eq!(tables.len(), 2);
            assert_eq!(
                (tables[0].name.as_str(), tables[0].kind),
                ("Table1", TableKind::Table)
            );
            let linked = &tables[1];
            assert_eq!(
                (linked.name.as_str(), linked.kind),
                ("Table2", TableKind::Linked)
            );
            assert_eq!(
                linked.linked_db.as_deref(),
                Some("Z:\\jackcess_test\\linkeeTest.accdb")
            );
            assert_eq!(linked.target_missing, Some(true));
            let e = helper.read("Table2", None, None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotFound, "{e:?}");
            helper.close();

            // ~TMP clipboard tables are marked, not hidden.
            helper.open_ok(
                &corpus.join("mdbreader__V2016-withdeletedcol.accdb"),
                engine,
                None,
            );
            let kinds: Vec<TableKind> = helper.tables().iter().map(|t| t.kind).collect();
            assert_eq!(
                kinds,
                [TableKind::Temporary, TableKind::Temporary, TableKind::Table]
            );
            helper.close();
        }
        assert_eq!(helper.bye().code(), Some(0));
    });
}

#[test]
fn corpus_error_kinds() {
    let Some(corpus) = corpus() else { return };
    let scratch = tempfile::tempdir().unwrap();
    // Damage made here: half of a real database, and a file that is not one.
    let whole = std::fs::read(corpus.join("glogue__Northwind.mdb")).unwrap();
    let truncated = scratch.path().join("truncated.mdb");
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    let text = scratch.path().join("notes.accdb");
    std::fs::write(&text, "id,name\n1,a\n").unwrap();
    let missing = scratch.path().join("missing.accdb");

    let cases: [(&Path, Option<&str>, ErrorKind); 9] = [
        (&missing, None, ErrorKind::NotFound),
        (
            &corpus.join("ucanaccess__password.mdb"),
            None,
            ErrorKind::Password,
        ),
        (
            &corpus.join("ucanaccess__password.mdb"),
            Some("wrong"),
            ErrorKind::Password,
        ),
        (
            &corpus.join("mdbreader__V2003_with-password.mdb"),
            None,
            ErrorKind::Password,
        ),
        // ACE "encrypt with password" is encryption, not a header password:
        // no password makes it readable without the jackcess-encrypt add-on.
        (
            &corpus.join("mdbreader__V2010_with-password.accdb"),
            Some("password"),
            ErrorKind::Encrypted,
        ),
        (
            &corpus.join("jackcessencrypt__db2007-enc.accdb"),
            None,
            ErrorKind::Encrypted,
        ),
        (
            &corpus.join("jackcessencrypt__db-enc.mdb"),
            None,
            ErrorKind::Encrypted,
        ),
        (&truncated, None, ErrorKind::Corrupt),
        (&text, None, ErrorKind::NotAccess),
    ];
    each_java(|java| {
        let mut helper = Helper::start(java);
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            for (path, password, kind) in &cases {
                let e = helper.open_err(path, engine, *password);
                assert_eq!(
                    e.kind,
                    *kind,
                    "{} with {engine:?}: {}",
                    path.file_name().unwrap().to_string_lossy(),
                    e.message
                );
                assert!(!e.message.is_empty());
            }
            // The right passwords open the Jet4 password files.
            let opened = helper.open_ok(
                &corpus.join("ucanaccess__password.mdb"),
                engine,
                Some("ucanaccess"),
            );
            assert!(opened.password_protected);
            helper.close();
            helper.open_ok(
                &corpus.join("mdbreader__V2003_with-password.mdb"),
                engine,
                Some("password"),
            );
            let (_, end) = helper.read_ok("Table1");
            assert_eq!(end.rows_sent, end.row_count);
            helper.close();
            // Logically inconsistent (broken keys and constraints) but whole:
            // both engines read every row.
            helper.open_ok(&corpus.join("ucanaccess__corrupted.accdb"), engine, None);
            let reference = reference_counts(&corpus, "ucanaccess__corrupted.accdb");
            for (table, count) in reference {
                let (rows, end) = helper.read_ok(&table);
                assert_eq!(rows.len() as u64, count, "{table} with {engine:?}");
                assert_eq!(end.row_count, count);
            }
            helper.close();
        }
        assert_eq!(helper.bye().code(), Some(0));
    });
}

/// Jackcess 4.0.11 reads the Access 2019 format; UCanAccess 4.0.4 on it
/// cannot load the "Date/Time Extended" column type.
#[test]
fn the_access_2019_file_opens_with_jackcess_4() {
    let Some(corpus) = corpus() else { return };
    let file = corpus.join("jackcess__extDateTestV2019.accdb");
    each_java(|java| {
        let mut helper = Helper::start(java);
        let opened = helper.open_ok(&file, Engine::Jackcess, None);
        assert_eq!(opened.file_format.as_deref(), Some("V2019"));
        let (rows, end) = helper.read_ok("Table1");
        assert_eq!(rows.len(), 9);
        assert_eq!(end.row_count, 9);
        helper.close();
        let e = helper.open_err(&file, Engine::Ucanaccess, None);
        assert!(e.message.contains("EXT_DATE_TIME"), "{}", e.message);
        assert_eq!(helper.bye().code(), Some(0));
    });
}

/// With the jackcess-encrypt add-on on the classpath, both engines open the
/// RC4-encoded Jet files without a password and the Office-encrypted .accdb
/// files with theirs; a missing or wrong password is kind `password`.
#[test]
fn the_encrypt_add_on_opens_encoded_and_encrypted_files() {
    let Some(corpus) = corpus() else { return };
    let readable: [(&str, Option<&str>, u64); 4] = [
        ("jackcessencrypt__db-enc.mdb", None, 2),
        ("jackcessencrypt__db97-enc.mdb", None, 2),
        ("jackcessencrypt__db2007-enc.accdb", Some("Test123"), 1),
        ("mdbreader__V2010_with-password.accdb", Some("password"), 3),
    ];
    each_java(|java| {
        let mut helper = Helper::start_with_encrypt(java);
        let features = helper.hello.clone().unwrap().features;
        assert!(features.iter().any(|f| f == "encryption"), "{features:?}");
        for engine in [Engine::Jackcess, Engine::Ucanaccess] {
            for (file, password, rows) in readable {
                let opened = helper.open_ok(&corpus.join(file), engine, password);
                assert_eq!(opened.password_protected, password.is_some(), "{file}");
                let (got, end) = helper.read_ok("Table1");
                assert_eq!(got.len() as u64, rows, "{file} with {engine:?}");
                assert_eq!(end.row_count, rows);
                helper.close();
            }
            for password in [None, Some("wrong")] {
                let e = helper.open_err(
                    &corpus.join("mdbreader__V2010_with-password.accdb"),
                    engine,
                    password,
                );
                assert_eq!(e.kind, ErrorKind::Password, "{password:?}: {}", e.message);
            }
            // A Jet header password is still checked, through the add-on too.
            let e = helper.open_err(
                &corpus.join("mdbreader__V2003_with-password.mdb"),
                engine,
                Some("wrong"),
            );
            assert_eq!(e.kind, ErrorKind::Password);
        }
        assert_eq!(helper.bye().code(), Some(0));
    });
}
