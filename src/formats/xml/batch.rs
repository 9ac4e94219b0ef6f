//! Tokens as the parser hands them over: a batch of tokens whose names,
//! attributes and texts are ranges of one text buffer, so a batch is a few
//! allocations however many tokens it holds, and is reused once read.

use std::ops::Range;

/// A batch is full when it holds this many tokens or bytes of text.
const FULL_TOKENS: usize = 16 * 1024;
const FULL_BYTES: usize = 1 << 20;

/// One token, its strings as ranges of [`Batch::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// An element opens.
    Open {
        /// Its name as `--namespace-handling` wants, and as written.
        name: Range<usize>,
        qualified: Range<usize>,
        /// Indexes into [`Batch::attributes`].
        attributes: Range<usize>,
        /// Bytes of text parsed before it, for the line of a later error.
        position: u64,
    },
    /// Text directly inside the innermost open element (one piece of it).
    Text(Range<usize>),
    /// The innermost open element closes.
    Close,
    /// The document is over.
    End,
}

/// Tokens parsed and not yet taken.
#[derive(Debug, Default)]
pub struct Batch {
    pub text: String,
    pub tokens: Vec<Stored>,
    /// Attributes: name (as handled) and value.
    pub attributes: Vec<(Range<usize>, Range<usize>)>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.text.clear();
        self.tokens.clear();
        self.attributes.clear();
    }

    /// Keeps `text`, returning where it is.
    #[inline]
    pub fn keep(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    pub fn is_full(&self) -> bool {
        self.tokens.len() >= FULL_TOKENS || self.text.len() >= FULL_BYTES
    }

    /// The text of `range`.
    #[inline]
    pub fn get(&self, range: &Range<usize>) -> &str {
        &self.text[range.clone()]
    }
}
