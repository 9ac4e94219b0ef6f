//! A column's type inferred from its values: the bit mask of the types
//! every value so far satisfies (see `values`).

use super::values::{self, ColumnType};

/// What the values of one column have shown so far. Empty values are the
/// caller's to count: they say nothing about the type.
#[derive(Debug, Clone)]
pub struct TypeTally {
    /// Types every typed value so far satisfies.
    mask: u16,
    /// Values that matched a type (not blank, not a null token).
    pub typed: u64,
    /// Blank or null-token values: null if the column gets a type, text
    /// otherwise.
    pub tokens: u64,
}

impl TypeTally {
    /// A column with no value seen; `all_strings`: it stays text.
    pub fn new(all_strings: bool) -> TypeTally {
        TypeTally {
            mask: if all_strings { 0 } else { values::ALL },
            typed: 0,
            tokens: 0,
        }
    }

    /// Takes in one non-empty value.
    #[inline]
    pub fn observe(&mut self, value: &[u8]) {
        if self.mask == 0 {
            return;
        }
        let value = values::trim(value);
        if value.is_empty() || values::is_null_token(value) {
            self.tokens += 1;
            return;
        }
        self.mask = values::satisfied(value, self.mask);
        self.typed += 1;
    }

    /// Adds what another stretch of the input saw in the same column.
    pub fn absorb(&mut self, other: &TypeTally) {
        self.mask &= other.mask;
        self.typed += other.typed;
        self.tokens += other.tokens;
    }

    /// The most specific type every value has; text when no value had one.
    pub fn column_type(&self) -> ColumnType {
        if self.mask == 0 {
            ColumnType::Utf8
        } else {
            ColumnType::from_mask(self.mask, self.typed)
        }
    }
}
