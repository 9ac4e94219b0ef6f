//! The supervisor against the real JVM and, for fault injection, against
//! small Python scripts that play a broken helper (crash, hang, garbage,
//! stderr flood). A fake helper never stands in for the real one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::jvm::retry::Recoverable;

/// Counts the values of each row read.
#[derive(Default)]
struct RowLengths {
    lengths: Vec<usize>,
}

impl RowsTarget for RowLengths {
    type Error = ();

    fn decode_row<'de, D: serde::Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
        let values = <Vec<serde::de::IgnoredAny> as serde::Deserialize>::deserialize(row)?;
        self.lengths.push(values.len());
        Ok(())
    }

    fn end_batch(&mut self, _rows: usize) -> Result<(), ()> {
        Ok(())
    }

    fn take_refusal(&mut self) -> Option<()> {
        None
    }
}

fn config(program: PathBuf, program_args: Vec<String>, classpath: Vec<PathBuf>) -> HelperConfig {
    HelperConfig {
        program,
        program_args,
        classpath,
        heap_mb: 256,
        temp_dir: std::env::temp_dir(),
        handshake_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        overall_timeout: None,
    }
}

/// The real helper: this machine's Java, the embedded jar, the JAR set the
/// build compiled against.
fn real_config(cache: &Path) -> HelperConfig {
    let java = crate::jvm::java::find(
        None,
        std::time::Duration::from_secs(60),
        crate::jvm::java::Identify::Run,
    )
    .expect("a Java is installed");
    let jar = crate::jvm::helper_jar::install(cache).expect("helper jar installs");
    let set = Path::new(env!("PYFORGE_BUILD_JARS_DIR"));
    let mut classpath = vec![jar];
    for name in [
        "ucanaccess-4.0.4.jar",
        "jackcess-4.0.11.jar",
        "hsqldb-2.5.0.jar",
        "commons-lang3-3.8.1.jar",
        "commons-logging-1.2.jar",
    ] {
        classpath.push(set.join(name));
    }
    config(java.path, vec![], classpath)
}

/// A fake helper: Python running `body` after a standard hello exchange
/// (unless `body` does its own).
fn fake(dir: &Path, body: &str) -> HelperConfig {
    let script = dir.join("fake_helper.py");
    let text = format!(
        "import sys, json, time\n\
         def say(m):\n    sys.stdout.write(json.dumps(m) + '\\n'); sys.stdout.flush()\n\
         def hello():\n    say({{'type': 'hello', 'protocol_version': 1, 'helper_version': 'fake', \
         'java_version': None, 'java_vendor': None, 'jars': [], 'features': []}})\n    \
         sys.stdin.readline()\n\
         {body}\n"
    );
    std::fs::write(&script, text).unwrap();
    let mut config = config(
        PathBuf::from("python3"),
        vec![script.to_string_lossy().into_owned()],
        vec![],
    );
    config.idle_timeout = Duration::from_secs(2);
    config.handshake_timeout = Duration::from_secs(10);
    config
}

fn shared_access_fixture(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/access")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipping: ../shared/fixtures/access/{name} not found");
        None
    }
}

fn process_is_gone(pid: u32) -> bool {
    // A zombie still has a /proc entry; its state is Z.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.split_whitespace().nth(2) == Some("Z"),
    }
}

#[tokio::test]
async fn real_helper_handshake_and_a_final_error() {
    let cache = tempfile::tempdir().unwrap();
    let mut helper = Helper::start(&real_config(cache.path()))
        .await
        .expect("handshake");
    assert_eq!(helper.hello().protocol_version, protocol::PROTOCOL_VERSION);
    assert!(helper.hello().jars.iter().any(|j| j.name == "jackcess"));
    let missing = cache.path().join("missing.accdb");
    let error = helper
        .open(&missing, Engine::Jackcess, None)
        .await
        .expect_err("a missing file");
    assert!(
        matches!(
            error,
            HelperError::Reported {
                kind: ErrorKind::NotFound,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.verdict(), Verdict::Final);
    helper.finish().await;
}

#[tokio::test]
async fn real_helper_lists_schemas_and_streams_rows() {
    let Some(db) = shared_access_fixture("jackcess__testV2010.accdb") else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let mut helper = Helper::start(&real_config(cache.path()))
        .await
        .expect("handshake");
    helper
        .open(&db, Engine::Jackcess, None)
        .await
        .expect("opens");
    let tables = helper.tables().await.expect("tables");
    assert!(!tables.tables.is_empty());
    for table in &tables.tables {
        let schema = helper.schema(&table.name).await.expect("schema");
        let mut rows = RowLengths::default();
        let end = helper
            .read(&table.name, 100, ValueEncoding::Text, &mut rows)
            .await
            .expect("read")
            .expect("no target error");
        assert!(rows.lengths.iter().all(|&n| n == schema.columns.len()));
        assert_eq!(end.rows_sent, rows.lengths.len() as u64);
        assert_eq!(end.row_count, schema.row_count);
    }
    helper.finish().await;
}

#[tokio::test]
async fn a_helper_dying_mid_stream_is_a_recoverable_process_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = fake(
        dir.path(),
        "hello()\nreq = json.loads(sys.stdin.readline())\n\
         say({'type': 'rows', 'id': req['id'], 'rows': [[1], [2]]})\n\
         sys.stderr.write('java.lang.InternalError: boom\\n'); sys.stderr.flush()\nsys.exit(1)",
    );
    let mut helper = Helper::start(&config).await.expect("handshake");
    let mut seen = RowLengths::default();
    let error = helper
        .read("t", 10, ValueEncoding::Text, &mut seen)
        .await
        .expect_err("the helper died");
    assert_eq!(seen.lengths, [1, 1]);
    let HelperError::Process(ProcessError::Died {
        status,
        stderr_tail,
    }) = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.and_then(|s| s.code()), Some(1));
    assert!(stderr_tail.contains("boom"), "{stderr_tail}");
    assert!(error.to_string().contains("boom"), "{error}");
    assert_eq!(error.verdict(), Verdict::Retry(Recoverable::DiedSilently));
}

#[tokio::test]
async fn a_hanging_helper_times_out_and_is_killed_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let config = fake(dir.path(), "hello()\ntime.sleep(600)");
    let mut helper = Helper::start(&config).await.expect("handshake");
    let pid = helper.process.id().expect("running");
    let started = std::time::Instant::now();
    let error = helper.tables().await.expect_err("no answer");
    assert!(
        matches!(error, HelperError::Process(ProcessError::Timeout { .. })),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    drop(helper);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !process_is_gone(pid) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(process_is_gone(pid), "helper {pid} still runs after drop");
}

#[tokio::test]
async fn a_helper_that_never_says_hello_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fake(dir.path(), "time.sleep(600)");
    config.handshake_timeout = Duration::from_millis(500);
    let error = Helper::start(&config).await.err().expect("no hello");
    assert!(error.to_string().contains("hello"), "{error}");
}

#[tokio::test]
async fn garbage_on_stdout_is_skipped_and_a_broken_message_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = fake(
        dir.path(),
        "print('Picked up JAVA_TOOL_OPTIONS: -Xss4m'); sys.stdout.flush()\n\
         hello()\nreq = json.loads(sys.stdin.readline())\n\
         print('Terminating due to java.lang.OutOfMemoryError: noise'); sys.stdout.flush()\n\
         sys.stdout.write('{\"type\": \"tables\", \"id\": ' + str(req['id']) + ', \"tables\": [}\\n'); sys.stdout.flush()\n\
         time.sleep(5)",
    );
    let mut helper = Helper::start(&config)
        .await
        .expect("garbage before hello is skipped");
    let error = helper.tables().await.expect_err("malformed JSON");
    assert!(
        matches!(error, HelperError::Process(ProcessError::BadMessage { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_stderr_flood_does_not_block_the_helper() {
    let dir = tempfile::tempdir().unwrap();
    let config = fake(
        dir.path(),
        "for i in range(200000):\n    sys.stderr.write('log line %d of a chatty library\\n' % i)\n\
         sys.stderr.flush()\nhello()\nreq = json.loads(sys.stdin.readline())\n\
         say({'type': 'tables', 'id': req['id'], 'tables': []})\ntime.sleep(5)",
    );
    let mut helper = Helper::start(&config)
        .await
        .expect("handshake after the flood");
    let tables = helper.tables().await.expect("answer after the flood");
    assert!(tables.tables.is_empty());
    let tail = helper.process.stderr_tail();
    assert!(tail.len() <= crate::jvm::process::STDERR_TAIL_BYTES);
    assert!(tail.contains("199999"), "the tail keeps the newest lines");
}

#[tokio::test]
async fn out_of_memory_exit_is_retried_with_a_larger_heap() {
    let dir = tempfile::tempdir().unwrap();
    let config = fake(
        dir.path(),
        "hello()\nsys.stdin.readline()\n\
         print('Terminating due to java.lang.OutOfMemoryError: Java heap space'); sys.stdout.flush()\n\
         sys.exit(3)",
    );
    let mut helper = Helper::start(&config).await.expect("handshake");
    let error = helper.tables().await.expect_err("died");
    assert_eq!(error.verdict(), Verdict::Retry(Recoverable::OutOfMemory));
}

fn quick_policy(retries: u32) -> RetryPolicy {
    RetryPolicy {
        retries,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        heap_mb: 256,
        max_heap_mb: 1024,
    }
}

#[tokio::test]
async fn recoverable_failures_restart_the_helper_with_a_larger_heap() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("attempts.log");
    // Each attempt appends its -Xmx; the first two run out of memory.
    let body = format!(
        "xmx = [a for a in sys.argv if a.startswith('-Xmx')][0]\n\
         open({log:?}, 'a').write(xmx + '\\n')\n\
         attempts = len(open({log:?}).read().split())\n\
         hello()\nreq = json.loads(sys.stdin.readline())\n\
         if attempts < 3:\n    print('Terminating due to java.lang.OutOfMemoryError'); sys.stdout.flush(); sys.exit(3)\n\
         say({{'type': 'tables', 'id': req['id'], 'tables': []}})\n\
         bye = json.loads(sys.stdin.readline())\nsay({{'type': 'bye', 'id': bye['id']}})"
    );
    let config = fake(dir.path(), &body);
    let done = with_retries(&config, &quick_policy(3), async |helper: &mut Helper| {
        helper.tables().await
    })
    .await
    .expect("third attempt succeeds");
    assert_eq!(done.retries, 2);
    let heaps = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        heaps.split_whitespace().collect::<Vec<_>>(),
        ["-Xmx256m", "-Xmx512m", "-Xmx1024m"]
    );
}

#[tokio::test]
async fn final_failures_are_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("attempts.log");
    let body = format!(
        "open({log:?}, 'a').write('x\\n')\nhello()\nreq = json.loads(sys.stdin.readline())\n\
         say({{'type': 'error', 'id': req['id'], 'kind': 'password', 'message': 'Password authentication failed'}})\n\
         time.sleep(5)"
    );
    let config = fake(dir.path(), &body);
    let error = with_retries(&config, &quick_policy(3), async |helper: &mut Helper| {
        helper.tables().await
    })
    .await
    .expect_err("a password error is final");
    assert!(matches!(
        error,
        HelperError::Reported {
            kind: ErrorKind::Password,
            ..
        }
    ));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
}

#[tokio::test]
async fn retries_stop_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("attempts.log");
    let body = format!("open({log:?}, 'a').write('x\\n')\nhello()\nsys.exit(1)");
    let config = fake(dir.path(), &body);
    let error = with_retries(&config, &quick_policy(2), async |helper: &mut Helper| {
        helper.tables().await
    })
    .await
    .expect_err("always dies");
    assert_eq!(error.verdict(), Verdict::Retry(Recoverable::DiedSilently));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 3);
}

#[tokio::test]
async fn the_overall_timeout_ends_a_slow_job_without_retrying() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("attempts.log");
    let body = format!("open({log:?}, 'a').write('x\\n')\nhello()\ntime.sleep(600)");
    let mut config = fake(dir.path(), &body);
    config.idle_timeout = Duration::from_secs(60);
    // Long enough for the fake helper to start on a busy machine, far
    // shorter than its sleep.
    config.overall_timeout = Some(Duration::from_secs(5));
    let started = std::time::Instant::now();
    let error = with_retries(&config, &quick_policy(3), async |helper: &mut Helper| {
        helper.tables().await
    })
    .await
    .expect_err("too slow");
    assert!(matches!(error, HelperError::OverallTimeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
}

#[test]
fn the_ucanaccess_mirror_goes_to_disk_when_the_file_is_large_beside_the_heap() {
    let mb = 1024 * 1024;
    assert_eq!(mirror_for(0, 1024), Mirror::Memory);
    assert_eq!(mirror_for(100 * mb, 1024), Mirror::Memory);
    assert_eq!(mirror_for(103 * mb, 1024), Mirror::Disk);
    assert_eq!(mirror_for(247 * mb, 4096), Mirror::Memory);
    assert_eq!(mirror_for(247 * mb, 2048), Mirror::Disk);
}
