//! `pyforge jars`: installing the pinned UCanAccess JAR set from a Maven
//! repository (a real HTTP server on loopback serving a Maven-layout folder
//! built from the real JARs), from a folder, from the pyforge-cli wheel and
//! from crafted archives; `verify`, `status` and `path`.
//!
//! The real JARs come from `scripts/fetch-jars.sh` (scripts/test.sh runs it
//! first); without them these tests fail and say so.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::util::{listing, TestCommand, TestDir, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

const SET_FOLDER: &str = "ucanaccess-4.0.4-v1";

// ---------------------------------------------------------------------------
// The pinned set and the real files

#[derive(Debug, Clone)]
struct Pin {
    file: String,
    maven_path: String,
    size: u64,
    sha256: String,
    /// The folder of `.jars/` that scripts/fetch-jars.sh puts the real file in.
    real_dir: PathBuf,
}

/// The five pins, read from the manifest the binary compiles in.
fn pins() -> Vec<Pin> {
    pins_of("ucanaccess-4.0.4")
}

/// The encryption add-on's pins.
fn add_on_pins() -> Vec<Pin> {
    pins_of("jackcess-encrypt-4.0.3")
}

/// The pins of `jars/<set>.json`.
fn pins_of(set: &str) -> Vec<Pin> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join(format!("jars/{set}.json"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read the manifest")).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |key: &str| f[key].as_str().unwrap().to_string();
            Pin {
                real_dir: root.join(".jars").join(set),
                file: s("file"),
                maven_path: format!(
                    "{}/{}/{}/{}",
                    s("group").replace('.', "/"),
                    s("artifact"),
                    s("version"),
                    s("file")
                ),
                size: f["size"].as_u64().unwrap(),
                sha256: s("sha256"),
            }
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `.jars/ucanaccess-4.0.4/` with the five real JARs, checked.
pub fn real_jars() -> PathBuf {
    real_set(&pins())
}

/// `.jars/jackcess-encrypt-4.0.3/` with the add-on's real JARs, checked.
pub fn real_add_on_jars() -> PathBuf {
    real_set(&add_on_pins())
}

fn real_set(pins: &[Pin]) -> PathBuf {
    for pin in pins {
        real_bytes(pin);
    }
    pins[0].real_dir.clone()
}

/// The pyforge-cli 1.0.9 wheel that scripts/fetch-jars.sh downloads.
fn wheel() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".jars/download");
    listing(&dir)
        .into_iter()
        .find(|name| name.starts_with("pyforge_cli-") && name.ends_with(".whl"))
        .map(|name| dir.join(name))
        .unwrap_or_else(|| {
            panic!(
                "no pyforge_cli wheel in {}: run scripts/fetch-jars.sh",
                dir.display()
            )
        })
}

/// The real file of `pin`, checked against it.
fn real_bytes(pin: &Pin) -> Vec<u8> {
    let path = pin.real_dir.join(&pin.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run scripts/fetch-jars.sh to get the real JARs",
            path.display()
        )
    });
    assert_eq!(sha256_hex(&bytes), pin.sha256, "{}", path.display());
    bytes
}

/// A Maven-layout folder holding the real JARs of the set and its add-on,
/// except `leave_out`.
fn maven_repo(dir: &TestDir, leave_out: &[&str]) -> PathBuf {
    let root = dir.mkdir("maven2");
    for pin in pins().into_iter().chain(add_on_pins()) {
        if leave_out.contains(&pin.file.as_str()) {
            continue;
        }
        let target = root.join(&pin.maven_path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, real_bytes(&pin)).unwrap();
    }
    root
}

// ---------------------------------------------------------------------------
// A small HTTP server on loopback

#[derive(Default, Clone)]
struct Behaviour {
    /// The first this-many requests get `503 Service Unavailable`.
    fail_first: usize,
    /// Wait before each answer (so that two clients overlap).
    delay: Duration,
}

/// Serves `root` over HTTP/1.1 on 127.0.0.1 (one thread per connection,
/// `Connection: close`), and records every request path. Stops when dropped.
struct TestServer {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start(root: PathBuf, behaviour: Behaviour) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(AtomicUsize::new(0));
        let accept = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: a test makes far fewer connections than this.
                for stream in listener.incoming().take(1000) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (root, requests, served, behaviour) = (
                        root.clone(),
                        requests.clone(),
                        served.clone(),
                        behaviour.clone(),
                    );
                    std::thread::spawn(move || {
                        let _ = serve(stream, &root, &requests, &served, &behaviour);
                    });
                }
            })
        };
        TestServer {
            port,
            requests,
            stop,
            accept: Some(accept),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/maven2", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    fn requests_for(&self, file: &str) -> usize {
        self.requests()
            .iter()
            .filter(|p| p.ends_with(&format!("/{file}")))
            .count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    root: &Path,
    requests: &Mutex<Vec<String>>,
    served: &AtomicUsize,
    behaviour: &Behaviour,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers (bounded).
    for _ in 0..100 {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    requests.lock().unwrap().push(path.clone());
    let number = served.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(behaviour.delay);

    let mut stream = stream;
    let respond = |stream: &mut TcpStream, status: &str, body: &[u8]| {
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/java-archive\r\nConnection: close\r\n\r\n",
            body.len()
        )?;
        stream.write_all(body)?;
        stream.flush()
    };
    if number < behaviour.fail_first {
        respond(&mut stream, "503 Service Unavailable", b"try later")?;
    } else {
        let relative = path.trim_start_matches("/maven2/");
        let file = root.join(relative);
        match std::fs::read(&file) {
            Ok(body) if !relative.split('/').any(|p| p == "..") => {
                respond(&mut stream, "200 OK", &body)?
            }
            _ => respond(&mut stream, "404 Not Found", b"not found")?,
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
    Ok(())
}

// ---------------------------------------------------------------------------
// Helpers

/// `pyforge jars <args>` in `dir`, with variables that would change the
/// result neutralised and loopback never sent to a proxy.
fn jars(dir: &TestDir) -> TestCommand {
    dir.cmd()
        .env("PYFORGE_JARS_DIR", "")
        .env("PYFORGE_HOME", dir.join("home"))
        .env("PYFORGE_MAVEN_REPO", "")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .arg("jars")
}

/// The set's folder inside the cache `cache`.
fn set_dir(cache: &Path) -> PathBuf {
    cache.join(SET_FOLDER)
}

/// Requires the five files in `cache` with their pinned bytes, and no
/// temporary file beside them.
#[track_caller]
fn assert_installed(cache: &Path) {
    let dir = set_dir(cache);
    for pin in pins() {
        let bytes = std::fs::read(dir.join(&pin.file))
            .unwrap_or_else(|e| panic!("{} not installed: {e}", pin.file));
        assert_eq!(sha256_hex(&bytes), pin.sha256, "{}", pin.file);
    }
    let mut names = listing(&dir);
    names.retain(|n| n != ".lock");
    let mut expected: Vec<String> = pins().into_iter().map(|p| p.file).collect();
    expected.sort();
    assert_eq!(names, expected, "unexpected files in {}", dir.display());
}

/// Requires that no JAR (and no temporary file) is in the set's folder.
#[track_caller]
fn assert_nothing_installed(cache: &Path) {
    let names: Vec<String> = listing(&set_dir(cache))
        .into_iter()
        .filter(|n| n != ".lock")
        .collect();
    assert!(
        names.is_empty(),
        "expected nothing installed in {}, found {names:?}",
        set_dir(cache).display()
    );
}

fn expected_classpath(cache: &Path) -> String {
    pins()
        .iter()
        .map(|p| set_dir(cache).join(&p.file).display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// A zip archive at `path` holding `(name, bytes)` entries (deflated).
fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

// ---------------------------------------------------------------------------
// Downloads

#[test]
fn install_downloads_the_set_and_a_second_install_skips_it() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");

    let out = jars(&dir)
        .args(["install", "--repo", &server.url(), "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    out.stdout_empty();
    out.stderr_has("installed the ucanaccess 4.0.4 JAR set");
    assert_installed(&cache);
    // Every file was fetched once, by its Maven path.
    let mut requested = server.requests();
    requested.sort();
    let mut expected: Vec<String> = pins()
        .iter()
        .map(|p| format!("/maven2/{}", p.maven_path))
        .collect();
    expected.sort();
    assert_eq!(requested, expected);

    // Installed and verified files are not fetched again.
    let again = jars(&dir)
        .args(["install", "--repo", &server.url(), "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    again.stderr_has("already installed");
    assert_eq!(server.requests().len(), 5);

    jars(&dir)
        .args(["verify", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    let path = jars(&dir)
        .args(["path", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    assert_eq!(path.stdout, format!("{}\n", expected_classpath(&cache)));
    assert!(path.stderr.is_empty(), "{path}");
}

#[test]
fn install_json_reports_every_file() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["install", "--json", "--repo", &server.url(), "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    let doc = out.json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["set"], "ucanaccess-4.0.4");
    assert_eq!(doc["source"], server.url());
    assert_eq!(doc["classpath"], expected_classpath(&cache));
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    assert!(files.iter().all(|f| f["action"] == "installed"), "{out}");
}

#[test]
fn checksum_mismatch_is_not_retried_and_installs_nothing() {
    let dir = TestDir::new();
    let root = maven_repo(&dir, &[]);
    // The last file, so the four before it were downloaded and verified
    // when the mismatch shows up: they must not land either.
    let victim = pins().into_iter().last().unwrap();
    let mut bytes = real_bytes(&victim);
    bytes[1000] ^= 0xff;
    let actual = sha256_hex(&bytes);
    std::fs::write(root.join(&victim.maven_path), &bytes).unwrap();
    let server = TestServer::start(root, Behaviour::default());
    let cache = dir.join("cache");

    let out = jars(&dir)
        .args(["-v", "install", "--repo", &server.url(), "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("error: checksum mismatch for commons-logging-1.2.jar")
        .stderr_has(&format!("expected sha256 {}", victim.sha256))
        .stderr_has(&format!("got sha256 {actual}"))
        .stderr_has(&server.url())
        .stderr_has("hint: ");
    assert!(!out.stderr.contains("retrying"), "{out}");
    assert_eq!(server.requests_for(&victim.file), 1, "{out}");
    assert_nothing_installed(&cache);
}

#[test]
fn not_found_names_the_url() {
    let dir = TestDir::new();
    let server = TestServer::start(
        maven_repo(&dir, &["hsqldb-2.5.0.jar"]),
        Behaviour::default(),
    );
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args([
            "install",
            "--repo",
            &format!("{}/", server.url()),
            "--jars-dir",
        ])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has(&format!(
        "error: {}/org/hsqldb/hsqldb/2.5.0/hsqldb-2.5.0.jar: not found (HTTP 404)",
        server.url()
    ))
    .stderr_has("hint: check --repo");
    assert_eq!(server.requests_for("hsqldb-2.5.0.jar"), 1, "{out}");
    assert_nothing_installed(&cache);
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let dir = TestDir::new();
    let server = TestServer::start(
        maven_repo(&dir, &[]),
        Behaviour {
            fail_first: 2,
            ..Behaviour::default()
        },
    );
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["-v", "install", "--repo", &server.url(), "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    out.stderr_has("HTTP 503 Service Unavailable; retrying in")
        .stderr_has("(attempt 2 of 5)")
        .stderr_has("(attempt 3 of 5)");
    assert_installed(&cache);
    assert_eq!(server.requests().len(), 7, "{out}");
    assert_eq!(server.requests_for("ucanaccess-4.0.4.jar"), 3, "{out}");
}

#[test]
fn two_concurrent_installs_leave_one_correct_set() {
    let dir = TestDir::new();
    // Slow answers (about a second for the set) make the two overlap.
    let server = TestServer::start(
        maven_repo(&dir, &[]),
        Behaviour {
            delay: Duration::from_millis(200),
            ..Behaviour::default()
        },
    );
    let cache = dir.join("cache");
    let url = server.url();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let command = jars(&dir)
                .args(["-v", "install", "--repo", &url, "--jars-dir"])
                .arg(&cache);
            std::thread::spawn(move || command.run())
        })
        .collect();
    for run in runs {
        let out = run.join().unwrap();
        out.check(out.code == Some(EXIT_OK), "both installs succeed");
    }
    assert_installed(&cache);
    jars(&dir)
        .args(["verify", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    // The lock serialised them: the second found the set in place.
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn bad_repository_urls_are_usage_errors() {
    let dir = TestDir::new();
    let out = jars(&dir)
        .args([
            "install",
            "--repo",
            "ftp://mirror.invalid/maven2",
            "--jars-dir",
        ])
        .arg(dir.join("cache"))
        .assert_code(EXIT_USAGE);
    out.stderr_has("is not a repository URL");
}

#[test]
fn the_repository_comes_from_pyforge_maven_repo() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");
    jars(&dir)
        .env("PYFORGE_MAVEN_REPO", server.url())
        .env("PYFORGE_JARS_DIR", &cache)
        .arg("install")
        .assert_code(EXIT_OK);
    assert_installed(&cache);
}

#[test]
fn the_repository_comes_from_the_mirror_in_the_users_maven_settings() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let home = dir.mkdir("home-with-maven");
    dir.write(
        "home-with-maven/.m2/settings.xml",
        format!(
            r#"<settings><mirrors>
                 <mirror><id>elsewhere</id><mirrorOf>snapshots</mirrorOf><url>http://0.0.0.0/</url></mirror>
                 <mirror><id>team</id><mirrorOf>central</mirrorOf><url>{}</url></mirror>
               </mirrors></settings>"#,
            server.url()
        ),
    );
    let cache = dir.join("cache");
    jars(&dir)
        .env("HOME", &home)
        .env("PYFORGE_JARS_DIR", &cache)
        .arg("install")
        .assert_code(EXIT_OK);
    assert_installed(&cache);
    let info = dir
        .cmd()
        .env("HOME", &home)
        .env("PYFORGE_MAVEN_REPO", "")
        .args(["env-info", "--no-start", "--json"])
        .run();
    let doc = info.json();
    assert_eq!(doc["repository"]["url"], server.url().as_str());
    let from = doc["repository"]["from"].as_str().unwrap();
    assert!(from.starts_with("mirror `team` in "), "{from}");
    // PYFORGE_MAVEN_REPO still wins over Maven's settings.
    let other = dir
        .cmd()
        .env("HOME", &home)
        .env("PYFORGE_MAVEN_REPO", "https://repo.example/maven2")
        .args(["env-info", "--no-start", "--json"])
        .run()
        .json();
    assert_eq!(other["repository"]["from"], "PYFORGE_MAVEN_REPO");
}

// ---------------------------------------------------------------------------
// install --from

/// pyforge-cli 1.0.9's wheel holds four of the five files (its Jackcess is
/// 3.0.1): they are copied, Jackcess 4.0.11 is downloaded, in one install.
#[test]
fn install_from_the_wheel_copies_four_files_and_downloads_jackcess() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let out = jars(&dir)
        .args(["install", "--from"])
        .arg(wheel())
        .args(["--repo", &server.url()])
        .assert_code(EXIT_OK);
    out.stderr_has("5 files copied or downloaded: 1 not in the source");
    assert_eq!(server.requests_for("jackcess-4.0.11.jar"), 1);
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
    // The default cache: $PYFORGE_HOME/jars.
    let cache = dir.join("home").join("jars");
    assert_installed(&cache);
    // The wheel's other UCanAccess JARs stay out.
    assert!(!set_dir(&cache).join("ucanaccess-5.0.1.jar").exists());
    let path = jars(&dir).arg("path").assert_code(EXIT_OK);
    assert_eq!(path.stdout, format!("{}\n", expected_classpath(&cache)));
}

#[test]
fn install_from_the_wheel_offline_names_the_file_it_lacks_and_installs_nothing() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["install", "--offline", "--from"])
        .arg(wheel())
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("does not hold jackcess-4.0.11.jar")
        .stderr_has("without --offline the missing files are downloaded");
    assert_nothing_installed(&cache);
}

/// Every pin (the set's and the add-on's) is the artifact Maven publishes:
/// the SHA-1 of the file its SHA-256 accepts equals the `.sha1` beside the
/// artifact in the repository pyforge downloads from (Maven's settings
/// decide, as for `jars install`).
#[test]
fn every_pin_matches_the_sha1_the_maven_repository_publishes() {
    let dir = TestDir::new();
    let env = dir
        .cmd()
        .env("PYFORGE_MAVEN_REPO", "")
        .args(["env-info", "--json", "--no-start"])
        .run()
        .json();
    let repo = env["repository"]["url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let proxy = env["repository"]["proxy"].as_str().map(str::to_string);
    for pin in pins().into_iter().chain(add_on_pins()) {
        let url = format!("{repo}/{}.sha1", pin.maven_path);
        let mut curl = std::process::Command::new("curl");
        curl.args(["-sSfL", "--max-time", "60", &url]);
        if let Some(proxy) = &proxy {
            curl.args(["--proxy", proxy]);
        }
        let out = curl.output().expect("curl runs");
        if !out.status.success() {
            let what = format!("{url} ({})", String::from_utf8_lossy(&out.stderr).trim());
            if crate::util::needed(
                None::<()>,
                &what,
                "this machine must reach its Maven repository",
            )
            .is_none()
            {
                return;
            }
        }
        let published = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let path = pin.real_dir.join(&pin.file);
        real_bytes(&pin);
        let ours = std::process::Command::new("sha1sum")
            .arg(&path)
            .output()
            .unwrap();
        let ours = String::from_utf8_lossy(&ours.stdout);
        assert_eq!(
            ours.split_whitespace().next().unwrap(),
            published,
            "{}: Maven's .sha1 differs from the file the SHA-256 pin accepts",
            pin.file
        );
    }
}

/// `--with encrypt`: the add-on in its own folder beside the set, on the
/// classpath `path` prints, in `status` and `verify`.
#[test]
fn install_with_encrypt_puts_the_add_on_beside_the_set_and_on_the_classpath() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args([
            "install",
            "--with",
            "encrypt",
            "--repo",
            &server.url(),
            "--jars-dir",
        ])
        .arg(&cache)
        .assert_code(EXIT_OK);
    out.stderr_has("installed the ucanaccess 4.0.4 JAR set")
        .stderr_has("installed the jackcess-encrypt 4.0.3 JAR set");
    assert_installed(&cache);
    let add_on_dir = cache.join("jackcess-encrypt-4.0.3-v1");
    let mut add_on_files: Vec<String> = add_on_pins().into_iter().map(|p| p.file).collect();
    for pin in add_on_pins() {
        let bytes = std::fs::read(add_on_dir.join(&pin.file)).unwrap();
        assert_eq!(sha256_hex(&bytes), pin.sha256, "{}", pin.file);
    }
    let mut names = listing(&add_on_dir);
    names.retain(|n| n != ".lock");
    add_on_files.sort();
    assert_eq!(names, add_on_files);

    let path = jars(&dir)
        .args(["path", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    let add_on_path: Vec<String> = add_on_pins()
        .iter()
        .map(|p| add_on_dir.join(&p.file).display().to_string())
        .collect();
    assert_eq!(
        path.stdout,
        format!("{}:{}\n", expected_classpath(&cache), add_on_path.join(":"))
    );

    let status = jars(&dir)
        .args(["status", "--json", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(status["installed"], true);
    assert_eq!(status["add_ons"][0]["add_on"], "encrypt");
    assert_eq!(status["add_ons"][0]["set"], "jackcess-encrypt-4.0.3");
    assert_eq!(status["add_ons"][0]["installed"], true);

    // A damaged add-on fails `verify`, naming the file and the repair.
    std::fs::write(add_on_dir.join("bcprov-jdk18on-1.87.jar"), b"damaged").unwrap();
    let verify = jars(&dir)
        .args(["verify", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    verify
        .stdout_has("jackcess-encrypt-4.0.3.jar")
        .stderr_has("bcprov-jdk18on-1.87.jar: checksum mismatch")
        .stderr_has("pyforge jars install --with encrypt");
}

#[test]
fn install_from_a_folder_finds_the_files_at_any_depth() {
    let dir = TestDir::new();
    let source = dir.mkdir("unpacked");
    for (i, pin) in pins().iter().enumerate() {
        let sub = source.join(format!("level{i}/deeper"));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(&pin.file), real_bytes(pin)).unwrap();
    }
    std::fs::write(source.join("README.txt"), "not a jar").unwrap();
    let cache = dir.join("cache");
    jars(&dir)
        .args(["install", "--from"])
        .arg(&source)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_OK);
    assert_installed(&cache);
}

#[test]
fn install_from_a_folder_with_a_wrong_file_installs_nothing() {
    let dir = TestDir::new();
    let source = dir.mkdir("source");
    for pin in pins() {
        std::fs::write(source.join(&pin.file), real_bytes(&pin)).unwrap();
    }
    std::fs::write(source.join("jackcess-4.0.11.jar"), b"not the real jackcess").unwrap();
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["install", "--from"])
        .arg(&source)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("checksum mismatch for jackcess-4.0.11.jar")
        .stderr_has("de4e6daafd27163ab4f8f3fdb086f9a5a5e2044d93db24d00eebe9946bf09f7d");
    assert_nothing_installed(&cache);
}

#[test]
fn install_from_a_source_lacking_files_names_them() {
    let dir = TestDir::new();
    let source = dir.mkdir("source");
    let pins = pins();
    std::fs::write(source.join(&pins[0].file), real_bytes(&pins[0])).unwrap();
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["install", "--offline", "--from"])
        .arg(&source)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("does not hold jackcess-4.0.11.jar, hsqldb-2.5.0.jar");
    assert_nothing_installed(&cache);

    let missing = jars(&dir)
        .args(["install", "--from"])
        .arg(dir.join("nowhere"))
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    missing.stderr_has("no such file or directory");
}

#[test]
fn install_from_a_zip_refuses_path_traversal() {
    let dir = TestDir::new();
    // Deep enough that `../evil.jar` from any level stays inside the test dir.
    let work = dir.mkdir("a/b/c");
    let mut entries: Vec<(String, Vec<u8>)> = pins()
        .iter()
        .map(|p| (format!("jars/{}", p.file), real_bytes(p)))
        .collect();
    entries.push(("../evil.jar".into(), b"evil".to_vec()));
    let archive = work.join("crafted.zip");
    write_zip(&archive, &entries);
    let cache = work.join("cache");

    let out = jars(&dir)
        .args(["install", "--from"])
        .arg(&archive)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("refusing the archive: entry `../evil.jar` points outside it");
    assert_nothing_installed(&cache);
    // Nothing named evil.jar anywhere in the test folder.
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            assert_ne!(entry.file_name(), "evil.jar", "{}", entry.path().display());
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }

    // An absolute entry name is refused too.
    let mut entries: Vec<(String, Vec<u8>)> = pins()
        .iter()
        .map(|p| (p.file.clone(), real_bytes(p)))
        .collect();
    entries.insert(0, ("/tmp/evil.jar".into(), b"evil".to_vec()));
    write_zip(&archive, &entries);
    jars(&dir)
        .args(["install", "--from"])
        .arg(&archive)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_FAILED)
        .stderr_has("entry `/tmp/evil.jar` points outside it");
    assert_nothing_installed(&cache);
}

#[test]
fn install_from_a_plain_zip_with_extra_files() {
    let dir = TestDir::new();
    let mut entries: Vec<(String, Vec<u8>)> = pins()
        .iter()
        .map(|p| (format!("some/where/{}", p.file), real_bytes(p)))
        .collect();
    entries.push(("some/where/other-1.0.jar".into(), b"other".to_vec()));
    let archive = dir.join("set.zip");
    write_zip(&archive, &entries);
    let cache = dir.join("cache");
    jars(&dir)
        .args(["install", "--from"])
        .arg(&archive)
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_OK);
    assert_installed(&cache);
}

#[test]
fn install_from_a_file_that_is_not_an_archive() {
    let dir = TestDir::new();
    let not_zip = dir.write("jars.tar", b"definitely not a zip file");
    let out = jars(&dir)
        .args(["install", "--from"])
        .arg(&not_zip)
        .arg("--jars-dir")
        .arg(dir.join("cache"))
        .assert_code(EXIT_FAILED);
    out.stderr_has("not a directory or a zip archive")
        .stderr_has("hint: --from takes a folder");
}

// ---------------------------------------------------------------------------
// verify, status, path

#[test]
fn path_fails_clearly_when_the_set_is_not_installed() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    let out = jars(&dir)
        .args(["path", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stdout_empty()
        .stderr_has("error: the ucanaccess 4.0.4 JAR set is not installed in")
        .stderr_has("hint: run `pyforge jars install`");
    jars(&dir)
        .args(["verify", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED)
        .stderr_has("is not installed");
    // Looking does not create the cache.
    assert!(!cache.exists());
}

#[test]
fn verify_detects_a_tampered_file_and_install_repairs_it() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    jars(&dir)
        .args(["install", "--from"])
        .arg(real_jars())
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_OK);
    let victim = set_dir(&cache).join("hsqldb-2.5.0.jar");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[0] ^= 0x01;
    std::fs::write(&victim, &bytes).unwrap();

    // A conversion refuses to run a tampered set, and says how to repair it.
    std::fs::copy(
        crate::java_helper::generated().join("types.mdb"),
        dir.join("types.mdb"),
    )
    .unwrap();
    dir.cmd()
        .args(["convert", "types.mdb", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED)
        .stderr_has("hsqldb-2.5.0.jar does not match the pinned SHA-256")
        .stderr_has("pyforge jars install");
    assert!(!dir.join("types_parquet").exists());

    let out = jars(&dir)
        .args(["verify", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    out.stderr_has("hsqldb-2.5.0.jar: checksum mismatch: expected sha256 acda459c")
        .stderr_has(&format!("got sha256 {}", sha256_hex(&bytes)))
        .stdout_has("ok: ");
    let json = jars(&dir)
        .args(["verify", "--json", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED)
        .json();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["ok"], false);
    let statuses: BTreeMap<String, String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(statuses["hsqldb-2.5.0.jar"], "mismatch");
    assert_eq!(statuses["jackcess-4.0.11.jar"], "ok");

    // Same size, so `path` still answers; `install` replaces the bad file.
    let install = jars(&dir)
        .args(["install", "--json", "--from"])
        .arg(wheel())
        .arg("--jars-dir")
        .arg(&cache)
        .assert_code(EXIT_OK)
        .json();
    let actions: Vec<&str> = install["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["present", "present", "replaced", "present", "present"]
    );
    assert_installed(&cache);
}

#[test]
fn status_reports_files_present_and_missing() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    let pins = pins();
    std::fs::create_dir_all(set_dir(&cache)).unwrap();
    std::fs::write(set_dir(&cache).join(&pins[0].file), real_bytes(&pins[0])).unwrap();

    let doc = jars(&dir)
        .args(["status", "--json", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["set"], "ucanaccess-4.0.4");
    assert_eq!(doc["layout"], 1);
    assert_eq!(doc["installed"], false);
    assert_eq!(
        doc["dir"].as_str().unwrap(),
        set_dir(&cache).display().to_string()
    );
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files[0]["present"], true);
    assert_eq!(files[0]["bytes"], pins[0].size);
    assert_eq!(
        files[0]["coordinates"],
        "net.sf.ucanaccess:ucanaccess:4.0.4"
    );
    assert_eq!(files[1]["present"], false);

    let text = jars(&dir)
        .args(["status", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    text.stdout_has("not installed (1 of 5 files in place)")
        .stdout_has("jackcess-4.0.11.jar")
        .stdout_has("add-on: jackcess-encrypt-4.0.3")
        .stdout_has("not installed (optional)");

    // Partly installed: `path` names what is missing.
    jars(&dir)
        .args(["path", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED)
        .stderr_has("is incomplete (missing or damaged: jackcess-4.0.11.jar");
}

#[test]
fn the_cache_comes_from_pyforge_jars_dir() {
    let dir = TestDir::new();
    let cache = dir.join("from-env");
    jars(&dir)
        .env("PYFORGE_JARS_DIR", &cache)
        .args(["install", "--from"])
        .arg(real_jars())
        .assert_code(EXIT_OK);
    assert_installed(&cache);
    let doc = jars(&dir)
        .env("PYFORGE_JARS_DIR", &cache)
        .args(["status", "--json"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(doc["installed"], true);
}

// Keeps the server's read side honest: a request is answered even when the
// client sends its headers slowly. (Guards the test server itself.)
#[test]
fn test_server_answers_404_for_unknown_paths() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /maven2/nothing/here.jar HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

// ---------------------------------------------------------------------------
// The first Access conversion installs the set (issue 3): unless --offline.

#[test]
fn the_first_access_conversion_installs_the_missing_set() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");
    let db = dir.join("types.accdb");
    std::fs::copy(crate::java_helper::generated().join("types.accdb"), &db).unwrap();
    dir.cmd()
        .env("PYFORGE_MAVEN_REPO", server.url())
        .args(["convert", "types.accdb", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_OK);
    assert_installed(&cache);
    assert!(dir.join("types_parquet").is_dir());
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn offline_conversions_never_download() {
    let dir = TestDir::new();
    let server = TestServer::start(maven_repo(&dir, &[]), Behaviour::default());
    let cache = dir.join("cache");
    std::fs::copy(
        crate::java_helper::generated().join("types.accdb"),
        dir.join("types.accdb"),
    )
    .unwrap();
    let run = dir
        .cmd()
        .env("PYFORGE_MAVEN_REPO", server.url())
        .args(["convert", "types.accdb", "--offline", "--jars-dir"])
        .arg(&cache)
        .assert_code(EXIT_FAILED);
    run.error_names("types.accdb")
        .stderr_has("--offline")
        .stderr_has("hint:");
    assert!(server.requests().is_empty());
    assert_nothing_installed(&cache);
    assert!(!dir.join("types_parquet").exists());
}

// ---------------------------------------------------------------------------
// The real Maven repository

/// `jars install` with no repository named: Maven Central itself (or what
/// `PYFORGE_MAVEN_REPO` names), every file checked against its pin. The
/// machine's own trust store is used, so a TLS-inspecting proxy whose CA the
/// system trusts is reached too. Unreachable, the test fails in CI saying so
/// (and is skipped with a note elsewhere).
#[test]
fn install_downloads_the_pinned_set_from_the_real_maven_repository() {
    let dir = TestDir::new();
    let cache = dir.join("cache");
    let run = jars(&dir)
        .env("PYFORGE_JARS_DIR", &cache)
        .args(["install", "--json", "--with", "encrypt"])
        .run();
    if run.code != Some(EXIT_OK) {
        let unreachable = [
            "connect",
            "dns",
            "timed out",
            "certificate",
            "tls",
            "resolve",
        ]
        .iter()
        .any(|word| run.stderr.to_lowercase().contains(word));
        if unreachable {
            let what = format!("Maven Central, for `jars install` ({})", run.stderr.trim());
            if crate::util::needed(None::<()>, &what, "this machine must reach Maven Central")
                .is_none()
            {
                return;
            }
        }
        panic!("jars install from Maven Central failed\n{run}");
    }
    assert_installed(&cache);
    let doc = run.json();
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), pins().len() + add_on_pins().len());
    assert_eq!(doc["add_ons"][0], "jackcess-encrypt-4.0.3");
    assert!(
        doc.to_string().contains("repo1.maven.org")
            || std::env::var_os("PYFORGE_MAVEN_REPO").is_some(),
        "downloaded from Maven Central: {doc}"
    );
}
