//! Safe file names for the tables of a directory output: any table or sheet
//! name becomes a file name that works on Windows, macOS and Linux, unique
//! ignoring case; the original name stays in the Parquet footer.

use std::collections::{HashMap, HashSet};

/// The file stems given so far, so each table gets one of its own.
#[derive(Debug, Default)]
pub struct FileStems {
    taken: HashSet<String>,
    given: HashMap<String, String>,
}

impl FileStems {
    /// `name`'s stem: `/ \ : * ? " < > |` and control characters become
    /// `_`, leading and trailing dots and spaces go, an empty result is
    /// `table`, and a stem already taken (ignoring case) gets `_2`, `_3`...
    /// The same name always gets the same stem.
    pub fn stem_for(&mut self, name: &str) -> String {
        if let Some(stem) = self.given.get(name) {
            return stem.clone();
        }
        let base = safe_stem(name);
        let mut stem = base.clone();
        let mut n = 2;
        while !self.taken.insert(stem.to_lowercase()) {
            stem = format!("{base}_{n}");
            n += 1;
        }
        self.given.insert(name.to_string(), stem.clone());
        stem
    }
}

fn safe_stem(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = replaced.trim_matches(|c| c == '.' || c == ' ');
    if trimmed.is_empty() {
        "table".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_empty_names_and_collisions() {
        let names: Vec<String> = [
            "Orders",
            "a/b",
            "x:y*?",
            " .hidden. ",
            "...",
            "",
            "ORDERS",
            "orders",
            "Tab\tle",
            "Ünï",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut stems = FileStems::default();
        let given: Vec<String> = names.iter().map(|n| stems.stem_for(n)).collect();
        assert_eq!(
            given,
            [
                "Orders", "a_b", "x_y__", "hidden", "table", "table_2", "ORDERS_2", "orders_3",
                "Tab_le", "Ünï"
            ]
        );
        assert_eq!(stems.stem_for("ORDERS"), "ORDERS_2");
    }
}
