//! The PDF worker process: a worker that crashes, hangs or talks nonsense
//! (fake workers, through PYFORGE_PDF_WORKER) and the real worker past its
//! memory limit each fail their input with one line naming the file and
//! page; nothing is left behind, no worker outlives the run.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::pdf_options::{pdf_of_objects, simple_pdf};
use crate::util::*;

/// The facts a fake worker reports: a two-page PDF.
const FACTS: &str = r#"{"type":"facts","facts":{"pages":2,"version":"1.4","encryption":null,"unlocked":"not_encrypted","metadata":[]}}"#;
const PAGE_ONE: &str =
    r#"{"type":"page","number":1,"text":"first\n","characters":6,"has_text":true,"images":0}"#;

/// A fake worker that answers the facts and page 1, then does `then`.
fn fake_worker(dir: &TestDir, name: &str, then: &str) -> PathBuf {
    let path = dir.write(
        name,
        format!("#!/bin/sh\nread open\nprintf '%s\\n' '{FACTS}'\nread pages\nprintf '%s\\n' '{PAGE_ONE}'\n{then}\n"),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn two_pages(dir: &TestDir) -> PathBuf {
    dir.write("doc.pdf", simple_pdf(&["first", "second"]))
}

/// Whether every process whose command line holds `marker` is gone within
/// two seconds: a process killed with SIGKILL (the worker's whole group,
/// as pyforge ends) is still listed until the kernel has run it down, which
/// on a loaded machine can outlast pyforge's exit by a moment.
fn gone_soon(marker: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !processes_with(marker).is_empty() {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    true
}

/// Processes whose command line holds `marker`.
fn processes_with(marker: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| std::fs::read(entry.ok()?.path().join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(marker))
        .collect()
}

fn assert_only_inputs_left(dir: &Path) {
    let left: Vec<String> = all_names(dir)
        .into_iter()
        .filter(|n| !n.ends_with(".pdf") && !n.ends_with(".sh"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_crash_on_a_page_fails_the_input_naming_the_page() {
    let dir = TestDir::new();
    let pdf = two_pages(&dir);
    let worker = fake_worker(&dir, "crash.sh", "kill -SEGV $$");
    let out = dir
        .cmd()
        .arg("convert")
        .arg(&pdf)
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_FAILED);
    out.error_names("doc.pdf")
        .stderr_has("page 2: the PDF reader crashed (killed by signal 11 (SIGSEGV))");
    assert_only_inputs_left(dir.path());

    // A stack overflow says so.
    let worker = fake_worker(
        &dir,
        "overflow.sh",
        "echo \"thread 'pdf-worker' has overflowed its stack\" >&2\nkill -ABRT $$",
    );
    dir.cmd()
        .arg("convert")
        .arg(&pdf)
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_FAILED)
        .stderr_has("page 2: the PDF reader crashed (killed by signal 6 (SIGABRT): thread 'pdf-worker' has overflowed its stack)");
    assert_only_inputs_left(dir.path());
}

#[test]
fn a_crash_part_way_is_damage_that_allow_partial_keeps() {
    let dir = TestDir::new();
    let pdf = two_pages(&dir);
    let worker = fake_worker(&dir, "crash.sh", "kill -SEGV $$");
    let out = dir.join("doc.parquet");
    dir.cmd()
        .arg("convert")
        .arg(&pdf)
        .arg(&out)
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_FAILED)
        .stderr_has("after 1 of the 2 rows");
    assert_only_inputs_left(dir.path());
    dir.cmd()
        .arg("convert")
        .arg(&pdf)
        .arg(&out)
        .arg("--allow-partial")
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_OK)
        .stderr_has("page 2: the PDF reader crashed");
    assert_eq!(read_parquet(&out).column("text"), vec![s("first\n")]);
}

#[test]
fn a_hang_is_stopped_at_the_page_time_limit() {
    let dir = TestDir::new();
    let pdf = two_pages(&dir);
    let worker = fake_worker(&dir, "hang.sh", "sleep 617");
    let out = dir
        .cmd()
        .arg("convert")
        .arg(&pdf)
        .args(["--page-timeout", "1"])
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_FAILED);
    out.error_names("doc.pdf")
        .stderr_has("page 2: the PDF reader took longer than 1 s and was stopped")
        .stderr_has("--page-timeout");
    assert!(gone_soon("sleep 617"), "the worker outlived the run");
    assert_only_inputs_left(dir.path());
    // The variable sets it as well.
    dir.cmd()
        .arg("convert")
        .arg(&pdf)
        .env("PYFORGE_PDF_PAGE_TIMEOUT", "1")
        .env("PYFORGE_PDF_WORKER", &worker)
        .assert_code(EXIT_FAILED)
        .stderr_has("longer than 1 s");
}

#[test]
fn nonsense_from_the_worker_is_a_protocol_error() {
    let dir = TestDir::new();
    let pdf = two_pages(&dir);
    for (name, then, says) in [
        ("garbage.sh", "echo 'hello, world'\nsleep 5", "broke the protocol"),
        ("wrong-page.sh", "echo '{\"type\":\"page\",\"number\":7,\"text\":\"\",\"characters\":0,\"has_text\":false,\"images\":0}'", "unexpected message: page 7"),
        ("silent-exit.sh", "exit 0", "page 2: the PDF reader crashed (exit code 0)"),
    ] {
        let worker = fake_worker(&dir, name, then);
        dir.cmd()
            .arg("convert")
            .arg(&pdf)
            .env("PYFORGE_PDF_WORKER", &worker)
            .assert_code(EXIT_FAILED)
            .stderr_has(says);
        assert_only_inputs_left(dir.path());
    }
}

/// A one-page PDF whose content stream inflates to `mib` MiB of text
/// operators: a decompression bomb.
fn bomb(mib: usize) -> Vec<u8> {
    let line = b"BT /F1 12 Tf 10 10 Td (A) Tj ET\n";
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let block: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take(line.len() * 32768)
        .collect();
    for _ in 0..(mib << 20) / block.len() {
        encoder.write_all(&block).unwrap();
    }
    let data = encoder.finish().unwrap();
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        data.len()
    )
    .into_bytes();
    stream.extend_from_slice(&data);
    stream.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    pdf_of_objects(&objects)
}

#[test]
fn the_real_worker_is_stopped_at_its_memory_limit() {
    let dir = TestDir::new();
    let pdf = dir.write("bomb.pdf", bomb(512));
    let out = dir
        .cmd()
        .arg("convert")
        .arg(&pdf)
        .args(["--pdf-memory-limit", "400m"])
        .assert_code(EXIT_FAILED);
    out.error_names("bomb.pdf")
        .stderr_has("page 1: the PDF reader went past its memory limit of 400 MiB and was stopped")
        .stderr_has("--pdf-memory-limit");
    assert_only_inputs_left(dir.path());
    // The next input of the run is read as usual.
    let good = two_pages(&dir);
    dir.cmd()
        .arg("convert")
        .arg(&pdf)
        .arg(&good)
        .args(["--keep-going", "--pdf-memory-limit", "400m"])
        .assert_code(EXIT_FAILED)
        .stderr_has("converted");
    assert_eq!(
        std::fs::read_to_string(dir.join("doc.txt")).unwrap(),
        "first\n\nsecond\n"
    );
}

#[test]
fn the_worker_ends_quietly_when_its_requests_stop() {
    // pyforge gone before asking: stdin closed at once, or after the open request.
    let dir = TestDir::new();
    let pdf = two_pages(&dir);
    for input in [
        String::new(),
        format!("{{\"path\":{:?},\"password\":null}}\n", pdf),
    ] {
        let mut child = std::process::Command::new(pyforge_bin())
            .arg("pdf-worker")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(input.is_empty() == said.is_empty(), "{said}");
    }
}
