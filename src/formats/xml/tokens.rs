//! quick-xml behind a small pull interface: elements opening (with their
//! attributes) and closing, and their text, with entity and character
//! references expanded, names as `--namespace-handling` wants them, and
//! every limit enforced. Comments and processing instructions are
//! skipped; namespace declarations (`xmlns`, `xmlns:p`) are kept for
//! `info`, not given as attributes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::rc::Rc;

use quick_xml::events::Event;
use quick_xml::XmlVersion;

use super::entities::Entities;
use super::source::{self, Counters, DecompressError, SourceInfo, Tally, TooLong};
use super::{Namespaces, XmlError, XmlOptions};
use crate::progress::ProgressRef;

/// What the document holds next.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'t> {
    /// An element opens; its name and attributes are in
    /// [`Tokens::name`] and [`Tokens::attributes`] until the next token.
    Open,
    /// Text directly inside the innermost open element (one piece of it:
    /// an element's text may come in several).
    Text(&'t str),
    /// The innermost open element closes.
    Close,
    /// The document is over.
    End,
}

/// An attribute: its name (as handled) and its value (expanded).
#[derive(Debug, Default, Clone)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// The tokens of one document.
pub struct Tokens {
    reader: quick_xml::Reader<Tally<Box<dyn BufRead>>>,
    counters: Rc<Counters>,
    buffer: Vec<u8>,
    entities: Entities,
    namespaces: Namespaces,
    version: XmlVersion,
    max_depth: u32,
    max_attributes: u32,
    depth: u32,
    /// The root closed: only comments and whitespace may follow.
    finished: bool,
    /// A `<a/>`: its Close is owed.
    close_owed: bool,
    /// The name of the element opened last, as written and as handled.
    qualified: String,
    name: String,
    attributes: Vec<Attribute>,
    attribute_count: usize,
    text: String,
    /// Namespace prefixes declared (`""` for the default) and their URIs.
    pub declared_namespaces: BTreeMap<String, String>,
    pub source: SourceInfo,
}

impl Tokens {
    pub fn open(
        path: &Path,
        options: &XmlOptions,
        progress: ProgressRef,
    ) -> Result<Tokens, XmlError> {
        let limits = options.limits;
        let text = source::open(path, options.encoding, limits.text_bytes, progress)?;
        let (counters, source) = (text.counters, text.info);
        let mut reader = quick_xml::Reader::from_reader(text.reader);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(Tokens {
            reader,
            counters,
            buffer: Vec::with_capacity(64 * 1024),
            entities: Entities::new(limits.entity_expansion, limits.entity_depth),
            namespaces: options.namespaces,
            version: XmlVersion::Implicit1_0,
            max_depth: limits.depth,
            max_attributes: limits.attributes,
            depth: 0,
            finished: false,
            close_owed: false,
            qualified: String::new(),
            name: String::new(),
            attributes: Vec::new(),
            attribute_count: 0,
            text: String::new(),
            declared_namespaces: BTreeMap::new(),
            source,
        })
    }

    /// The element opened last, named as `--namespace-handling` wants.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The element opened last as written (`prefix:local`).
    pub fn qualified_name(&self) -> &str {
        &self.qualified
    }

    /// The attributes of the element opened last.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes[..self.attribute_count]
    }

    /// Entities the document declares.
    pub fn declared_entities(&self) -> usize {
        self.entities.count()
    }

    /// The line the parser is on (1-based).
    pub fn line(&self) -> u64 {
        self.counters.lines.get() + 1
    }

    pub fn next(&mut self) -> Result<Token<'_>, XmlError> {
        if self.close_owed {
            self.close_owed = false;
            self.depth -= 1;
            self.finished = self.depth == 0;
            return Ok(Token::Close);
        }
        loop {
            self.buffer.clear();
            self.counters.in_event.set(0);
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event,
                Err(error) => return Err(self.parse_error(error)),
            };
            match event {
                Event::Start(start) | Event::Empty(start) if self.finished => {
                    let name = start.name().as_ref().to_string();
                    return Err(self.malformed(format!(
                        "a second root element <{name}> (an XML document has one)"
                    )));
                }
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let empty = matches!(event, Event::Empty(_));
                    let start = start.clone().into_owned();
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(self.limit(format!(
                            "elements nest deeper than {} (--max-depth)",
                            self.max_depth
                        )));
                    }
                    self.qualified.clear();
                    self.qualified.push_str(start.name().as_ref());
                    self.name = self.namespaces.apply(&self.qualified).into_owned();
                    self.read_attributes(&start)?;
                    self.close_owed = empty;
                    return Ok(Token::Open);
                }
                Event::End(_) => {
                    self.depth -= 1;
                    self.finished = self.depth == 0;
                    return Ok(Token::Close);
                }
                Event::Text(text) => {
                    let content = text.xml_content(self.version);
                    if self.depth == 0 {
                        if !content.trim().is_empty() {
                            return Err(self.malformed("text outside the root element".into()));
                        }
                        continue;
                    }
                    self.text.clear();
                    self.text.push_str(&content);
                    return Ok(Token::Text(&self.text));
                }
                Event::CData(data) => {
                    if self.depth == 0 {
                        return Err(self.malformed("CDATA outside the root element".into()));
                    }
                    self.text.clear();
                    self.text.push_str(&data.xml_content(self.version));
                    return Ok(Token::Text(&self.text));
                }
                Event::GeneralRef(reference) => {
                    if self.depth == 0 {
                        return Err(self.malformed("a reference outside the root element".into()));
                    }
                    let body = reference.xml_content(self.version).into_owned();
                    self.text.clear();
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => self.text.push(c),
                        Ok(None) => {
                            let line = self.line();
                            let expanded = self
                                .entities
                                .resolve(&body)
                                .map_err(|message| XmlError::Entity { line, message })?;
                            self.text.push_str(&expanded);
                        }
                        Err(error) => {
                            return Err(self.malformed(format!("&{body};: {error}")));
                        }
                    }
                    return Ok(Token::Text(&self.text));
                }
                Event::DocType(doctype) => {
                    let content = doctype.xml_content(self.version).into_owned();
                    let line = self.line();
                    self.entities
                        .declare_from_doctype(&content)
                        .map_err(|message| XmlError::Entity { line, message })?;
                }
                Event::Decl(declaration) => {
                    if let Ok(version) = declaration.xml_version() {
                        self.version = version;
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    if self.depth > 0 {
                        return Err(self.malformed(format!(
                            "the document ends inside <{}> (truncated?)",
                            self.qualified
                        )));
                    }
                    if !self.finished {
                        return Err(XmlError::Empty);
                    }
                    return Ok(Token::End);
                }
            }
        }
    }

    fn read_attributes(&mut self, start: &quick_xml::events::BytesStart) -> Result<(), XmlError> {
        self.attribute_count = 0;
        for attribute in start.attributes().with_checks(true) {
            let attribute = match attribute {
                Ok(a) => a,
                Err(error) => {
                    let error = without_position(&error.to_string());
                    return Err(self.malformed(format!("<{}>: {error}", self.qualified)));
                }
            };
            let key: &str = attribute.key.as_ref();
            if key == "xmlns" || key.starts_with("xmlns:") {
                let prefix = key.strip_prefix("xmlns:").unwrap_or("");
                if !self.declared_namespaces.contains_key(prefix) {
                    self.declared_namespaces
                        .insert(prefix.to_string(), attribute.value.to_string());
                }
                continue;
            }
            if self.attribute_count as u32 >= self.max_attributes {
                return Err(self.limit(format!(
                    "<{}> has more than {} attributes (--max-attributes)",
                    self.qualified, self.max_attributes
                )));
            }
            let value = self.attribute_value(&attribute)?;
            if self.attribute_count == self.attributes.len() {
                self.attributes.push(Attribute::default());
            }
            let slot = &mut self.attributes[self.attribute_count];
            slot.name.clear();
            slot.name.push_str(&self.namespaces.apply(key));
            slot.value.clear();
            slot.value.push_str(&value);
            self.attribute_count += 1;
        }
        Ok(())
    }

    /// An attribute's value, normalized as XML says, references expanded.
    fn attribute_value(
        &mut self,
        attribute: &quick_xml::events::attributes::Attribute,
    ) -> Result<String, XmlError> {
        if !attribute.value.contains('&') {
            return Ok(attribute
                .normalized_value(self.version)
                .map_err(|e| self.malformed(format!("<{}>: {e}", self.qualified)))?
                .into_owned());
        }
        // Expand entity references first (charging the budget), then let
        // quick-xml normalize what is left (character references, spaces).
        let line = self.line();
        let mut expanded = String::with_capacity(attribute.value.len());
        let mut rest: &str = &attribute.value;
        while let Some(at) = rest.find('&') {
            expanded.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let Some(end) = after.find(';') else {
                return Err(self.malformed(format!(
                    "<{}>: an unterminated reference in an attribute value",
                    self.qualified
                )));
            };
            let name = &after[..end];
            if name.starts_with('#') || matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") {
                expanded.push_str(&rest[at..at + end + 2]);
            } else {
                let text = self
                    .entities
                    .resolve(name)
                    .map_err(|message| XmlError::Entity { line, message })?;
                expanded.push_str(&escape_for_attribute(&text));
            }
            rest = &after[end + 1..];
        }
        expanded.push_str(rest);
        let value = quick_xml::events::attributes::Attribute {
            key: attribute.key,
            value: Cow::Owned(expanded),
        };
        let normalized = value
            .normalized_value(self.version)
            .map_err(|e| self.malformed(format!("<{}>: {e}", self.qualified)))?;
        Ok(normalized.into_owned())
    }

    fn parse_error(&self, error: quick_xml::Error) -> XmlError {
        if let quick_xml::Error::Io(io) = &error {
            if let Some(inner) = io.get_ref() {
                if let Some(too_long) = inner.downcast_ref::<TooLong>() {
                    return self.limit(too_long.to_string());
                }
                if let Some(damaged) = inner.downcast_ref::<DecompressError>() {
                    return XmlError::Decompress {
                        kind: damaged.kind,
                        source: std::io::Error::new(io.kind(), damaged.message.clone()),
                    };
                }
            }
            return XmlError::Io(std::io::Error::new(io.kind(), io.to_string()));
        }
        let message = match &error {
            quick_xml::Error::Encoding(_) => format!(
                "the text is not valid {} ({error})",
                self.source.charset.name()
            ),
            _ => error.to_string(),
        };
        self.malformed(message)
    }

    fn malformed(&self, message: String) -> XmlError {
        XmlError::Malformed {
            line: self.line(),
            message,
        }
    }

    fn limit(&self, message: String) -> XmlError {
        XmlError::Limit {
            line: self.line(),
            message,
        }
    }
}

/// quick-xml's message without its byte position in the decoded text
/// (errors give the line instead).
fn without_position(message: &str) -> String {
    match message.strip_prefix("position ") {
        Some(rest) => rest
            .split_once(": ")
            .map_or(message, |(_, text)| text)
            .to_string(),
        None => message.to_string(),
    }
}

/// Text that quick-xml's attribute normalization must leave as it is.
fn escape_for_attribute(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '\t', '\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            other => escaped.push(other),
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use std::sync::Arc;

    /// Every token of `document`, as text.
    pub fn tokens_of(document: &str, options: &XmlOptions) -> Result<Vec<String>, XmlError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xml");
        std::fs::write(&path, document).unwrap();
        let mut tokens = Tokens::open(&path, options, Arc::new(NoProgress))?;
        let mut out = Vec::new();
        loop {
            match tokens.next()? {
                Token::Open => {
                    let attributes: Vec<String> = tokens
                        .attributes()
                        .iter()
                        .map(|a| format!(" {}={}", a.name, a.value))
                        .collect();
                    out.push(format!("<{}{}>", tokens.name(), attributes.concat()));
                }
                Token::Text(text) => out.push(text.to_string()),
                Token::Close => out.push("/".into()),
                Token::End => return Ok(out),
            }
        }
    }

    #[test]
    fn elements_text_and_references() {
        let tokens = tokens_of(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY who \"A &amp; B\">]>\n<r a='1 &who; &#x41;'><x:b/>t&who;<![CDATA[<c>]]></r>\n",
            &XmlOptions::default(),
        )
        .unwrap();
        assert_eq!(
            tokens,
            vec!["<r a=1 A & B A>", "<x:b>", "/", "t", "A & B", "<c>", "/"]
        );
    }

    #[test]
    fn namespace_handling_applies_to_elements_and_attributes() {
        let options = XmlOptions {
            namespaces: Namespaces::Prefix,
            ..XmlOptions::default()
        };
        let tokens = tokens_of("<a:r xmlns:a='u' a:k='v'/>", &options).unwrap();
        assert_eq!(tokens, vec!["<a_r a_k=v>", "/"]);
    }

    #[test]
    fn malformed_documents_fail_with_a_line() {
        let error = tokens_of("<a>\n<b></c></b></a>", &XmlOptions::default()).unwrap_err();
        assert!(
            matches!(error, XmlError::Malformed { line: 2, .. }),
            "{error:?}"
        );
        let error = tokens_of("<a><b>", &XmlOptions::default()).unwrap_err();
        assert!(error.to_string().contains("ends inside"), "{error}");
        let error = tokens_of("<a/><b/>", &XmlOptions::default()).unwrap_err();
        assert!(error.to_string().contains("second root"), "{error}");
        assert!(matches!(
            tokens_of("  ", &XmlOptions::default()),
            Err(XmlError::Empty)
        ));
    }

    #[test]
    fn limits_stop_the_reader() {
        let mut options = XmlOptions::default();
        options.limits.depth = 3;
        let error = tokens_of("<a><b><c><d/></c></b></a>", &options).unwrap_err();
        assert!(error.to_string().contains("--max-depth"), "{error}");
        options.limits.attributes = 2;
        let error = tokens_of("<a x='1' y='2' z='3'/>", &options).unwrap_err();
        assert!(error.to_string().contains("--max-attributes"), "{error}");
        options.limits.text_bytes = 100_000;
        let long = format!("<a>{}</a>", "x".repeat(1_000_000));
        let error = tokens_of(&long, &options).unwrap_err();
        assert!(error.to_string().contains("--max-text-bytes"), "{error}");
    }
}
