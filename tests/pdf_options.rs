//! PDF conversion on generated files: the text layout byte for byte as
//! pyforge-cli 1.0.9 writes it (its converter's code run with PyMuPDF,
//! tests/pdf/pyforge_cli_text.py), `--pages` refused before any work when
//! malformed and failing only the input it overruns, the per-page Parquet
//! table, `validate`, and inputs that are not PDFs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// A PDF of one page per entry, each line of an entry a line of Helvetica
/// text (an empty entry is a page without text).
pub fn simple_pdf(pages: &[&str]) -> Vec<u8> {
    let count = pages.len();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            (0..count)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    for (index, text) in pages.iter().enumerate() {
        let mut content = String::new();
        for (line, words) in text.lines().enumerate() {
            let escaped = words
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            let y = 740 - 16 * line;
            content.push_str(&format!("BT /F1 12 Tf 72 {y} Td ({escaped}) Tj ET\n"));
        }
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
                5 + 2 * index
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    pdf_of_objects(&objects)
}

/// A PDF of `objects` (numbered from 1, the first the catalog) with its
/// cross-reference table and trailer.
pub fn pdf_of_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Four pages, the third without text.
fn report(dir: &TestDir) -> PathBuf {
    dir.write(
        "report.pdf",
        simple_pdf(&[
            "Quarterly report\nRevenue rose (again)",
            "Page two text",
            "",
            "Last page: 100% done",
        ]),
    )
}

/// What pyforge-cli 1.0.9 writes for `pdf` with `args`, or `None` without
/// PyMuPDF (a failure in CI).
fn pyforge_cli_text(pdf: &Path, args: &[&str]) -> Option<String> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".peers/pyspark/bin/python");
    let python = needed(
        python.is_file().then_some(python),
        "PyMuPDF in .peers/pyspark",
        "run scripts/install-test-tools.sh",
    )?;
    let out = pdf.with_extension("109.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf/pyforge_cli_text.py");
    let run = Command::new(python)
        .arg(script)
        .arg(pdf)
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    Some(std::fs::read_to_string(out).unwrap())
}

#[test]
fn text_is_laid_out_as_pyforge_cli_wrote_it() {
    let dir = TestDir::new();
    let pdf = report(&dir);
    for (ours, theirs) in [
        (vec![], vec![]),
        (vec!["--metadata"], vec!["--metadata"]),
        (
            vec!["-m", "--pages", "2-4"],
            vec!["--metadata", "--pages", "2-4"],
        ),
    ] {
        let Some(expected) = pyforge_cli_text(&pdf, &theirs) else {
            return;
        };
        let out = dir.join("report.txt");
        let _ = std::fs::remove_file(&out);
        let run = dir.convert_ok(
            [pdf.as_os_str(), out.as_os_str()]
                .into_iter()
                .chain(ours.iter().map(|a| a.as_ref())),
        );
        run.stderr_has("left out of the text: no text on 3");
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(text, expected, "with {ours:?}");
        assert!(text.contains("Revenue rose (again)") || ours.contains(&"2-4"));
    }
}

#[test]
fn a_malformed_page_list_is_a_usage_error_before_any_work() {
    let dir = TestDir::new();
    let pdf = report(&dir);
    for pages in ["0", "3-1", "x", "1,,2", "-", "2-x"] {
        dir.cmd()
            .arg("convert")
            .arg(&pdf)
            .args(["--pages", pages])
            .assert_code(EXIT_USAGE)
            .stderr_has(&format!("--pages {pages}: "));
        // Even with an input that does not exist: nothing was started.
        dir.cmd()
            .args(["convert", "missing.pdf", "--pages", pages])
            .assert_code(EXIT_USAGE);
    }
    assert_eq!(dir.listing(), ["report.pdf"]);
}

#[test]
fn a_page_list_past_the_last_page_fails_that_input_alone() {
    let dir = TestDir::new();
    let short = dir.write("short.pdf", simple_pdf(&["one", "two"]));
    let long = report(&dir);
    let out = dir
        .cmd()
        .arg("convert")
        .arg(&short)
        .arg(&long)
        .args(["--pages", "3-4", "--keep-going"])
        .assert_code(EXIT_FAILED);
    out.error_names("short.pdf")
        .stderr_has("--pages 3-4 asks for page 3, but the file has 2 pages");
    assert_eq!(dir.listing(), ["report.pdf", "report.txt", "short.pdf"]);
    let text = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert_eq!(text, "Last page: 100% done\n");
    // In the other forms too.
    dir.cmd()
        .arg("info")
        .arg(&short)
        .args(["--pages", "5"])
        .assert_code(EXIT_FAILED)
        .stderr_has("but the file has 2 pages");
}

#[test]
fn parquet_holds_a_row_per_page() {
    let dir = TestDir::new();
    let pdf = report(&dir);
    let out = dir.join("pages.parquet");
    dir.convert_ok([pdf.as_os_str(), out.as_os_str()]);
    let table = read_parquet(&out);
    assert_eq!(
        table.column("page"),
        (1..=4).map(Value::from).collect::<Vec<_>>()
    );
    assert_eq!(
        table.column("text"),
        vec![
            s("Quarterly report\nRevenue rose (again)\n"),
            s("Page two text\n"),
            s(""),
            s("Last page: 100% done\n"),
        ]
    );
    assert_eq!(
        table.column("characters"),
        vec![
            Value::Int(38),
            Value::Int(14),
            Value::Int(0),
            Value::Int(21)
        ]
    );
    assert_eq!(
        table.column("has_text"),
        vec![true.into(), true.into(), false.into(), true.into()]
    );
    assert_eq!(table.column("has_images"), vec![Value::Bool(false); 4]);
    let facts = parquet_facts(&out);
    assert_eq!(facts.key_value["pyforge.source_format"], "pdf");

    // --all-strings, as pyforge-cli's other formats wrote everything.
    let strings = dir.join("strings.parquet");
    dir.convert_ok([
        pdf.as_os_str(),
        strings.as_os_str(),
        "--all-strings".as_ref(),
        "--pages".as_ref(),
        "1".as_ref(),
    ]);
    let table = read_parquet(&strings);
    assert_eq!(
        table.row(0),
        vec![
            s("1"),
            s("Quarterly report\nRevenue rose (again)\n"),
            s("38"),
            s("false"),
            s("true")
        ]
    );
}

#[test]
fn validate_reads_every_page() {
    let dir = TestDir::new();
    let pdf = report(&dir);
    dir.cmd()
        .arg("validate")
        .arg(&pdf)
        .assert_code(EXIT_OK)
        .stdout_has("4 rows");
    let json = dir
        .cmd()
        .args(["validate", "--json"])
        .arg(&pdf)
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(json["ok"], true, "{json}");
}

#[test]
fn inputs_that_are_not_pdfs_fail_with_one_line() {
    let dir = TestDir::new();
    let mut cut = simple_pdf(&["some text"]);
    cut.truncate(30);
    for (name, bytes, reason) in [
        (
            "notes.pdf",
            b"just some text\n".to_vec(),
            "not a PDF: no %PDF- header",
        ),
        ("empty.pdf", Vec::new(), "not a PDF"),
        ("cut.pdf", cut, "the PDF is damaged"),
    ] {
        let pdf = dir.write(name, bytes);
        let out = dir.cmd().arg("convert").arg(&pdf).assert_code(EXIT_FAILED);
        out.error_names(name).stderr_has(reason);
        let errors = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count();
        assert_eq!(errors, 1, "{out}");
        dir.cmd().arg("validate").arg(&pdf).assert_code(EXIT_FAILED);
        std::fs::remove_file(pdf).unwrap();
    }
    assert!(dir.listing().is_empty(), "{:?}", dir.listing());
}
