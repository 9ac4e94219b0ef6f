//! The first pass: every element path and attribute path of a document,
//! how often it occurs and repeats, and the type its values allow.
//!
//! Memory follows the number of distinct paths (`--max-paths`), never the
//! size of the document: each path keeps counters and a type tally, and an
//! element's repetitions under one parent are counted by remembering only
//! the parent instance it last appeared under.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::source::SourceInfo;
use super::tokens::{Token, Tokens};
use super::{XmlError, XmlOptions};
use crate::formats::typed_text::TypeTally;
use crate::progress::ProgressRef;

/// Identifies an element path in [`Structure::elements`].
pub type ElementId = u32;
/// Identifies an attribute path in [`Structure::attributes`].
pub type AttributeId = u32;

/// One element path (`/orders/order/customer`).
#[derive(Debug, Clone)]
pub struct ElementPath {
    pub parent: Option<ElementId>,
    /// Its name as `--namespace-handling` gives it.
    pub name: String,
    /// Its name as the document first wrote it (`prefix:local`).
    pub qualified: String,
    /// The root is 1.
    pub depth: u32,
    /// Child paths, in the order first seen.
    pub children: Vec<ElementId>,
    child_index: HashMap<String, ElementId>,
    /// Attribute paths, in the order first seen.
    pub attributes: Vec<AttributeId>,
    attribute_index: HashMap<String, AttributeId>,
    /// Elements at this path.
    pub count: u64,
    /// The most elements at this path under one parent element.
    pub max_repeat: u32,
    /// The parent element (by serial) the last one was under, and how
    /// many were under it.
    last_parent: u64,
    run: u32,
    /// Elements at this path with text of their own (not blank).
    pub texts: u64,
    pub tally: TypeTally,
}

impl ElementPath {
    /// Some element at this path has child elements or attributes.
    pub fn is_complex(&self) -> bool {
        !self.children.is_empty() || !self.attributes.is_empty()
    }

    /// Elements at this path repeat under one parent.
    pub fn repeats(&self) -> bool {
        self.max_repeat > 1
    }
}

/// One attribute path (`/orders/order@id`).
#[derive(Debug, Clone)]
pub struct AttributePath {
    pub element: ElementId,
    pub name: String,
    /// Elements that have it.
    pub count: u64,
    pub tally: TypeTally,
}

/// What the first pass learnt of a document.
#[derive(Debug)]
pub struct Structure {
    pub elements: Vec<ElementPath>,
    pub attributes: Vec<AttributePath>,
    /// Elements in the document.
    pub element_count: u64,
    pub namespaces: BTreeMap<String, String>,
    pub declared_entities: usize,
    pub source: SourceInfo,
}

/// Children (or attributes) of a path looked up by comparing names one by
/// one rather than by hash.
const LINEAR_LOOKUP: usize = 16;

/// The root's id: the first element path there is.
pub const ROOT: ElementId = 0;

impl Structure {
    /// Reads the whole document at `path` once.
    pub fn scan(
        path: &Path,
        options: &XmlOptions,
        all_strings: bool,
        progress: ProgressRef,
    ) -> Result<Structure, XmlError> {
        let mut tokens = Tokens::open(path, options, progress)?;
        let mut scan = Scan {
            structure: Structure {
                elements: Vec::new(),
                attributes: Vec::new(),
                element_count: 0,
                namespaces: BTreeMap::new(),
                declared_entities: 0,
                source: tokens.source,
            },
            frames: Vec::new(),
            depth: 0,
            serial: 0,
            all_strings,
            max_paths: options.limits.paths as usize,
            text_limit: options.limits.text_bytes as usize,
        };
        loop {
            match tokens.next()? {
                Token::Open => scan.open(&tokens)?,
                Token::Text(text) => {
                    let frame = &mut scan.frames[scan.depth - 1];
                    frame.text.push_str(text);
                    if frame.text.len() > scan.text_limit {
                        return Err(XmlError::Limit {
                            line: tokens.line(),
                            message: format!(
                                "one element's text is longer than {} bytes (--max-text-bytes)",
                                scan.text_limit
                            ),
                        });
                    }
                }
                Token::Close => scan.close(),
                Token::End => break,
            }
        }
        let mut structure = scan.structure;
        structure.namespaces = std::mem::take(&mut tokens.declared_namespaces);
        structure.declared_entities = tokens.declared_entities();
        Ok(structure)
    }

    /// The child path of `parent` named `name` (as handled). Few children
    /// are compared one by one, faster than hashing the name.
    #[inline]
    pub fn child(&self, parent: ElementId, name: &str) -> Option<ElementId> {
        let parent = &self.elements[parent as usize];
        if parent.children.len() <= LINEAR_LOOKUP {
            return parent
                .children
                .iter()
                .copied()
                .find(|&c| self.elements[c as usize].name == name);
        }
        parent.child_index.get(name).copied()
    }

    /// The attribute path of `element` named `name` (as handled).
    #[inline]
    pub fn attribute(&self, element: ElementId, name: &str) -> Option<AttributeId> {
        let element = &self.elements[element as usize];
        if element.attributes.len() <= LINEAR_LOOKUP {
            return element
                .attributes
                .iter()
                .copied()
                .find(|&a| self.attributes[a as usize].name == name);
        }
        element.attribute_index.get(name).copied()
    }

    pub fn element(&self, id: ElementId) -> &ElementPath {
        &self.elements[id as usize]
    }

    /// The names from the root down to `id`.
    pub fn names(&self, id: ElementId) -> Vec<&str> {
        let mut names = Vec::new();
        let mut at = Some(id);
        while let Some(current) = at {
            let element = self.element(current);
            names.push(element.name.as_str());
            at = element.parent;
        }
        names.reverse();
        names
    }

    /// `/a/b/c` for `id`.
    pub fn path_text(&self, id: ElementId) -> String {
        self.names(id).iter().map(|n| format!("/{n}")).collect()
    }

    /// `id` and every path below it, depth first, in the order first seen.
    pub fn subtree(&self, id: ElementId) -> Vec<ElementId> {
        let mut out = Vec::new();
        let mut pending = vec![id];
        while let Some(current) = pending.pop() {
            out.push(current);
            pending.extend(self.element(current).children.iter().rev());
        }
        out
    }

    /// Whether `ancestor` is `id` or above it.
    pub fn is_within(&self, id: ElementId, ancestor: ElementId) -> bool {
        let mut at = Some(id);
        while let Some(current) = at {
            if current == ancestor {
                return true;
            }
            at = self.element(current).parent;
        }
        false
    }
}

/// An open element during the scan.
struct Frame {
    element: ElementId,
    serial: u64,
    text: String,
}

struct Scan {
    structure: Structure,
    /// Open elements; frames past `depth` are kept for their buffers.
    frames: Vec<Frame>,
    depth: usize,
    serial: u64,
    all_strings: bool,
    max_paths: usize,
    text_limit: usize,
}

impl Scan {
    fn open(&mut self, tokens: &Tokens) -> Result<(), XmlError> {
        self.serial += 1;
        let parent = self.depth.checked_sub(1).map(|d| &self.frames[d]);
        let parent_serial = parent.map_or(0, |f| f.serial);
        let parent_id = parent.map(|f| f.element);
        let id = match parent_id {
            None if !self.structure.elements.is_empty() => ROOT,
            None => self.add_element(None, tokens)?,
            Some(parent) => match self.structure.child(parent, tokens.name()) {
                Some(id) => id,
                None => self.add_element(Some(parent), tokens)?,
            },
        };
        let element = &mut self.structure.elements[id as usize];
        element.count += 1;
        if element.last_parent == parent_serial {
            element.run += 1;
        } else {
            element.last_parent = parent_serial;
            element.run = 1;
        }
        element.max_repeat = element.max_repeat.max(element.run);
        self.structure.element_count += 1;
        for (name, value) in tokens.attributes() {
            let attribute_id = match self.structure.attribute(id, name) {
                Some(a) => a,
                None => self.add_attribute(id, name, tokens)?,
            };
            let path = &mut self.structure.attributes[attribute_id as usize];
            path.count += 1;
            if !value.is_empty() {
                path.tally.observe(value.as_bytes());
            }
        }
        if self.frames.len() == self.depth {
            self.frames.push(Frame {
                element: id,
                serial: self.serial,
                text: String::new(),
            });
        } else {
            let frame = &mut self.frames[self.depth];
            frame.element = id;
            frame.serial = self.serial;
            frame.text.clear();
        }
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self) {
        self.depth -= 1;
        let frame = &self.frames[self.depth];
        let element = &mut self.structure.elements[frame.element as usize];
        let text = frame.text.trim();
        if !text.is_empty() {
            element.texts += 1;
            element.tally.observe(text.as_bytes());
        }
    }

    fn paths(&self) -> usize {
        self.structure.elements.len() + self.structure.attributes.len()
    }

    fn too_many_paths(&self, tokens: &Tokens) -> XmlError {
        XmlError::Limit {
            line: tokens.line(),
            message: format!(
                "more than {} distinct element and attribute paths (--max-paths): not a document of records",
                self.max_paths
            ),
        }
    }

    fn add_element(
        &mut self,
        parent: Option<ElementId>,
        tokens: &Tokens,
    ) -> Result<ElementId, XmlError> {
        if self.paths() >= self.max_paths {
            return Err(self.too_many_paths(tokens));
        }
        let id = self.structure.elements.len() as ElementId;
        let depth = parent.map_or(1, |p| self.structure.element(p).depth + 1);
        self.structure.elements.push(ElementPath {
            parent,
            name: tokens.name().to_string(),
            qualified: tokens.qualified_name().to_string(),
            depth,
            children: Vec::new(),
            child_index: HashMap::new(),
            attributes: Vec::new(),
            attribute_index: HashMap::new(),
            count: 0,
            max_repeat: 0,
            last_parent: u64::MAX,
            run: 0,
            texts: 0,
            tally: TypeTally::new(self.all_strings),
        });
        if let Some(parent) = parent {
            let parent = &mut self.structure.elements[parent as usize];
            parent.children.push(id);
            parent.child_index.insert(tokens.name().to_string(), id);
        }
        Ok(id)
    }

    fn add_attribute(
        &mut self,
        element: ElementId,
        name: &str,
        tokens: &Tokens,
    ) -> Result<AttributeId, XmlError> {
        if self.paths() >= self.max_paths {
            return Err(self.too_many_paths(tokens));
        }
        let id = self.structure.attributes.len() as AttributeId;
        self.structure.attributes.push(AttributePath {
            element,
            name: name.to_string(),
            count: 0,
            tally: TypeTally::new(self.all_strings),
        });
        let owner = &mut self.structure.elements[element as usize];
        owner.attributes.push(id);
        owner.attribute_index.insert(name.to_string(), id);
        Ok(id)
    }
}
