//! The pinned JAR set the Java helper runs on: its manifest, the cache folder
//! it lives in, and the ways it gets there.
//!
//! The manifest (`jars/ucanaccess-4.0.4.json`, compiled in) pins every file by
//! Maven coordinates, size and SHA-256. The set lives in its own folder of the
//! cache, named after the set and the layout version
//! (`<cache>/ucanaccess-4.0.4-v1/`), so a later set or layout never mixes with
//! this one. Where the cache folder is, `crate::home` decides.
//!
//! Add-ons ([`AddOn`]: `jars/jackcess-encrypt-4.0.3.json`) are sets of their
//! own, pinned and installed the same way into their own folder beside the
//! base set, and put on the helper's classpath when they are installed.
//!
//! Installing ([`JarCache::install_from_repo`], [`JarCache::install_from_path`])
//! keeps three rules:
//! - a file lands only after its size and SHA-256 matched the pin; it is
//!   written under a hidden temporary name in the set's folder and renamed, so
//!   a reader never sees a partial file;
//! - an install is all or nothing: every missing file is staged and verified
//!   before the first rename, so a failed install leaves the cache as it was;
//! - installers take an exclusive lock on `<set folder>/.lock`, so two pyforge
//!   processes installing at once leave one correct set (the second finds the
//!   files in place and skips them).
//!
//! This module never prints: download and copy progress goes to a
//! [`Progress`], retries are logged through `tracing`, and errors carry a hint.

mod archive;
mod download;

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::files::copy::read_some;
use crate::files::digest::{sha256_reader, HashingReader, Sha256Sum};
use crate::files::{leftovers, CommitError, TempPath};
use crate::home::HomeError;
use crate::progress::Progress;

/// Maven Central, the default repository for `pyforge jars install`.
pub const MAVEN_CENTRAL: &str = "https://repo1.maven.org/maven2";

/// The UCanAccess 4.0.4 set of pyforge-cli 1.0.9 (DESIGN.md §3), with
/// Jackcess 4.0.11 in place of its 3.0.1.
const UCANACCESS_MANIFEST: &str = include_str!("../../jars/ucanaccess-4.0.4.json");

/// The encryption add-on: Jackcess Encrypt and Bouncy Castle.
const ENCRYPT_MANIFEST: &str = include_str!("../../jars/jackcess-encrypt-4.0.3.json");

/// An optional set installed beside the base one (`jars install --with NAME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOn {
    /// Jackcess Encrypt: encoded (RC4) Jet files and Office-encrypted .accdb files.
    Encrypt,
}

impl AddOn {
    pub const ALL: [AddOn; 1] = [AddOn::Encrypt];

    /// The name `--with` takes.
    pub fn name(self) -> &'static str {
        match self {
            AddOn::Encrypt => "encrypt",
        }
    }

    pub fn set(self) -> &'static JarSet {
        match self {
            AddOn::Encrypt => {
                static SET: OnceLock<JarSet> = OnceLock::new();
                SET.get_or_init(|| {
                    serde_json::from_str(ENCRYPT_MANIFEST)
                        .expect("jars/jackcess-encrypt-4.0.3.json is valid")
                })
            }
        }
    }
}

/// A pinned set of JARs, as read from a manifest in `jars/`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JarSet {
    /// Short name of the set (`ucanaccess`).
    pub name: String,
    /// Version of the set (`4.0.4`).
    pub version: String,
    /// Version of the cache layout; a new layout gets a new folder.
    pub layout: u32,
    pub description: String,
    /// The files, in classpath order.
    pub files: Vec<JarPin>,
}

/// One file of a set: where Maven keeps it and what its bytes must be.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JarPin {
    /// File name in the cache and in archives (`ucanaccess-4.0.4.jar`).
    pub file: String,
    pub group: String,
    pub artifact: String,
    pub version: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl JarSet {
    /// The UCanAccess 4.0.4 set (the compiled-in manifest).
    pub fn ucanaccess() -> &'static JarSet {
        static SET: OnceLock<JarSet> = OnceLock::new();
        SET.get_or_init(|| {
            // A unit test parses the manifest, so this cannot fail in a
            // build that passed its tests.
            serde_json::from_str(UCANACCESS_MANIFEST).expect("jars/ucanaccess-4.0.4.json is valid")
        })
    }

    /// `ucanaccess-4.0.4`.
    pub fn id(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }

    /// `ucanaccess 4.0.4`, for messages.
    pub fn title(&self) -> String {
        format!("{} {}", self.name, self.version)
    }

    /// The set's folder inside the cache: `ucanaccess-4.0.4-v1`.
    pub fn folder_name(&self) -> String {
        format!("{}-v{}", self.id(), self.layout)
    }
}

impl JarPin {
    /// `group:artifact:version`.
    pub fn coordinates(&self) -> String {
        format!("{}:{}:{}", self.group, self.artifact, self.version)
    }

    /// The file's path in a Maven repository:
    /// `<group with / for .>/<artifact>/<version>/<artifact>-<version>.jar`.
    pub fn maven_path(&self) -> String {
        format!(
            "{}/{}/{}/{}-{}.jar",
            self.group.replace('.', "/"),
            self.artifact,
            self.version,
            self.artifact,
            self.version
        )
    }
}

/// Why a JAR operation failed.
#[derive(Debug, thiserror::Error)]
pub enum JarsError {
    #[error("cannot find a home folder for the JAR cache")]
    NoHome,
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot lock {}: {source}", .path.display())]
    Lock { path: PathBuf, source: io::Error },
    #[error("{}", not_installed_message(.set, .dir, .files))]
    NotInstalled {
        set: &'static JarSet,
        dir: PathBuf,
        /// The files missing or not of their pinned size.
        files: Vec<String>,
    },
    #[error("the classpath cannot hold {}: {source}", .dir.display())]
    Classpath {
        dir: PathBuf,
        source: std::env::JoinPathsError,
    },
    #[error("`{repo}` is not a repository URL: {reason}")]
    BadRepo { repo: String, reason: String },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    #[error("{url}: not found (HTTP 404)")]
    NotFound { url: String },
    #[error("{url}: HTTP {status}")]
    HttpStatus { url: String, status: String },
    #[error("{url}: {message}")]
    Network { url: String, message: String },
    #[error("checksum mismatch for {file} from {source_name}: expected sha256 {expected} ({expected_size} bytes), got {actual}")]
    ChecksumMismatch {
        file: String,
        source_name: String,
        expected: String,
        expected_size: u64,
        /// `sha256 <hex> (<n> bytes)`, or a size beyond the expected one.
        actual: String,
    },
    #[error("{}: no such file or directory", .0.display())]
    SourceNotFound(PathBuf),
    #[error("{}: not a directory or a zip archive ({message})", .path.display())]
    NotAnArchive { path: PathBuf, message: String },
    #[error("{}: refusing the archive: entry `{entry}` points outside it (absolute path or `..`)", .archive.display())]
    UnsafeEntry { archive: PathBuf, entry: String },
    #[error("{}: cannot read `{entry}`: {message}", .archive.display())]
    Archive {
        archive: PathBuf,
        entry: String,
        message: String,
    },
    #[error(transparent)]
    Commit(#[from] CommitError),
    #[error("the JAR set in {} is damaged or was replaced: {} {} not match the pinned SHA-256", .dir.display(), .files.join(", "), if .files.len() == 1 { "does" } else { "do" })]
    Damaged { dir: PathBuf, files: Vec<String> },
    #[error("--offline forbids downloading, and no --from PATH was given to copy from")]
    OfflineWithoutSource,
    #[error("{} does not hold {}", .source_path.display(), .files.join(", "))]
    SourceIncomplete {
        source_path: PathBuf,
        files: Vec<String>,
    },
}

impl JarsError {
    /// What the user can do about it, if there is something.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            JarsError::NoHome => {
                Some("set PYFORGE_HOME or PYFORGE_JARS_DIR, or pass --jars-dir")
            }
            JarsError::Damaged { .. } => {
                Some("run `pyforge jars install` to replace the damaged files with checked ones")
            }
            JarsError::NotInstalled { set, .. } if AddOn::Encrypt.set().name == set.name => {
                Some("run `pyforge jars install --with encrypt` to complete the add-on")
            }
            JarsError::NotInstalled { .. } => Some(
                "run `pyforge jars install` (or, without internet, `pyforge jars install --from` a folder or wheel holding the JARs)",
            ),
            JarsError::Classpath { .. } => {
                Some("choose a JAR cache folder without the path separator in its name (--jars-dir)")
            }
            JarsError::BadRepo { .. } => Some(
                "pass an http:// or https:// URL of a Maven repository; for a local folder use --from",
            ),
            JarsError::NotFound { .. } => Some(
                "check --repo (or PYFORGE_MAVEN_REPO): it must be the root of a Maven-layout repository",
            ),
            JarsError::HttpStatus { .. } | JarsError::Network { .. } => Some(
                "check the network and proxy settings (HTTPS_PROXY); without internet, use `pyforge jars install --from` a folder or wheel holding the JARs",
            ),
            JarsError::ChecksumMismatch { .. } => {
                Some("the file was damaged or replaced on its way; it was not installed")
            }
            JarsError::NotAnArchive { .. } => Some(
                "--from takes a folder or a zip-shaped archive (.zip, .jar, .whl such as the pyforge-cli 1.0.9 wheel) holding the JARs",
            ),
            JarsError::SourceIncomplete { .. } => Some(
                "without --offline the missing files are downloaded; or copy them into the folder given to --from (`pyforge jars install` on a machine with Maven access fills a folder with the whole set)",
            ),
            JarsError::OfflineWithoutSource => {
                Some("pass --from a folder or wheel holding the JARs, or drop --offline (PYFORGE_OFFLINE)")
            }
            _ => None,
        }
    }

    /// Whether the fault is in what the user typed (exit code 2) rather than
    /// in the run.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            JarsError::BadRepo { .. } | JarsError::OfflineWithoutSource
        )
    }

    fn io(path: &Path) -> impl FnOnce(io::Error) -> JarsError + '_ {
        move |source| JarsError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn not_installed_message(set: &JarSet, dir: &Path, files: &[String]) -> String {
    if files.len() == set.files.len() {
        format!(
            "the {} JAR set is not installed in {}",
            set.title(),
            dir.display()
        )
    } else {
        format!(
            "the {} JAR set in {} is incomplete (missing or damaged: {})",
            set.title(),
            dir.display(),
            files.join(", ")
        )
    }
}

impl From<HomeError> for JarsError {
    fn from(error: HomeError) -> JarsError {
        match error {
            HomeError::NoHome => JarsError::NoHome,
            HomeError::Absolute { path, source } => JarsError::Io { path, source },
        }
    }
}

/// One file of the set as found in the cache, without hashing it.
#[derive(Debug, Clone)]
pub struct FileStatus {
    pub pin: JarPin,
    pub path: PathBuf,
    /// Size on disk, `None` when the file is absent.
    pub size: Option<u64>,
}

impl FileStatus {
    /// Present with the pinned size (the content is checked by `verify`).
    pub fn looks_installed(&self) -> bool {
        self.size == Some(self.pin.size)
    }
}

/// One file of the set after re-hashing it.
#[derive(Debug, Clone)]
pub struct FileCheck {
    pub pin: JarPin,
    pub path: PathBuf,
    pub state: CheckState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckState {
    Ok,
    Missing,
    /// The bytes differ from the pin.
    Mismatch {
        sha256: String,
        size: u64,
    },
    /// The file exists but cannot be read.
    Unreadable(String),
}

/// What an install did to each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallAction {
    /// Was missing, now installed.
    Installed,
    /// Was there with the wrong bytes, now replaced.
    Replaced,
    /// Was already there and verified; left alone.
    Present,
}

#[derive(Debug, Clone)]
pub struct InstalledFile {
    pub pin: JarPin,
    pub path: PathBuf,
    pub action: InstallAction,
}

/// The result of an install.
#[derive(Debug, Clone)]
pub struct InstallReport {
    pub files: Vec<InstalledFile>,
    /// Files a `--from` install downloaded because the source lacked them.
    pub downloaded: Vec<String>,
}

impl InstallReport {
    /// Bytes written by this install.
    pub fn bytes_written(&self) -> u64 {
        self.files
            .iter()
            .filter(|f| f.action != InstallAction::Present)
            .map(|f| f.pin.size)
            .sum()
    }
}

/// A JAR set in a cache folder.
#[derive(Debug, Clone)]
pub struct JarCache {
    set: &'static JarSet,
    /// The cache folder holding the set's folder.
    root: PathBuf,
    dir: PathBuf,
}

impl JarCache {
    /// `set` inside the cache folder `root`.
    pub fn new(root: &Path, set: &'static JarSet) -> JarCache {
        JarCache {
            set,
            root: root.to_path_buf(),
            dir: root.join(set.folder_name()),
        }
    }

    /// The UCanAccess set in the cache chosen by [`crate::home::jars_dir`].
    pub fn ucanaccess(explicit_root: Option<&Path>) -> Result<JarCache, JarsError> {
        Ok(JarCache::new(
            &crate::home::jars_dir(explicit_root)?,
            JarSet::ucanaccess(),
        ))
    }

    /// `add_on`'s set in the same cache folder.
    pub fn add_on(&self, add_on: AddOn) -> JarCache {
        JarCache::new(&self.root, add_on.set())
    }

    /// The add-ons with at least one of their files in this cache: those the
    /// helper runs with (an incomplete one is an error there, not skipped).
    pub fn present_add_ons(&self) -> Vec<JarCache> {
        AddOn::ALL
            .iter()
            .map(|&a| self.add_on(a))
            .filter(|cache| cache.status().iter().any(|f| f.size.is_some()))
            .collect()
    }

    /// The cache folder the set's folder is in (`--jars-dir`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn set(&self) -> &'static JarSet {
        self.set
    }

    /// The set's own folder (`<cache>/ucanaccess-4.0.4-v1`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, pin: &JarPin) -> PathBuf {
        self.dir.join(&pin.file)
    }

    /// Which files are present, and their sizes. Reads no content.
    pub fn status(&self) -> Vec<FileStatus> {
        self.set
            .files
            .iter()
            .map(|pin| {
                let path = self.path_of(pin);
                let size = std::fs::metadata(&path)
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len());
                FileStatus {
                    pin: pin.clone(),
                    path,
                    size,
                }
            })
            .collect()
    }

    /// Re-hashes every file against its pin.
    pub fn verify(&self) -> Vec<FileCheck> {
        self.set
            .files
            .iter()
            .map(|pin| {
                let path = self.path_of(pin);
                let state = check_file(&path, pin);
                FileCheck {
                    pin: pin.clone(),
                    path,
                    state,
                }
            })
            .collect()
    }

    /// The Java classpath of the set, in manifest order, joined with the
    /// platform's separator (`:` on Unix). Fails unless every file is present
    /// with its pinned size; [`JarCache::verify`] checks the content.
    pub fn classpath(&self) -> Result<OsString, JarsError> {
        let status = self.status();
        let missing: Vec<String> = status
            .iter()
            .filter(|s| !s.looks_installed())
            .map(|s| s.pin.file.clone())
            .collect();
        if !missing.is_empty() {
            return Err(JarsError::NotInstalled {
                set: self.set,
                dir: self.dir.clone(),
                files: missing,
            });
        }
        std::env::join_paths(status.iter().map(|s| &s.path)).map_err(|source| {
            JarsError::Classpath {
                dir: self.dir.clone(),
                source,
            }
        })
    }

    /// The set's classpath followed by those of its present add-ons (an
    /// incomplete add-on fails it).
    pub fn classpath_with_add_ons(&self) -> Result<OsString, JarsError> {
        let mut paths: Vec<PathBuf> = std::env::split_paths(&self.classpath()?).collect();
        for add_on in self.present_add_ons() {
            paths.extend(std::env::split_paths(&add_on.classpath()?));
        }
        std::env::join_paths(paths).map_err(|source| JarsError::Classpath {
            dir: self.dir.clone(),
            source,
        })
    }

    /// [`classpath`](Self::classpath), after checking every file's SHA-256
    /// against its pin: a damaged or replaced JAR is refused, never run. The
    /// set (about 3.8 MB) is hashed once per process and folder.
    pub fn verified_classpath(&self) -> Result<OsString, JarsError> {
        static VERIFIED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
        let classpath = self.classpath()?;
        let mut verified = VERIFIED.lock().unwrap_or_else(|p| p.into_inner());
        if !verified.contains(&self.dir) {
            let damaged: Vec<String> = self
                .verify()
                .into_iter()
                .filter(|check| check.state != CheckState::Ok)
                .map(|check| check.pin.file)
                .collect();
            if !damaged.is_empty() {
                return Err(JarsError::Damaged {
                    dir: self.dir.clone(),
                    files: damaged,
                });
            }
            verified.push(self.dir.clone());
        }
        Ok(classpath)
    }

    /// Downloads the missing files from the Maven repository at `repo_url`.
    /// Network errors and HTTP 5xx are retried with exponential backoff; a
    /// checksum mismatch and a 404 are not.
    pub fn install_from_repo(
        &self,
        repo_url: &str,
        proxy: Option<&crate::settings::maven::HttpProxy>,
        progress: &dyn Progress,
    ) -> Result<InstallReport, JarsError> {
        let repo = download::Repository::new(repo_url, proxy.cloned())?;
        self.install(progress, "download", |needed, progress| {
            repo.fetch_all(needed, &self.dir, progress)
        })
    }

    /// Whether the Maven repository at `repo_url` answers for this set's
    /// first file within `timeout` (one request for its `.sha1`).
    pub fn probe_repo(
        &self,
        repo_url: &str,
        proxy: Option<&crate::settings::maven::HttpProxy>,
        timeout: Duration,
    ) -> Result<(), JarsError> {
        download::Repository::new(repo_url, proxy.cloned())?.probe(&self.set.files[0], timeout)
    }

    /// Copies the missing files from `path`: a folder holding them anywhere
    /// below it, or a zip-shaped archive (.zip, .jar, .whl) holding them at
    /// any depth. Files are matched by name; others are ignored. An archive
    /// with an entry name that points outside it is refused whole.
    ///
    /// Files `path` does not hold are downloaded from `fallback` when one is
    /// given (the pyforge-cli 1.0.9 wheel holds all but Jackcess 4.0.11), in
    /// the same all-or-nothing install; without one they fail it.
    pub fn install_from_path(
        &self,
        path: &Path,
        fallback: Option<(&str, Option<&crate::settings::maven::HttpProxy>)>,
        progress: &dyn Progress,
    ) -> Result<InstallReport, JarsError> {
        let source = archive::Source::open(path)?;
        let mut downloaded = Vec::new();
        let mut report = self.install(progress, "copy", |needed, progress| {
            match (source.stage_all(needed, &self.dir, progress), fallback) {
                (Err(JarsError::SourceIncomplete { files, .. }), Some((url, proxy))) => {
                    let (absent, held): (Vec<&JarPin>, Vec<&JarPin>) =
                        needed.iter().partition(|pin| files.contains(&pin.file));
                    let mut staged = source.stage_all(&held, &self.dir, progress)?;
                    tracing::info!(
                        "{} does not hold {}; downloading them from {url}",
                        path.display(),
                        files.join(", ")
                    );
                    let repo = download::Repository::new(url, proxy.cloned())?;
                    staged.extend(repo.fetch_all(&absent, &self.dir, progress)?);
                    downloaded = files;
                    Ok(staged)
                }
                (result, _) => result,
            }
        })?;
        report.downloaded = downloaded;
        Ok(report)
    }

    /// The shared part of both installs: lock, find what is missing, stage
    /// it through `stage` (which verifies every file), then rename.
    fn install(
        &self,
        progress: &dyn Progress,
        phase: &str,
        stage: impl FnOnce(&[&JarPin], &dyn Progress) -> Result<Vec<Staged>, JarsError>,
    ) -> Result<InstallReport, JarsError> {
        std::fs::create_dir_all(&self.dir).map_err(JarsError::io(&self.dir))?;
        let _lock = self.lock()?;
        remove_stale_temporaries(self);

        let mut files: Vec<InstalledFile> = Vec::new();
        let mut needed: Vec<&JarPin> = Vec::new();
        for pin in &self.set.files {
            let path = self.path_of(pin);
            let action = match check_file(&path, pin) {
                CheckState::Ok => InstallAction::Present,
                CheckState::Missing => {
                    needed.push(pin);
                    InstallAction::Installed
                }
                CheckState::Mismatch { .. } | CheckState::Unreadable(_) => {
                    tracing::info!("{} does not match its pin; replacing it", path.display());
                    needed.push(pin);
                    InstallAction::Replaced
                }
            };
            files.push(InstalledFile {
                pin: pin.clone(),
                path,
                action,
            });
        }
        if needed.is_empty() {
            return Ok(InstallReport {
                files,
                downloaded: Vec::new(),
            });
        }

        progress.start(phase, needed.iter().map(|p| p.size).sum());
        let staged = stage(&needed, progress)?;
        // Every file is verified by now; renaming is all that is left.
        for file in staged {
            file.temp.commit(true)?;
        }
        Ok(InstallReport {
            files,
            downloaded: Vec::new(),
        })
    }

    /// An exclusive lock on `<set folder>/.lock`, held until dropped. On a
    /// filesystem without locks (some network mounts) installs go on
    /// unlocked: files still land by rename, so readers stay safe.
    fn lock(&self) -> Result<Option<File>, JarsError> {
        let path = self.dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(JarsError::io(&path))?;
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                tracing::info!(
                    "waiting for another pyforge installing into {}",
                    self.dir.display()
                );
            }
            Err(std::fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                tracing::warn!(
                    "{} cannot be locked ({e}); installing unlocked",
                    path.display()
                );
                return Ok(None);
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(JarsError::Lock { path, source })
            }
        }
        file.lock().map_err(|source| JarsError::Lock {
            path: path.clone(),
            source,
        })?;
        Ok(Some(file))
    }
}

/// A verified file under its temporary name, ready to be renamed onto its
/// place in the set's folder.
struct Staged {
    temp: TempPath,
}

/// Hashes the file at `path` and compares it with `pin`.
fn check_file(path: &Path, pin: &JarPin) -> CheckState {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return CheckState::Missing,
        Err(e) => return CheckState::Unreadable(e.to_string()),
    };
    match sha256_reader(file) {
        Ok(sum) if sum.hex == pin.sha256 && sum.size == pin.size => CheckState::Ok,
        Ok(sum) => CheckState::Mismatch {
            sha256: sum.hex,
            size: sum.size,
        },
        Err(e) => CheckState::Unreadable(e.to_string()),
    }
}

/// SHA-256 and length of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Digest {
    sha256: String,
    size: u64,
    /// The stream went on past the limit it was read with.
    overflow: bool,
}

impl Digest {
    fn new(sum: Sha256Sum, limit: u64) -> Digest {
        Digest {
            overflow: sum.size > limit,
            sha256: sum.hex,
            size: sum.size,
        }
    }

    fn matches(&self, pin: &JarPin) -> bool {
        !self.overflow && self.size == pin.size && self.sha256 == pin.sha256
    }

    /// `sha256 <hex> (<n> bytes)`, for mismatch messages.
    fn describe(&self) -> String {
        if self.overflow {
            format!("more than {} bytes", self.size - 1)
        } else {
            format!("sha256 {} ({} bytes)", self.sha256, self.size)
        }
    }

    fn mismatch(&self, pin: &JarPin, source_name: String) -> JarsError {
        JarsError::ChecksumMismatch {
            file: pin.file.clone(),
            source_name,
            expected: pin.sha256.clone(),
            expected_size: pin.size,
            actual: self.describe(),
        }
    }
}

/// A failed copy: reading the source (maybe worth a retry) or writing the
/// temporary file (not).
#[derive(Debug)]
enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// Copies `from` into `to` while hashing, reporting bytes to `progress`.
/// Reads at most `limit + 1` bytes: a stream longer than the pin is cut
/// there and marked as overflowing. The file is synced before returning.
fn copy_hashing(
    from: impl Read,
    to: &mut File,
    limit: u64,
    progress: &dyn Progress,
) -> Result<Digest, CopyError> {
    let mut from = HashingReader::new(from.take(limit + 1));
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = read_some(&mut from, &mut buffer).map_err(CopyError::Read)?;
        if n == 0 {
            break;
        }
        to.write_all(&buffer[..n]).map_err(CopyError::Write)?;
        progress.advance(n as u64);
    }
    to.sync_all().map_err(CopyError::Write)?;
    Ok(Digest::new(from.finish(), limit))
}

/// Removes the temporaries of installers killed before they could clean up
/// (and puts back a file one of them had moved aside). Only called under the
/// lock, when no other installer can be writing.
fn remove_stale_temporaries(cache: &JarCache) {
    for pin in &cache.set.files {
        for cleaned in leftovers::clean(&cache.path_of(pin), Duration::ZERO) {
            tracing::debug!("cleaned up after a killed install: {cleaned:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn manifest_parses_and_pins_the_five_files() {
        let set: JarSet = serde_json::from_str(UCANACCESS_MANIFEST).unwrap();
        assert_eq!(set.id(), "ucanaccess-4.0.4");
        assert_eq!(set.folder_name(), "ucanaccess-4.0.4-v1");
        let files: Vec<&str> = set.files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "ucanaccess-4.0.4.jar",
                "jackcess-4.0.11.jar",
                "hsqldb-2.5.0.jar",
                "commons-lang3-3.8.1.jar",
                "commons-logging-1.2.jar",
            ]
        );
        for pin in &set.files {
            assert_eq!(pin.sha256.len(), 64, "{}", pin.file);
            assert!(pin
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            assert!(pin.size > 0);
            // The cache and archives use the Maven file name.
            assert_eq!(pin.file, format!("{}-{}.jar", pin.artifact, pin.version));
        }
        assert_eq!(set.files.iter().map(|f| f.size).sum::<u64>(), 3_850_983);
        assert_eq!(
            set.files[0].sha256,
            "b4bbc339d362bbbafcdb80ecb0ba80bba70c77793bbd8c1e46f56ac75ae86a96"
        );
    }

    #[test]
    fn the_encrypt_add_on_pins_jackcess_encrypt_and_bouncy_castle() {
        let set = AddOn::Encrypt.set();
        assert_eq!(set.folder_name(), "jackcess-encrypt-4.0.3-v1");
        let coordinates: Vec<String> = set.files.iter().map(JarPin::coordinates).collect();
        assert_eq!(
            coordinates,
            [
                "com.healthmarketscience.jackcess:jackcess-encrypt:4.0.3",
                "org.bouncycastle:bcprov-jdk18on:1.87",
            ]
        );
        for pin in &set.files {
            assert_eq!(pin.sha256.len(), 64, "{}", pin.file);
            assert_eq!(pin.file, format!("{}-{}.jar", pin.artifact, pin.version));
        }
        // Its own folder beside the base set, in the same cache.
        let dir = tempfile::tempdir().unwrap();
        let base = JarCache::new(dir.path(), JarSet::ucanaccess());
        assert_eq!(
            base.add_on(AddOn::Encrypt).dir(),
            dir.path().join("jackcess-encrypt-4.0.3-v1")
        );
        assert!(base.present_add_ons().is_empty());
    }

    #[test]
    fn maven_paths_use_slashes_for_group_dots() {
        let set = JarSet::ucanaccess();
        assert_eq!(
            set.files[1].maven_path(),
            "com/healthmarketscience/jackcess/jackcess/4.0.11/jackcess-4.0.11.jar"
        );
        assert_eq!(
            set.files[4].maven_path(),
            "commons-logging/commons-logging/1.2/commons-logging-1.2.jar"
        );
        assert_eq!(
            set.files[3].coordinates(),
            "org.apache.commons:commons-lang3:3.8.1"
        );
    }

    #[test]
    fn copy_stops_one_byte_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = File::create(dir.path().join("out")).unwrap();
        let digest = copy_hashing(&[7u8; 100][..], &mut file, 10, &NoProgress).unwrap();
        assert!(digest.overflow);
        assert_eq!(digest.size, 11);
        assert_eq!(digest.describe(), "more than 10 bytes");
    }

    #[test]
    fn classpath_needs_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = JarCache::new(dir.path(), JarSet::ucanaccess());
        match cache.classpath() {
            Err(JarsError::NotInstalled { files, .. }) => assert_eq!(files.len(), 5),
            other => panic!("expected NotInstalled, got {other:?}"),
        }
    }

    #[test]
    fn stale_temporaries_are_removed_but_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".hsqldb-2.5.0.jar.123-0.tmp"), b"x").unwrap();
        std::fs::write(dir.path().join(".lock"), b"").unwrap();
        std::fs::write(dir.path().join("hsqldb-2.5.0.jar"), b"x").unwrap();
        let cache = JarCache {
            set: JarSet::ucanaccess(),
            root: dir.path().to_path_buf(),
            dir: dir.path().to_path_buf(),
        };
        remove_stale_temporaries(&cache);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".lock", "hsqldb-2.5.0.jar"]);
    }
}
