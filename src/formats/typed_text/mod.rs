//! Text values given a type: what CSV cells and XML element texts share.
//!
//! `values` parses one text value as each type; `tally` infers a column's
//! type from every value it holds (first pass); `builder` appends values to
//! the Arrow builder of that type (second pass). The two passes use the
//! same parsers, so a column only gets a type every one of its values has.

mod builder;
mod tally;
pub mod values;

pub use builder::TypedBuilder;
pub use tally::TypeTally;
pub use values::{ColumnType, DateOrder};
