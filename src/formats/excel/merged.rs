//! Walking a sheet's rows with merged areas filled (`--fill-merged`): every
//! cell of a merged area gets the value of its top-left cell, including the
//! rows of a tall area that hold no cell of their own. Without filling,
//! calamine already gives the top-left cell the value and the rest nothing.

use calamine::Dimensions;

use super::value::Value;
use super::workbook::{OrderedError, SheetRows};

/// Why a walk stopped: the rows failed, or the visitor did.
#[derive(Debug)]
pub enum WalkError<E> {
    Rows(OrderedError),
    Visit(E),
}

/// Calls `visit` with each non-empty row (0-based index, cells by column);
/// with `areas`, merged areas are filled first.
pub fn walk_rows<'a, E>(
    rows: &mut SheetRows<'a>,
    areas: Option<&[Dimensions]>,
    mut visit: impl FnMut(u32, &[(u32, Value<'a>)]) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let Some(areas) = areas.filter(|a| !a.is_empty()) else {
        while let Some(row) = rows.next_row().map_err(WalkError::Rows)? {
            visit(row.index, row.cells).map_err(WalkError::Visit)?;
        }
        return Ok(());
    };
    let mut filler = Filler::new(areas);
    let mut cells: Vec<(u32, Value<'a>)> = Vec::new();
    loop {
        let next = rows.next_row().map_err(WalkError::Rows)?;
        let next_index = next.as_ref().map(|r| r.index);
        // Rows with no cell of their own inside tall areas, before the next real row.
        while let Some(index) = filler.next_covered_row(next_index) {
            cells.clear();
            filler.fill(index, &mut cells);
            if !cells.is_empty() {
                visit(index, &cells).map_err(WalkError::Visit)?;
            }
        }
        let Some(row) = next else {
            return Ok(());
        };
        cells.clear();
        cells.extend(row.cells.iter().cloned());
        filler.fill(row.index, &mut cells);
        visit(row.index, &cells).map_err(WalkError::Visit)?;
    }
}

struct Filler {
    /// Areas by their first row, not yet reached.
    waiting: Vec<Dimensions>,
    /// Areas reached, with their top-left value once seen.
    active: Vec<(Dimensions, Option<Value<'static>>)>,
    /// The first row not yet visited.
    cursor: u32,
}

impl Filler {
    fn new(areas: &[Dimensions]) -> Filler {
        let mut waiting: Vec<Dimensions> = areas.to_vec();
        // Popped from the end: the earliest first row last.
        waiting.sort_by_key(|a| std::cmp::Reverse(a.start));
        Filler {
            waiting,
            active: Vec::new(),
            cursor: 0,
        }
    }

    /// The next row before `limit` (or any, without one) that only a filled
    /// area covers.
    fn next_covered_row(&mut self, limit: Option<u32>) -> Option<u32> {
        let candidate = self
            .active
            .iter()
            .filter_map(|(area, value)| {
                value.as_ref()?;
                let row = self.cursor.max(area.start.0 + 1);
                (row <= area.end.0).then_some(row)
            })
            .min()?;
        match limit {
            Some(limit) if candidate >= limit => None,
            _ => Some(candidate),
        }
    }

    /// Fills row `index`'s `cells` (sorted by column) from the areas over it,
    /// first taking the top-left values of areas that start on it.
    fn fill<'a>(&mut self, index: u32, cells: &mut Vec<(u32, Value<'a>)>) {
        self.cursor = index + 1;
        while self.waiting.last().is_some_and(|a| a.start.0 <= index) {
            let area = self.waiting.pop().expect("an area waits");
            let value = (area.start.0 == index)
                .then(|| cells.iter().find(|(c, _)| *c == area.start.1))
                .flatten()
                .map(|(_, v)| v.clone().into_owned());
            self.active.push((area, value));
        }
        self.active.retain(|(area, _)| area.end.0 >= index);
        let before = cells.len();
        for (area, value) in &self.active {
            let Some(value) = value else { continue };
            for col in area.start.1..=area.end.1 {
                if (index, col) == area.start || cells[..before].iter().any(|(c, _)| *c == col) {
                    continue;
                }
                cells.push((col, value.clone()));
            }
        }
        if cells.len() > before {
            cells.sort_by_key(|(col, _)| *col);
        }
    }
}
