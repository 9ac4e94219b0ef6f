//! An element's whole content as JSON text (`--flatten-strategy
//! aggressive`): attributes as `"@name"`, child elements by name (an array
//! when a name repeats), the element's own text as `"#text"` beside them,
//! or the text alone (or null) for an element with neither; keys in
//! document order.

/// A JSON value under construction.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Text(String),
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
}

/// An open element of the captured content.
#[derive(Debug)]
struct Open {
    name: String,
    members: Vec<(String, Value)>,
    text: String,
}

/// The content of one element being captured, opened and closed as the
/// document's tokens come.
#[derive(Debug, Default)]
pub struct JsonCapture {
    stack: Vec<Open>,
}

impl JsonCapture {
    /// Whether an element is being captured.
    pub fn is_active(&self) -> bool {
        !self.stack.is_empty()
    }

    pub fn open<'a>(&mut self, name: &str, attributes: impl Iterator<Item = (&'a str, &'a str)>) {
        self.stack.push(Open {
            name: name.to_string(),
            members: attributes
                .map(|(name, value)| (format!("@{name}"), Value::Text(value.to_string())))
                .collect(),
            text: String::new(),
        });
    }

    pub fn text(&mut self, text: &str) {
        if let Some(open) = self.stack.last_mut() {
            open.text.push_str(text);
        }
    }

    /// Closes the innermost element; the JSON text when it was the
    /// captured one (empty when it held nothing).
    pub fn close(&mut self) -> Option<String> {
        let open = self.stack.pop()?;
        let text = open.text.trim();
        let value = match (open.members.is_empty(), text.is_empty()) {
            (true, true) => Value::Null,
            (true, false) => Value::Text(text.to_string()),
            (false, _) => {
                let mut members = open.members;
                if !text.is_empty() {
                    members.push(("#text".into(), Value::Text(text.to_string())));
                }
                Value::Object(members)
            }
        };
        match self.stack.last_mut() {
            Some(parent) => {
                add_member(&mut parent.members, open.name, value);
                None
            }
            // An element with nothing in it is a null value: empty text.
            None if value == Value::Null => Some(String::new()),
            None => {
                let mut out = String::new();
                write(&value, &mut out);
                Some(out)
            }
        }
    }
}

/// Adds `name: value`, turning a repeated name into an array.
fn add_member(members: &mut Vec<(String, Value)>, name: String, value: Value) {
    match members.iter_mut().find(|(n, _)| *n == name) {
        Some((_, Value::Array(items))) => items.push(value),
        Some((_, existing)) => {
            let first = std::mem::replace(existing, Value::Null);
            *existing = Value::Array(vec![first, value]);
        }
        None => members.push((name, value)),
    }
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Text(text) => out.push_str(&serde_json::Value::from(text.as_str()).to_string()),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (index, (name, item)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(name.as_str()).to_string());
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_becomes_json_in_document_order() {
        let mut capture = JsonCapture::default();
        capture.open("customer", [("id", "C1")].into_iter());
        capture.open("name", std::iter::empty());
        capture.text(" Ann \"A\" ");
        assert_eq!(capture.close(), None);
        for phone in ["1", "2"] {
            capture.open("phone", std::iter::empty());
            capture.text(phone);
            capture.close();
        }
        capture.open("fax", std::iter::empty());
        capture.close();
        capture.text("tail");
        assert_eq!(
            capture.close().unwrap(),
            r##"{"@id":"C1","name":"Ann \"A\"","phone":["1","2"],"fax":null,"#text":"tail"}"##
        );
        assert!(!capture.is_active());
    }
}
