//! Which element is the record: one row per element at that path.
//!
//! Detected, it is the shallowest element path whose elements repeat under
//! one parent and carry child elements or attributes (ties: the more
//! frequent); with none, the root is the one record. `--record-path`
//! names it instead: each segment matches an element's name as handled,
//! as written, or (given without a prefix) its local name.

use serde::Serialize;

use super::structure::{ElementId, Structure, ROOT};
use super::{RecordPath, XmlError};

/// Runners-up shown by `info`.
const RUNNERS_UP: usize = 4;

/// The record element and how it was chosen.
#[derive(Debug, Clone)]
pub struct RecordChoice {
    pub element: ElementId,
    pub how: ChoiceReason,
    /// Other repeated element paths, best first.
    pub runners_up: Vec<Candidate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceReason {
    /// The shallowest repeated element with children or attributes.
    Detected,
    /// No element repeats: the root is the one record.
    Root,
    /// `--record-path`.
    Requested,
}

/// A repeated element path that could be the record.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub path: String,
    pub elements: u64,
}

/// The record element of `structure`.
pub fn choose(
    structure: &Structure,
    requested: Option<&RecordPath>,
) -> Result<RecordChoice, XmlError> {
    let candidates = candidates(structure);
    let (element, how) = match requested {
        Some(path) => (
            find(structure, path).ok_or_else(|| XmlError::UnknownRecordPath {
                path: path.to_string(),
                candidates: candidates
                    .iter()
                    .take(RUNNERS_UP + 1)
                    .map(|&id| structure.path_text(id))
                    .collect(),
            })?,
            ChoiceReason::Requested,
        ),
        None => match candidates.first() {
            Some(&best) => (best, ChoiceReason::Detected),
            None => (ROOT, ChoiceReason::Root),
        },
    };
    let runners_up = candidates
        .iter()
        .filter(|&&id| id != element)
        .take(RUNNERS_UP)
        .map(|&id| Candidate {
            path: structure.path_text(id),
            elements: structure.element(id).count,
        })
        .collect();
    Ok(RecordChoice {
        element,
        how,
        runners_up,
    })
}

/// Repeated element paths with children or attributes, best first.
fn candidates(structure: &Structure) -> Vec<ElementId> {
    let mut found: Vec<ElementId> = (0..structure.elements.len() as ElementId)
        .filter(|&id| {
            let element = structure.element(id);
            element.repeats() && element.is_complex()
        })
        .collect();
    found.sort_by_key(|&id| {
        let element = structure.element(id);
        (element.depth, std::cmp::Reverse(element.count), id)
    });
    found
}

/// The element path `path` names.
fn find(structure: &Structure, path: &RecordPath) -> Option<ElementId> {
    let matches = |id: ElementId, segment: &str| {
        let element = structure.element(id);
        let local = element
            .qualified
            .split_once(':')
            .map_or(element.qualified.as_str(), |(_, l)| l);
        segment == element.name
            || segment == element.qualified
            || (!segment.contains(':') && segment == local)
    };
    let (first, rest) = path.0.split_first()?;
    if structure.elements.is_empty() || !matches(ROOT, first) {
        return None;
    }
    let mut at = ROOT;
    for segment in rest {
        at = *structure
            .element(at)
            .children
            .iter()
            .find(|&&child| matches(child, segment))?;
    }
    Some(at)
}
