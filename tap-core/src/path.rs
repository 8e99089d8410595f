//! Attribute paths: where a value sits inside a resource body
//! (`vpc_config[0].subnet_ids[1]`), and what a reference reads on its
//! target (`tags["Name"]`).
//!
//! Layer: values (the bottom). One [`Step`] type serves both, so a finding
//! of the schema checker, a finding of a policy rule and the path of a
//! reference are the same kind of thing; the compile-time checker maps
//! them back to the user's tokens, synthesis names them in messages and
//! renders references with them.

use std::fmt;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// An argument, a nested block or an object field: `.name`. Body paths
    /// also name map entries this way (`tags.Name`), as findings read best.
    Attr(String),
    /// An element of a list, or an instance of a repeated block: `[3]`.
    Index(usize),
    /// A map key read by a reference: `["Name"]`.
    Key(String),
    /// `[*]`: every element of a list (a single value, or a block written
    /// once, counts as a list of one). Only patterns hold it: organisation
    /// rules' attributes; a concrete path names each index.
    Each,
}

/// A path from a resource body (or a reference's target) to one value.
/// Empty means the resource itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrPath(Vec<Step>);

impl AttrPath {
    /// The empty path: the resource itself.
    pub fn root() -> Self {
        AttrPath(Vec::new())
    }

    /// This path, one attribute further.
    pub fn name(&self, name: &str) -> Self {
        self.with(Step::Attr(name.to_owned()))
    }

    /// This path, one list element further.
    pub fn index(&self, i: usize) -> Self {
        self.with(Step::Index(i))
    }

    /// This path, one step further.
    pub fn with(&self, step: Step) -> Self {
        let mut p = self.clone();
        p.0.push(step);
        p
    }

    /// Appends a step.
    pub fn push(&mut self, step: Step) {
        self.0.push(step);
    }

    /// Removes the last step.
    pub fn pop(&mut self) -> Option<Step> {
        self.0.pop()
    }

    /// The steps, first to last.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    /// Is it the empty path?
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The first step, when it is an attribute: the top-level argument.
    pub fn first_name(&self) -> Option<&str> {
        match self.0.first() {
            Some(Step::Attr(a)) => Some(a),
            _ => None,
        }
    }

    /// The path with indices and keys removed: `vpc_config.subnet_ids`, the form constraint tables use.
    pub fn names_only(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            if let Step::Attr(n) = step {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
        }
        out
    }

    /// The last name in the path (the attribute a value belongs to).
    pub fn last_name(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Step::Attr(n) => Some(n.as_str()),
            Step::Index(_) | Step::Key(_) | Step::Each => None,
        })
    }

    /// Does this path start with `prefix` (or equal it)?
    pub fn starts_with(&self, prefix: &AttrPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Parses `a.b[0].c["key"]` or the pattern `a.b[*].c`: the inverse of
    /// `Display`, and the one parser of paths (finding paths, suppressions,
    /// organisation rules, test assertions). Strict: the error says what is
    /// wrong with `s`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut steps = Vec::new();
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err("the path is empty".to_owned());
        }
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('[') {
                if steps.is_empty() {
                    return Err(format!("`{s}` must start with an attribute name"));
                }
                // A quoted key ends at `"]`; it may hold `.`, `[` and escaped quotes.
                let (step, after) = if let Some(quoted) = inner.strip_prefix('"') {
                    let close = quoted.find("\"]").map(|i| i + 1).ok_or_else(|| format!("`[\"` without `\"]` in `{s}`"))?;
                    let key: String = serde_json::from_str(&inner[..=close]).map_err(|_| format!("`[{}]` in `{s}` is not a quoted key", &inner[..=close]))?;
                    (Step::Key(key), &inner[close + 2..])
                } else {
                    let close = inner.find(']').ok_or_else(|| format!("`[` without `]` in `{s}`"))?;
                    let index = inner[..close].trim();
                    let step = match index {
                        "*" => Step::Each,
                        _ => Step::Index(index.parse().map_err(|_| format!("`[{index}]` in `{s}` is not a list index (a number), `[*]` or a quoted key"))?),
                    };
                    (step, &inner[close + 1..])
                };
                steps.push(step);
                rest = after;
                continue;
            }
            if !steps.is_empty() {
                rest = rest.strip_prefix('.').ok_or_else(|| format!("expected `.` or `[` after `{}` in `{s}`", &s.trim()[..s.trim().len() - rest.len()]))?;
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':') {
                return Err(format!("`{name}` in `{s}` is not an attribute name"));
            }
            steps.push(Step::Attr(name.to_owned()));
            rest = &rest[end..];
        }
        Ok(AttrPath(steps))
    }

    /// Does the path hold a `[*]`, so that it names many places?
    pub fn is_pattern(&self) -> bool {
        self.0.contains(&Step::Each)
    }

    /// Writes the steps; `leading_dot` when something (a reference's target) comes before.
    pub(crate) fn write_steps(&self, f: &mut impl fmt::Write, leading_dot: bool) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(n) if i == 0 && !leading_dot => f.write_str(n)?,
                Step::Attr(n) => write!(f, ".{n}")?,
                Step::Index(ix) => write!(f, "[{ix}]")?,
                Step::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
                Step::Each => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl From<Vec<Step>> for AttrPath {
    fn from(steps: Vec<Step>) -> Self {
        AttrPath(steps)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_steps(f, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let p = AttrPath::root().name("vpc_config").index(0).name("subnet_ids").index(2);
        assert_eq!(p.to_string(), "vpc_config[0].subnet_ids[2]");
        assert_eq!(AttrPath::parse(&p.to_string()), Ok(p.clone()));
        assert_eq!(p.names_only(), "vpc_config.subnet_ids");
        assert_eq!(p.last_name(), Some("subnet_ids"));
        assert_eq!(p.first_name(), Some("vpc_config"));
    }

    #[test]
    fn strict_parsing_names_what_is_wrong() {
        let p = AttrPath::parse("policy.Statement[1].Action[0]").unwrap();
        assert_eq!(p.to_string(), "policy.Statement[1].Action[0]");
        assert!(p.starts_with(&AttrPath::parse("policy.Statement[1]").unwrap()));
        assert!(!p.starts_with(&AttrPath::parse("policy.Statement[0]").unwrap()));
        assert_eq!(AttrPath::parse("tags[\"Name\"]").unwrap().steps()[1], Step::Key("Name".into()));
        assert!(AttrPath::parse("").unwrap_err().contains("empty"));
        assert!(AttrPath::parse("ingress[x]").unwrap_err().contains("not a list index"));
        assert!(AttrPath::parse("a..b").unwrap_err().contains("is not an attribute name"));
        assert!(AttrPath::parse("a[0").unwrap_err().contains("without `]`"));
        assert!(AttrPath::parse("[0].a").unwrap_err().contains("must start with an attribute name"));
        assert!(AttrPath::parse("a.").unwrap_err().contains("is not an attribute name"));
        assert!(AttrPath::parse("a[\"x").unwrap_err().contains("without"));
    }

    #[test]
    fn wildcards_and_quoted_keys_round_trip() {
        for text in ["policy.Statement[*].Principal.AWS", "tags[\"kubernetes.io/role\"]", "tags[\"a\\\"b\"].x", "rule[1][*]"] {
            let p = AttrPath::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(p.to_string(), text);
        }
        let p = AttrPath::parse("ingress[*].cidr_blocks").unwrap();
        assert!(p.is_pattern() && !AttrPath::parse("ingress[0]").unwrap().is_pattern());
        assert_eq!(p.steps()[1], Step::Each);
    }

    #[test]
    fn keys_render_quoted() {
        let p = AttrPath::from(vec![Step::Attr("tags".into()), Step::Key("a\"b".into())]);
        assert_eq!(p.to_string(), "tags[\"a\\\"b\"]");
        assert_eq!(p.last_name(), Some("tags"));
    }
}
