//! The shared PDF fixtures (real files from pypdf, pdfminer.six and
//! py-pdf/sample-files): every page count equals PyMuPDF's (REFERENCE.tsv),
//! the text keeps its character F1 against PyMuPDF's per file and on
//! average (tests/pdf/text_f1_floors.tsv), and the encrypted files behave
//! as their source projects document: the user password, the owner
//! password, the empty user password.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// The passwords the fixtures' source test suites document.
const PASSWORDS: [(&str, &str); 2] = [
    ("pypdf__encryption_r2-user-password.pdf", "asdfzxcv"),
    // The owner password: the user password is another one.
    ("pdfminer__encryption_rc4-40.pdf", "foo"),
];

fn password_of(file: &str) -> Option<&'static str> {
    PASSWORDS.iter().find(|(f, _)| *f == file).map(|(_, p)| *p)
}

/// (file, pages) of every PDF in REFERENCE.tsv, as PyMuPDF counts them.
fn reference_pages(dir: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, tool, rows) = (column("file"), column("r1_tool"), column("r1_rows"));
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .map(|fields| {
            assert_eq!(fields[tool], "pymupdf");
            (fields[file].to_string(), fields[rows].parse().unwrap())
        })
        .collect()
}

/// The test tools' python with PyMuPDF (scripts/install-test-tools.sh).
fn pymupdf_python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".peers/pyspark/bin/python");
    let works = python.is_file()
        && Command::new(&python)
            .args(["-c", "import pymupdf"])
            .output()
            .is_ok_and(|o| o.status.success());
    needed(
        works.then_some(python),
        "PyMuPDF in .peers/pyspark",
        "run scripts/install-test-tools.sh",
    )
}

/// Converts every fixture to text in one run; returns the output folder.
fn convert_all(dir: &TestDir, fixtures: &Path) -> PathBuf {
    let out = dir.mkdir("txt");
    for (file, _) in reference_pages(fixtures) {
        let mut command = dir
            .cmd()
            .arg("convert")
            .arg(fixtures.join(&file))
            .arg("-o")
            .arg(&out);
        if let Some(password) = password_of(&file) {
            command = command.args(["--password", password]);
        }
        command.assert_code(EXIT_OK);
    }
    out
}

#[test]
fn every_fixture_has_pymupdfs_page_count() {
    let Some(fixtures) = fixtures_dir("pdf") else {
        return;
    };
    let dir = TestDir::new();
    let references = reference_pages(&fixtures);
    assert_eq!(references.len(), 24);
    for (file, pages) in references {
        let mut command = dir
            .cmd()
            .arg("info")
            .arg("--json")
            .arg(fixtures.join(&file));
        if let Some(password) = password_of(&file) {
            command = command.args(["--password", password]);
        }
        let info = command.assert_code(EXIT_OK).json();
        assert_eq!(info["pages"], pages, "{file}");
        assert_eq!(info["pages_read"], pages, "{file}");
        assert_eq!(info["format"], "pdf");
    }
}

#[test]
fn text_keeps_its_f1_against_pymupdf() {
    let Some(fixtures) = fixtures_dir("pdf") else {
        return;
    };
    let Some(python) = pymupdf_python() else {
        return;
    };
    let dir = TestDir::new();
    let out = convert_all(&dir, &fixtures);
    let passwords: BTreeMap<&str, &str> = PASSWORDS.into_iter().collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf/text_f1.py");
    let run = Command::new(python)
        .arg(script)
        .arg(&fixtures)
        .arg(&out)
        .arg(serde_json::to_string(&passwords).unwrap())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let scores: BTreeMap<String, f64> = report
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[0].to_string(), fields[1].parse().unwrap())
        })
        .collect();
    let floors = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf/text_f1_floors.tsv"),
    )
    .unwrap();
    let mut checked = 0;
    let mut worse = Vec::new();
    for line in floors.lines().filter(|l| !l.starts_with('#')) {
        let (file, floor) = line.split_once('\t').unwrap();
        let floor: f64 = floor.parse().unwrap();
        let score = if file == "average" {
            scores.values().sum::<f64>() / scores.len() as f64
        } else {
            checked += 1;
            *scores
                .get(file)
                .unwrap_or_else(|| panic!("no score for {file}"))
        };
        if score < floor {
            worse.push(format!("{file}: F1 {score:.4} < floor {floor}"));
        }
    }
    assert_eq!(
        checked,
        scores.len(),
        "a floor for every fixture:\n{report}"
    );
    assert!(
        worse.is_empty(),
        "text got worse:\n{}\n\n{report}",
        worse.join("\n")
    );
}

#[test]
fn passwords_open_what_their_projects_say() {
    let Some(fixtures) = fixtures_dir("pdf") else {
        return;
    };
    let dir = TestDir::new();
    let r2 = fixtures.join("pypdf__encryption_r2-user-password.pdf");
    let rc4 = fixtures.join("pdfminer__encryption_rc4-40.pdf");
    let r6 = fixtures.join("pypdf__encryption_r6-empty-password.pdf");

    // No password: one error line with the way out, nothing written.
    let out = dir
        .cmd()
        .arg("convert")
        .arg(&r2)
        .arg("-o")
        .arg(dir.path())
        .assert_code(EXIT_FAILED);
    out.error_names("r2-user-password.pdf")
        .stderr_has("the PDF is encrypted and needs a password")
        .stderr_has("--password or PYFORGE_PDF_PASSWORD");
    // A wrong one.
    dir.cmd()
        .arg("convert")
        .arg(&rc4)
        .arg("-o")
        .arg(dir.path())
        .args(["--password", "bar"])
        .assert_code(EXIT_FAILED)
        .stderr_has("the password does not open the PDF");
    assert!(dir.listing().is_empty(), "{:?}", dir.listing());

    // The user password, and an owner password (through its variable).
    dir.convert_ok([
        r2.as_os_str(),
        "--password".as_ref(),
        "asdfzxcv".as_ref(),
        "-o".as_ref(),
        dir.path().as_os_str(),
    ]);
    dir.cmd()
        .arg("convert")
        .arg(&rc4)
        .arg("-o")
        .arg(dir.path())
        .env("PYFORGE_PDF_PASSWORD", "foo")
        .env("PYFORGE_ACCESS_PASSWORD", "not-this-one")
        .assert_code(EXIT_OK);
    let text = std::fs::read_to_string(dir.join("pdfminer__encryption_rc4-40.txt")).unwrap();
    assert!(!text.trim().is_empty());

    // An empty user password opens without one; a password given is noted as unused.
    dir.cmd()
        .arg("convert")
        .arg(&r6)
        .arg("-o")
        .arg(dir.path())
        .args(["--password", "x"])
        .assert_code(EXIT_OK)
        .stderr_has("opens without a password: the password was not used");
    let info = dir
        .cmd()
        .arg("info")
        .arg("--json")
        .arg(&r6)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(info["opened"], "without_password");
    assert_eq!(info["encryption"], "Standard V5 R6 256-bit");
    let info = dir
        .cmd()
        .args(["info", "--json", "--password", "asdfzxcv"])
        .arg(&r2)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(info["opened"], "with_password");
    assert_eq!(info["encryption"], "Standard V1 R2 40-bit");
}

#[test]
fn broken_cross_reference_tables_are_recovered() {
    let Some(fixtures) = fixtures_dir("pdf") else {
        return;
    };
    let dir = TestDir::new();
    // No usable startxref (pypdf refuses it), and a corrupted xref: PyMuPDF repairs both.
    for (file, expected) in [
        ("pdfminer__simple1.pdf", "Hello"),
        (
            "pdfminer__zen_of_python_corrupted.pdf",
            "Beautiful is better than ugly",
        ),
    ] {
        dir.convert_ok([
            fixtures.join(file).as_os_str(),
            "-o".as_ref(),
            dir.path().as_os_str(),
        ]);
        let text = std::fs::read_to_string(dir.join(file.replace(".pdf", ".txt"))).unwrap();
        assert!(text.contains(expected), "{file}: {text}");
    }
}

#[test]
fn image_only_pages_are_reported_not_invented() {
    let Some(fixtures) = fixtures_dir("pdf") else {
        return;
    };
    let dir = TestDir::new();
    let file = fixtures.join("pypdf__imagemagick-images.pdf");
    let out = dir.convert_ok([file.as_os_str(), "-o".as_ref(), dir.path().as_os_str()]);
    out.stderr_has("6 pages hold only images, no text (1-6)")
        .stderr_has("6 pages left out of the text: no text on 1-6");
    assert_eq!(
        std::fs::read(dir.join("pypdf__imagemagick-images.txt")).unwrap(),
        b""
    );

    let parquet = dir.join("pages.parquet");
    dir.convert_ok([
        file.as_os_str(),
        parquet.as_os_str(),
        "--format".as_ref(),
        "parquet".as_ref(),
    ]);
    let table = read_parquet(&parquet);
    assert_eq!(table.num_rows(), 6);
    assert_eq!(table.column("has_images"), vec![Value::Bool(true); 6]);
    assert_eq!(table.column("has_text"), vec![Value::Bool(false); 6]);
    assert_eq!(
        table.column("page"),
        (1..=6).map(Value::from).collect::<Vec<_>>()
    );
    assert_eq!(
        table.data_type("characters"),
        &arrow_schema::DataType::Int64
    );

    let info = dir
        .cmd()
        .args(["info", "--json"])
        .arg(&file)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(
        info["image_only_pages"],
        serde_json::json!([1, 2, 3, 4, 5, 6])
    );
    assert_eq!(info["text_pages"], 0);
    assert_eq!(info["metadata"]["producer"], "https://imagemagick.org");
    assert_eq!(info["metadata"]["creation_date"], "2022-04-15T11:38:26");
}
