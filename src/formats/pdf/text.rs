//! The text form of a PDF, laid out as pyforge-cli 1.0.9 wrote it: the
//! text of each page that has any, joined by line breaks; with
//! `--metadata`, each page between `--- Page N ---` and `--- End Page N ---`
//! lines. Pages without text (white space only) are left out and counted.

use super::worker::PageReport;

/// Lays pages out one at a time, in order.
#[derive(Debug, Default)]
pub struct TextLayout {
    markers: bool,
    /// Nothing was written yet: no separator before the next entry.
    first: bool,
    /// Pages left out for having no text.
    pub without_text: Vec<u32>,
}

impl TextLayout {
    pub fn new(markers: bool) -> TextLayout {
        TextLayout {
            markers,
            first: true,
            without_text: Vec::new(),
        }
    }

    /// What `page` adds to the text; `None` for a page without text.
    pub fn part(&mut self, page: &PageReport) -> Option<String> {
        if !page.has_text {
            self.without_text.push(page.number);
            return None;
        }
        let mut part = String::with_capacity(page.text.len() + 64);
        if self.markers {
            self.entry(&mut part, &format!("\n--- Page {} ---\n", page.number));
            self.entry(&mut part, &page.text);
            self.entry(&mut part, &format!("\n--- End Page {} ---\n", page.number));
        } else {
            self.entry(&mut part, &page.text);
        }
        Some(part)
    }

    /// 1.0.9 joined its list of entries with "\n".
    fn entry(&mut self, part: &mut String, entry: &str) {
        if !self.first {
            part.push('\n');
        }
        self.first = false;
        part.push_str(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u32, text: &str) -> PageReport {
        PageReport {
            number,
            text: text.to_string(),
            characters: text.chars().count() as u64,
            has_text: text.chars().any(|c| !c.is_whitespace()),
            images: 0,
        }
    }

    fn layout(markers: bool, pages: &[PageReport]) -> (String, Vec<u32>) {
        let mut layout = TextLayout::new(markers);
        let text: String = pages.iter().filter_map(|p| layout.part(p)).collect();
        (text, layout.without_text)
    }

    #[test]
    fn pages_join_as_pyforge_cli_joined_them() {
        // "\n".join(["a\n", "c\n"]), the blank page 2 left out.
        let pages = [page(1, "a\n"), page(2, " \n"), page(3, "c\n")];
        assert_eq!(layout(false, &pages), ("a\n\nc\n".to_string(), vec![2]));
    }

    #[test]
    fn markers_are_entries_of_their_own() {
        // "\n".join(["\n--- Page 1 ---\n", "a\n", "\n--- End Page 1 ---\n", ...]).
        let (text, _) = layout(true, &[page(1, "a\n"), page(2, "b\n")]);
        assert_eq!(
            text,
            "\n--- Page 1 ---\n\na\n\n\n--- End Page 1 ---\n\n\n--- Page 2 ---\n\nb\n\n\n--- End Page 2 ---\n"
        );
    }

    #[test]
    fn no_page_with_text_gives_an_empty_text() {
        assert_eq!(layout(true, &[page(1, "")]), (String::new(), vec![1]));
    }
}
