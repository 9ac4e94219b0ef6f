//! `--pages`: which pages of a PDF to read, as `5`, `1-10`, `5-`, `-10` or
//! a comma-separated list of those (`1,3,7-9`), pages counted from 1.
//!
//! A malformed list is refused when it is parsed, before any work; a list
//! naming a page past a file's last page fails that file, naming its page
//! count, when the list is resolved against it. Pages are read in document
//! order, each once, however the list orders or repeats them.

use std::fmt;

/// One item of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    /// `5`, `1-10`: both ends given.
    Closed(u32, u32),
    /// `5-`: from a page to the last.
    From(u32),
}

/// A parsed `--pages` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRanges {
    spans: Vec<Span>,
    text: String,
}

/// A page list that names a page the file does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--pages {ranges} asks for page {page}, but the file has {count} page{}", if *.count == 1 { "" } else { "s" })]
pub struct BeyondLastPage {
    pub ranges: String,
    pub page: u32,
    pub count: u32,
}

impl PageRanges {
    /// Parses `text`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<PageRanges, String> {
        let mut spans = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(format!(
                    "`{text}` has an empty item (use 5, 1-10, 5-, -10 or 1,3,7-9)"
                ));
            }
            spans.push(parse_span(item)?);
        }
        Ok(PageRanges {
            spans,
            text: text.trim().to_string(),
        })
    }

    /// The pages of a file of `count` pages this list selects: numbers
    /// from 1, ascending, each once.
    pub fn select(&self, count: u32) -> Result<Vec<u32>, BeyondLastPage> {
        let beyond = |page| BeyondLastPage {
            ranges: self.text.clone(),
            page,
            count,
        };
        let mut selected = vec![false; count as usize];
        for span in &self.spans {
            let (first, last) = match *span {
                Span::Closed(first, last) => (first, last),
                Span::From(first) => (first, count),
            };
            if first > count {
                return Err(beyond(first));
            }
            if last > count {
                return Err(beyond(last));
            }
            for page in first..=last {
                selected[page as usize - 1] = true;
            }
        }
        Ok((1..=count)
            .filter(|page| selected[*page as usize - 1])
            .collect())
    }
}

impl fmt::Display for PageRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_span(item: &str) -> Result<Span, String> {
    let page = |text: &str| -> Result<u32, String> {
        let text = text.trim();
        match text.parse::<u32>() {
            Ok(0) => Err(format!("`{item}`: pages are counted from 1")),
            Ok(page) => Ok(page),
            Err(_) if text.is_empty() => Err(format!("`{item}` is not a page range")),
            Err(_) => Err(format!("`{item}`: `{text}` is not a page number")),
        }
    };
    match item.split_once('-') {
        None => page(item).map(|p| Span::Closed(p, p)),
        Some(("", last)) => page(last).map(|last| Span::Closed(1, last)),
        Some((first, "")) => page(first).map(Span::From),
        Some((first, last)) => {
            let (first, last) = (page(first)?, page(last)?);
            if first > last {
                return Err(format!("`{item}` ends before it starts"));
            }
            Ok(Span::Closed(first, last))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(text: &str, count: u32) -> Result<Vec<u32>, BeyondLastPage> {
        PageRanges::parse(text).unwrap().select(count)
    }

    #[test]
    fn every_form_selects_its_pages() {
        assert_eq!(pages("5", 9), Ok(vec![5]));
        assert_eq!(pages("2-4", 9), Ok(vec![2, 3, 4]));
        assert_eq!(pages("7-", 9), Ok(vec![7, 8, 9]));
        assert_eq!(pages("-3", 9), Ok(vec![1, 2, 3]));
        assert_eq!(pages("1,3,7-9", 9), Ok(vec![1, 3, 7, 8, 9]));
        // Document order, each page once.
        assert_eq!(pages("8, 2-3,3,1", 9), Ok(vec![1, 2, 3, 8]));
        assert_eq!(pages("1-1", 1), Ok(vec![1]));
        assert_eq!(pages("1-", 1), Ok(vec![1]));
    }

    #[test]
    fn malformed_lists_are_refused_with_the_reason() {
        for (text, reason) in [
            ("", "empty item"),
            ("1,,2", "empty item"),
            ("0", "counted from 1"),
            ("0-3", "counted from 1"),
            ("a", "not a page number"),
            ("1-b", "not a page number"),
            ("-", "not a page range"),
            ("5-2", "ends before it starts"),
            ("1-2-3", "not a page number"),
            ("-1-", "not a page number"),
            ("99999999999", "not a page number"),
            ("3.5", "not a page number"),
        ] {
            let error = PageRanges::parse(text).unwrap_err();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }

    #[test]
    fn a_page_past_the_last_names_the_page_count() {
        let error = pages("2-12", 10).unwrap_err();
        assert_eq!(error.page, 12);
        assert_eq!(
            error.to_string(),
            "--pages 2-12 asks for page 12, but the file has 10 pages"
        );
        assert_eq!(pages("11-", 10).unwrap_err().page, 11);
        assert_eq!(
            pages("3", 1).unwrap_err().to_string(),
            "--pages 3 asks for page 3, but the file has 1 page"
        );
        assert!(pages("1", 0).is_err());
    }
}
