//! Safe file names for tables: any Access table name becomes a file name
//! that works on Windows, macOS and Linux; the original name stays in the
//! Parquet footer.

use std::collections::HashSet;

/// One safe, unique (ignoring case) file stem per table name, in order:
/// `/ \ : * ? " < > |` and control characters become `_`, leading and
/// trailing dots and spaces go, an empty result is `table`, and a stem
/// already taken gets `_2`, `_3`...
pub fn safe_stems(names: &[String]) -> Vec<String> {
    let mut taken = HashSet::new();
    names
        .iter()
        .map(|name| {
            let base = safe_stem(name);
            let mut stem = base.clone();
            let mut n = 2;
            while !taken.insert(stem.to_lowercase()) {
                stem = format!("{base}_{n}");
                n += 1;
            }
            stem
        })
        .collect()
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
        assert_eq!(
            safe_stems(&names),
            [
                "Orders", "a_b", "x_y__", "hidden", "table", "table_2", "ORDERS_2", "orders_3",
                "Tab_le", "Ünï"
            ]
        );
    }
}
