//! Attribute paths inside a resource body (`vpc_config[0].subnet_ids[1]`).
//!
//! Every finding of the schema checker and of the policy rules carries one,
//! so the compile-time checker can map it back to the user's token and
//! synthesis can name it in a message.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    Name(String),
    Index(usize),
}

/// A path from the resource body to one value. Empty means the resource itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrPath(pub Vec<Seg>);

impl AttrPath {
    pub fn root() -> Self {
        AttrPath(Vec::new())
    }

    pub fn name(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Name(name.to_owned()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path with indices removed: `vpc_config.subnet_ids`, the form constraint tables use.
    pub fn names_only(&self) -> String {
        let mut out = String::new();
        for seg in &self.0 {
            if let Seg::Name(n) = seg {
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
            Seg::Name(n) => Some(n.as_str()),
            Seg::Index(_) => None,
        })
    }

    /// Parses `a.b[0].c` (the inverse of `Display`).
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                segs.push(Seg::Name(rest[..open].to_owned()));
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let close = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..close].parse() {
                        segs.push(Seg::Index(i));
                    }
                    rest = stripped.get(close + 1..).unwrap_or("");
                }
            } else {
                segs.push(Seg::Name(rest.to_owned()));
            }
        }
        AttrPath(segs)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Name(n) if i == 0 => f.write_str(n)?,
                Seg::Name(n) => write!(f, ".{n}")?,
                Seg::Index(ix) => write!(f, "[{ix}]")?,
            }
        }
        Ok(())
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
    }
}
