//! The same kind of table written in many encodings: the strings must come
//! back from the Parquet file exactly as they were before encoding.

use arrow_schema::DataType;

use crate::csv_generated::{convert_table, info_json};
use crate::util::*;

/// A table whose `word` column holds `words`, as CSV text (LF line ends).
fn table_text(words: &[&str]) -> String {
    let mut text = String::from("id,word,amount\n");
    for (i, word) in words.iter().enumerate() {
        let quoted = word.replace('"', "\"\"");
        text.push_str(&format!("{},\"{quoted}\",{}.5\n", i + 1, i * 10));
    }
    text
}

/// Converts `bytes` and checks ids, words and amounts; returns `info --json`.
fn check_round_trip(file: &str, bytes: &[u8], words: &[&str], extra: &[&str]) -> serde_json::Value {
    let dir = TestDir::new();
    let table = convert_table(&dir, file, bytes, extra);
    assert_eq!(
        table.names,
        ["id", "word", "amount"],
        "{file}: the header must decode without a stray byte-order mark"
    );
    let ids: Vec<Value> = (1..=words.len() as i64).map(Value::Int).collect();
    table.assert_column("id", &DataType::Int64, &ids);
    let expected: Vec<Value> = words.iter().map(|w| s(w)).collect();
    table.assert_column("word", &DataType::Utf8, &expected);
    let amounts: Vec<Value> = (0..words.len())
        .map(|i| Value::Float(i as f64 * 10.0 + 0.5))
        .collect();
    table.assert_column("amount", &DataType::Float64, &amounts);
    info_json(&dir, file, extra)
}

const MIXED: [&str; 8] = [
    "Zürich",
    "naïve café, \"quoted\"",
    "Ελληνικά",
    "台北市",
    "東京",
    "emoji 😀🎉",
    "Ærøskøbing",
    "line\nbreak",
];

const WESTERN: [&str; 8] = [
    "José",
    "Zürich",
    "Straße",
    "François",
    "naïve café",
    "€ 12 – Ærøskøbing",
    "São Paulo",
    "Øresund “quotes”",
];

const GREEK: [&str; 8] = [
    "Αθήνα",
    "Θεσσαλονίκη",
    "Πάτρα",
    "Ηράκλειο",
    "Λάρισα",
    "Βόλος",
    "Λεωνίδας Παπαδόπουλος",
    "Καλημέρα κόσμε",
];

const TRADITIONAL_CHINESE: [&str; 8] = [
    "台北市",
    "高雄市",
    "臺中市",
    "新竹縣",
    "景點中文名稱",
    "雲嘉南濱海國家風景區管理處",
    "蘆竹溝位於將軍溪出海口北岸",
    "開放時間與地址",
];

const JAPANESE: [&str; 8] = [
    "東京都",
    "大阪府",
    "京都市",
    "札幌市",
    "日本語のテキスト",
    "こんにちは世界",
    "カタカナ表記",
    "新宿駅西口",
];

#[test]
fn utf8_without_bom() {
    let info = check_round_trip("utf8.csv", table_text(&MIXED).as_bytes(), &MIXED, &[]);
    assert_eq!(info["encoding"], "UTF-8");
}

#[test]
fn utf8_with_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(table_text(&MIXED).as_bytes());
    let info = check_round_trip("utf8bom.csv", &bytes, &MIXED, &[]);
    assert_eq!(info["encoding"], "UTF-8");
    assert_eq!(info["encoding_source"], "bom");
}

#[test]
fn utf16_little_endian_with_bom() {
    let bytes = utf16(&table_text(&MIXED).replace('\n', "\r\n"), true, true);
    let words: Vec<String> = MIXED.iter().map(|w| w.replace('\n', "\r\n")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let info = check_round_trip("utf16le.csv", &bytes, &words, &[]);
    assert_eq!(info["encoding"], "UTF-16LE");
    assert_eq!(info["encoding_source"], "bom");
}

#[test]
fn utf16_big_endian_with_bom() {
    let bytes = utf16(&table_text(&MIXED), false, true);
    let info = check_round_trip("utf16be.csv", &bytes, &MIXED, &[]);
    assert_eq!(info["encoding"], "UTF-16BE");
}

#[test]
fn utf16_little_endian_without_bom_is_detected_not_called_binary() {
    // The encoding module detects UTF-16 without a mark (NUL beside every
    // ASCII character); those NULs must not make the file "binary".
    let bytes = utf16(&table_text(&MIXED), true, false);
    let info = check_round_trip("utf16le_nobom.csv", &bytes, &MIXED, &[]);
    assert_eq!(info["encoding"], "UTF-16LE");
}

#[test]
fn utf16_without_bom_reads_with_forced_encoding() {
    let bytes = utf16(&table_text(&MIXED), true, false);
    let info = check_round_trip(
        "utf16le_forced.csv",
        &bytes,
        &MIXED,
        &["--encoding", "utf-16le"],
    );
    assert_eq!(info["encoding_source"], "forced");
}

#[test]
fn windows_1252_is_detected() {
    let bytes = encode_legacy(&table_text(&WESTERN), "windows-1252");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file must not be UTF-8"
    );
    let info = check_round_trip("cp1252.csv", &bytes, &WESTERN, &[]);
    assert_eq!(info["encoding"], "windows-1252");
    assert_eq!(info["encoding_source"], "detected");
}

#[test]
fn latin1_text_is_detected() {
    // ISO-8859-1 bytes for letters windows-1252 maps the same way.
    let words = [
        "José",
        "Zürich",
        "Straße",
        "François",
        "Ærøskøbing",
        "São Paulo",
    ];
    let bytes = encode_legacy(&table_text(&words), "iso-8859-1");
    check_round_trip("latin1.csv", &bytes, &words, &[]);
}

#[test]
fn iso_8859_7_greek_is_detected() {
    let bytes = encode_legacy(&table_text(&GREEK), "iso-8859-7");
    let info = check_round_trip("greek.csv", &bytes, &GREEK, &[]);
    // windows-1253 agrees with ISO-8859-7 on every letter used here.
    let name = info["encoding"].as_str().unwrap_or_default();
    assert!(
        name == "ISO-8859-7" || name == "windows-1253",
        "Greek detected as {name}"
    );
}

#[test]
fn big5_traditional_chinese_is_detected() {
    let bytes = encode_legacy(&table_text(&TRADITIONAL_CHINESE), "big5");
    let info = check_round_trip("big5.csv", &bytes, &TRADITIONAL_CHINESE, &[]);
    assert_eq!(info["encoding"], "Big5");
}

#[test]
fn shift_jis_japanese_is_detected() {
    let bytes = encode_legacy(&table_text(&JAPANESE), "shift_jis");
    let info = check_round_trip("sjis.csv", &bytes, &JAPANESE, &[]);
    assert_eq!(info["encoding"], "Shift_JIS");
}

#[test]
fn forced_encoding_wins_over_detection() {
    // Three bytes of Latin-1 are too little to detect anything reliably.
    let words = ["é"];
    let bytes = encode_legacy(&table_text(&words), "iso-8859-1");
    for label in ["latin1", "iso-8859-1", "cp1252", "windows-1252"] {
        let info = check_round_trip("short.csv", &bytes, &words, &["--encoding", label]);
        assert_eq!(info["encoding_source"], "forced", "--encoding {label}");
    }
    // A matching byte-order mark is skipped, never read as text.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(table_text(&MIXED).as_bytes());
    check_round_trip("bom.csv", &bytes, &MIXED, &["--encoding", "utf-8"]);
    // Greek bytes forced to Greek.
    let bytes = encode_legacy(&table_text(&GREEK), "iso-8859-7");
    check_round_trip("greek.csv", &bytes, &GREEK, &["-e", "iso-8859-7"]);
}

#[test]
fn dos_code_pages_are_read_when_named() {
    // The label parser CSV shares with dBase takes the DOS pages too.
    let cases: [(&str, &[u8], &str, &str); 3] = [
        ("cp850", b"M\x81ller K\x94ln", "Müller Köln", "IBM850"),
        ("cp437", b"caf\x82 \xb0", "café ░", "IBM437"),
        ("mazovia", b"\x8f\x98 \x92\xa7", "ĄŚ łż", "Mazovia"),
    ];
    for (label, word, text, name) in cases {
        let mut bytes = b"id,word,amount\n1,".to_vec();
        bytes.extend_from_slice(word);
        bytes.extend_from_slice(b",0.5\n");
        let info = check_round_trip("dos.csv", &bytes, &[text], &["--encoding", label]);
        assert_eq!(info["encoding"], name);
    }
}

#[test]
fn unknown_encoding_label_is_a_usage_error() {
    let dir = TestDir::new();
    dir.write("a.csv", "a\n1\n");
    let run = dir
        .cmd()
        .args(["convert", "a.csv", "--encoding", "klingon"])
        .assert_code(EXIT_USAGE);
    run.stderr_has("klingon");
    assert_no_output_left(dir.path());
}

#[test]
fn legacy_bytes_after_a_long_ascii_start_are_decoded() {
    // More than the 256 KiB sniffing sample of plain ASCII, then windows-1252.
    let mut text = String::from("id,word,amount\n");
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while text.len() < 300 * 1024 {
        i += 1;
        let word = format!("plain ascii row {i}");
        text.push_str(&format!("{i},\"{word}\",{}.5\n", (i - 1) * 10));
        words.push(word);
    }
    for word in ["José", "Zürich", "François"] {
        i += 1;
        text.push_str(&format!("{i},\"{word}\",{}.5\n", (i - 1) * 10));
        words.push(word.to_string());
    }
    let bytes = encode_legacy(&text, "windows-1252");
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let info = check_round_trip("late_latin1.csv", &bytes, &words, &[]);
    assert_eq!(info["encoding"], "windows-1252");
}

#[test]
fn invalid_utf8_with_forced_utf8_is_refused_with_a_hint() {
    let dir = TestDir::new();
    dir.write("bad.csv", b"a,b\n1,caf\xe9\n");
    let run = dir
        .cmd()
        .args(["convert", "bad.csv", "--encoding", "utf-8"])
        .assert_code(EXIT_FAILED);
    run.error_names("bad.csv").stderr_has("hint:");
    assert_no_output_left(dir.path());
}

/// `rows` rows of UTF-8 text beyond ASCII, one invalid byte in row `bad`.
fn utf8_with_one_bad_byte(rows: usize, bad: usize) -> Vec<u8> {
    let mut bytes = b"id,city,note\n".to_vec();
    for i in 1..=rows {
        bytes.extend_from_slice(format!("{i},Zürich,café").as_bytes());
        if i == bad {
            bytes.push(0xFF);
        }
        bytes.push(b'\n');
    }
    bytes
}

#[test]
fn one_bad_byte_late_in_a_utf8_file_is_an_error_naming_its_line() {
    // Far beyond the sniffing sample, as an export that went wrong once.
    let dir = TestDir::new();
    dir.write("cities.csv", utf8_with_one_bad_byte(40_000, 39_000));
    let run = dir
        .cmd()
        .args(["convert", "cities.csv"])
        .assert_code(EXIT_FAILED);
    run.error_names("cities.csv")
        .stderr_has("invalid UTF-8 on line 39001 of a UTF-8 file")
        .stderr_has("80000 multi-byte UTF-8 character(s), 1 invalid byte sequence(s)")
        .stderr_has("--encoding-errors replace");
    assert_no_output_left(dir.path());
    // Never read as windows-1252 (`ZÃ¼rich`).
    dir.cmd()
        .args(["info", "cities.csv"])
        .assert_code(EXIT_FAILED)
        .stderr_has("line 39001");
}

#[test]
fn encoding_errors_replace_keeps_every_row_and_counts_the_bad_bytes() {
    let dir = TestDir::new();
    let bytes = utf8_with_one_bad_byte(40_000, 39_000);
    let table = convert_table(
        &dir,
        "cities.csv",
        &bytes,
        &["--encoding-errors", "replace"],
    );
    assert_eq!(table.num_rows(), 40_000);
    let cities = table.column("city");
    assert!(cities.iter().all(|c| *c == s("Zürich")), "no mojibake");
    assert_eq!(table.column("note")[38_999], s("café\u{FFFD}"));
    assert_eq!(table.column("note")[0], s("café"));
    let run = dir
        .cmd()
        .args(["convert", "cities.csv", "--force", "--json"])
        .args(["--encoding-errors", "replace"])
        .assert_code(EXIT_OK);
    let notes = run.json()["inputs"][0]["notes"].to_string();
    assert!(
        notes.contains("1 invalid UTF-8 byte sequence(s) read as U+FFFD"),
        "{notes}"
    );
    let info = info_json(&dir, "cities.csv", &["--encoding-errors", "replace"]);
    assert_eq!(info["encoding"], "UTF-8");
    assert_eq!(info["replaced_sequences"], 1);
    assert_eq!(info["encoding_evidence"]["multibyte"], 80_000);
}

#[test]
fn high_bytes_without_multibyte_sequences_stay_a_legacy_encoding() {
    // The csvkit case: ASCII with one 0xA9 (©) late in the file.
    let dir = TestDir::new();
    let mut bytes = b"id,owner\n".to_vec();
    for i in 1..=30_000 {
        bytes.extend_from_slice(format!("{i},plain ascii owner\n").as_bytes());
    }
    bytes.extend_from_slice(b"30001,\xa9 Someone\n");
    let table = convert_table(&dir, "owners.csv", &bytes, &[]);
    assert_eq!(table.column("owner")[30_000], s("© Someone"));
    let info = info_json(&dir, "owners.csv", &[]);
    assert_eq!(info["encoding"], "windows-1252");
    assert_eq!(info["encoding_evidence"]["invalid"], 1);
}
