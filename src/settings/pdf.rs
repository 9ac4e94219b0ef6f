//! The PDF reader's settings, and the password of each format: `--password`
//! applies to every input of a format that takes one, else the format's own
//! variable (`PYFORGE_ACCESS_PASSWORD`, `PYFORGE_PDF_PASSWORD`), so one run
//! can carry both.

use std::time::Duration;

use super::parse;
use super::sources::{pick, Source};
use crate::env_vars;
use crate::formats::pdf::{PageRanges, PdfOptions, WorkerLimits, DEFAULT_PAGE_TIMEOUT_SECS};

/// What the PDF flags said.
#[derive(Debug, Clone, Default)]
pub struct PdfOverrides {
    /// `--pages`, not parsed yet.
    pub pages: Option<String>,
    pub page_markers: bool,
    pub password: Option<String>,
    /// `--page-timeout`, seconds.
    pub page_timeout_secs: Option<u64>,
    /// `--pdf-memory-limit`, MiB.
    pub memory_limit_mb: Option<u64>,
}

/// The password of each format that takes one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Passwords {
    pub access: Option<String>,
    pub pdf: Option<String>,
}

/// `flag` for every format, else each format's variable.
pub fn passwords(flag: Option<&str>) -> Passwords {
    passwords_from(flag, &|name| std::env::var(name).ok())
}

fn passwords_from(flag: Option<&str>, var: &dyn Fn(&str) -> Option<String>) -> Passwords {
    let of = |name: &str| match flag {
        Some(password) => Some(password.to_string()),
        None => var(name).filter(|p| !p.is_empty()),
    };
    Passwords {
        access: of(env_vars::PYFORGE_ACCESS_PASSWORD),
        pdf: of(env_vars::PYFORGE_PDF_PASSWORD),
    }
}

/// The PDF reader's options; a malformed `--pages` or variable is an error
/// (a usage error: nothing has started).
pub fn pdf_options(overrides: PdfOverrides) -> Result<PdfOptions, String> {
    let var = |name: &str| std::env::var(name).ok();
    let pages = match &overrides.pages {
        None => None,
        Some(text) => {
            Some(PageRanges::parse(text).map_err(|reason| format!("--pages {text}: {reason}"))?)
        }
    };
    let timeout = pick(
        overrides.page_timeout_secs,
        &var,
        env_vars::PYFORGE_PDF_PAGE_TIMEOUT,
        parse::positive_secs,
        DEFAULT_PAGE_TIMEOUT_SECS,
        Source::Default,
    )?;
    let memory = match overrides.memory_limit_mb {
        Some(mb) => Some(mb),
        None => match var(env_vars::PYFORGE_PDF_MEMORY_LIMIT).filter(|v| !v.trim().is_empty()) {
            Some(text) => Some(
                parse::memory_mb(&text)
                    .map_err(|e| format!("{}: {e}", env_vars::PYFORGE_PDF_MEMORY_LIMIT))?,
            ),
            None => None,
        },
    };
    Ok(PdfOptions {
        pages,
        page_markers: overrides.page_markers,
        password: overrides.password,
        limits: WorkerLimits {
            step: Duration::from_secs(timeout.value),
            memory_mb: memory,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_serves_every_format_and_each_variable_its_own() {
        let vars = |name: &str| match name {
            "PYFORGE_ACCESS_PASSWORD" => Some("db-secret".to_string()),
            "PYFORGE_PDF_PASSWORD" => Some("pdf-secret".to_string()),
            _ => None,
        };
        let from_vars = passwords_from(None, &vars);
        assert_eq!(from_vars.access.as_deref(), Some("db-secret"));
        assert_eq!(from_vars.pdf.as_deref(), Some("pdf-secret"));
        let from_flag = passwords_from(Some("both"), &vars);
        assert_eq!(from_flag.access.as_deref(), Some("both"));
        assert_eq!(from_flag.pdf.as_deref(), Some("both"));
        let empty = |_: &str| Some(String::new());
        assert_eq!(passwords_from(None, &empty), Passwords::default());
    }

    #[test]
    fn a_malformed_page_list_is_refused_before_any_work() {
        let error = pdf_options(PdfOverrides {
            pages: Some("3-1".into()),
            ..PdfOverrides::default()
        })
        .unwrap_err();
        assert!(error.starts_with("--pages 3-1: "), "{error}");
        let options = pdf_options(PdfOverrides {
            pages: Some("1,3-".into()),
            page_timeout_secs: Some(5),
            ..PdfOverrides::default()
        })
        .unwrap();
        assert_eq!(options.limits.step, Duration::from_secs(5));
        assert_eq!(options.pages.unwrap().select(4).unwrap(), vec![1, 3, 4]);
    }
}
