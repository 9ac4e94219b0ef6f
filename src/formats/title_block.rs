//! The title-block rule shared by the readers of tables laid out by people
//! (CSV exports, spreadsheets): a few one-cell rows (a title, a comment, a
//! date) directly above a table of several columns are not the table's
//! header, and are skipped only when that reading is unambiguous.

/// At most this many title rows are skipped before the header.
pub const MAX_TITLE_ROWS: usize = 20;

/// How many of the leading `widths` (the field or cell count of each row,
/// in order) form a title block above the table: leading one-field rows
/// directly followed by rows of the table's most common width (at least
/// two fields, seen at least twice). A header with fewer names than the
/// rows have fields is still the header. 0 when the rule does not apply.
pub fn title_rows(widths: &[usize]) -> usize {
    let (width, freq) = most_common(widths);
    if width < 2 || freq < 2 {
        return 0;
    }
    let lead = widths
        .iter()
        .take(MAX_TITLE_ROWS + 1)
        .take_while(|&&w| w == 1)
        .count();
    if lead == 0 || lead > MAX_TITLE_ROWS {
        return 0;
    }
    let after = &widths[lead..];
    let consistent = after.iter().take(5).filter(|&&w| w == width).count();
    if !after.is_empty() && consistent == after.len().min(5) {
        lead
    } else {
        0
    }
}

/// The most common width and how often it occurs (the larger width on a tie).
pub fn most_common(widths: &[usize]) -> (usize, usize) {
    let mut tally: std::collections::HashMap<usize, usize> = Default::default();
    for &w in widths {
        *tally.entry(w).or_default() += 1;
    }
    tally
        .into_iter()
        .max_by_key(|&(width, freq)| (freq, width))
        .unwrap_or((1, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_above_a_table_is_skipped() {
        assert_eq!(title_rows(&[1, 1, 3, 3, 3, 3]), 2);
        assert_eq!(title_rows(&[3, 3, 3]), 0);
    }

    #[test]
    fn ambiguous_shapes_skip_nothing() {
        // One column throughout: no title can be told from the data.
        assert_eq!(title_rows(&[1, 1, 1, 1]), 0);
        // The rows after the candidate title do not agree on a width.
        assert_eq!(title_rows(&[1, 3, 2, 4, 3, 2]), 0);
        // Too long a lead to be a title.
        let mut widths = vec![1; MAX_TITLE_ROWS + 1];
        widths.extend([4, 4, 4]);
        assert_eq!(title_rows(&widths), 0);
    }
}
