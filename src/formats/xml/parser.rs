//! quick-xml behind a small interface: batches of tokens (elements
//! opening, with their attributes, and closing, and their text), with
//! entity and character references expanded, names as
//! `--namespace-handling` wants them, and every limit enforced. Comments
//! and processing instructions are skipped; namespace declarations
//! (`xmlns`, `xmlns:p`) are kept for `info`, not given as attributes.
//! `tokens` runs it on a thread of its own.
//!
//! The text is parsed a chunk at a time with quick-xml's slice reader,
//! whose events borrow the chunk (no copy per event): a piece of markup or
//! text cut by the chunk's end is parsed again with the next bytes, the
//! chunk growing as far as `--max-text-bytes` for one longer than it.
//! End tags are checked against the open elements here.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use quick_xml::errors::{Error as QuickError, IllFormedError};
use quick_xml::events::Event;
use quick_xml::XmlVersion;

use super::batch::{Batch, Stored};
use super::entities::Entities;
use super::source::{self, DecompressError, SourceInfo};
use super::{Namespaces, XmlError, XmlOptions};
use crate::formats::charset::Charset;
use crate::progress::ProgressRef;

/// Bytes of text parsed at a time (more when one piece is longer).
const CHUNK_BYTES: usize = 1 << 20;

/// Why a token could not be read, before its line is known.
enum Failure {
    Malformed(String),
    Limit(String),
    Entity(String),
}

/// The text not yet parsed: a chunk of it in memory.
struct Chunks {
    input: Box<dyn Read>,
    chunk: Vec<u8>,
    /// Parsed up to here; valid up to `end`.
    start: usize,
    end: usize,
    /// The input has no more bytes.
    eof: bool,
    /// Bytes of text before the chunk's first.
    offset: u64,
    limit: usize,
}

impl Chunks {
    /// Keeps what is left unparsed and reads more after it, growing the
    /// chunk when what is left fills half of it.
    fn refill(&mut self) -> std::io::Result<()> {
        self.chunk.copy_within(self.start..self.end, 0);
        self.offset += self.start as u64;
        self.end -= self.start;
        self.start = 0;
        if self.end * 2 > self.chunk.len() {
            let grown = (self.chunk.len() * 2).min(self.limit.max(CHUNK_BYTES) + CHUNK_BYTES);
            self.chunk.resize(grown, 0);
        }
        while self.end < self.chunk.len() {
            match self.input.read(&mut self.chunk[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// What is left unparsed is as long as one piece may be.
    fn at_limit(&self) -> bool {
        self.end - self.start > self.limit
    }
}

/// Everything the parser knows besides the text.
struct State {
    entities: Entities,
    namespaces: Namespaces,
    version: XmlVersion,
    max_depth: usize,
    max_attributes: usize,
    text_limit: usize,
    /// The names (as written) of the open elements, end to end.
    open_names: String,
    open_ends: Vec<usize>,
    /// The root closed: only comments and whitespace may follow.
    finished: bool,
    declared_namespaces: BTreeMap<String, String>,
}

/// What one event came to.
enum Outcome {
    /// Tokens added to the batch (or none: a comment).
    Read,
    /// The document is over.
    Ended,
    Failed(Failure),
}

/// The parser of one document.
pub struct Parser {
    chunks: Chunks,
    state: State,
    pub source: SourceInfo,
    /// Where the last error was found, in bytes of text.
    error_position: u64,
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
        let text = source::open(path, options.encoding, progress)?;
        let text_limit = usize::try_from(limits.text_bytes).unwrap_or(usize::MAX);
        Ok(Parser {
            chunks: Chunks {
                input: text.reader,
                chunk: vec![0; CHUNK_BYTES],
                start: 0,
                end: 0,
                eof: false,
                offset: 0,
                limit: text_limit,
            },
            state: State {
                entities: Entities::new(limits.entity_expansion, limits.entity_depth),
                namespaces: options.namespaces,
                version: XmlVersion::Implicit1_0,
                max_depth: limits.depth as usize,
                max_attributes: limits.attributes as usize,
                text_limit,
                open_names: String::new(),
                open_ends: Vec::new(),
                finished: false,
                declared_namespaces: BTreeMap::new(),
            },
            source: text.info,
            error_position: 0,
            path: path.to_path_buf(),
            encoding: Some(text.info.charset),
        })
    }

    /// Entities the document declares.
    pub fn declared_entities(&self) -> usize {
        self.state.entities.count()
    }

    /// Namespace prefixes declared (`""` for the default) and their URIs.
    pub fn take_namespaces(&mut self) -> BTreeMap<String, String> {
        std::mem::take(&mut self.state.declared_namespaces)
    }

    /// Parses tokens into `out` until it is full or the document ends
    /// (`true` then: its last token is [`Stored::End`]).
    pub fn fill(&mut self, out: &mut Batch) -> Result<bool, XmlError> {
        loop {
            if out.is_full() {
                return Ok(false);
            }
            let mut more = false;
            {
                let chunks = &mut self.chunks;
                let text = &chunks.chunk[chunks.start..chunks.end];
                let base = chunks.offset + chunks.start as u64;
                let mut reader = quick_xml::Reader::from_reader(text);
                let config = reader.config_mut();
                config.check_end_names = false;
                config.allow_unmatched_ends = true;
                config.expand_empty_elements = false;
                let mut parsed = 0usize;
                while !out.is_full() {
                    let before = parsed;
                    let event = reader.read_event();
                    parsed = reader.buffer_position() as usize;
                    let cut = !chunks.eof && parsed == text.len();
                    let outcome = match event {
                        Ok(Event::Eof) if !chunks.eof => {
                            more = true;
                            break;
                        }
                        // Text up to the chunk's end may go on after it.
                        Ok(Event::Text(_)) if cut => {
                            parsed = before;
                            more = true;
                            break;
                        }
                        Err(ref error) if !chunks.eof && may_be_cut(error) => {
                            parsed = before;
                            more = true;
                            break;
                        }
                        Err(error) => {
                            self.error_position = base + reader.error_position();
                            let failure = quick_failure(error, self.source.charset);
                            chunks.start += before;
                            return Err(self.fail(failure));
                        }
                        Ok(event) if parsed - before > self.state.text_limit => {
                            drop(event);
                            Outcome::Failed(Failure::Limit(too_long(self.state.text_limit)))
                        }
                        Ok(event) => self.state.handle(event, base + parsed as u64, out),
                    };
                    match outcome {
                        Outcome::Read => {}
                        Outcome::Ended => {
                            chunks.start += parsed;
                            if !self.state.finished {
                                return Err(XmlError::Empty);
                            }
                            return Ok(true);
                        }
                        Outcome::Failed(failure) => {
                            self.error_position = base + before as u64;
                            chunks.start += parsed;
                            return Err(self.fail(failure));
                        }
                    }
                }
                chunks.start += parsed;
            }
            if more {
                if self.chunks.at_limit() {
                    self.error_position = self.chunks.offset + self.chunks.start as u64;
                    let limit = self.state.text_limit;
                    return Err(self.fail(Failure::Limit(too_long(limit))));
                }
                if let Err(error) = self.chunks.refill() {
                    return Err(read_failure(error));
                }
                if self.chunks.eof && self.chunks.start == self.chunks.end {
                    // Nothing after what was parsed: the document's end.
                    if let Outcome::Failed(failure) = self.state.end(out) {
                        self.error_position = self.chunks.offset + self.chunks.end as u64;
                        return Err(self.fail(failure));
                    }
                    if !self.state.finished {
                        return Err(XmlError::Empty);
                    }
                    return Ok(true);
                }
            }
        }
    }

    /// The line (1-based) of the last error: the document is read again up
    /// to there, so only errors ask.
    fn line(&self) -> u64 {
        source::line_at(&self.path, self.encoding, self.error_position)
    }

    fn fail(&self, failure: Failure) -> XmlError {
        let line = self.line();
        match failure {
            Failure::Malformed(message) => XmlError::Malformed { line, message },
            Failure::Limit(message) => XmlError::Limit { line, message },
            Failure::Entity(message) => XmlError::Entity { line, message },
        }
    }
}

impl State {
    /// Adds what `event` (ending at text position `position`) holds to `out`.
    fn handle(&mut self, event: Event, position: u64, out: &mut Batch) -> Outcome {
        let failure = match event {
            Event::Start(start) | Event::Empty(start) if self.finished => {
                Failure::Malformed(format!(
                    "a second root element <{}> (an XML document has one)",
                    start.name().as_ref()
                ))
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                if self.open_ends.len() >= self.max_depth {
                    return Outcome::Failed(Failure::Limit(format!(
                        "elements nest deeper than {} (--max-depth)",
                        self.max_depth
                    )));
                }
                let written: &str = start.name().into_inner();
                let qualified = out.keep(written);
                let handled = self.namespaces.apply(written);
                let name = if *handled == *written {
                    qualified.clone()
                } else {
                    out.keep(&handled)
                };
                let first = out.attributes.len();
                let read = read_attributes(
                    start,
                    written,
                    out,
                    &mut self.entities,
                    &mut self.declared_namespaces,
                    self.namespaces,
                    self.version,
                    self.max_attributes,
                );
                if let Err(failure) = read {
                    return Outcome::Failed(failure);
                }
                out.tokens.push(Stored::Open {
                    name,
                    qualified,
                    attributes: first..out.attributes.len(),
                    position,
                });
                if matches!(event, Event::Empty(_)) {
                    out.tokens.push(Stored::Close);
                    self.finished = self.open_ends.is_empty();
                } else {
                    self.open_names.push_str(written);
                    self.open_ends.push(self.open_names.len());
                }
                return Outcome::Read;
            }
            Event::End(end) => {
                let written: &str = end.name().into_inner();
                let Some(top_end) = self.open_ends.pop() else {
                    return Outcome::Failed(Failure::Malformed(format!(
                        "</{written}> closes no open element"
                    )));
                };
                let top_start = self.open_ends.last().copied().unwrap_or(0);
                let expected = &self.open_names[top_start..top_end];
                if expected != written.trim_end() {
                    return Outcome::Failed(Failure::Malformed(format!(
                        "expected `</{expected}>`, but `</{written}>` was found"
                    )));
                }
                self.open_names.truncate(top_start);
                out.tokens.push(Stored::Close);
                self.finished = self.open_ends.is_empty();
                return Outcome::Read;
            }
            Event::Text(text) => {
                let content = text.xml_content(self.version);
                if !self.open_ends.is_empty() {
                    let range = out.keep(&content);
                    out.tokens.push(Stored::Text(range));
                    return Outcome::Read;
                }
                if content.trim().is_empty() {
                    return Outcome::Read;
                }
                Failure::Malformed("text outside the root element".into())
            }
            Event::CData(data) => {
                if !self.open_ends.is_empty() {
                    let range = out.keep(&data.xml_content(self.version));
                    out.tokens.push(Stored::Text(range));
                    return Outcome::Read;
                }
                Failure::Malformed("CDATA outside the root element".into())
            }
            Event::GeneralRef(reference) => {
                if self.open_ends.is_empty() {
                    return Outcome::Failed(Failure::Malformed(
                        "a reference outside the root element".into(),
                    ));
                }
                let start = out.text.len();
                match reference.resolve_char_ref() {
                    Ok(Some(c)) => out.text.push(c),
                    Ok(None) => match self.entities.resolve(&reference.xml_content(self.version)) {
                        Ok(text) => out.text.push_str(&text),
                        Err(message) => return Outcome::Failed(Failure::Entity(message)),
                    },
                    Err(error) => {
                        return Outcome::Failed(Failure::Malformed(format!(
                            "&{};: {error}",
                            reference.xml_content(self.version)
                        )))
                    }
                }
                out.tokens.push(Stored::Text(start..out.text.len()));
                return Outcome::Read;
            }
            Event::DocType(doctype) => {
                match self
                    .entities
                    .declare_from_doctype(&doctype.xml_content(self.version))
                {
                    Ok(()) => return Outcome::Read,
                    Err(message) => Failure::Entity(message),
                }
            }
            Event::Decl(declaration) => {
                if let Ok(version) = declaration.xml_version() {
                    self.version = version;
                }
                return Outcome::Read;
            }
            Event::Comment(_) | Event::PI(_) => return Outcome::Read,
            Event::Eof => return self.end(out),
        };
        Outcome::Failed(failure)
    }

    /// The text is over.
    fn end(&mut self, out: &mut Batch) -> Outcome {
        if let Some(&top_end) = self.open_ends.last() {
            let top_start = self.open_ends.iter().rev().nth(1).copied().unwrap_or(0);
            return Outcome::Failed(Failure::Malformed(format!(
                "the document ends inside <{}> (truncated?)",
                &self.open_names[top_start..top_end]
            )));
        }
        if self.finished {
            out.tokens.push(Stored::End);
        }
        Outcome::Ended
    }
}

/// An error that may only mean the chunk ended inside a piece of markup.
fn may_be_cut(error: &QuickError) -> bool {
    matches!(
        error,
        QuickError::Syntax(_) | QuickError::IllFormed(IllFormedError::UnclosedReference)
    )
}

fn too_long(limit: usize) -> String {
    format!("one text, tag or attribute value is longer than {limit} bytes (--max-text-bytes)")
}

/// quick-xml's error as a failure.
fn quick_failure(error: QuickError, charset: Charset) -> Failure {
    Failure::Malformed(match &error {
        QuickError::Encoding(_) => format!("the text is not valid {} ({error})", charset.name()),
        _ => without_position(&error.to_string()),
    })
}

/// A failure to read the text: a damaged compressed stream, or I/O.
fn read_failure(error: std::io::Error) -> XmlError {
    if let Some(damaged) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<DecompressError>())
    {
        return XmlError::Decompress {
            kind: damaged.kind,
            source: std::io::Error::new(error.kind(), damaged.message.clone()),
        };
    }
    XmlError::Io(error)
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
        let mut ended = false;
        while !ended {
            batch.clear();
            ended = parser.fill(&mut batch)?;
            for token in &batch.tokens {
                match token {
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
                    Stored::End => {}
                }
            }
        }
        Ok(out)
    }

    #[test]
    fn pieces_cut_by_a_chunk_end_are_parsed_whole() {
        // Records of varying length, so chunk ends fall inside every kind
        // of markup and text; one text longer than a chunk.
        let mut document =
            String::from("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY e \"E\">]><d>");
        let mut expected = vec!["<d>".to_string()];
        for i in 0..40_000 {
            let text = "t".repeat(i % 97);
            document.push_str(&format!(
                "<r i=\"{i}\" a='&amp;{i}'><!-- c{i} --><t>{text}</t><![CDATA[x{i}]]>&e;&#65;<?pi {i}?></r>\n"
            ));
            expected.push(format!("<r i={i} a=&{i}>"));
            expected.push("<t>".into());
            if !text.is_empty() {
                expected.push(text);
            }
            expected.extend([
                "/".into(),
                format!("x{i}"),
                "E".into(),
                "A".into(),
                "/".into(),
                "\n".into(),
            ]);
        }
        let long = "L".repeat(3 * CHUNK_BYTES);
        document.push_str(&format!("<long>{long}</long></d>"));
        expected.extend(["<long>".into(), long, "/".into(), "/".into()]);
        assert!(document.len() > 4 * CHUNK_BYTES);
        let mut options = XmlOptions::default();
        options.limits.text_bytes = 4 * CHUNK_BYTES as u64;
        let tokens = tokens_of(&document, &options).unwrap();
        assert_eq!(tokens.len(), expected.len());
        assert!(tokens == expected);
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
