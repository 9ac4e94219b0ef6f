//! XML documents written here, read back value by value: every flatten
//! strategy, array handling and namespace handling, record paths and
//! carried columns, encodings, compression, `--preview-schema`, `info`,
//! and each limit.

use std::io::Write;

use crate::util::*;

/// Three orders: nested customers, repeated items (one without a quantity,
/// one order with none), escapes, dates, booleans, decimals, zip codes with
/// leading zeros.
const ORDERS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- generated for the tests -->
<orders generated="2026-12-07">
  <order id="1" status="shipped">
    <date>2024-01-15</date>
    <customer id="C7"><name>Ann Müller</name><address><city>Köln</city><zip>01234</zip></address></customer>
    <items>
      <item sku="A-1"><name>Bolt</name><qty>2</qty><price>0.25</price></item>
      <item sku="B-2"><name>Nut</name><price>0.10</price></item>
    </items>
    <total>0.60</total>
    <paid>true</paid>
    <note>fragile &amp; heavy &lt;2kg&gt;</note>
  </order>
  <order id="2" status="pending">
    <date>2024-02-01</date>
    <customer id="C8"><name>Bo</name><address><city>Oslo</city><zip>50100</zip></address></customer>
    <items/>
    <total>0</total>
    <paid>false</paid>
  </order>
  <order id="3" status="cancelled">
    <date>2024-03-31</date>
    <customer id="C7"><name>Ann Müller</name><address><city>Köln</city><zip>01234</zip></address></customer>
    <items>
      <item sku="C-3"><name>Gear</name><qty>1</qty><price>12.5</price></item>
    </items>
    <total>12.50</total>
    <paid>true</paid>
  </order>
</orders>
"#;

fn convert_doc(dir: &TestDir, name: &str, document: &[u8], extra: &[&str]) -> (Table, RunOutput) {
    let input = dir.write(name, document);
    let out = dir.join(format!("out-{}", extra.join("_").replace('/', "")));
    let run = dir
        .cmd()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert_code(EXIT_OK);
    let stem = name.split('.').next().unwrap();
    (read_parquet(&out.join(format!("{stem}.parquet"))), run)
}

fn list(values: &[Value]) -> Value {
    Value::List(values.to_vec())
}

fn strings(values: &[&str]) -> Value {
    list(&values.iter().map(|v| s(v)).collect::<Vec<_>>())
}

#[test]
fn conservative_columns_are_typed_paths_with_lists_that_line_up() {
    let dir = TestDir::new();
    let (t, run) = convert_doc(&dir, "orders.xml", ORDERS.as_bytes(), &[]);
    run.stderr_has("one row per <order> element at /orders/order (3;");
    assert_eq!(
        t.names,
        vec![
            "@id",
            "@status",
            "date",
            "customer@id",
            "customer_name",
            "customer_address_city",
            "customer_address_zip",
            "items_item@sku",
            "items_item_name",
            "items_item_qty",
            "items_item_price",
            "total",
            "paid",
            "note",
            "orders@generated",
        ]
    );
    use arrow_schema::DataType;
    t.assert_column("@id", &DataType::Int64, &[1.into(), 2.into(), 3.into()]);
    t.assert_column(
        "date",
        &DataType::Date32,
        &[date(2024, 1, 15), date(2024, 2, 1), date(2024, 3, 31)],
    );
    t.assert_column(
        "customer_address_zip",
        &DataType::Utf8,
        &[s("01234"), s("50100"), s("01234")],
    );
    assert_eq!(
        t.column("items_item@sku"),
        &[strings(&["A-1", "B-2"]), list(&[]), strings(&["C-3"])]
    );
    assert_eq!(
        t.column("items_item_qty"),
        &[list(&[2.into(), Null]), list(&[]), list(&[1.into()])],
        "one entry per item: the item without a quantity is a null"
    );
    assert_eq!(
        t.column("items_item_price"),
        &[
            list(&[0.25.into(), 0.10.into()]),
            list(&[]),
            list(&[12.5.into()])
        ]
    );
    t.assert_column(
        "total",
        &DataType::Float64,
        &[0.6.into(), 0.0.into(), 12.5.into()],
    );
    t.assert_column(
        "paid",
        &DataType::Boolean,
        &[true.into(), false.into(), true.into()],
    );
    t.assert_column(
        "note",
        &DataType::Utf8,
        &[s("fragile & heavy <2kg>"), Null, Null],
    );
    t.assert_column(
        "orders@generated",
        &DataType::Date32,
        &[date(2026, 12, 7), date(2026, 12, 7), date(2026, 12, 7)],
    );
    assert_eq!(t.column("customer_name")[0], s("Ann Müller"));
}

#[test]
fn moderate_names_are_the_shortest_unique_ends() {
    let dir = TestDir::new();
    let (t, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--flatten-strategy", "moderate"],
    );
    for name in [
        "@id",
        "customer@id",
        "customer_name",
        "item_name",
        "city",
        "zip",
        "@sku",
        "qty",
        "total",
        "@generated",
    ] {
        assert!(
            t.names.contains(&name.to_string()),
            "{name} in {:?}",
            t.names
        );
    }
    assert_eq!(t.column("city"), &[s("Köln"), s("Oslo"), s("Köln")]);
}

#[test]
fn aggressive_keeps_one_column_per_child_with_nested_content_as_json() {
    let dir = TestDir::new();
    let (t, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--flatten-strategy", "aggressive"],
    );
    assert_eq!(
        t.names,
        vec![
            "@id",
            "@status",
            "date",
            "customer",
            "items",
            "total",
            "paid",
            "note",
            "orders@generated"
        ]
    );
    assert_eq!(
        t.column("customer")[0],
        s(r#"{"@id":"C7","name":"Ann Müller","address":{"city":"Köln","zip":"01234"}}"#)
    );
    assert_eq!(
        t.column("items")[0],
        s(
            r#"{"item":[{"@sku":"A-1","name":"Bolt","qty":"2","price":"0.25"},{"@sku":"B-2","name":"Nut","price":"0.10"}]}"#
        )
    );
    assert_eq!(t.column("items")[1], Null, "an empty <items/>");
    assert_eq!(t.column("total")[2], Value::Float(12.5));
}

#[test]
fn repeated_values_can_be_joined_or_json_arrays() {
    let dir = TestDir::new();
    let (joined, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--array-handling", "concatenate"],
    );
    assert_eq!(
        joined.column("items_item_name"),
        &[s("Bolt; Nut"), Null, s("Gear")]
    );
    assert_eq!(
        joined.column("items_item_qty")[0],
        s("2"),
        "missing entries are left out"
    );
    let (piped, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--array-handling", "concatenate", "--separator", " | "],
    );
    assert_eq!(piped.column("items_item_name")[0], s("Bolt | Nut"));
    let (json, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--array-handling", "json_string"],
    );
    assert_eq!(
        json.column("items_item_qty"),
        &[s(r#"["2",null]"#), s("[]"), s(r#"["1"]"#)]
    );
}

#[test]
fn all_strings_writes_text_and_lists_of_text() {
    let dir = TestDir::new();
    let (t, _) = convert_doc(&dir, "orders.xml", ORDERS.as_bytes(), &["--all-strings"]);
    use arrow_schema::DataType;
    for (name, data_type) in t.names.iter().zip(&t.types) {
        match data_type {
            DataType::Utf8 => {}
            DataType::List(item) => assert_eq!(item.data_type(), &DataType::Utf8, "{name}"),
            other => panic!("{name} is {other:?}"),
        }
    }
    assert_eq!(t.column("@id")[0], s("1"));
    assert_eq!(t.column("total")[0], s("0.60"), "the text as written");
}

#[test]
fn a_record_path_carries_the_enclosing_values_onto_each_row() {
    let dir = TestDir::new();
    let (items, _) = convert_doc(
        &dir,
        "orders.xml",
        ORDERS.as_bytes(),
        &["--record-path", "/orders/order/items/item"],
    );
    assert_eq!(items.num_rows(), 3);
    assert_eq!(items.column("@sku"), &[s("A-1"), s("B-2"), s("C-3")]);
    assert_eq!(items.column("qty"), &[2.into(), Null, 1.into()]);
    assert_eq!(
        items.column("orders_order@id"),
        &[1.into(), 1.into(), 3.into()]
    );
    assert_eq!(
        items.column("orders_order_date"),
        &[date(2024, 1, 15), date(2024, 1, 15), date(2024, 3, 31)]
    );
    assert_eq!(items.column("orders@generated")[2], date(2026, 12, 7));

    let unknown = dir
        .cmd()
        .args(["convert", "orders.xml", "--record-path", "/orders/nothing"])
        .assert_code(EXIT_FAILED);
    unknown
        .error_names("orders.xml")
        .stderr_has("no element is at --record-path /orders/nothing")
        .stderr_has("/orders/order");
    dir.cmd()
        .args(["convert", "orders.xml", "--record-path", "/orders/@id"])
        .assert_code(EXIT_USAGE);
}

const NAMESPACED: &str = r#"<d:rows xmlns:d="urn:data" xmlns="urn:default">
  <d:row d:id="1"><d:v>x</d:v><plain>p</plain></d:row>
  <d:row d:id="2"><d:v>y</d:v><plain>q</plain></d:row>
</d:rows>"#;

#[test]
fn namespace_handling_names_every_segment() {
    let dir = TestDir::new();
    for (handling, names) in [
        ("preserve", ["@d:id", "d:v", "plain"]),
        ("strip", ["@id", "v", "plain"]),
        ("prefix", ["@d_id", "d_v", "plain"]),
    ] {
        let (t, _) = convert_doc(
            &dir,
            "ns.xml",
            NAMESPACED.as_bytes(),
            &["--namespace-handling", handling],
        );
        assert_eq!(t.names, names, "{handling}");
        assert_eq!(t.column(names[1]), &[s("x"), s("y")]);
    }
    for path in ["/d:rows/d:row", "/rows/row"] {
        let (t, _) = convert_doc(
            &dir,
            "ns.xml",
            NAMESPACED.as_bytes(),
            &["--record-path", path],
        );
        assert_eq!(t.num_rows(), 2, "{path}");
    }
    let info = dir
        .cmd()
        .args(["info", "--json", "ns.xml"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(info["namespaces"]["d"], "urn:data");
    assert_eq!(info["namespaces"][""], "urn:default");
    assert_eq!(info["root"], "d:rows");
    assert_eq!(info["record_choice"], "detected");
}

#[test]
fn declared_legacy_encodings_and_utf16_are_read() {
    let dir = TestDir::new();
    for (label, text) in [
        ("windows-1251", "Привет, мир"),
        ("KOI8-R", "Съешь же ещё"),
        ("Shift_JIS", "日本語のテキスト"),
        ("gb18030", "简体中文 €"),
        ("ISO-8859-7", "Καλημέρα"),
    ] {
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"{label}\"?>\n<rows><row n=\"{text}\"><v>{text}</v></row><row n=\"b\"><v>b</v></row></rows>"
        );
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
        let (bytes, _, unmappable) = encoding.encode(&document);
        assert!(!unmappable, "{label}");
        let name = format!("enc-{}.xml", label.to_lowercase());
        let (t, _) = convert_doc(&dir, &name, &bytes, &[]);
        assert_eq!(t.column("v"), &[s(text), s("b")], "{label}");
        assert_eq!(t.column("@n")[0], s(text), "{label}");
    }
    // UTF-16 big-endian without a byte-order mark.
    let document = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r><x>Ωmega</x><x>b</x></r>";
    let bytes: Vec<u8> = document
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let (t, _) = convert_doc(&dir, "utf16be.xml", &bytes, &[]);
    assert_eq!(t.column("x"), &[list(&[s("Ωmega"), s("b")])]);
    // --encoding for a document that declares nothing.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("<r><x>café</x><x>b</x></r>");
    let (t, _) = convert_doc(&dir, "latin.xml", &bytes, &["--encoding", "cp1252"]);
    assert_eq!(t.column("x"), &[list(&[s("café"), s("b")])]);
    // Without it, the bytes are not UTF-8: a clear error.
    dir.cmd()
        .args(["convert", "latin.xml", "--force"])
        .assert_code(EXIT_FAILED)
        .stderr_has("not valid UTF-8");
}

#[test]
fn gzip_and_bzip2_documents_are_read_as_streams() {
    let dir = TestDir::new();
    let (plain, _) = convert_doc(&dir, "orders.xml", ORDERS.as_bytes(), &[]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(ORDERS.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(ORDERS.as_bytes()).unwrap();
    let bz = bz.finish().unwrap();
    for (name, bytes) in [("orders.xml.gz", &gz), ("orders.xml.bz2", &bz)] {
        let sub = TestDir::new();
        sub.write(name, bytes);
        sub.cmd().args(["convert", name]).assert_code(EXIT_OK);
        assert_eq!(
            sub.listing(),
            vec!["orders.parquet".to_string(), name.to_string()]
        );
        let t = read_parquet(&sub.join("orders.parquet"));
        assert_eq!(t.columns, plain.columns, "{name}");
        // Cut short, the stream fails with one line and leaves nothing.
        let cut = sub.write(format!("cut-{name}"), &bytes[..bytes.len() / 2]);
        sub.cmd()
            .arg("convert")
            .arg(&cut)
            .assert_code(EXIT_FAILED)
            .error_names(&format!("cut-{name}"));
        assert!(!sub.join("cut-orders.parquet").exists());
    }
}

#[test]
fn preview_schema_prints_the_record_and_columns_and_writes_nothing() {
    let dir = TestDir::new();
    dir.write("orders.xml", ORDERS);
    let run = dir
        .cmd()
        .args(["convert", "orders.xml", "--preview-schema"])
        .assert_code(EXIT_OK);
    run.stdout_has("/orders/order (3 element(s); detected)")
        .stdout_has("items_item_qty")
        .stdout_has("list<int64>");
    assert_eq!(dir.listing(), vec!["orders.xml".to_string()]);
}

#[test]
fn info_shows_the_choice_runners_up_and_columns() {
    let dir = TestDir::new();
    dir.write("orders.xml", ORDERS);
    let info = dir
        .cmd()
        .args(["info", "--json", "orders.xml"])
        .assert_code(EXIT_OK)
        .json();
    assert_eq!(info["format"], "xml");
    assert_eq!(info["record_path"], "/orders/order");
    assert_eq!(info["records"], 3);
    assert_eq!(info["runners_up"][0]["path"], "/orders/order/items/item");
    assert_eq!(info["runners_up"][0]["elements"], 3);
    let qty = info["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "items_item_qty")
        .unwrap();
    assert_eq!(qty["type"], "list<int64>");
    assert_eq!(qty["list"], true);
    dir.cmd()
        .args(["info", "orders.xml"])
        .assert_code(EXIT_OK)
        .stdout_has("or /orders/order/items/item (3 element(s))");
    dir.cmd()
        .args(["validate", "orders.xml"])
        .assert_code(EXIT_OK);
}

#[test]
fn every_limit_is_a_flag_and_stops_with_one_line() {
    let dir = TestDir::new();
    let deep = format!("{}v{}", "<a>".repeat(20), "</a>".repeat(20));
    let wide = format!(
        "<r {}/>",
        (0..20)
            .map(|i| format!("a{i}='1'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let long = format!("<r><v>{}</v></r>", "x".repeat(300_000));
    let paths = format!(
        "<r>{}</r>",
        (0..50)
            .map(|i| format!("<e{i}>{i}</e{i}>"))
            .collect::<String>()
    );
    let nested = r#"<!DOCTYPE r [<!ENTITY a "ab"><!ENTITY b "&a;&a;"><!ENTITY c "&b;&b;">]><r><v>&c;</v><v>x</v></r>"#;
    let expanding =
        r#"<!DOCTYPE r [<!ENTITY a "0123456789">]><r><v>&a;&a;&a;&a;&a;</v><v>x</v></r>"#;
    for (name, document, flag, value) in [
        ("deep.xml", deep.as_str(), "--max-depth", "10"),
        ("wide.xml", wide.as_str(), "--max-attributes", "10"),
        ("long.xml", long.as_str(), "--max-text-bytes", "100000"),
        ("paths.xml", paths.as_str(), "--max-paths", "20"),
        ("nested.xml", nested, "--max-entity-depth", "2"),
        ("expanding.xml", expanding, "--max-entity-expansion", "40"),
    ] {
        dir.write(name, document);
        dir.cmd()
            .args(["convert", name, flag, value])
            .assert_code(EXIT_FAILED)
            .error_names(name)
            .stderr_has(flag);
        // Raised, the same document converts.
        dir.cmd()
            .args(["convert", name, flag, "1000000"])
            .assert_code(EXIT_OK);
    }
    let (t, _) = convert_doc(
        &dir,
        "nested2.xml",
        nested.as_bytes(),
        &["--max-entity-depth", "3"],
    );
    assert_eq!(t.column("v"), &[list(&[s("abababab"), s("x")])]);
}

#[test]
fn records_without_any_value_are_refused() {
    let dir = TestDir::new();
    dir.write("empty.xml", "<r><a/><a/><b><c/></b></r>");
    dir.cmd()
        .args(["convert", "empty.xml"])
        .assert_code(EXIT_FAILED)
        .error_names("empty.xml")
        .stderr_has("hold no value");
    assert_eq!(dir.listing(), vec!["empty.xml".to_string()]);
}

#[test]
fn a_document_without_repeats_is_one_row_and_nothing_is_dropped() {
    let dir = TestDir::new();
    let document = r#"<config version="3"><name>main</name><db><host>h</host><port>5432</port></db><empty/></config>"#;
    let (t, run) = convert_doc(&dir, "config.xml", document.as_bytes(), &[]);
    run.stderr_has("no element repeats");
    assert_eq!(t.names, vec!["@version", "name", "db_host", "db_port"]);
    assert_eq!(t.row(0), vec![3.into(), s("main"), s("h"), 5432.into()]);
}
