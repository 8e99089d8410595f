//! Strings that are partly known: what a value renders to when some of
//! its parts (a reference to a computed attribute, a Rust expression) are
//! known only later.
//!
//! Layer: navigate. A rule can split and compare a [`Text`], and only ever
//! learns a part's content when that part is known; the navigator parses
//! one as JSON to enter a policy document held in a string.

use super::{resolve, MAX_HOPS};
use crate::graph::Graph;
use crate::value::Value;

/// A string as Terraform will render it, of which some parts may be known
/// only later (a reference to a computed attribute, a run-time value).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Text {
    /// Never two known pieces in a row.
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Known(String),
    Unknown,
}

impl Text {
    fn push_str(&mut self, s: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Known(last)) => last.push_str(s),
            _ => self.pieces.push(Piece::Known(s.to_owned())),
        }
    }

    fn push_unknown(&mut self) {
        self.pieces.push(Piece::Unknown);
    }

    /// The whole string, when every part of it is known.
    pub(crate) fn known(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Known(s)] => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_known(&self) -> bool {
        self.known().is_some()
    }

    /// Could the text be `s` once its unknown parts are known? `false`
    /// when its known parts already rule that out (`arn:${...}:root` is
    /// never `*`).
    pub(crate) fn could_be(&self, s: &str) -> bool {
        let mut rest = s;
        let mut anchored = true;
        for piece in &self.pieces {
            match piece {
                Piece::Unknown => anchored = false,
                Piece::Known(k) if anchored => match rest.strip_prefix(k.as_str()) {
                    Some(r) => rest = r,
                    None => return false,
                },
                Piece::Known(k) => match rest.find(k.as_str()) {
                    Some(at) => rest = &rest[at + k.len()..],
                    None => return false,
                },
            }
        }
        match self.pieces.last() {
            // Ends in a known part: it must end `s`, not just occur in it.
            Some(Piece::Known(k)) if !anchored => rest.is_empty() || s.ends_with(k.as_str()),
            Some(Piece::Unknown) => true,
            _ => rest.is_empty(),
        }
    }

    /// Splits at the last `separator` that stands in a known part.
    pub(crate) fn rsplit_once(&self, separator: char) -> Option<(Text, Text)> {
        let (at, piece) = self.pieces.iter().enumerate().rev().find_map(|(i, p)| match p {
            Piece::Known(s) => s.rfind(separator).map(|pos| (i, (s, pos))),
            Piece::Unknown => None,
        })?;
        let (s, pos) = piece;
        let mut before = Text { pieces: self.pieces[..at].to_vec() };
        before.push_str(&s[..pos]);
        let mut after = Text::default();
        after.push_str(&s[pos + separator.len_utf8()..]);
        after.pieces.extend(self.pieces[at + 1..].iter().cloned());
        Some((before.trimmed(), after.trimmed()))
    }

    /// Splits at the first `n - 1` separators that stand in known parts.
    pub(crate) fn splitn(&self, n: usize, separator: char) -> Vec<Text> {
        let mut out = Vec::new();
        let mut current = Text::default();
        for piece in &self.pieces {
            match piece {
                Piece::Unknown => current.push_unknown(),
                Piece::Known(s) => {
                    let mut rest = s.as_str();
                    while out.len() + 1 < n {
                        let Some(pos) = rest.find(separator) else { break };
                        current.push_str(&rest[..pos]);
                        out.push(std::mem::take(&mut current).trimmed());
                        rest = &rest[pos + separator.len_utf8()..];
                    }
                    current.push_str(rest);
                }
            }
        }
        out.push(current.trimmed());
        out
    }

    /// Drops empty known pieces left by a split, so `known()` sees the shape.
    fn trimmed(mut self) -> Text {
        self.pieces.retain(|p| !matches!(p, Piece::Known(s) if s.is_empty()));
        self
    }

    /// Parses the text as JSON. A JSON string with an unknown part becomes
    /// an unknown value; `Err(None)` when the text may be valid JSON once
    /// its unknown parts are known, `Err(Some(e))` when it cannot be.
    pub(crate) fn parse_json(&self) -> Result<Value, Option<serde_json::Error>> {
        // serde_json reads only complete text, so each unknown part is
        // written as a marker character that no known part contains.
        let marker = ('\u{E000}'..='\u{F8FF}')
            .find(|c| !self.pieces.iter().any(|p| matches!(p, Piece::Known(s) if s.contains(*c))))
            .expect("BUG: a policy document uses every private-use character");
        let mut rendered = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Known(s) => rendered.push_str(s),
                Piece::Unknown => rendered.push(marker),
            }
        }
        match serde_json::from_str::<serde_json::Value>(&rendered) {
            Ok(json) => Ok(from_json(&json, marker)),
            Err(_) if !self.is_known() => Err(None),
            Err(e) => Err(Some(e)),
        }
    }
}

/// Parsed JSON as a value; strings with a part known only later become unknown.
fn from_json(json: &serde_json::Value, marker: char) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
        J::String(s) if s.contains(marker) => Value::Unknown,
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::List(items.iter().map(|i| from_json(i, marker)).collect()),
        J::Object(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), from_json(v, marker))).collect()),
    }
}

/// Unknown parts show as `${...}`, for messages.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Known(s) => f.write_str(s)?,
                Piece::Unknown => f.write_str("${...}")?,
            }
        }
        Ok(())
    }
}

/// The string a value renders to; `None` when the value is unset or null.
/// Numbers and bools render as Terraform converts them to strings.
pub(crate) fn text(value: Option<&Value>, graph: &Graph) -> Option<Text> {
    let value = value?;
    if matches!(resolve(value, graph), Some(Value::Null)) {
        return None;
    }
    let mut out = Text::default();
    push_text(&mut out, value, graph, 0);
    Some(out)
}

/// The string a value renders to, when all of it is known.
pub(crate) fn known_text(value: Option<&Value>, graph: &Graph) -> Option<String> {
    text(value, graph).and_then(|t| t.known().map(str::to_owned))
}

fn push_text(out: &mut Text, value: &Value, graph: &Graph, depth: usize) {
    match resolve(value, graph) {
        Some(Value::Str(s)) => out.push_str(s),
        Some(Value::Int(i)) => out.push_str(&i.to_string()),
        Some(Value::Float(f)) => out.push_str(&f.to_string()),
        Some(Value::Bool(b)) => out.push_str(&b.to_string()),
        Some(Value::Template(parts)) if depth < MAX_HOPS => parts.iter().for_each(|p| push_text(out, p, graph, depth + 1)),
        _ => out.push_unknown(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partly_known(parts: &[Option<&str>]) -> Text {
        let mut t = Text::default();
        for p in parts {
            match p {
                Some(s) => t.push_str(s),
                None => t.push_unknown(),
            }
        }
        t
    }

    #[test]
    fn text_splits_only_at_known_separators() {
        let arn = partly_known(&[Some("arn:aws:iam::"), None, Some(":policy/Admin")]);
        let parts = arn.splitn(6, ':');
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[4].to_string(), "${...}");
        assert!(!parts[4].is_known());
        assert_eq!(parts[5].known(), Some("policy/Admin"));
        let (before, after) = arn.rsplit_once('/').unwrap();
        assert_eq!((before.to_string().as_str(), after.known()), ("arn:aws:iam::${...}:policy", Some("Admin")));
        let cidr = partly_known(&[None, Some("/0")]);
        assert_eq!(cidr.rsplit_once('/').unwrap().1.known(), Some("0"));
        assert!(partly_known(&[Some("10.0.0.0"), None]).rsplit_once('/').is_none());
    }

    #[test]
    fn partly_known_text_rules_out_what_its_known_parts_contradict() {
        let arn = partly_known(&[Some("arn:"), None, Some(":iam::"), None, Some(":root")]);
        assert!(!arn.could_be("*"));
        assert!(arn.could_be("arn:aws:iam::123456789012:root"));
        assert!(!arn.could_be("arn:aws:iam::123456789012:user/x"));
        assert!(partly_known(&[None]).could_be("*"));
        assert!(partly_known(&[Some("a")]).could_be("a") && !partly_known(&[Some("a")]).could_be("ab"));
    }

    #[test]
    fn text_parses_json_with_unknown_strings() {
        let doc = partly_known(&[Some(r#"{"Action": "s3:"#), None, Some(r#"", "Effect": "Allow"}"#)]);
        let v = doc.parse_json().unwrap();
        assert_eq!(v.as_object().unwrap()["Action"], Value::Unknown);
        assert_eq!(v.as_object().unwrap()["Effect"], Value::from("Allow"));
        assert!(partly_known(&[Some("{"), None]).parse_json().unwrap_err().is_none());
        assert!(partly_known(&[Some("{")]).parse_json().unwrap_err().is_some());
    }
}
