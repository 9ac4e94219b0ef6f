//! Inputs pyforge must refuse: each gets one clear `error: <file>: ...` line,
//! a non-zero exit code, and leaves no output or hidden temporary file behind.

use std::path::Path;

use crate::util::*;

/// Converts `name` (already in `dir`) into `out/`, requires exit code 1 and
/// an error line naming the file that contains `cause`; checks nothing is left.
#[track_caller]
fn refused(dir: &TestDir, name: &str, cause: &str) -> RunOutput {
    let run = dir
        .cmd()
        .args(["convert", name, "--output-dir", "out"])
        .assert_code(EXIT_FAILED);
    run.stdout_empty();
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_default()
        .to_string();
    run.check(
        line.starts_with(&format!("error: {name}: ")) && line.contains(cause),
        &format!("expected `error: {name}: ...{cause}...` as the error line"),
    );
    assert_no_output_left(&dir.join("out"));
    assert_no_output_left(dir.path());
    // validate agrees that the file cannot be read.
    let check = dir.cmd().args(["validate", name]).run();
    check.check(
        check.code == Some(EXIT_FAILED),
        "expected validate to fail too",
    );
    run
}

#[test]
fn a_missing_path_is_named() {
    let dir = TestDir::new();
    refused(&dir, "nope.csv", "no such file");
}

#[test]
fn a_directory_without_csv_files_is_named() {
    let dir = TestDir::new();
    dir.write("docs/notes.md", "# notes\n");
    dir.write("docs/.hidden.csv", "a\n1\n");
    refused(&dir, "docs", "no file pyforge reads");
    dir.mkdir("empty");
    refused(&dir, "empty", "no file pyforge reads");
}

#[test]
fn an_empty_file_is_refused() {
    let dir = TestDir::new();
    dir.write("empty.csv", "");
    refused(&dir, "empty.csv", "empty");
    dir.write("blank.csv", "\n\r\n   \n\t\n");
    refused(&dir, "blank.csv", "empty");
    let mut bom_only = b"\xEF\xBB\xBF".to_vec();
    bom_only.extend_from_slice(b"\n");
    dir.write("bom.csv", bom_only);
    refused(&dir, "bom.csv", "empty");
}

#[test]
fn random_bytes_are_not_a_text_file() {
    let dir = TestDir::new();
    dir.write(
        "garbage.csv",
        pseudo_random_bytes(4096, 0x9E37_79B9_7F4A_7C15),
    );
    let run = refused(&dir, "garbage.csv", "not a text file");
    run.stderr_has("hint:");
}

#[test]
fn known_binary_formats_named_csv_are_recognised() {
    let dir = TestDir::new();
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend(pseudo_random_bytes(200, 7));
    dir.write("archive.csv", zip);
    refused(&dir, "archive.csv", "ZIP");
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    png.extend(pseudo_random_bytes(200, 11));
    dir.write("image.csv", png);
    refused(&dir, "image.csv", "PNG");
    dir.write("gz.csv", b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03");
    refused(&dir, "gz.csv", "gzip");
    dir.write("doc.csv", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    refused(&dir, "doc.csv", "PDF");
}

#[test]
fn a_parquet_file_renamed_csv_is_not_read_as_text() {
    let dir = TestDir::new();
    dir.write("a.csv", "x,y\n1,2\n");
    dir.convert_ok(["a.csv"]);
    std::fs::rename(dir.join("a.parquet"), dir.join("p.csv")).unwrap();
    std::fs::remove_file(dir.join(".a.parquet.pyforge.json")).unwrap();
    refused(&dir, "p.csv", "Parquet");
}

#[test]
fn a_file_ending_inside_a_quoted_field_is_truncated() {
    let dir = TestDir::new();
    dir.write("cut.csv", "id,text\n1,\"whole\"\n2,\"cut off in the mid");
    let run = refused(&dir, "cut.csv", "truncated");
    run.stderr_has("line 3").stderr_has("hint:");
    // Also when the open quote is followed by more lines.
    dir.write("cut2.csv", "id,text\n1,\"starts here\n2,more\n3,and more\n");
    refused(&dir, "cut2.csv", "quoted field");
}

#[test]
fn a_short_last_row_without_newline_is_truncated() {
    let dir = TestDir::new();
    dir.write("cut.csv", "a,b,c\n1,2,3\n4,5,6\n7,8");
    let run = refused(&dir, "cut.csv", "truncated");
    run.stderr_has("line 4");
    dir.write("cut_crlf.csv", "a,b,c\r\n1,2,3\r\n4,5");
    refused(&dir, "cut_crlf.csv", "truncated");
}

#[test]
fn truncated_utf16_is_refused_too() {
    let dir = TestDir::new();
    dir.write("cut16.csv", utf16("a,b,c\r\n1,2,3\r\n4,5", true, true));
    refused(&dir, "cut16.csv", "truncated");
}

#[test]
fn an_output_dir_under_a_regular_file_fails_naming_the_input() {
    let dir = TestDir::new();
    dir.write("a.csv", "x,y\n1,2\n");
    dir.write("blocker", "I am a file");
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "--output-dir", "blocker/sub"])
        .assert_code(EXIT_FAILED);
    run.error_names("a.csv").stdout_empty();
    assert_eq!(dir.listing(), ["a.csv", "blocker"]);
    // An explicit OUTPUT there fails the same way.
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "blocker/out.parquet"])
        .assert_code(EXIT_FAILED);
    run.error_names("a.csv");
    assert_eq!(dir.listing(), ["a.csv", "blocker"]);
    // --output-dir naming the file itself is a usage error.
    dir.cmd()
        .args(["convert", "a.csv", "--output-dir", "blocker"])
        .assert_code(EXIT_USAGE);
    assert_eq!(
        std::fs::read_to_string(dir.join("blocker")).unwrap(),
        "I am a file"
    );
}

/// Whether this process can write into a directory without write permission
/// (root, or CAP_DAC_OVERRIDE): then permission bits prove nothing.
fn permissions_are_ignored(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let ok = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[test]
fn a_read_only_output_dir_fails_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TestDir::new();
    dir.write("a.csv", "x,y\n1,2\n");
    let locked = dir.mkdir("locked");
    let mode = |mode| std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(mode));
    mode(0o555).unwrap();
    // Root (as in CI) writes through permission bits: there the output
    // folder is a read-only mount instead, which stops root too (EROFS).
    let read_only_mount;
    let out = if permissions_are_ignored(&locked) {
        mode(0o755).unwrap();
        let Some(mount) = Tmpfs::mount_read_only() else {
            return;
        };
        read_only_mount = mount;
        read_only_mount.path().to_path_buf()
    } else {
        locked.clone()
    };
    let run = dir
        .cmd()
        .arg("convert")
        .arg("a.csv")
        .arg("--output-dir")
        .arg(&out)
        .run();
    mode(0o755).unwrap();
    run.check(run.code == Some(EXIT_FAILED), "expected exit code 1");
    run.error_names("a.csv");
    assert!(listing(&out).is_empty(), "{:?}", listing(&out));
    assert_eq!(dir.listing(), ["a.csv", "locked"]);
}

#[test]
fn a_failed_move_into_place_leaves_no_temporary_file() {
    // The output name is taken by a non-empty directory: the Parquet file is
    // written completely under its hidden name, then cannot be renamed.
    let dir = TestDir::new();
    dir.write("a.csv", "x,y\n1,2\n");
    dir.write("a.parquet/keep.txt", "precious");
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "--force"])
        .assert_code(EXIT_FAILED);
    run.error_names("a.csv");
    assert_eq!(dir.listing(), ["a.csv", "a.parquet"], "no hidden .tmp file");
    assert_eq!(
        std::fs::read_to_string(dir.join("a.parquet/keep.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn one_error_line_per_failed_input() {
    let dir = TestDir::new();
    dir.write("empty.csv", "");
    let run = dir
        .cmd()
        .args(["convert", "empty.csv", "missing.csv", "--keep-going"])
        .assert_code(EXIT_FAILED);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 2, "{run}");
    run.error_names("empty.csv").error_names("missing.csv");
}

#[test]
fn a_named_pipe_is_refused_by_every_command_without_blocking() {
    let dir = TestDir::new();
    let fifo = dir.join("feed.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    // Nothing ever writes to the pipe: opening it would block forever.
    for command in [&["info"][..], &["validate"], &["convert"]] {
        let run = dir
            .cmd()
            .args(command)
            .arg("feed.csv")
            .assert_code(EXIT_FAILED);
        run.check(
            run.stderr.contains("feed.csv") && run.stderr.contains("named pipe"),
            &format!("{command:?} names the pipe"),
        );
    }
    assert_no_output_left(dir.path());
}

#[test]
fn skipping_more_rows_than_the_file_has_says_so() {
    let dir = TestDir::new();
    dir.write("five.csv", "a,b\n1,2\n3,4\n5,6\n7,8\n");
    dir.cmd()
        .args(["convert", "five.csv", "--skip-rows", "100"])
        .assert_code(EXIT_FAILED)
        .error_names("five.csv")
        .stderr_has("--skip-rows 100 skips every line: the file has 5 line(s)");
    assert_no_output_left(dir.path());
}
