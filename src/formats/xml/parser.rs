//! quick-xml behind a small pull interface: elements opening (with their
//! attributes) and closing, and their text, with entity and character
//! references expanded, names as `--namespace-handling` wants them, and
//! every limit enforced. Comments and processing instructions are
//! skipped; namespace declarations (`xmlns`, `xmlns:p`) are kept for
//! `info`, not given as attributes. `tokens` runs it on a thread of its
//! own.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use quick_xml::events::Event;
use quick_xml::XmlVersion;

use super::batch::{Batch, Stored};
use super::entities::Entities;
use super::source::{self, Counters, DecompressError, SourceInfo, Tally, TextReader, TooLong};
use super::{Namespaces, XmlError, XmlOptions};
use crate::formats::charset::Charset;
use crate::progress::ProgressRef;

/// Why a token could not be read, before its line is known.
enum Failure {
    Malformed(String),
    Limit(String),
    Entity(String),
}

/// The parser of one document.
pub struct Parser {
    reader: quick_xml::Reader<Tally<TextReader>>,
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
    /// The element opened last, as written (for messages).
    qualified: String,
    /// Namespace prefixes declared (`""` for the default) and their URIs.
    pub declared_namespaces: BTreeMap<String, String>,
    pub source: SourceInfo,
    /// To find the line of an error: the document is read again up to it.
    path: PathBuf,
    encoding: Option<Charset>,
}

impl Parser {
    pub fn open(
        path: &Path,
        options: &XmlOptions,
        progress: ProgressRef,
    ) -> Result<Parser, XmlError> {
        let limits = options.limits;
        let text = source::open(path, options.encoding, limits.text_bytes, progress)?;
        let (counters, source) = (text.counters, text.info);
        let mut reader = quick_xml::Reader::from_reader(text.reader);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(Parser {
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
            declared_namespaces: BTreeMap::new(),
            source,
            path: path.to_path_buf(),
            encoding: Some(source.charset),
        })
    }

    /// Entities the document declares.
    pub fn declared_entities(&self) -> usize {
        self.entities.count()
    }

    /// The line the parser is on (1-based): the document is read again up
    /// to there, so only errors ask.
    pub fn line(&self) -> u64 {
        source::line_at(&self.path, self.encoding, self.position())
    }

    /// Bytes of the (UTF-8) text parsed so far.
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// Parses the next token into `out`.
    pub fn next(&mut self, out: &mut Batch) -> Result<(), XmlError> {
        if self.close_owed {
            self.close_owed = false;
            self.depth -= 1;
            self.finished = self.depth == 0;
            out.tokens.push(Stored::Close);
            return Ok(());
        }
        loop {
            self.buffer.clear();
            self.counters.in_event.set(0);
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event,
                Err(error) => return Err(self.parse_error(error)),
            };
            let failure = match event {
                Event::Start(start) | Event::Empty(start) if self.finished => {
                    Failure::Malformed(format!(
                        "a second root element <{}> (an XML document has one)",
                        start.name().as_ref()
                    ))
                }
                Event::Start(ref start) | Event::Empty(ref start) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        Failure::Limit(format!(
                            "elements nest deeper than {} (--max-depth)",
                            self.max_depth
                        ))
                    } else {
                        self.qualified.clear();
                        self.qualified.push_str(start.name().as_ref());
                        let qualified = out.keep(&self.qualified);
                        let handled = self.namespaces.apply(&self.qualified);
                        let name = if *handled == *self.qualified {
                            qualified.clone()
                        } else {
                            out.keep(&handled)
                        };
                        let first = out.attributes.len();
                        let read = read_attributes(
                            start,
                            &self.qualified,
                            out,
                            &mut self.entities,
                            &mut self.declared_namespaces,
                            self.namespaces,
                            self.version,
                            self.max_attributes as usize,
                        );
                        match read {
                            Ok(()) => {
                                self.close_owed = matches!(event, Event::Empty(_));
                                let attributes = first..out.attributes.len();
                                out.tokens.push(Stored::Open {
                                    name,
                                    qualified,
                                    attributes,
                                    position: self.reader.buffer_position(),
                                });
                                return Ok(());
                            }
                            Err(failure) => failure,
                        }
                    }
                }
                Event::End(_) => {
                    self.depth -= 1;
                    self.finished = self.depth == 0;
                    out.tokens.push(Stored::Close);
                    return Ok(());
                }
                Event::Text(text) => {
                    let content = text.xml_content(self.version);
                    if self.depth > 0 {
                        let range = out.keep(&content);
                        out.tokens.push(Stored::Text(range));
                        return Ok(());
                    }
                    if content.trim().is_empty() {
                        continue;
                    }
                    Failure::Malformed("text outside the root element".into())
                }
                Event::CData(data) => {
                    if self.depth > 0 {
                        let range = out.keep(&data.xml_content(self.version));
                        out.tokens.push(Stored::Text(range));
                        return Ok(());
                    }
                    Failure::Malformed("CDATA outside the root element".into())
                }
                Event::GeneralRef(reference) => {
                    if self.depth == 0 {
                        Failure::Malformed("a reference outside the root element".into())
                    } else {
                        let text = match reference.resolve_char_ref() {
                            Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
                            Ok(None) => self
                                .entities
                                .resolve(&reference.xml_content(self.version))
                                .map(|t| Cow::Owned(t.to_string()))
                                .map_err(Failure::Entity),
                            Err(error) => Err(Failure::Malformed(format!(
                                "&{};: {error}",
                                reference.xml_content(self.version)
                            ))),
                        };
                        match text {
                            Ok(text) => {
                                let range = out.keep(&text);
                                out.tokens.push(Stored::Text(range));
                                return Ok(());
                            }
                            Err(failure) => failure,
                        }
                    }
                }
                Event::DocType(doctype) => {
                    match self
                        .entities
                        .declare_from_doctype(&doctype.xml_content(self.version))
                    {
                        Ok(()) => continue,
                        Err(message) => Failure::Entity(message),
                    }
                }
                Event::Decl(declaration) => {
                    if let Ok(version) = declaration.xml_version() {
                        self.version = version;
                    }
                    continue;
                }
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => {
                    if self.depth > 0 {
                        Failure::Malformed(format!(
                            "the document ends inside <{}> (truncated?)",
                            self.qualified
                        ))
                    } else if !self.finished {
                        return Err(XmlError::Empty);
                    } else {
                        out.tokens.push(Stored::End);
                        return Ok(());
                    }
                }
            };
            return Err(self.fail(failure));
        }
    }

    fn fail(&self, failure: Failure) -> XmlError {
        let line = self.line();
        match failure {
            Failure::Malformed(message) => XmlError::Malformed { line, message },
            Failure::Limit(message) => XmlError::Limit { line, message },
            Failure::Entity(message) => XmlError::Entity { line, message },
        }
    }

    fn parse_error(&self, error: quick_xml::Error) -> XmlError {
        if let quick_xml::Error::Io(io) = &error {
            if let Some(inner) = io.get_ref() {
                if let Some(too_long) = inner.downcast_ref::<TooLong>() {
                    return self.fail(Failure::Limit(too_long.to_string()));
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
        self.fail(Failure::Malformed(message))
    }
}

/// Reads the attributes of `start` (an element written `qualified`) into
/// `out` (namespace declarations into `declared`), each value normalized as
/// XML says, references expanded.
#[allow(clippy::too_many_arguments)]
fn read_attributes(
    start: &quick_xml::events::BytesStart,
    qualified: &str,
    out: &mut Batch,
    entities: &mut Entities,
    declared: &mut BTreeMap<String, String>,
    namespaces: Namespaces,
    version: XmlVersion,
    max_attributes: usize,
) -> Result<(), Failure> {
    let malformed = |error: &dyn std::fmt::Display| {
        let error = without_position(&error.to_string());
        Failure::Malformed(format!("<{qualified}>: {error}"))
    };
    let mut count = 0;
    for attribute in start.attributes().with_checks(true) {
        let attribute = attribute.map_err(|e| malformed(&e))?;
        let key: &str = attribute.key.as_ref();
        if key == "xmlns" || key.starts_with("xmlns:") {
            let prefix = key.strip_prefix("xmlns:").unwrap_or("");
            if !declared.contains_key(prefix) {
                declared.insert(prefix.to_string(), attribute.value.to_string());
            }
            continue;
        }
        if count >= max_attributes {
            return Err(Failure::Limit(format!(
                "<{qualified}> has more than {max_attributes} attributes (--max-attributes)"
            )));
        }
        let value = if attribute.value.contains('&') {
            expand_attribute(&attribute, entities, version).map_err(|f| match f {
                Failure::Malformed(m) => Failure::Malformed(format!("<{qualified}>: {m}")),
                other => other,
            })?
        } else {
            attribute
                .normalized_value(version)
                .map_err(|e| malformed(&e))?
        };
        let name = out.keep(&namespaces.apply(key));
        let value = out.keep(&value);
        out.attributes.push((name, value));
        count += 1;
    }
    Ok(())
}

/// An attribute value with references: entity references expanded first
/// (charging the budget), then quick-xml normalizes what is left
/// (character references, white space).
fn expand_attribute<'a>(
    attribute: &quick_xml::events::attributes::Attribute<'a>,
    entities: &mut Entities,
    version: XmlVersion,
) -> Result<Cow<'a, str>, Failure> {
    let mut expanded = String::with_capacity(attribute.value.len());
    let mut rest: &str = &attribute.value;
    while let Some(at) = rest.find('&') {
        expanded.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';') else {
            return Err(Failure::Malformed(
                "an unterminated reference in an attribute value".into(),
            ));
        };
        let name = &after[..end];
        if name.starts_with('#') || matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") {
            expanded.push_str(&rest[at..at + end + 2]);
        } else {
            let text = entities.resolve(name).map_err(Failure::Entity)?;
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
        .normalized_value(version)
        .map_err(|e| Failure::Malformed(without_position(&e.to_string())))?;
    Ok(Cow::Owned(normalized.into_owned()))
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
        let mut parser = Parser::open(&path, options, Arc::new(NoProgress))?;
        let mut batch = Batch::default();
        let mut out = Vec::new();
        loop {
            parser.next(&mut batch)?;
            match batch.tokens.last().unwrap() {
                Stored::Open {
                    name, attributes, ..
                } => {
                    let attributes: Vec<String> = batch.attributes[attributes.clone()]
                        .iter()
                        .map(|(n, v)| format!(" {}={}", batch.get(n), batch.get(v)))
                        .collect();
                    out.push(format!("<{}{}>", batch.get(name), attributes.concat()));
                }
                Stored::Text(text) => out.push(batch.get(text).to_string()),
                Stored::Close => out.push("/".into()),
                Stored::End => return Ok(out),
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
