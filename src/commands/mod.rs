//! The CLI layer: one module per subcommand. These hand parsed flags to
//! `settings` for resolving, call the core, and own stdout, stderr and
//! progress bars.

pub mod convert;
pub mod env_info;
pub mod formats;
pub mod info;
pub mod jars;
pub mod pdf_worker;
pub mod shell;
pub mod validate;

use std::process::ExitCode;

use crate::cli::{AccessArgs, CsvArgs, EngineArg, JvmArgs};
use crate::formats::access::AccessSelection;
use crate::formats::csv::CsvOptions;
use crate::formats::dbase::DbaseOptions;
use crate::formats::excel::{ExcelOptions, HeaderChoice};
use crate::formats::xml::XmlOptions;
use crate::jvm::protocol::Engine;
use crate::settings;

/// Exit codes, as documented in `--help` and README.md.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// A usage error found after parsing (exit code 2).
#[derive(Debug)]
pub struct UsageError {
    pub message: String,
    pub hint: Option<String>,
}

impl UsageError {
    pub fn exit(self) -> ExitCode {
        crate::diagnostics::error(None, &self.message, self.hint.as_deref());
        ExitCode::from(EXIT_USAGE)
    }
}

/// The Java settings of `args`, a bad `PYFORGE_*` value being a usage error.
pub fn jvm_settings(args: &JvmArgs) -> Result<crate::jvm::setup::JvmSettings, UsageError> {
    settings::jvm_settings(&jvm_overrides(args)).map_err(|message| UsageError {
        message,
        hint: None,
    })
}

/// What the Java side's flags said, for `settings` to resolve.
pub fn jvm_overrides(args: &JvmArgs) -> settings::Overrides {
    settings::Overrides {
        memory_limit_mb: args.memory_limit,
        temp_dir: args.temp_dir.clone(),
        timeout_secs: args.timeout,
        retries: args.retries,
        java: args.java.clone(),
        jars_dir: args.jars_dir.clone(),
        offline: args.offline,
    }
}

// Defined here, not in `cli.rs` (definitions only); called as
// `args.access.selection(..)` by the subcommands.
impl AccessArgs {
    /// Which tables to read, how, and with which password.
    pub fn selection(&self, password: Option<String>, threads: usize) -> AccessSelection {
        AccessSelection {
            tables: self.tables.clone(),
            password,
            engine: match self.engine {
                EngineArg::Jackcess => Engine::Jackcess,
                EngineArg::Ucanaccess => Engine::Ucanaccess,
            },
            cache_metadata: self.cache_metadata,
            threads,
        }
    }
}

/// Paths as given → the local paths to use: `dbfs:/Volumes/...` and
/// `/Volumes/...` are mapped (see `PYFORGE_VOLUMES_ROOT`) and their catalog,
/// schema and volume checked. A bad volume path is reported here, and the
/// command exits 1 with nothing done.
pub fn local_paths(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, ExitCode> {
    paths
        .iter()
        .map(|p| {
            crate::databricks::volumes::local_path(p).map_err(|e| {
                crate::diagnostics::error(None, &e.to_string(), None);
                ExitCode::from(EXIT_FAILED)
            })
        })
        .collect()
}

/// CSV flags to reader options.
pub fn csv_options(args: &CsvArgs, all_strings: bool) -> Result<CsvOptions, UsageError> {
    let encoding = match &args.encoding {
        None => None,
        Some(label) => Some(crate::formats::charset::lookup(label).ok_or_else(|| UsageError {
            message: format!("unknown encoding `{label}`"),
            hint: Some("use a WHATWG label such as utf-8, utf-16le, windows-1252, iso-8859-7, big5, gbk, shift_jis, or a DOS code page: cp437, cp850, cp852, cp866, mazovia".into()),
        })?),
    };
    Ok(CsvOptions {
        delimiter: args.delimiter,
        encoding,
        no_header: args.no_header,
        skip_lines: args.skip_rows,
        all_strings,
        threads: settings::variables::threads().map_err(|message| UsageError {
            message,
            hint: None,
        })?,
        replace_invalid: args.encoding_errors == crate::cli::EncodingErrors::Replace,
    })
}

/// What the readers are told, from the flags every reading subcommand has.
pub fn read_options(
    args: &crate::cli::ReaderArgs,
    all_strings: bool,
) -> Result<crate::formats::ReadOptions, UsageError> {
    let csv = csv_options(&args.csv, all_strings)?;
    let dbase = &args.dbase;
    let passwords = settings::pdf::passwords(args.password.as_deref());
    let threads = csv.threads;
    Ok(crate::formats::ReadOptions {
        all_strings,
        excel: excel_options(&args.excel, csv.no_header),
        dbase: DbaseOptions {
            encoding: csv.encoding,
            ignore_missing_memo: dbase.ignore_missing_memo,
            keep_padding: dbase.keep_padding,
            include_deleted: dbase.include_deleted,
            threads: csv.threads,
        },
        xml: xml_options(&args.xml, csv.encoding)?,
        csv,
        jvm: jvm_settings(&args.jvm)?,
        access: args.access.selection(passwords.access, threads),
        pdf: pdf_options(&args.pdf, passwords.pdf)?,
    })
}

/// How to read PDFs; a malformed `--pages` is a usage error.
fn pdf_options(
    args: &crate::cli::PdfArgs,
    password: Option<String>,
) -> Result<crate::formats::pdf::PdfOptions, UsageError> {
    settings::pdf::pdf_options(settings::pdf::PdfOverrides {
        pages: args.pages.clone(),
        page_markers: args.metadata,
        password,
        page_timeout_secs: args.page_timeout,
        memory_limit_mb: args.pdf_memory_limit,
    })
    .map_err(|message| UsageError {
        hint: message
            .starts_with("--pages")
            .then(|| "--pages takes 5, 1-10, 5-, -10 or a list such as 1,3,7-9".into()),
        message,
    })
}

/// How to flatten XML documents.
fn xml_options(
    xml: &crate::cli::XmlArgs,
    encoding: Option<crate::formats::charset::Charset>,
) -> Result<XmlOptions, UsageError> {
    use crate::cli::{ArrayArg, FlattenArg, NamespaceArg};
    use crate::formats::xml::{ArrayHandling, Flatten, Limits, Namespaces, RecordPath};
    let record_path = match &xml.record_path {
        None => None,
        Some(text) => Some(RecordPath::parse(text).map_err(|message| UsageError {
            message: format!("--record-path {text}: {message}"),
            hint: Some("write it from the root, as `info` shows it: /orders/order".into()),
        })?),
    };
    Ok(XmlOptions {
        record_path,
        flatten: match xml.flatten_strategy {
            FlattenArg::Conservative => Flatten::Conservative,
            FlattenArg::Moderate => Flatten::Moderate,
            FlattenArg::Aggressive => Flatten::Aggressive,
        },
        arrays: match xml.array_handling {
            ArrayArg::Expand => ArrayHandling::Expand,
            ArrayArg::Concatenate => ArrayHandling::Concatenate(xml.separator.clone()),
            ArrayArg::JsonString => ArrayHandling::JsonString,
        },
        namespaces: match xml.namespace_handling {
            NamespaceArg::Preserve => Namespaces::Preserve,
            NamespaceArg::Strip => Namespaces::Strip,
            NamespaceArg::Prefix => Namespaces::Prefix,
        },
        encoding,
        limits: Limits {
            entity_expansion: xml.max_entity_expansion,
            entity_depth: xml.max_entity_depth,
            depth: xml.max_depth,
            attributes: xml.max_attributes,
            text_bytes: xml.max_text_bytes,
            paths: xml.max_paths,
        },
    })
}

/// How to read workbooks; `--combine` is set by `convert` alone.
fn excel_options(excel: &crate::cli::ExcelArgs, no_header: bool) -> ExcelOptions {
    ExcelOptions {
        sheets: excel.sheets.clone(),
        skip_hidden: excel.skip_hidden,
        combine: false,
        header: match (excel.header_row, no_header) {
            (_, true) => HeaderChoice::None,
            (Some(row), false) => HeaderChoice::Row(row),
            (None, false) => HeaderChoice::Detect,
        },
        keep_errors: excel.keep_errors,
        fill_merged: excel.fill_merged,
    }
}

/// A byte count as a person reads it: `812 B`, `21.5 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A JSON document on stdout, pretty-printed, with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("reports serialize");
    println!("{text}");
}
