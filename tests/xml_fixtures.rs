//! The shared XML fixtures (real documents from public repositories): each
//! one's record path and row count, its elements counted as ElementTree
//! counts them (REFERENCE.tsv), values read back against what ElementTree
//! reads, the attack files refused with a clear error and no
//! output, and the broken files refused naming their line.
//!
//! Three fixtures of quick-xml's encoding tests (windows-1251, Shift_JIS,
//! x-user-defined) are not well-formed: line 7 holds an attribute whose
//! value has no quotes. ElementTree and xmltodict refuse them too; pyforge
//! decodes them and refuses them as XML, naming the element (`<root>`, from
//! line 3) whose attribute is wrong. The encodings themselves are proven on generated documents
//! (tests/xml_generated.rs).

use std::path::Path;

use crate::util::*;

/// (file, record path, rows) of every document pyforge converts.
const CONVERTED: [(&str, &str, usize); 16] = [
    ("quickxml__sample_rss.xml", "/rss/channel/item", 99),
    ("quickxml__rpm_primary.xml", "/metadata/package", 12),
    ("quickxml__rpm_filelists.xml", "/filelists/package", 12),
    ("gpxpy__korita-zbevnica.gpx", "/gpx/trk", 4),
    // The document's root element is named `root`.
    ("lxml__simple-ns.xml", concat!("/", "root", "/element"), 2),
    ("quickxml__utf8-bom.xml", "/project", 1),
    ("quickxml__utf16le-bom.xml", "/project", 1),
    ("gpxpy__unicode_with_bom.gpx", "/gpx", 1),
    ("gpxpy__gpx1.1_with_all_fields.gpx", "/gpx/wpt", 2),
    ("lxml__atom-example.xml", "/feed", 1),
    ("lxml__inC14N3.xml", "/doc", 1),
    ("lxml__inC14N4.xml", "/doc/compute", 2),
    ("quickxml__document.xml", "/w:document/w:body/w:tbl", 2),
    ("quickxml__sample_1.xml", "/project/module", 2),
    ("quickxml__sample_ns.xml", "/naked/p:data/datum/dat-arg", 3),
    (
        "frictionless__sheet1.xml",
        "/worksheet/dataValidations/dataValidation",
        5,
    ),
];

/// (file, what its one-line error says) of every document refused.
const REFUSED: [(&str, &str); 7] = [
    ("defusedxml__xmlbomb.xml", "--max-entity-depth"),
    ("defusedxml__quadratic.xml", "--max-entity-expansion"),
    ("defusedxml__external.xml", "never fetches"),
    ("lxml__test_broken.xml", "not well-formed XML at line 1"),
    (
        "quickxml__windows-1251.xml",
        "not well-formed XML at line 3: <root>",
    ),
    (
        "quickxml__Shift_JIS.xml",
        "not well-formed XML at line 3: <root>",
    ),
    (
        "quickxml__x-user-defined.xml",
        "not well-formed XML at line 3: <root>",
    ),
];

fn fixtures() -> Option<std::path::PathBuf> {
    fixtures_dir("xml")
}

/// The elements ElementTree counts in each file it reads (REFERENCE.tsv).
fn elementtree_elements(dir: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).expect("REFERENCE.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file, tool, status, rows) = (at("file"), at("r1_tool"), at("r1_status"), at("r1_rows"));
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|f| f[tool] == "ElementTree" && f[status] == "ok")
        .map(|f| (f[file].to_string(), f[rows].parse().expect("a count")))
        .collect()
}

/// Converts `file` into a folder of its own; the table and the run.
fn convert(dir: &TestDir, fixtures: &Path, file: &str, extra: &[&str]) -> (Table, RunOutput) {
    let out = dir.join(format!("out-{file}-{}", extra.join("").replace('/', "_")));
    let run = dir
        .cmd()
        .arg("convert")
        .arg(fixtures.join(file))
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert_code(EXIT_OK);
    let stem = file.rsplit_once('.').unwrap().0;
    (read_parquet(&out.join(format!("{stem}.parquet"))), run)
}

#[test]
fn every_fixture_is_converted_or_refused() {
    let Some(fixtures) = fixtures() else {
        return;
    };
    let mut named: Vec<&str> = CONVERTED.iter().map(|c| c.0).collect();
    named.extend(REFUSED.iter().map(|r| r.0));
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") || name.ends_with(".gpx") {
            assert!(named.contains(&name.as_str()), "{name} is in no list here");
        }
    }
    let dir = TestDir::new();
    let counted = elementtree_elements(&fixtures);
    for (file, record_path, rows) in CONVERTED {
        let info = dir
            .cmd()
            .args(["info", "--json"])
            .arg(fixtures.join(file))
            .assert_code(EXIT_OK)
            .json();
        let elements = counted.iter().find(|(f, _)| f == file).map(|(_, n)| *n);
        assert_eq!(
            info["elements"].as_u64(),
            elements,
            "{file}: elements, against ElementTree's count"
        );
        assert_eq!(info["record_path"], record_path, "{file}");
        assert_eq!(info["records"], rows as u64, "{file}");
        let (table, _) = convert(&dir, &fixtures, file, &[]);
        assert_eq!(table.num_rows(), rows, "{file}: rows");
        assert_eq!(
            table.num_columns(),
            info["columns"].as_array().unwrap().len(),
            "{file}: columns"
        );
        dir.cmd()
            .args(["validate"])
            .arg(fixtures.join(file))
            .assert_code(EXIT_OK);
    }
}

#[test]
fn attacks_and_broken_documents_fail_with_one_line_and_no_output() {
    let Some(fixtures) = fixtures() else {
        return;
    };
    for (file, says) in REFUSED {
        let dir = TestDir::new();
        std::fs::copy(fixtures.join(file), dir.join(file)).unwrap();
        let run = dir.cmd().arg("convert").arg(file).assert_code(EXIT_FAILED);
        run.error_names(file).stderr_has(says);
        assert_eq!(dir.listing(), vec![file.to_string()], "{file}: output left");
        dir.cmd()
            .args(["info", file])
            .assert_code(EXIT_FAILED)
            .stderr_has(says);
    }
}

#[test]
fn rss_items_read_back_as_elementtree_reads_them() {
    let Some(fixtures) = fixtures() else {
        return;
    };
    let dir = TestDir::new();
    let (table, run) = convert(&dir, &fixtures, "quickxml__sample_rss.xml", &[]);
    run.stderr_has("one row per <item> element at /rss/channel/item");
    let titles = table.column("title");
    assert_eq!(titles[0], s("What Is KDE Neon? | LAS 409"));
    assert_eq!(titles[98], s("Linux Gaming for Everyone | LAS 311"));
    assert_eq!(table.column("enclosure@length")[0], Value::Int(69796480));
    assert_eq!(
        table.column("enclosure@type")[0],
        s("audio/ogg"),
        "attributes of children are columns"
    );
    // The channel's own leaves are carried onto every row.
    let channel_titles = table.column("rss_channel_title");
    assert!(channel_titles.iter().all(|t| *t == channel_titles[0]));
    assert_ne!(channel_titles[0], Null);
}

#[test]
fn a_record_path_gives_the_871_track_points_with_their_tracks() {
    let Some(fixtures) = fixtures() else {
        return;
    };
    let dir = TestDir::new();
    let file = "gpxpy__korita-zbevnica.gpx";
    let (tracks, _) = convert(&dir, &fixtures, file, &[]);
    // Each track's points are lists, one entry per point.
    let lengths: Vec<usize> = tracks
        .column("trkseg_trkpt@lat")
        .iter()
        .map(|v| match v {
            Value::List(items) => items.len(),
            other => panic!("not a list: {other:?}"),
        })
        .collect();
    assert_eq!(lengths, vec![0, 358, 176, 337]);

    let (points, _) = convert(
        &dir,
        &fixtures,
        file,
        &["--record-path", "/gpx/trk/trkseg/trkpt"],
    );
    assert_eq!(points.num_rows(), 871);
    assert_eq!(points.column("@lat")[0], Value::Float(45.380600095));
    assert_eq!(points.column("@lon")[870], Value::Float(14.018215053));
    assert_eq!(points.column("ele")[0], Value::Float(733.623291));
    assert!(points.column("ele").iter().all(|v| *v != Null));
    // The enclosing track's name is carried onto its points.
    let names = points.column("gpx_trk_name");
    assert_eq!(names[0], names[357]);
    assert_ne!(names[0], names[358], "the second track starts at point 359");
}

#[test]
fn namespaces_text_and_references_of_small_documents() {
    let Some(fixtures) = fixtures() else {
        return;
    };
    let dir = TestDir::new();
    let (simple, _) = convert(&dir, &fixtures, "lxml__simple-ns.xml", &[]);
    assert_eq!(simple.names, vec!["@key", "element"]);
    assert_eq!(simple.column("@key"), &[s("value"), Null]);
    assert_eq!(simple.column("element"), &[s("text"), s("text")]);

    let (compute, _) = convert(&dir, &fixtures, "lxml__inC14N4.xml", &[]);
    assert_eq!(
        compute.column("compute"),
        &[s(r#"value>"0" && value<"10" ?"valid":"error""#), s("valid")],
        "CDATA and escaped text"
    );
    assert_eq!(
        compute.column("@expr")[1],
        s(r#"value>"0" && value<"10" ?"valid":"error""#)
    );

    let (bom16, _) = convert(&dir, &fixtures, "quickxml__utf16le-bom.xml", &[]);
    assert_eq!(bom16.column("@name"), &[s("project-name")]);

    let (bom8, _) = convert(&dir, &fixtures, "gpxpy__unicode_with_bom.gpx", &[]);
    assert_eq!(bom8.column("wpt_desc"), &[s("test desc")]);
    assert_eq!(bom8.column("wpt_ele"), &[Value::Float(-14.6)]);
    assert_eq!(bom8.column("wpt_extensions_security"), &[s("Open")]);
}
