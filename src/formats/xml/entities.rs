//! Entities: the general entities an internal DTD declares, and the
//! expansion of references to them within the document's limits.
//!
//! Internal entities expand (their text may refer to other entities, to
//! characters, and to the five predefined entities); every expansion is
//! charged to one budget per document (`--max-entity-expansion`), so the
//! billion-laughs and quadratic-blowup attacks stop with an error before
//! they use memory. References nested deeper than `--max-entity-depth`
//! are refused, as are references that loop. External entities (SYSTEM or
//! PUBLIC) are never fetched: a reference to one is an error, as is a
//! reference to an entity nobody declared. Replacement text holding markup
//! (`<`) is refused rather than parsed.

use std::collections::HashMap;
use std::rc::Rc;

/// A declared general entity.
#[derive(Debug, Clone)]
enum Declared {
    /// Its replacement text, as written (references not yet expanded).
    Internal(String),
    /// Its system identifier: never fetched.
    External(String),
}

/// The general entities of one document and what their use has cost.
#[derive(Debug)]
pub struct Entities {
    declared: HashMap<String, Declared>,
    /// Bytes charged to the budget so far.
    spent: u64,
    budget: u64,
    max_depth: u32,
}

/// Why a reference could not be expanded: one line for the user.
pub type EntityError = String;

impl Entities {
    pub fn new(budget: u64, max_depth: u32) -> Entities {
        Entities {
            declared: HashMap::new(),
            spent: 0,
            budget,
            max_depth,
        }
    }

    /// Entities declared, for `info`.
    pub fn count(&self) -> usize {
        self.declared.len()
    }

    /// Reads the `<!ENTITY ...>` declarations of a DOCTYPE's content (the
    /// text between `<!DOCTYPE` and its closing `>`). Parameter entities,
    /// attribute lists and element declarations are skipped; the first
    /// declaration of a name wins, as XML says.
    pub fn declare_from_doctype(&mut self, doctype: &str) -> Result<(), EntityError> {
        let Some(open) = doctype.find('[') else {
            return Ok(());
        };
        let mut rest = &doctype[open + 1..];
        while let Some(at) = rest.find('<') {
            rest = &rest[at..];
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.split_once("-->").map_or("", |(_, r)| r);
            } else if let Some(after) = rest.strip_prefix("<!ENTITY") {
                let (declaration, remainder) = split_declaration(after)?;
                self.declare(declaration)?;
                rest = remainder;
            } else {
                // `<!ATTLIST`, `<!ELEMENT`, `<?pi?>`...: skip, minding quotes.
                let (_, remainder) = split_declaration(&rest[1..])?;
                rest = remainder;
            }
        }
        Ok(())
    }

    fn declare(&mut self, declaration: &str) -> Result<(), EntityError> {
        let declaration = declaration.trim_start();
        if declaration.starts_with('%') {
            return Ok(()); // a parameter entity: only the DTD itself uses it
        }
        let name_end = declaration
            .find(char::is_whitespace)
            .ok_or_else(|| format!("a malformed entity declaration: <!ENTITY {declaration}>"))?;
        let name = &declaration[..name_end];
        let rest = declaration[name_end..].trim_start();
        let declared = if let Some(value) = quoted(rest) {
            Declared::Internal(value.to_string())
        } else if let Some(ids) = rest
            .strip_prefix("SYSTEM")
            .or_else(|| rest.strip_prefix("PUBLIC"))
        {
            let system = ids.split_whitespace().last().unwrap_or("");
            Declared::External(system.trim_matches(['"', '\'']).to_string())
        } else {
            return Err(format!("a malformed declaration of entity &{name};"));
        };
        self.declared.entry(name.to_string()).or_insert(declared);
        Ok(())
    }

    /// The text `&name;` stands for, charged to the budget.
    pub fn resolve(&mut self, name: &str) -> Result<Rc<str>, EntityError> {
        if let Some(text) = predefined(name) {
            return Ok(text.into());
        }
        let text = self.expansion(name, &mut Vec::new())?;
        self.spent += text.len() as u64;
        if self.spent > self.budget {
            return Err(self.over_budget());
        }
        Ok(text)
    }

    fn over_budget(&self) -> EntityError {
        format!(
            "entity references expand to more than {} bytes (--max-entity-expansion): a quadratic-blowup or billion-laughs document",
            self.budget
        )
    }

    /// The full expansion of entity `name`, reached through `chain`. Not
    /// kept between references: building it costs what it adds to the
    /// budget, so the budget bounds the work too.
    fn expansion(&mut self, name: &str, chain: &mut Vec<String>) -> Result<Rc<str>, EntityError> {
        chain.push(name.to_string());
        let shown = || {
            chain
                .iter()
                .map(|n| format!("&{n};"))
                .collect::<Vec<_>>()
                .join(" → ")
        };
        if chain[..chain.len() - 1].iter().any(|n| n == name) {
            return Err(format!("entity &{name}; refers to itself ({})", shown()));
        }
        if chain.len() > self.max_depth as usize {
            return Err(format!(
                "entities nest {} deep ({}), deeper than --max-entity-depth {}: the shape of a billion-laughs document",
                chain.len(),
                shown(),
                self.max_depth
            ));
        }
        let raw = match self.declared.get(name) {
            None => return Err(format!("undefined entity &{name};")),
            Some(Declared::External(system)) => {
                return Err(format!(
                    "entity &{name}; refers to an external resource ({system}), which pyforge never fetches"
                ))
            }
            Some(Declared::Internal(raw)) => raw.clone(),
        };
        let mut text = String::with_capacity(raw.len());
        let mut rest = raw.as_str();
        while let Some(at) = rest.find(['&', '<']) {
            text.push_str(&rest[..at]);
            if rest.as_bytes()[at] == b'<' {
                return Err(format!(
                    "entity &{name}; holds markup, which pyforge does not expand"
                ));
            }
            let after = &rest[at + 1..];
            let end = after
                .find(';')
                .ok_or_else(|| format!("entity &{name}; holds an unterminated reference"))?;
            let reference = &after[..end];
            if let Some(c) = character(reference) {
                text.push(c);
            } else if let Some(p) = predefined(reference) {
                text.push_str(p);
            } else {
                let inner = self.expansion(reference, chain)?;
                text.push_str(&inner);
            }
            if text.len() as u64 > self.budget.saturating_sub(self.spent) {
                return Err(self.over_budget());
            }
            rest = &after[end + 1..];
        }
        text.push_str(rest);
        chain.pop();
        Ok(text.into())
    }
}

/// The text of one of XML's five predefined entities.
fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

/// The character of a character reference's body (`#38`, `#x26`).
fn character(reference: &str) -> Option<char> {
    let number = reference.strip_prefix('#')?;
    let code = match number.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code).filter(|&c| c != '\0')
}

/// The text of a quoted literal at the start of `text`.
fn quoted(text: &str) -> Option<&str> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &text[1..];
    body.find(quote).map(|end| &body[..end])
}

/// A declaration's text up to its closing `>` (quotes respected), and what
/// follows it.
fn split_declaration(text: &str) -> Result<(&str, &str), EntityError> {
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Ok((&text[..at], &text[at + 1..])),
            _ => {}
        }
    }
    Err("the document type declaration is not closed".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entities(doctype: &str) -> Entities {
        let mut entities = Entities::new(1 << 20, 2);
        entities.declare_from_doctype(doctype).unwrap();
        entities
    }

    #[test]
    fn internal_entities_expand_with_references_inside() {
        let mut e = entities(
            r#"doc [<!-- a <!ENTITY no "x"> in a comment -->
               <!ATTLIST e9 attr CDATA "de>fault">
               <!ENTITY company "Acme &amp; Sons">
               <!ENTITY product "&company; widget &#x2122;">
               <!ENTITY company "ignored: the first declaration wins">
               <!ENTITY % param "not a general entity">]"#,
        );
        assert_eq!(&*e.resolve("product").unwrap(), "Acme & Sons widget ™");
        assert_eq!(&*e.resolve("lt").unwrap(), "<");
        assert!(e
            .resolve("no")
            .unwrap_err()
            .contains("undefined entity &no;"));
        assert!(e.resolve("param").is_err());
    }

    #[test]
    fn attacks_are_refused() {
        let mut bomb = entities(
            r#"x [<!ENTITY a "1234567890"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;">]"#,
        );
        let error = bomb.resolve("c").unwrap_err();
        assert!(error.contains("--max-entity-depth 2"), "{error}");
        assert!(error.contains("&c; → &b; → &a;"), "{error}");
        assert_eq!(bomb.resolve("b").unwrap().len(), 40);

        let big = "B".repeat(1000);
        let mut quadratic = Entities::new(10_000, 2);
        quadratic
            .declare_from_doctype(&format!(r#"x [<!ENTITY a "{big}">]"#))
            .unwrap();
        for _ in 0..10 {
            quadratic.resolve("a").unwrap();
        }
        assert!(quadratic
            .resolve("a")
            .unwrap_err()
            .contains("--max-entity-expansion"));

        let mut looping = entities(r#"x [<!ENTITY a "&b;"><!ENTITY b "&a;">]"#);
        assert!(looping
            .resolve("a")
            .unwrap_err()
            .contains("refers to itself"));

        let mut external = entities(r#"x [<!ENTITY ee SYSTEM "http://example.org/note.xml">]"#);
        let error = external.resolve("ee").unwrap_err();
        assert!(error.contains("never fetches"), "{error}");
        assert!(error.contains("http://example.org/note.xml"), "{error}");

        let mut markup = entities(r#"x [<!ENTITY sig "<b>Bob</b>">]"#);
        assert!(markup.resolve("sig").unwrap_err().contains("markup"));
    }
}
