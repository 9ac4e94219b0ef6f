//! The tokens of a document, parsed on a thread of their own: the parser
//! (`parser`) fills batches of tokens while the caller turns the previous
//! batch into paths or rows, so the two halves of the work share the CPUs.
//! Batches are bounded (tokens and bytes) and at most [`IN_FLIGHT`] wait,
//! so memory stays bounded; used batches go back to the parser to be
//! filled again. Dropping [`Tokens`] stops the parser.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::batch::{Batch, Stored};
use super::parser::Parser;
use super::source::{self, SourceInfo};
use super::{XmlError, XmlOptions};
use crate::formats::charset::Charset;
use crate::progress::ProgressRef;

/// Batches filled and not yet taken.
const IN_FLIGHT: usize = 4;

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

/// What the parser thread sends.
enum Message {
    Opened(SourceInfo),
    Batch(Batch),
    /// The document is over: what only its end tells.
    Finished {
        namespaces: BTreeMap<String, String>,
        entities: usize,
    },
    Failed(XmlError),
}

/// The element of the Open token last taken.
struct OpenElement {
    name: Range<usize>,
    qualified: Range<usize>,
    attributes: Range<usize>,
    position: u64,
}

/// The tokens of one document.
pub struct Tokens {
    messages: Option<Receiver<Message>>,
    recycle: SyncSender<Batch>,
    parser: Option<JoinHandle<()>>,
    batch: Batch,
    next: usize,
    /// The Open token last taken (its ranges are of the current batch).
    open: Option<OpenElement>,
    pub source: SourceInfo,
    /// Namespace prefixes declared (`""` for the default) and their URIs,
    /// once the end is reached.
    pub declared_namespaces: BTreeMap<String, String>,
    declared_entities: usize,
    path: PathBuf,
    encoding: Option<Charset>,
}

impl Tokens {
    pub fn open(
        path: &Path,
        options: &XmlOptions,
        progress: ProgressRef,
    ) -> Result<Tokens, XmlError> {
        let (sender, messages) = mpsc::sync_channel(IN_FLIGHT);
        let (recycle, recycled) = mpsc::sync_channel(IN_FLIGHT + 2);
        let parser = {
            let path = path.to_path_buf();
            let options = options.clone();
            std::thread::Builder::new()
                .name("xml-parser".into())
                .spawn(move || parse(&path, &options, progress, &sender, &recycled))
                .map_err(XmlError::Io)?
        };
        let source = match messages.recv() {
            Ok(Message::Opened(source)) => source,
            Ok(Message::Failed(error)) => return Err(error),
            _ => return Err(parser_stopped()),
        };
        Ok(Tokens {
            messages: Some(messages),
            recycle,
            parser: Some(parser),
            batch: Batch::default(),
            next: 0,
            open: None,
            source,
            declared_namespaces: BTreeMap::new(),
            declared_entities: 0,
            path: path.to_path_buf(),
            encoding: Some(source.charset),
        })
    }

    pub fn next(&mut self) -> Result<Token<'_>, XmlError> {
        while self.next == self.batch.tokens.len() {
            self.receive()?;
        }
        let token = &self.batch.tokens[self.next];
        self.next += 1;
        Ok(match token {
            Stored::Open {
                name,
                qualified,
                attributes,
                position,
            } => {
                self.open = Some(OpenElement {
                    name: name.clone(),
                    qualified: qualified.clone(),
                    attributes: attributes.clone(),
                    position: *position,
                });
                Token::Open
            }
            Stored::Text(range) => Token::Text(self.batch.get(range)),
            Stored::Close => Token::Close,
            Stored::End => Token::End,
        })
    }

    /// The next batch (the used one goes back to the parser).
    fn receive(&mut self) -> Result<(), XmlError> {
        let messages = self.messages.as_ref().ok_or_else(parser_stopped)?;
        match messages.recv() {
            Ok(Message::Batch(batch)) => {
                let used = std::mem::replace(&mut self.batch, batch);
                let _ = self.recycle.try_send(used);
                self.next = 0;
                Ok(())
            }
            Ok(Message::Finished {
                namespaces,
                entities,
            }) => {
                self.declared_namespaces = namespaces;
                self.declared_entities = entities;
                Ok(())
            }
            Ok(Message::Failed(error)) => Err(error),
            Ok(Message::Opened(_)) | Err(_) => Err(parser_stopped()),
        }
    }

    /// The element opened last, named as `--namespace-handling` wants.
    pub fn name(&self) -> &str {
        self.open
            .as_ref()
            .map_or("", |open| self.batch.get(&open.name))
    }

    /// The element opened last as written (`prefix:local`).
    pub fn qualified_name(&self) -> &str {
        self.open
            .as_ref()
            .map_or("", |open| self.batch.get(&open.qualified))
    }

    /// The attributes (name as handled, value) of the element opened last.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        let range = self
            .open
            .as_ref()
            .map_or(0..0, |open| open.attributes.clone());
        self.batch.attributes[range]
            .iter()
            .map(|(name, value)| (self.batch.get(name), self.batch.get(value)))
    }

    /// Entities the document declares (known once the end is reached).
    pub fn declared_entities(&self) -> usize {
        self.declared_entities
    }

    /// The line of the element opened last (1-based): the document is read
    /// again up to there, so only errors ask.
    pub fn line(&self) -> u64 {
        let position = self.open.as_ref().map_or(0, |open| open.position);
        source::line_at(&self.path, self.encoding, position)
    }
}

impl Drop for Tokens {
    fn drop(&mut self) {
        // The parser stops at its next send, the receiver being gone.
        self.messages = None;
        if let Some(parser) = self.parser.take() {
            let _ = parser.join();
        }
    }
}

fn parser_stopped() -> XmlError {
    XmlError::Malformed {
        line: 0,
        message: "the XML parser stopped unexpectedly".into(),
    }
}

/// The parser thread: every token of the document, in batches, into
/// `sender`; a panic in the parser becomes an error.
fn parse(
    path: &Path,
    options: &XmlOptions,
    progress: ProgressRef,
    sender: &SyncSender<Message>,
    recycled: &Receiver<Batch>,
) {
    let outcome = crate::panics::contain(|| fill(path, options, progress, sender, recycled));
    let failure = match outcome {
        Ok(Ok(())) => return,
        Ok(Err(error)) => error,
        Err(panic) => XmlError::Malformed {
            line: 0,
            message: format!("the XML parser failed: {panic}"),
        },
    };
    let _ = sender.send(Message::Failed(failure));
}

/// Fills and sends batches until the end, an error, or the receiver leaving
/// (`Ok` then too: nobody is listening).
fn fill(
    path: &Path,
    options: &XmlOptions,
    progress: ProgressRef,
    sender: &SyncSender<Message>,
    recycled: &Receiver<Batch>,
) -> Result<(), XmlError> {
    let mut parser = Parser::open(path, options, progress)?;
    if sender.send(Message::Opened(parser.source)).is_err() {
        return Ok(());
    }
    loop {
        let mut batch = recycled.try_recv().unwrap_or_default();
        batch.clear();
        let ended = match parser.fill(&mut batch) {
            Ok(ended) => ended,
            Err(error) => {
                // What was parsed before the error is still read.
                let _ = sender.send(Message::Batch(batch));
                return Err(error);
            }
        };
        if ended {
            let finished = Message::Finished {
                namespaces: parser.take_namespaces(),
                entities: parser.declared_entities(),
            };
            // The end's facts first: they are known when End is taken.
            if sender.send(finished).is_err() {
                return Ok(());
            }
        }
        if sender.send(Message::Batch(batch)).is_err() || ended {
            return Ok(());
        }
    }
}
