//! Column names every reader of the Parquet file accepts.
//!
//! Spark fails on names that differ only by case ("Found duplicate field(s)")
//! and on empty names. Duplicates get a `_2`, `_3`, ... suffix that collides
//! with nothing else in the table; empty names become `column_<n>` (1-based).
//! The sink keeps the original names in the file's metadata.

use std::collections::HashSet;

/// Returns names that are unique ignoring case, in the same order.
pub fn unique_ignoring_case(names: &[String]) -> Vec<String> {
    let wanted: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            if name.trim().is_empty() {
                format!("column_{}", index + 1)
            } else {
                name.clone()
            }
        })
        .collect();

    // Names as they stand are reserved first, so a suffixed duplicate never
    // takes a name that appears later in the table.
    let mut taken: HashSet<String> = HashSet::new();
    let mut is_first = vec![false; wanted.len()];
    for (index, name) in wanted.iter().enumerate() {
        is_first[index] = taken.insert(name.to_lowercase());
    }

    wanted
        .into_iter()
        .zip(is_first)
        .map(|(name, first)| {
            if first {
                return name;
            }
            let mut n = 2;
            loop {
                let candidate = format!("{name}_{n}");
                if taken.insert(candidate.to_lowercase()) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn case_duplicates_get_suffixes() {
        assert_eq!(
            unique_ignoring_case(&names(&["id", "ID", "Id"])),
            names(&["id", "ID_2", "Id_3"])
        );
    }

    #[test]
    fn suffix_never_takes_a_later_name() {
        assert_eq!(
            unique_ignoring_case(&names(&["a", "A", "a_2"])),
            names(&["a", "A_3", "a_2"])
        );
    }

    #[test]
    fn empty_names_are_numbered() {
        assert_eq!(
            unique_ignoring_case(&names(&["", "b", " "])),
            names(&["column_1", "b", "column_3"])
        );
    }

    #[test]
    fn unicode_case_folding() {
        assert_eq!(
            unique_ignoring_case(&names(&["Straße", "STRASSE", "É", "é"])),
            names(&["Straße", "STRASSE", "É", "é_2"])
        );
    }
}
