//! Databricks, simulated: the platform read from `DATABRICKS_RUNTIME_VERSION`
//! (or the `DBR_VERSION` file), per-environment defaults with where each
//! setting came from, Unity Catalog volume paths under a temporary
//! `PYFORGE_VOLUMES_ROOT` with the staging copies proven and cleaned up
//! (also when the conversion fails), and `--skip-existing` for scheduled jobs.

use std::path::{Path, PathBuf};

use crate::access::{copy_in, jars_dir};
use crate::java_helper::generated;
use crate::util::{
    all_names, assert_no_output_left, listing, read_parquet, TestCommand, TestDir, EXIT_FAILED,
    EXIT_OK, EXIT_USAGE,
};

/// `pyforge ARGS` in `dir` with the shared JAR cache (`TestCommand` already
/// hides this machine's own platform variables).
fn pyforge(dir: &TestDir, args: &[&str]) -> TestCommand {
    dir.cmd().env("PYFORGE_JARS_DIR", jars_dir()).args(args)
}

/// `env-info --json --no-start` under `vars`.
fn env_info(dir: &TestDir, vars: &[(&str, &str)], flags: &[&str]) -> serde_json::Value {
    let mut cmd = pyforge(dir, &["env-info", "--json", "--no-start"]).args(flags);
    for (name, value) in vars {
        cmd = cmd.env(name, value);
    }
    cmd.assert_code(EXIT_OK).json()
}

fn setting(doc: &serde_json::Value, name: &str) -> (serde_json::Value, String) {
    let s = &doc["settings"][name];
    (
        s["value"].clone(),
        s["source"].as_str().unwrap().to_string(),
    )
}

#[test]
fn env_info_names_the_platform_and_its_defaults() {
    let dir = TestDir::new();
    let local = env_info(&dir, &[], &[]);
    assert_eq!(local["platform"]["platform"]["kind"], "local", "{local:#}");
    assert_eq!(
        setting(&local, "memory_limit_mb"),
        (1024.into(), "default".into())
    );
    assert_eq!(setting(&local, "retries"), (3.into(), "default".into()));
    assert_eq!(
        setting(&local, "timeout_secs"),
        (300.into(), "default".into())
    );
    assert!(local["capabilities"]["temp_dir"]["writable"]
        .as_bool()
        .unwrap());
    assert!(local["capabilities"]["subprocesses"]["ok"]
        .as_bool()
        .unwrap());
    assert_eq!(local["capabilities"]["java"]["ok"], true, "{local:#}");

    let env1 = env_info(&dir, &[("DATABRICKS_RUNTIME_VERSION", "client.1.13")], &[]);
    assert_eq!(
        env1["platform"]["platform"],
        serde_json::json!({"kind": "serverless", "environment": 1})
    );
    assert_eq!(
        setting(&env1, "memory_limit_mb"),
        (2048.into(), "environment".into())
    );
    assert_eq!(
        setting(&env1, "temp_dir"),
        ("/local_disk0/tmp".into(), "environment".into())
    );
    assert_eq!(
        (
            setting(&env1, "timeout_secs").0,
            setting(&env1, "retries").0
        ),
        (300.into(), 3.into())
    );

    let env2 = env_info(&dir, &[("DATABRICKS_RUNTIME_VERSION", "client.2.5")], &[]);
    assert_eq!(
        [
            setting(&env2, "memory_limit_mb").0,
            setting(&env2, "timeout_secs").0,
            setting(&env2, "retries").0
        ],
        [serde_json::json!(4096), 600.into(), 5.into()]
    );

    // `client.14.3.x-scala2.12` is a runtime, not serverless environment 14.
    let odd = env_info(
        &dir,
        &[("DATABRICKS_RUNTIME_VERSION", "client.14.3.x-scala2.12")],
        &[],
    );
    assert_eq!(
        odd["platform"]["platform"],
        serde_json::json!({"kind": "classic", "runtime": "14.3"})
    );
    let classic = env_info(&dir, &[("DATABRICKS_RUNTIME_VERSION", "15.4")], &[]);
    assert_eq!(
        classic["platform"]["platform"],
        serde_json::json!({"kind": "classic", "runtime": "15.4"})
    );
    let heap = setting(&classic, "memory_limit_mb");
    assert_eq!(heap.1, "environment");
    let heap = heap.0.as_u64().unwrap();
    assert!(
        (1024..=8192).contains(&heap) && heap.is_multiple_of(256),
        "{heap}"
    );
}

#[test]
fn the_dbr_version_file_and_the_hints_stand_in_for_the_variable() {
    let dir = TestDir::new();
    let file = dir.write("DBR_VERSION", "16.4\n");
    let doc = env_info(
        &dir,
        &[
            ("PYFORGE_DBR_VERSION_FILE", file.to_str().unwrap()),
            ("DB_INSTANCE_TYPE", "m5d.xlarge"),
        ],
        &[],
    );
    assert_eq!(
        doc["platform"]["platform"],
        serde_json::json!({"kind": "classic", "runtime": "16.4"})
    );
    assert_eq!(doc["platform"]["hints"]["DB_INSTANCE_TYPE"], "m5d.xlarge");
    let doc = env_info(&dir, &[("IS_SERVERLESS", "TRUE")], &[]);
    assert_eq!(
        doc["platform"]["platform"],
        serde_json::json!({"kind": "serverless", "environment": null})
    );
}

#[test]
fn flags_beat_variables_beat_environment_defaults() {
    let dir = TestDir::new();
    let temp = dir.join("scratch");
    let doc = env_info(
        &dir,
        &[
            ("DATABRICKS_RUNTIME_VERSION", "client.2.5"),
            ("PYFORGE_TIMEOUT", "1200"),
            ("PYFORGE_RETRIES", "9"),
        ],
        &["--retries", "1", "--temp-dir", temp.to_str().unwrap()],
    );
    assert_eq!(setting(&doc, "retries"), (1.into(), "flag".into()));
    assert_eq!(
        setting(&doc, "timeout_secs"),
        (1200.into(), "variable".into())
    );
    assert_eq!(
        setting(&doc, "memory_limit_mb"),
        (4096.into(), "environment".into())
    );
    assert_eq!(
        setting(&doc, "temp_dir"),
        (temp.to_str().unwrap().into(), "flag".into())
    );
    let options = doc["jvm_options"].as_array().unwrap();
    assert!(options.contains(&"-Xmx4096m".into()), "{options:?}");

    // A variable that does not parse is a usage error naming it.
    pyforge(&dir, &["env-info", "--no-start"])
        .env("PYFORGE_TIMEOUT", "soon")
        .assert_code(EXIT_USAGE)
        .stderr_has("PYFORGE_TIMEOUT");
}

// ---------------------------------------------------------------------------
// Volumes

/// A volume root holding catalog `main`, schema `sales`, volume `raw`, and
/// a local temp dir: (root, temp).
pub fn volumes(dir: &TestDir) -> (PathBuf, PathBuf) {
    let root = dir.mkdir("volumes");
    std::fs::create_dir_all(root.join("main/sales/raw")).unwrap();
    (root, dir.mkdir("local-tmp"))
}

pub fn on_volumes(dir: &TestDir, root: &Path, temp: &Path, args: &[&str]) -> TestCommand {
    pyforge(dir, args)
        .env("PYFORGE_VOLUMES_ROOT", root)
        .env("PYFORGE_TEMP_DIR", temp)
}

/// A `java` that logs the protocol requests it is sent (to prove which
/// path the helper opened), then runs the real Java.
fn logging_java(dir: &TestDir) -> (PathBuf, PathBuf) {
    let log = dir.join("requests.log");
    let script = dir.write(
        "java-logging.sh",
        format!(
            "#!/bin/sh\ncase \"$*\" in *dev.pyforge.helper.Main*) tee -a '{}' | exec java \"$@\" ;; *) exec java \"$@\" ;; esac\n",
            log.display()
        ),
    );
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    (script, log)
}

#[test]
fn csv_and_access_on_a_volume_convert_through_local_disk() {
    let dir = TestDir::new();
    let (root, temp) = volumes(&dir);
    let raw = root.join("main/sales/raw");
    std::fs::write(raw.join("orders.csv"), "id,amount\n1,2.5\n2,3.5\n").unwrap();
    std::fs::copy(generated().join("types.accdb"), raw.join("types.accdb")).unwrap();
    let (java, log) = logging_java(&dir);

    let doc = on_volumes(
        &dir,
        &root,
        &temp,
        &[
            "convert",
            "dbfs:/Volumes/main/sales/raw/orders.csv",
            "/Volumes/main/sales/raw/types.accdb",
            "--output-dir",
            "/Volumes/main/sales/raw/parquet",
            "--java",
            java.to_str().unwrap(),
            "--json",
        ],
    )
    .assert_code(EXIT_OK)
    .json();
    assert_eq!(doc["converted"], 2, "{doc:#}");
    let out = raw.join("parquet");
    assert_eq!(
        listing(&out),
        ["orders.parquet", "types_parquet"],
        "outputs in place on the volume"
    );
    assert_eq!(read_parquet(&out.join("orders.parquet")).num_rows(), 2);
    assert_eq!(
        read_parquet(&out.join("types_parquet/Big.parquet")).num_rows(),
        2500
    );
    // No temporary name was ever left on the volume, and every output has
    // its manifest.
    let names = all_names(&out);
    assert!(
        names.contains(&".orders.parquet.pyforge.json".to_string())
            && names.contains(&".types_parquet.pyforge.json".to_string()),
        "{names:?}"
    );
    assert_no_tmp_names(&out);

    // The helper opened a copy in the local temp dir, never the volume.
    let requests = std::fs::read_to_string(&log).unwrap();
    let opened = requests
        .lines()
        .find(|l| l.contains("\"type\":\"open\""))
        .expect("an open request");
    let temp_text = temp.to_str().unwrap();
    assert!(
        opened.contains(&format!("{temp_text}/.pyforge-stage.")) && opened.contains("types.accdb"),
        "{opened}"
    );
    assert!(!opened.contains(root.to_str().unwrap()), "{opened}");
    // ... and the copy is gone.
    assert_eq!(listing(&temp), Vec::<String>::new(), "staging cleaned up");
}

fn assert_no_tmp_names(dir: &Path) {
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

#[test]
fn a_failed_conversion_from_a_volume_leaves_no_copy_and_no_output() {
    let dir = TestDir::new();
    let (root, temp) = volumes(&dir);
    let raw = root.join("main/sales/raw");
    // Cut short: the table `Big` breaks part-way.
    let bytes = std::fs::read(generated().join("types.accdb")).unwrap();
    std::fs::write(raw.join("cut.accdb"), &bytes[..112 * 4096]).unwrap();
    on_volumes(
        &dir,
        &root,
        &temp,
        &["convert", "/Volumes/main/sales/raw/cut.accdb"],
    )
    .assert_code(EXIT_FAILED)
    .stderr_has("table `Big`");
    assert_eq!(listing(&raw), ["cut.accdb"]);
    assert_no_output_left(&raw);
    assert_eq!(listing(&temp), Vec::<String>::new(), "staging cleaned up");
}

#[test]
fn a_missing_catalog_schema_or_volume_is_named() {
    let dir = TestDir::new();
    let (root, temp) = volumes(&dir);
    for (path, message) in [
        ("/Volumes/nope/sales/raw/a.csv", "no catalog `nope`"),
        (
            "dbfs:/Volumes/main/nope/raw/a.csv",
            "no schema `nope` in catalog `main`",
        ),
        (
            "/Volumes/main/sales/nope/a.csv",
            "no volume `nope` in `main.sales`",
        ),
        (
            "/Volumes/main/sales",
            "/Volumes/<catalog>/<schema>/<volume>",
        ),
    ] {
        on_volumes(&dir, &root, &temp, &["convert", path])
            .assert_code(EXIT_FAILED)
            .stderr_has(message)
            .stdout_empty();
    }
    // An output directory on a missing volume is refused before any work.
    dir.write("a.csv", "x\n1\n");
    on_volumes(
        &dir,
        &root,
        &temp,
        &[
            "convert",
            "a.csv",
            "--output-dir",
            "/Volumes/main/sales/gone/out",
        ],
    )
    .assert_code(EXIT_FAILED)
    .stderr_has("no volume `gone`");
    assert_eq!(listing(dir.path()), ["a.csv", "local-tmp", "volumes"]);
}

// ---------------------------------------------------------------------------
// Scheduled jobs

fn statuses(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let input = PathBuf::from(i["input"].as_str().unwrap());
            (
                input.file_name().unwrap().to_string_lossy().into_owned(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn skip_existing_leaves_up_to_date_outputs_and_redoes_changed_inputs() {
    let dir = TestDir::new();
    dir.write("a.csv", "x\n1\n");
    dir.write("b.csv", "x\n2\n");
    let run = |extra: &[&str]| {
        let mut args = vec!["convert", "a.csv", "b.csv", "--skip-existing", "--json"];
        args.extend_from_slice(extra);
        pyforge(&dir, &args)
    };
    let first = run(&[]).assert_code(EXIT_OK).json();
    assert_eq!(first["converted"], 2, "{first:#}");
    for input in first["inputs"].as_array().unwrap() {
        assert_eq!(input["retries"], 0);
        assert!(input["seconds"].as_f64().unwrap() >= 0.0);
        assert!(input["bytes"].as_u64().unwrap() > 0);
    }

    let second = run(&[]).assert_code(EXIT_OK).json();
    assert_eq!(
        (&second["converted"], &second["up_to_date"]),
        (&0.into(), &2.into()),
        "{second:#}"
    );

    // A changed input is converted again; its output is replaced.
    dir.write("b.csv", "x\n3\n4\n");
    let third = run(&[]).assert_code(EXIT_OK).json();
    let mut got = statuses(&third);
    got.sort();
    assert_eq!(
        got,
        [
            ("a.csv".to_string(), "up_to_date".to_string()),
            ("b.csv".to_string(), "converted".to_string())
        ]
    );
    assert_eq!(read_parquet(&dir.join("b.parquet")).num_rows(), 2);

    // An output pyforge did not write (no manifest) is never replaced.
    std::fs::remove_file(dir.join(".a.parquet.pyforge.json")).unwrap();
    dir.write("a.csv", "x\n5\n");
    let fourth = run(&[]).assert_code(EXIT_FAILED).json();
    assert_eq!(fourth["failed"], 1, "{fourth:#}");
    let failed = fourth["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["status"] == "failed")
        .unwrap();
    assert!(
        failed["hint"]
            .as_str()
            .unwrap()
            .contains("no pyforge manifest"),
        "{failed:#}"
    );
}

#[test]
fn the_json_summary_reports_every_input_and_the_exit_code_any_failure() {
    let dir = TestDir::new();
    dir.write("good.csv", "x\n1\n");
    dir.write("empty.csv", "");
    let run = pyforge(
        &dir,
        &["convert", "good.csv", "empty.csv", "--keep-going", "--json"],
    )
    .assert_code(EXIT_FAILED);
    let doc = run.json();
    assert_eq!(doc["ok"], false);
    assert_eq!((&doc["converted"], &doc["failed"]), (&1.into(), &1.into()));
    let mut got = statuses(&doc);
    got.sort();
    assert_eq!(
        got,
        [
            ("empty.csv".to_string(), "failed".to_string()),
            ("good.csv".to_string(), "converted".to_string())
        ]
    );
    // No progress bar off a terminal: stderr holds lines, no carriage returns.
    assert!(!run.stderr.contains('\r'), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// The seed's flags

#[test]
fn cache_metadata_answers_info_without_java_for_the_same_bytes() {
    let dir = TestDir::new();
    let jars = dir.join("jars");
    TestCommand::new(dir.path())
        .args(["jars", "install", "--from"])
        .arg(crate::jars::real_jars())
        .arg("--jars-dir")
        .arg(&jars)
        .assert_code(EXIT_OK);
    copy_in(&dir, &generated().join("types.accdb"));
    let info = |extra: &[&str]| {
        dir.cmd()
            .env("PYFORGE_JARS_DIR", &jars)
            .args(["info", "types.accdb", "--json"])
            .args(extra)
    };
    let fresh = info(&["--cache-metadata"]).assert_code(EXIT_OK).json();
    assert_eq!(listing(&jars.join("access-metadata")).len(), 1);
    // No Java at all now: only the cache can answer.
    let no_java = ["--java", "/nonexistent/java"];
    info(&no_java).assert_code(EXIT_FAILED);
    let cached = info(&["--cache-metadata", no_java[0], no_java[1]])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(cached["tables"], fresh["tables"]);
    // `--tables` filters the cached list, and an unknown name is refused
    // by `convert` before Java would start.
    let big = info(&["--cache-metadata", "-t", "big", no_java[0], no_java[1]])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(big["tables"].as_array().unwrap().len(), 1);
    dir.cmd()
        .env("PYFORGE_JARS_DIR", &jars)
        .args(["convert", "types.accdb", "--cache-metadata", "-t", "Nope"])
        .args(no_java)
        .assert_code(EXIT_FAILED)
        .stderr_has("no table named `Nope`");
    // Other bytes, other key: a changed file is never answered from the cache.
    let mut bytes = std::fs::read(dir.join("types.accdb")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(dir.join("types.accdb"), bytes).unwrap();
    info(&["--cache-metadata", no_java[0], no_java[1]]).assert_code(EXIT_FAILED);
}

#[test]
fn the_seed_flags_are_accepted() {
    let dir = TestDir::new();
    dir.write("a.csv", "x\n1\n");
    pyforge(
        &dir,
        &[
            "convert",
            "a.csv",
            "--subprocess-isolation",
            "--parallel-processing",
        ],
    )
    .assert_code(EXIT_OK);
}

// ---------------------------------------------------------------------------
// The bundle's task script

#[test]
fn the_bundle_task_converts_one_file_keeping_its_folder_and_skips_it_next_time() {
    let dir = TestDir::new();
    let tools = dir.mkdir("tools");
    let jars = tools.join("jars");
    std::fs::create_dir(&jars).unwrap();
    for jar in std::fs::read_dir(crate::jars::real_jars()).unwrap() {
        let jar = jar.unwrap().path();
        std::fs::copy(&jar, jars.join(jar.file_name().unwrap())).unwrap();
    }
    let inbox = dir.mkdir("inbox");
    std::fs::create_dir(inbox.join("2024")).unwrap();
    std::fs::copy(
        generated().join("types.accdb"),
        inbox.join("2024/shop.accdb"),
    )
    .unwrap();
    let outbox = dir.join("outbox");
    let script = repo_path("scripts/databricks/convert_one.py");
    let run = || {
        let out = std::process::Command::new("python3")
            .arg(&script)
            .args(["--input", inbox.join("2024/shop.accdb").to_str().unwrap()])
            .args(["--inbox", inbox.to_str().unwrap()])
            .args(["--outbox", outbox.to_str().unwrap()])
            .args(["--tools", tools.to_str().unwrap()])
            .env("TMPDIR", dir.mkdir("local"))
            // The wheel's Python package, running this build's binary.
            .env("PYTHONPATH", repo_path("python"))
            .env("PYFORGE_BIN", crate::util::pyforge_bin())
            .env("PYFORGE_HOME", dir.join("home"))
            .env_remove("PYFORGE_JARS_DIR")
            .env("PYFORGE_PROGRESS", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let doc: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        doc["inputs"][0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(run(), "converted");
    assert!(listing(&outbox.join("2024/shop_parquet")).contains(&"Big.parquet".to_string()));
    assert_eq!(run(), "up_to_date");
}

fn repo_path(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The bundle's lister takes the extensions from `pyforge formats --json`:
/// every supported format's, none of the others'.
#[test]
fn the_bundle_lister_asks_pyforge_which_extensions_convert() {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import list_inputs; print(' '.join(list_inputs.converted_extensions()))",
        ])
        .env(
            "PYTHONPATH",
            std::env::join_paths([repo_path("python"), repo_path("scripts/databricks")]).unwrap(),
        )
        .env("PYFORGE_BIN", crate::util::pyforge_bin())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let extensions: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    for wanted in [
        ".csv", ".xlsx", ".dbf", ".accdb", ".mdb", ".xml.gz", ".kml", ".pdf",
    ] {
        assert!(
            extensions.iter().any(|e| e == wanted),
            "{wanted} in {extensions:?}"
        );
    }
}
