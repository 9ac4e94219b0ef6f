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
    /// The stem of `table`'s file, wanted as `wanted`: `/ \ : * ? " < > |`
    /// and control characters become `_`, leading and trailing dots and
    /// spaces go, an empty result is `table`, and a stem already taken
    /// (ignoring case) gets `_2`, `_3`... The same table always gets the
    /// same stem.
    pub fn stem_for(&mut self, table: &str, wanted: &str) -> String {
        if let Some(stem) = self.given.get(table) {
            return stem.clone();
        }
        let base = safe_stem(wanted);
        let mut stem = base.clone();
        let mut n = 2;
        while !self.taken.insert(stem.to_lowercase()) {
            stem = format!("{base}_{n}");
            n += 1;
        }
        self.given.insert(table.to_string(), stem.clone());
        stem
    }
}

/// A sheet name as pyforge-cli 1.0.9 put it in a file name: each run of
/// whitespace and `/ \ : * ? " < > |` becomes one `_`, runs of `_` one `_`,
/// and leading and trailing `_` go (`My Sheet (Q1)` is `My_Sheet_(Q1)`);
/// `sheet` when nothing is left.
pub fn sheet_file_part(name: &str) -> String {
    let mut part = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_whitespace()
            || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
        {
            '_'
        } else {
            c
        };
        if !(c == '_' && part.ends_with('_')) {
            part.push(c);
        }
    }
    let part = part.trim_matches('_');
    if part.is_empty() {
        "sheet".to_string()
    } else {
        part.to_string()
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
    fn sheet_names_as_pyforge_cli_wrote_them() {
        assert_eq!(sheet_file_part("My Sheet (Q1)"), "My_Sheet_(Q1)");
        assert_eq!(sheet_file_part(" a /  b__c? "), "a_b_c");
        assert_eq!(sheet_file_part("Blätt1"), "Blätt1");
        assert_eq!(sheet_file_part("***"), "sheet");
    }

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
        let given: Vec<String> = names.iter().map(|n| stems.stem_for(n, n)).collect();
        assert_eq!(
            given,
            [
                "Orders", "a_b", "x_y__", "hidden", "table", "table_2", "ORDERS_2", "orders_3",
                "Tab_le", "Ünï"
            ]
        );
        assert_eq!(stems.stem_for("ORDERS", "ORDERS"), "ORDERS_2");
    }
}
