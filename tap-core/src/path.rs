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
}

/// A path from a resource body (or a reference's target) to one value.
/// Empty means the resource itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrPath(Vec<Step>);

impl AttrPath {
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

    fn with(&self, step: Step) -> Self {
        let mut p = self.clone();
        p.0.push(step);
        p
    }

    pub fn push(&mut self, step: Step) {
        self.0.push(step);
    }

    pub fn pop(&mut self) -> Option<Step> {
        self.0.pop()
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

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
            Step::Index(_) | Step::Key(_) => None,
        })
    }

    /// Does this path start with `prefix` (or equal it)?
    pub fn starts_with(&self, prefix: &AttrPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Parses `a.b[0].c["key"]` strictly: the inverse of `Display`, with
    /// the reason when `s` is not a path.
    pub fn try_parse(s: &str) -> Result<Self, String> {
        let mut steps = Vec::new();
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err("the path is empty".to_owned());
        }
        let mut expect_name = true;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('[') {
                let close = inner.find(']').ok_or_else(|| format!("`[` without `]` in `{s}`"))?;
                let index = &inner[..close];
                if let Some(key) = index.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                    steps.push(Step::Key(key.to_owned()));
                } else {
                    let i = index.parse().map_err(|_| format!("`[{index}]` in `{s}` is not a list index (a number) or a quoted key"))?;
                    steps.push(Step::Index(i));
                }
                rest = &inner[close + 1..];
                expect_name = false;
                continue;
            }
            if !expect_name {
                rest = rest.strip_prefix('.').ok_or_else(|| format!("expected `.` or `[` after `{}` in `{s}`", &s[..s.len() - rest.len()]))?;
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':') {
                return Err(format!("`{name}` in `{s}` is not an attribute name"));
            }
            steps.push(Step::Attr(name.to_owned()));
            rest = &rest[end..];
            expect_name = false;
        }
        Ok(AttrPath(steps))
    }

    /// Parses `a.b[0].c` (the inverse of `Display` for names and indices).
    pub fn parse(s: &str) -> Self {
        let mut steps = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                steps.push(Step::Attr(rest[..open].to_owned()));
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let close = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..close].parse() {
                        steps.push(Step::Index(i));
                    }
                    rest = stripped.get(close + 1..).unwrap_or("");
                }
            } else {
                steps.push(Step::Attr(rest.to_owned()));
            }
        }
        AttrPath(steps)
    }

    /// Writes the steps; `leading_dot` when something (a reference's target) comes before.
    pub(crate) fn write_steps(&self, f: &mut fmt::Formatter<'_>, leading_dot: bool) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(n) if i == 0 && !leading_dot => f.write_str(n)?,
                Step::Attr(n) => write!(f, ".{n}")?,
                Step::Index(ix) => write!(f, "[{ix}]")?,
                Step::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
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
        assert_eq!(AttrPath::parse(&p.to_string()), p);
        assert_eq!(p.names_only(), "vpc_config.subnet_ids");
        assert_eq!(p.last_name(), Some("subnet_ids"));
        assert_eq!(p.first_name(), Some("vpc_config"));
    }

    #[test]
    fn strict_parsing_names_what_is_wrong() {
        let p = AttrPath::try_parse("policy.Statement[1].Action[0]").unwrap();
        assert_eq!(p.to_string(), "policy.Statement[1].Action[0]");
        assert!(p.starts_with(&AttrPath::try_parse("policy.Statement[1]").unwrap()));
        assert!(!p.starts_with(&AttrPath::try_parse("policy.Statement[0]").unwrap()));
        assert_eq!(AttrPath::try_parse("tags[\"Name\"]").unwrap().steps()[1], Step::Key("Name".into()));
        assert!(AttrPath::try_parse("").unwrap_err().contains("empty"));
        assert!(AttrPath::try_parse("ingress[x]").unwrap_err().contains("not a list index"));
        assert!(AttrPath::try_parse("a..b").unwrap_err().contains("is not an attribute name"));
        assert!(AttrPath::try_parse("a[0").unwrap_err().contains("without `]`"));
    }

    #[test]
    fn keys_render_quoted() {
        let p = AttrPath::from(vec![Step::Attr("tags".into()), Step::Key("a\"b".into())]);
        assert_eq!(p.to_string(), "tags[\"a\\\"b\"]");
        assert_eq!(p.last_name(), Some("tags"));
    }
}
