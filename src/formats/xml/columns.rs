//! The columns of the table, planned from the first pass: where each one's
//! values come from, whether a record holds one value or a list, its type,
//! and its name under the flatten strategy.
//!
//! Conservative and moderate plan the same columns: one per attribute and
//! one per element with text, anywhere below the record (the record's own
//! attributes and text included); they differ in names only. Aggressive
//! plans one column per child of the record: a child without children or
//! attributes gives its typed text, any other its whole content as JSON
//! text. A value inside an element that repeats within the record is a
//! list, with one entry per element of the deepest repeated one (its
//! "unit"), so lists of the same unit line up. Every strategy carries the
//! attributes and leaf children of the elements enclosing the record onto
//! its rows, as scalar columns named by their path from the root.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::structure::{AttributeId, ElementId, Structure};
use super::{ArrayHandling, Flatten};
use crate::formats::typed_text::ColumnType;

/// Where a column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The text of the elements at this path.
    Text(ElementId),
    /// This attribute's values.
    Attribute(AttributeId),
    /// The whole content of the elements at this path, as JSON text.
    Json(ElementId),
}

/// How many values a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    /// One entry per element at `unit` path within the record.
    List {
        unit: ElementId,
    },
}

/// One planned column.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub source: Source,
    pub shape: Shape,
    /// The type of each value (of each entry, for a list).
    pub value_type: ColumnType,
    /// From an element enclosing the record rather than the record itself.
    pub carried: bool,
    /// Where it comes from, for `info`: `customer/address/city`, `@id`.
    pub path: String,
}

/// The columns of a document's table.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    pub record: ElementId,
    pub columns: Vec<Column>,
    pub arrays: ArrayHandling,
}

/// A column's path as name parts: element names, then `@attribute`.
type Parts = Vec<String>;

impl ColumnPlan {
    pub fn build(
        structure: &Structure,
        record: ElementId,
        flatten: Flatten,
        arrays: &ArrayHandling,
    ) -> ColumnPlan {
        let mut planned: Vec<(Parts, Column)> = Vec::new();
        match flatten {
            Flatten::Aggressive => plan_children(structure, record, &mut planned),
            _ => plan_subtree(structure, record, &mut planned),
        }
        plan_carried(structure, record, &mut planned);
        let names = match flatten {
            Flatten::Moderate => shortest_unique_suffixes(planned.iter().map(|(p, _)| p)),
            _ => planned.iter().map(|(p, _)| join(p)).collect(),
        };
        let columns = planned
            .into_iter()
            .zip(names)
            .map(|((_, column), name)| Column { name, ..column })
            .collect();
        ColumnPlan {
            record,
            columns,
            arrays: arrays.clone(),
        }
    }

    /// The Arrow schema the batches have.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(&c.name, self.data_type(c), true))
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// The Arrow type of `column`'s values in the output.
    pub fn data_type(&self, column: &Column) -> DataType {
        match (column.shape, &self.arrays) {
            (Shape::Scalar, _) => column.value_type.arrow_type(),
            (Shape::List { .. }, ArrayHandling::Expand) => {
                DataType::List(Arc::new(list_item(column.value_type)))
            }
            (Shape::List { .. }, _) => DataType::Utf8,
        }
    }

    /// A short name of `column`'s type, for `info`: `int64`, `list<string>`.
    pub fn type_name(&self, column: &Column) -> String {
        match (column.shape, &self.arrays) {
            (Shape::Scalar, _) => column.value_type.name().to_string(),
            (Shape::List { .. }, ArrayHandling::Expand) => {
                format!("list<{}>", column.value_type.name())
            }
            (Shape::List { .. }, ArrayHandling::Concatenate(_)) => "string (joined)".into(),
            (Shape::List { .. }, ArrayHandling::JsonString) => "string (json array)".into(),
        }
    }
}

/// The field of a list's entries.
pub fn list_item(value_type: ColumnType) -> Field {
    Field::new("item", value_type.arrow_type(), true)
}

/// Every attribute and every element with text at or below `record`.
fn plan_subtree(structure: &Structure, record: ElementId, planned: &mut Vec<(Parts, Column)>) {
    for id in structure.subtree(record) {
        let element = structure.element(id);
        let parts = relative_parts(structure, record, id);
        let shape = shape_within(structure, record, id);
        for &attribute in &element.attributes {
            planned.push(attribute_column(structure, attribute, &parts, shape, false));
        }
        if element.texts > 0 {
            let parts = if id == record {
                vec![element.name.clone()]
            } else {
                parts
            };
            planned.push(text_column(structure, id, parts, shape, false));
        }
    }
}

/// The record's attributes and text, and one column per child path.
fn plan_children(structure: &Structure, record: ElementId, planned: &mut Vec<(Parts, Column)>) {
    let element = structure.element(record);
    for &attribute in &element.attributes {
        planned.push(attribute_column(
            structure,
            attribute,
            &[],
            Shape::Scalar,
            false,
        ));
    }
    if element.texts > 0 {
        let parts = vec![element.name.clone()];
        planned.push(text_column(structure, record, parts, Shape::Scalar, false));
    }
    for &child in &element.children {
        let path = structure.element(child);
        let shape = shape_within(structure, record, child);
        let parts = vec![path.name.clone()];
        if path.is_complex() {
            planned.push((
                parts.clone(),
                Column {
                    name: String::new(),
                    source: Source::Json(child),
                    shape,
                    value_type: ColumnType::Utf8,
                    carried: false,
                    path: parts.join("/"),
                },
            ));
        } else if path.texts > 0 {
            planned.push(text_column(structure, child, parts, shape, false));
        }
    }
}

/// The attributes of the elements enclosing `record`, and the text and
/// attributes of their children that neither hold elements nor repeat.
fn plan_carried(structure: &Structure, record: ElementId, planned: &mut Vec<(Parts, Column)>) {
    let mut enclosing = Vec::new();
    let mut at = structure.element(record).parent;
    while let Some(id) = at {
        enclosing.push(id);
        at = structure.element(id).parent;
    }
    let carry_attributes =
        |planned: &mut Vec<(Parts, Column)>, owner: ElementId, parts: &[String]| {
            for &attribute in &structure.element(owner).attributes {
                planned.push(attribute_column(
                    structure,
                    attribute,
                    parts,
                    Shape::Scalar,
                    true,
                ));
            }
        };
    for &ancestor in enclosing.iter().rev() {
        carry_attributes(planned, ancestor, &absolute_parts(structure, ancestor));
        for &child in &structure.element(ancestor).children {
            let leaf = structure.element(child);
            if structure.is_within(record, child) || !leaf.children.is_empty() || leaf.repeats() {
                continue;
            }
            let parts = absolute_parts(structure, child);
            carry_attributes(planned, child, &parts);
            if leaf.texts > 0 {
                planned.push(text_column(structure, child, parts, Shape::Scalar, true));
            }
        }
    }
}

fn text_column(
    structure: &Structure,
    element: ElementId,
    parts: Parts,
    shape: Shape,
    carried: bool,
) -> (Parts, Column) {
    let column = Column {
        name: String::new(),
        source: Source::Text(element),
        shape,
        value_type: structure.element(element).tally.column_type(),
        carried,
        path: parts.join("/"),
    };
    (parts, column)
}

fn attribute_column(
    structure: &Structure,
    attribute: AttributeId,
    owner: &[String],
    shape: Shape,
    carried: bool,
) -> (Parts, Column) {
    let path = &structure.attributes[attribute as usize];
    let mut parts = owner.to_vec();
    parts.push(format!("@{}", path.name));
    let column = Column {
        name: String::new(),
        source: Source::Attribute(attribute),
        shape,
        value_type: path.tally.column_type(),
        carried,
        path: parts.join("/").replace("/@", "@"),
    };
    (parts, column)
}

/// The names from below `record` down to `id` (none for the record).
fn relative_parts(structure: &Structure, record: ElementId, id: ElementId) -> Parts {
    let depth = structure.element(record).depth as usize;
    structure.names(id)[depth..]
        .iter()
        .map(|n| n.to_string())
        .collect()
}

fn absolute_parts(structure: &Structure, id: ElementId) -> Parts {
    structure.names(id).iter().map(|n| n.to_string()).collect()
}

/// A list when `id` or an element between it and `record` repeats; its
/// unit is the deepest such element.
fn shape_within(structure: &Structure, record: ElementId, id: ElementId) -> Shape {
    let mut at = id;
    while at != record {
        let element = structure.element(at);
        if element.repeats() {
            return Shape::List { unit: at };
        }
        match element.parent {
            Some(parent) => at = parent,
            None => break,
        }
    }
    Shape::Scalar
}

/// Parts joined as a column name: `customer_address_city`, `item@sku`.
fn join(parts: &[String]) -> String {
    let mut name = String::new();
    for part in parts {
        if !name.is_empty() && !part.starts_with('@') {
            name.push('_');
        }
        name.push_str(part);
    }
    name
}

/// Each path named by its shortest end that no other path ends with.
fn shortest_unique_suffixes<'a>(paths: impl Iterator<Item = &'a Parts> + Clone) -> Vec<String> {
    let all: Vec<&Parts> = paths.collect();
    all.iter()
        .enumerate()
        .map(|(index, parts)| {
            let unique = (1..=parts.len()).find(|&k| {
                let suffix = &parts[parts.len() - k..];
                all.iter()
                    .enumerate()
                    .all(|(other, p)| other == index || !p.ends_with(suffix))
            });
            let k = unique.unwrap_or(parts.len());
            join(&parts[parts.len() - k..])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Parts {
        text.split('/').map(str::to_string).collect()
    }

    #[test]
    fn names_join_elements_and_attributes() {
        assert_eq!(
            join(&parts("customer/address/city")),
            "customer_address_city"
        );
        assert_eq!(join(&parts("item/@sku")), "item@sku");
        assert_eq!(join(&parts("@id")), "@id");
    }

    #[test]
    fn moderate_names_are_the_shortest_unique_ends() {
        let paths = [
            parts("customer/address/city"),
            parts("shipping/address/city"),
            parts("customer/name"),
            parts("@id"),
            parts("customer/@id"),
        ];
        assert_eq!(
            shortest_unique_suffixes(paths.iter()),
            vec![
                "customer_address_city",
                "shipping_address_city",
                "name",
                "@id",
                "customer@id"
            ]
        );
    }
}
