//! Column names every reader of the Parquet file accepts.
//!
//! Spark fails on names that differ only by case ("Found duplicate field(s)")
//! and on empty names. Duplicates get a `_2`, `_3`, ... suffix that collides
//! with nothing else in the table; empty names become `column_<n>` (1-based).
//! The sink keeps the original names in the file's metadata.

use std::collections::{HashMap, HashSet};

/// Returns names that are unique ignoring case, in the same order.
pub fn unique_ignoring_case(names: &[String]) -> Vec<String> {
    unique_counting_probes(names).0
}

/// [`unique_ignoring_case`], and how many suffixed candidates it tried: each
/// name's next suffix is remembered, so the work stays linear in the number
/// of names however many repeat.
fn unique_counting_probes(names: &[String]) -> (Vec<String>, usize) {
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
    let mut taken: HashSet<String> = HashSet::with_capacity(wanted.len());
    let mut is_first = vec![false; wanted.len()];
    for (index, name) in wanted.iter().enumerate() {
        is_first[index] = taken.insert(name.to_lowercase());
    }

    let mut next_suffix: HashMap<String, u64> = HashMap::new();
    let mut probes = 0;
    let unique = wanted
        .into_iter()
        .zip(is_first)
        .map(|(name, first)| {
            if first {
                return name;
            }
            let n = next_suffix.entry(name.to_lowercase()).or_insert(2);
            loop {
                probes += 1;
                let candidate = format!("{name}_{n}");
                *n += 1;
                if taken.insert(candidate.to_lowercase()) {
                    return candidate;
                }
            }
        })
        .collect();
    (unique, probes)
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
    fn naming_work_is_linear_in_the_names() {
        // 100,000 copies of one name, and names that take its suffixes.
        let mut list = vec!["x".to_string(); 100_000];
        list.extend((2..1_000).map(|n| format!("X_{n}")));
        let (unique, probes) = unique_counting_probes(&list);
        assert_eq!(unique.len(), list.len());
        let lowered: HashSet<String> = unique.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lowered.len(), list.len(), "all unique ignoring case");
        assert!(
            probes <= 2 * list.len(),
            "{probes} probes for {} names",
            list.len()
        );
        assert_eq!(unique[1], "x_1000", "the reserved X_2..X_999 are skipped");
    }

    #[test]
    fn unicode_case_folding() {
        assert_eq!(
            unique_ignoring_case(&names(&["Straße", "STRASSE", "É", "é"])),
            names(&["Straße", "STRASSE", "É", "é_2"])
        );
    }
}
