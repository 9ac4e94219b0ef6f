//! Which row of a sheet holds its column names: the first non-empty row,
//! below a title block when the shared title-block rule finds an unambiguous
//! one; the row the user names (`--header-row N`); or none (`--no-header`).

use super::HeaderChoice;
use crate::formats::title_block::title_rows;

/// Non-empty rows looked at to find the header.
pub const SAMPLE_ROWS: usize = 64;

/// One sampled row: its 0-based index and the columns its cells span.
#[derive(Debug, Clone, Copy)]
pub struct SampledRow {
    pub index: u32,
    pub first_col: u32,
    pub last_col: u32,
}

/// The header row's 0-based index; `None` when every row is data.
pub fn header_row(choice: HeaderChoice, sample: &[SampledRow]) -> Option<u32> {
    match choice {
        HeaderChoice::None => None,
        HeaderChoice::Row(n) => Some(n.saturating_sub(1)),
        HeaderChoice::Detect => {
            // Spreadsheet rows are ragged (empty trailing cells): every row
            // of several cells counts as one of the table's width.
            let widths: Vec<usize> = sample
                .iter()
                .map(|r| if r.first_col == r.last_col { 1 } else { 2 })
                .collect();
            sample.get(title_rows(&widths)).map(|r| r.index)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(spans: &[(u32, u32, u32)]) -> Vec<SampledRow> {
        spans
            .iter()
            .map(|&(index, first_col, last_col)| SampledRow {
                index,
                first_col,
                last_col,
            })
            .collect()
    }

    #[test]
    fn the_header_is_below_a_title_block() {
        // A title in B1, a date in A2, the table from row 4 on.
        let sample = rows(&[(0, 1, 1), (1, 0, 0), (3, 0, 3), (4, 0, 3), (5, 0, 3)]);
        assert_eq!(header_row(HeaderChoice::Detect, &sample), Some(3));
        // Data rows whose last cells are empty are still rows of the table.
        let ragged = rows(&[(0, 0, 0), (2, 0, 8), (3, 0, 7), (4, 0, 8), (5, 0, 6)]);
        assert_eq!(header_row(HeaderChoice::Detect, &ragged), Some(2));
        // A one-cell row among the data: not unambiguous, nothing skipped.
        let unclear = rows(&[(0, 0, 0), (1, 0, 3), (2, 0, 0), (3, 0, 3)]);
        assert_eq!(header_row(HeaderChoice::Detect, &unclear), Some(0));
        let plain = rows(&[(2, 0, 3), (3, 0, 3)]);
        assert_eq!(header_row(HeaderChoice::Detect, &plain), Some(2));
        assert_eq!(header_row(HeaderChoice::Detect, &[]), None);
        assert_eq!(header_row(HeaderChoice::Row(3), &plain), Some(2));
        assert_eq!(header_row(HeaderChoice::None, &plain), None);
    }
}
