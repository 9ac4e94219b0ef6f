//! What `--force` may replace, and what a replacement that fails part-way
//! leaves: an existing output directory is replaced only when it is empty or
//! this input's own earlier output; one that holds (or lies above) an input,
//! or holds files pyforge did not write, is refused and left as it was;
//! `--output-dir` writes inside such a folder. Every case runs for each
//! format that writes a directory (Access), with the positional OUTPUT and
//! with `--output-dir`, on local disk and on a volume.

use std::path::{Path, PathBuf};

use crate::access::jars_dir;
use crate::databricks::{on_volumes, volumes};
use crate::java_helper::generated;
use crate::util::{
    all_names, listing, read_parquet, TestCommand, TestDir, Tmpfs, EXIT_FAILED, EXIT_OK,
};

/// The files a directory-writing format converts in these tests.
fn directory_inputs() -> Vec<PathBuf> {
    vec![generated().join("types.mdb")]
}

/// Where a case's files live: a plain folder, or a volume.
struct Place {
    dir: TestDir,
    volume: Option<(PathBuf, PathBuf)>,
}

impl Place {
    fn local() -> Place {
        Place {
            dir: TestDir::new(),
            volume: None,
        }
    }

    fn volume() -> Place {
        let dir = TestDir::new();
        let volume = Some(volumes(&dir));
        Place { dir, volume }
    }

    fn both() -> [Place; 2] {
        [Place::local(), Place::volume()]
    }

    fn name(&self) -> &'static str {
        if self.volume.is_some() {
            "volume"
        } else {
            "local"
        }
    }

    /// The real folder behind `rel`.
    fn real(&self, rel: &str) -> PathBuf {
        match &self.volume {
            Some((root, _)) => root.join("main/sales/raw").join(rel),
            None => self.dir.join(rel),
        }
    }

    /// `rel` as the user types it (`dbfs:/Volumes/...` on a volume).
    fn arg(&self, rel: &str) -> String {
        match &self.volume {
            Some(_) => format!("dbfs:/Volumes/main/sales/raw/{rel}"),
            None => rel.to_string(),
        }
    }

    fn put(&self, rel: &str, source: &Path) {
        let target = self.real(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(source, target).unwrap();
    }

    fn write(&self, rel: &str, text: &str) {
        let target = self.real(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }

    fn convert(&self, args: &[&str]) -> TestCommand {
        let mut all = vec!["convert"];
        all.extend_from_slice(args);
        let command = match &self.volume {
            Some((root, temp)) => on_volumes(&self.dir, root, temp, &all),
            None => self.dir.cmd().args(all),
        };
        command.env("PYFORGE_JARS_DIR", jars_dir())
    }

    /// Every name below the case's folder, hidden ones included, so that a
    /// leftover temporary or backup anywhere shows.
    fn tree(&self) -> Vec<String> {
        let base = self.real("");
        let mut names = Vec::new();
        walk(&base, &base, &mut names);
        names.sort();
        names
    }
}

fn walk(base: &Path, dir: &Path, names: &mut Vec<String>) {
    for name in all_names(dir) {
        let path = dir.join(&name);
        names.push(path.strip_prefix(base).unwrap().display().to_string());
        if path.is_dir() {
            walk(base, &path, names);
        }
    }
}

fn db_name(source: &Path) -> String {
    source.file_name().unwrap().to_string_lossy().into_owned()
}

fn stem(source: &Path) -> String {
    source.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn force_onto_a_directory_holding_the_input_is_refused_and_nothing_is_lost() {
    for source in directory_inputs() {
        for place in Place::both() {
            let case = format!("{} {}", db_name(&source), place.name());
            let db = format!("d/{}", db_name(&source));
            place.put(&db, &source);
            place.write("d/other.txt", "keep");
            place.put(&format!("e/sub/{}", db_name(&source)), &source);
            let before = place.tree();
            for force in [true, false] {
                for (input, output) in [
                    (db.clone(), "d".to_string()),
                    (format!("e/sub/{}", db_name(&source)), "e".to_string()),
                    (format!("e/sub/{}", db_name(&source)), "e/sub".to_string()),
                ] {
                    let (input, output) = (place.arg(&input), place.arg(&output));
                    let mut args = vec![input.as_str(), output.as_str()];
                    if force {
                        args.push("--force");
                    }
                    let run = place.convert(&args).assert_code(EXIT_FAILED);
                    run.stderr_has("holds the input").stderr_has("--output-dir");
                    run.check(
                        !run.stderr.contains("pass --force"),
                        "no hint to force what can never be replaced",
                    );
                    assert_eq!(place.tree(), before, "{case}: {args:?} changed files");
                }
            }

            // --output-dir writes inside the folder and leaves the rest.
            let output_dir = place.arg("d");
            let input = place.arg(&db);
            place
                .convert(&[&input, "--output-dir", &output_dir, "--force"])
                .assert_code(EXIT_OK);
            let out = place.real(&format!("d/{}_parquet", stem(&source)));
            assert!(
                listing(&out).contains(&"AllTypes.parquet".to_string()),
                "{case}"
            );
            assert_eq!(
                std::fs::read(place.real(&db)).unwrap(),
                std::fs::read(&source).unwrap()
            );
            assert_eq!(
                std::fs::read_to_string(place.real("d/other.txt")).unwrap(),
                "keep"
            );
        }
    }
}

#[test]
fn force_onto_a_folder_of_other_files_is_refused_naming_one() {
    for source in directory_inputs() {
        for place in Place::both() {
            let case = format!("{} {}", db_name(&source), place.name());
            let db = db_name(&source);
            place.put(&db, &source);
            place.write("out/report.xlsx", "not pyforge's");
            place.write("out/sub/notes.txt", "nor this");
            let before = place.tree();
            let (input, output) = (place.arg(&db), place.arg("out"));
            for extra in [&["--force"][..], &[]] {
                let mut args = vec![input.as_str(), output.as_str()];
                args.extend_from_slice(extra);
                let run = place.convert(&args).assert_code(EXIT_FAILED);
                run.stderr_has("did not write")
                    .stderr_has("report.xlsx")
                    .stderr_has("--output-dir");
                assert_eq!(place.tree(), before, "{case}: {args:?} changed files");
            }
            // The same folder with --output-dir receives <stem>_parquet/.
            place
                .convert(&[&input, "--output-dir", &output, "--force"])
                .assert_code(EXIT_OK);
            assert_eq!(
                listing(&place.real("out")),
                [
                    "report.xlsx".to_string(),
                    "sub".into(),
                    format!("{}_parquet", stem(&source))
                ],
                "{case}"
            );
        }
    }
}

#[test]
fn an_empty_directory_or_its_own_earlier_output_is_replaced_whole() {
    for source in directory_inputs() {
        for place in Place::both() {
            let case = format!("{} {}", db_name(&source), place.name());
            let db = db_name(&source);
            place.put(&db, &source);
            std::fs::create_dir_all(place.real("empty")).unwrap();
            let (input, empty) = (place.arg(&db), place.arg("empty"));
            let run = place.convert(&[&input, &empty]).assert_code(EXIT_FAILED);
            run.stderr_has("already exists").stderr_has("--force");
            place
                .convert(&[&input, &empty, "--force"])
                .assert_code(EXIT_OK);
            assert!(listing(&place.real("empty")).contains(&"AllTypes.parquet".to_string()));

            // Its own output, written from fewer tables: replaced whole.
            let out = place.arg("out");
            place
                .convert(&[&input, &out, "--tables", "Empty"])
                .assert_code(EXIT_OK);
            assert_eq!(listing(&place.real("out")), ["Empty.parquet"], "{case}");
            place
                .convert(&[&input, &out, "--tables", "AllTypes", "--force"])
                .assert_code(EXIT_OK);
            assert_eq!(listing(&place.real("out")), ["AllTypes.parquet"], "{case}");
            assert_eq!(
                read_parquet(&place.real("out/AllTypes.parquet")).num_rows(),
                5
            );

            // A file added by someone else makes it theirs too.
            place.write("out/mine.parquet", "x");
            let before = place.tree();
            place
                .convert(&[&input, &out, "--force"])
                .assert_code(EXIT_FAILED)
                .stderr_has("mine.parquet");
            assert_eq!(place.tree(), before, "{case}");

            // With the default output name and --output-dir alike.
            let out_dir = place.arg("o");
            for extra in [&[][..], &["--output-dir", out_dir.as_str()][..]] {
                let mut args = vec![input.as_str()];
                args.extend_from_slice(extra);
                place.convert(&args).assert_code(EXIT_OK);
                args.push("--force");
                place.convert(&args).assert_code(EXIT_OK);
            }
            let default = format!("{}_parquet", stem(&source));
            assert!(place.real(&default).is_dir() && place.real("o").join(&default).is_dir());
            assert!(
                place
                    .tree()
                    .iter()
                    .all(|n| !n.ends_with(".tmp") && !n.ends_with(".old")),
                "{case}: {:?}",
                place.tree()
            );
        }
    }
}

#[test]
fn a_single_file_output_never_replaces_a_directory() {
    for place in Place::both() {
        place.write("data.csv", "a,b\n1,2\n");
        place.write("data.parquet/part-0.parquet", "someone's dataset");
        let before = place.tree();
        let input = place.arg("data.csv");
        place
            .convert(&[&input, "--force"])
            .assert_code(EXIT_FAILED)
            .stderr_has("is a directory");
        assert_eq!(place.tree(), before, "{}", place.name());
    }
}

/// A small tmpfs mounted for one test (root only), unmounted on drop.
struct SmallDisk {
    disk: Tmpfs,
}

impl SmallDisk {
    fn mount(kib: u64) -> Option<SmallDisk> {
        Tmpfs::mount(kib).map(|disk| SmallDisk { disk })
    }

    fn path(&self) -> &Path {
        self.disk.path()
    }

    /// Fills the disk until exactly `keep` bytes (whole pages) stay free.
    fn fill_leaving(&self, keep: u64) {
        let free = free_bytes(self.path());
        assert!(free >= keep, "only {free} bytes free");
        let filler = self.path().join("filler");
        let size = free - keep;
        std::fs::write(&filler, vec![0u8; size as usize]).unwrap();
        assert_eq!(free_bytes(self.path()), keep);
    }
}

fn free_bytes(path: &Path) -> u64 {
    let out = std::process::Command::new("stat")
        .args(["-f", "-c", "%a %S"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts = text.split_whitespace().map(|n| n.parse::<u64>().unwrap());
    parts.next().unwrap() * parts.next().unwrap()
}

/// Bytes a folder's files take on a page-granular disk.
fn pages_of(path: &Path) -> u64 {
    let page = 4096;
    if path.is_dir() {
        all_names(path)
            .iter()
            .map(|n| pages_of(&path.join(n)))
            .sum()
    } else {
        std::fs::metadata(path).unwrap().len().div_ceil(page) * page
    }
}

#[test]
fn a_manifest_that_cannot_be_written_puts_the_old_output_back() {
    let csv = (
        "data.csv",
        "data.parquet",
        "id,name\n1,a\n2,b\n".as_bytes().to_vec(),
    );
    let access = generated().join("types.mdb");
    let access = (
        "types.mdb",
        "types_parquet",
        std::fs::read(&access).unwrap(),
    );
    for (input, output, bytes) in [csv, access] {
        let Some(disk) = SmallDisk::mount(8 * 1024) else {
            return;
        };
        std::fs::write(disk.path().join(input), &bytes).unwrap();
        let convert = |args: &[&str]| {
            TestCommand::new(disk.path())
                .env("PYFORGE_JARS_DIR", jars_dir())
                .arg("convert")
                .args(args)
        };
        convert(&[input]).assert_code(EXIT_OK);
        let old = disk.path().join(output);
        let manifest = disk.path().join(format!(".{output}.pyforge.json"));
        let old_manifest = std::fs::read(&manifest).unwrap();
        // Room for the new output beside the old one, none for a manifest.
        disk.fill_leaving(pages_of(&old));
        let before = all_names(disk.path());
        let old_listing = all_names(&old);
        let run = convert(&[input, "--force"]).assert_code(EXIT_FAILED);
        run.stderr_has("manifest").stderr_has("back in place");
        assert_eq!(all_names(disk.path()), before, "{input}: leftovers");
        assert_eq!(
            all_names(&old),
            old_listing,
            "{input}: the old output is whole"
        );
        assert_eq!(std::fs::read(&manifest).unwrap(), old_manifest);
        // With room again, the next run replaces it without --force trouble.
        std::fs::remove_file(disk.path().join("filler")).unwrap();
        convert(&[input, "--force"]).assert_code(EXIT_OK);
    }
}

#[test]
fn a_manifest_that_cannot_be_written_leaves_no_new_output() {
    let Some(disk) = SmallDisk::mount(4 * 1024) else {
        return;
    };
    std::fs::write(disk.path().join("data.csv"), "id\n1\n2\n").unwrap();
    // Room for the Parquet file (one page) and nothing else.
    disk.fill_leaving(4096);
    let run = TestCommand::new(disk.path())
        .args(["convert", "data.csv"])
        .assert_code(EXIT_FAILED);
    run.stderr_has("manifest");
    assert_eq!(all_names(disk.path()), ["data.csv", "filler"]);
    // A later run is not blocked by a half-written output.
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    TestCommand::new(disk.path())
        .args(["convert", "data.csv"])
        .assert_code(EXIT_OK);
}

#[test]
fn leftovers_of_a_killed_run_are_removed_by_the_next_run_on_the_same_target() {
    let dir = TestDir::new();
    dir.write("data.csv", "a,b\n1,2\n");
    // What a SIGKILLed writer leaves: a temporary file, a temporary
    // directory and a manifest temporary, none of them locked.
    dir.write(".data.parquet.4242-0.tmp", "half a file");
    dir.write(".data.parquet.4242-1.tmp/part.parquet", "half a dir");
    dir.write("..data.parquet.pyforge.json.4242-2.tmp", "{");
    // One still being written by a live writer (this test holds its lock).
    let live = dir.write(".data.parquet.4243-0.tmp", "in progress");
    let lock = std::fs::File::open(&live).unwrap();
    lock.lock().unwrap();
    let run = dir.convert_ok(["data.csv", "--json"]);
    let notes = run.json()["inputs"][0]["notes"].to_string();
    assert!(notes.contains("left by an interrupted run"), "{notes}");
    assert_eq!(
        all_names(dir.path()),
        [
            ".data.parquet.4243-0.tmp",
            ".data.parquet.pyforge.json",
            "data.csv",
            "data.parquet"
        ]
    );
    drop(lock);
}

#[test]
fn on_a_full_volume_the_old_output_stays_whole() {
    // The volume is a small disk; the local temp dir is elsewhere.
    let Some(disk) = SmallDisk::mount(8 * 1024) else {
        return;
    };
    let raw = disk.path().join("main/sales/raw");
    std::fs::create_dir_all(&raw).unwrap();
    std::fs::copy(generated().join("types.mdb"), raw.join("types.mdb")).unwrap();
    let local = TestDir::new();
    let convert = |extra: &[&str]| {
        let mut args = vec!["convert", "dbfs:/Volumes/main/sales/raw/types.mdb"];
        args.extend_from_slice(extra);
        on_volumes(&local, disk.path(), &local.join("tmp"), &args)
            .env("PYFORGE_JARS_DIR", jars_dir())
    };
    convert(&[]).assert_code(EXIT_OK);
    let old = raw.join("types_parquet");
    let old_files: Vec<(String, Vec<u8>)> = all_names(&old)
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(old.join(&n)).unwrap()))
        .collect();
    // Room for the new copy beside the old one, none for the manifest.
    disk.fill_leaving(pages_of(&old));
    let before = all_names(&raw);
    convert(&["--force"])
        .assert_code(EXIT_FAILED)
        .stderr_has("back in place");
    assert_eq!(all_names(&raw), before, "no leftovers on the volume");
    for (name, bytes) in &old_files {
        assert_eq!(&std::fs::read(old.join(name)).unwrap(), bytes, "{name}");
    }
    // Not even room for the copy: the old output is never touched.
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    disk.fill_leaving(4096);
    convert(&["--force"]).assert_code(EXIT_FAILED);
    assert_eq!(all_names(&raw), before);
    for (name, bytes) in &old_files {
        assert_eq!(&std::fs::read(old.join(name)).unwrap(), bytes, "{name}");
    }
}
