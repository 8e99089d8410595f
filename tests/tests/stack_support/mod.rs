//! Helpers for the `stack_*` tests: synthesize the tap-stack into a
//! temporary directory, read the Terraform JSON back, follow `${...}`
//! references and read the HCL expressions Terraform would evaluate
//! (`jsonencode({...})` policies) as JSON.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as J};
use tap_stack::Config;

/// One synthesized stack, read back from disk.
pub struct Synth {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub doc: J,
    pub config: Config,
}

/// Synthesizes `config` into a fresh temporary directory.
pub fn synth(config: Config) -> Synth {
    let tmp = tempfile::tempdir().unwrap();
    let (_, synthesized) = tap_stack::synthesize(&config).unwrap_or_else(|e| panic!("synthesis failed:\n{e}"));
    let dir = tap_stack::write(tmp.path(), &synthesized).unwrap();
    let doc = read_json(&dir.join("cdk.tf.json"));
    Synth { _tmp: tmp, dir, doc, config }
}

pub fn default() -> Synth {
    synth(Config::default())
}

/// Every file under `dir`, relative path -> bytes (empty if `dir` is missing).
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

pub fn read_json(path: &Path) -> J {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

impl Synth {
    /// `name -> body` of every resource of `type_name`.
    pub fn all(&self, type_name: &str) -> BTreeMap<String, &J> {
        self.doc["resource"].get(type_name).and_then(J::as_object).map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect()).unwrap_or_default()
    }

    pub fn one(&self, type_name: &str, name: &str) -> &J {
        self.doc["resource"][type_name].get(name).unwrap_or_else(|| panic!("no {type_name}.{name}"))
    }

    /// The only resource of a type.
    pub fn only(&self, type_name: &str) -> (String, &J) {
        let all = self.all(type_name);
        assert_eq!(all.len(), 1, "expected exactly one {type_name}, found {:?}", all.keys());
        all.into_iter().next().unwrap()
    }

    /// The resource a `${type.name.attr}` string points at, with the attribute.
    pub fn target(&self, reference: &J) -> (String, String, &J) {
        let r = parse_ref(reference.as_str().unwrap_or_else(|| panic!("not a reference: {reference}")))
            .unwrap_or_else(|| panic!("not a single reference: {reference}"));
        assert!(!r.data, "expected a managed resource, got data.{}.{}", r.type_name, r.name);
        let body = self.one(&r.type_name, &r.name);
        (format!("{}.{}", r.type_name, r.name), r.attr, body)
    }

    /// Every string anywhere in the document, with its JSON path.
    pub fn strings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        walk_strings(&self.doc, "", &mut out);
        out
    }
}

fn walk_strings(v: &J, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        J::String(s) => out.push((path.to_owned(), s.clone())),
        J::Array(items) => items.iter().enumerate().for_each(|(i, x)| walk_strings(x, &format!("{path}[{i}]"), out)),
        J::Object(m) => m.iter().for_each(|(k, x)| walk_strings(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// `${aws_x.name.attr...}` or `${data.aws_x.name.attr}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub data: bool,
    pub type_name: String,
    pub name: String,
    /// The rest of the traversal: `id`, `names[0]`.
    pub attr: String,
}

impl Ref {
    pub fn address(&self) -> String {
        format!("{}{}.{}", if self.data { "data." } else { "" }, self.type_name, self.name)
    }
}

/// A string that is exactly one reference, `${...}` and nothing else.
pub fn parse_ref(s: &str) -> Option<Ref> {
    let inner = s.strip_prefix("${")?.strip_suffix('}')?;
    parse_traversal(inner)
}

fn parse_traversal(inner: &str) -> Option<Ref> {
    if !inner.chars().all(|c| c.is_ascii_alphanumeric() || "_-.[]\"".contains(c)) {
        return None;
    }
    let (data, rest) = match inner.strip_prefix("data.") {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let mut parts = rest.splitn(3, '.');
    let type_name = parts.next()?.to_owned();
    let name = parts.next()?.to_owned();
    let attr = parts.next()?.to_owned();
    type_name.starts_with("aws_").then_some(Ref { data, type_name, name, attr })
}

/// The addresses a reference list points at (`["${aws_subnet.a.id}", ...]`).
pub fn targets(list: &J) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| parse_ref(v.as_str().unwrap()).unwrap_or_else(|| panic!("not a reference: {v}")).address())
        .collect()
}

/// A nested block as Terraform JSON writes it: a one-element list.
pub fn block<'a>(body: &'a J, key: &str) -> &'a J {
    let v = body.get(key).unwrap_or_else(|| panic!("no block `{key}` in {body}"));
    match v {
        J::Array(items) => {
            assert_eq!(items.len(), 1, "block `{key}` has {} instances", items.len());
            &items[0]
        }
        other => other,
    }
}

// ------------------------------------------------------------------ HCL expressions

/// The JSON value of `${jsonencode(EXPR)}`: references and other
/// interpolations stay as `${...}` text.
pub fn jsonencoded(s: &J) -> J {
    let s = s.as_str().unwrap_or_else(|| panic!("not a string: {s}"));
    let inner = s.strip_prefix("${jsonencode(").and_then(|r| r.strip_suffix(")}")).unwrap_or_else(|| panic!("not `${{jsonencode(...)}}`: {s}"));
    hcl(inner)
}

/// Parses one HCL expression of the subset tap emits.
pub fn hcl(text: &str) -> J {
    let mut p = Hcl { s: text.as_bytes(), i: 0 };
    let v = p.expr();
    p.ws();
    assert_eq!(p.i, p.s.len(), "trailing text in HCL expression at {}: {}", p.i, &text[p.i..]);
    v
}

struct Hcl<'a> {
    s: &'a [u8],
    i: usize,
}

impl Hcl<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] as char).is_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> u8 {
        self.s.get(self.i).copied().unwrap_or(0)
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.peek() as char, c as char, "expected `{}` at {} in {}", c as char, self.i, String::from_utf8_lossy(self.s));
        self.i += 1;
    }

    fn expr(&mut self) -> J {
        self.ws();
        match self.peek() {
            b'"' => J::String(self.string()),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.peek() == b']' {
                        self.i += 1;
                        break;
                    }
                    items.push(self.expr());
                    self.ws();
                    if self.peek() == b',' {
                        self.i += 1;
                    }
                }
                J::Array(items)
            }
            b'{' => {
                self.i += 1;
                let mut m = Map::new();
                loop {
                    self.ws();
                    if self.peek() == b'}' {
                        self.i += 1;
                        break;
                    }
                    let key = self.string();
                    self.eat(b'=');
                    let v = self.expr();
                    assert!(m.insert(key.clone(), v).is_none(), "key {key} twice");
                    self.ws();
                    if self.peek() == b',' {
                        self.i += 1;
                    }
                }
                J::Object(m)
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                self.i += 1;
                while matches!(self.peek(), b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                    self.i += 1;
                }
                serde_json::from_str(std::str::from_utf8(&self.s[start..self.i]).unwrap()).unwrap()
            }
            _ => {
                // An identifier: a keyword, a traversal or a function call.
                let start = self.i;
                while matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'[') {
                    if self.peek() == b'[' {
                        // An index or key step, up to its `]`.
                        while self.peek() != b']' {
                            assert!(self.peek() != 0, "unterminated index");
                            self.i += 1;
                        }
                    }
                    self.i += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.i]).unwrap().to_owned();
                assert!(!word.is_empty(), "unexpected `{}` at {}", self.peek() as char, self.i);
                match word.as_str() {
                    "null" => J::Null,
                    "true" => J::Bool(true),
                    "false" => J::Bool(false),
                    _ if self.peek() == b'(' => {
                        // Keep calls as text: `${fn(...)}`.
                        let open = self.i;
                        let mut depth = 0;
                        let mut in_str = false;
                        loop {
                            let c = self.peek();
                            assert!(c != 0, "unterminated call");
                            if in_str {
                                if c == b'\\' {
                                    self.i += 1;
                                } else if c == b'"' {
                                    in_str = false;
                                }
                            } else if c == b'"' {
                                in_str = true;
                            } else if c == b'(' {
                                depth += 1;
                            } else if c == b')' {
                                depth -= 1;
                                if depth == 0 {
                                    self.i += 1;
                                    break;
                                }
                            }
                            self.i += 1;
                        }
                        J::String(format!("${{{word}{}}}", std::str::from_utf8(&self.s[open..self.i]).unwrap()))
                    }
                    _ => J::String(format!("${{{word}}}")),
                }
            }
        }
    }

    /// A quoted template; interpolations are kept as `${...}` text (nested
    /// templates inside them are unquoted), escapes are decoded, and the
    /// escaped `$${` stays `$${` so that it cannot be mistaken for an interpolation.
    fn string(&mut self) -> String {
        self.ws();
        self.eat(b'"');
        let mut out = String::new();
        loop {
            let c = self.peek();
            assert!(c != 0, "unterminated string");
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.peek();
                    self.i += 1;
                    out.push(match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        other => panic!("unknown escape \\{}", other as char),
                    });
                }
                b'$' if self.peek() == b'$' && self.s.get(self.i + 1) == Some(&b'{') => {
                    out.push_str("$${");
                    self.i += 2;
                }
                b'%' if self.peek() == b'%' && self.s.get(self.i + 1) == Some(&b'{') => {
                    out.push_str("%%{");
                    self.i += 2;
                }
                b'$' if self.peek() == b'{' => {
                    self.i += 1;
                    let inner = self.expr();
                    self.eat(b'}');
                    match inner {
                        J::String(s) if s.starts_with("${") => out.push_str(&s),
                        J::String(s) => out.push_str(&s),
                        other => out.push_str(&format!("${{{other}}}")),
                    }
                }
                _ => {
                    // Re-assemble UTF-8 sequences byte by byte.
                    let start = self.i - 1;
                    let len = utf8_len(c);
                    self.i = start + len;
                    out.push_str(std::str::from_utf8(&self.s[start..self.i]).unwrap());
                }
            }
        }
        out
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// The statements of a policy document, `Action`/`Resource` normalized to lists.
pub fn statements(policy: &J) -> Vec<J> {
    let doc = jsonencoded(policy);
    assert_eq!(doc["Version"], "2012-10-17", "policy version: {doc}");
    doc["Statement"]
        .as_array()
        .unwrap_or_else(|| panic!("no Statement list: {doc}"))
        .iter()
        .map(|s| {
            let mut s = s.clone();
            for key in ["Action", "Resource"] {
                if let Some(J::String(one)) = s.get(key) {
                    s[key] = J::Array(vec![J::String(one.clone())]);
                }
            }
            s
        })
        .collect()
}

pub fn strs(v: &J) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("not a list: {v}")).iter().map(|x| x.as_str().unwrap().to_owned()).collect()
}

/// Every `(resource address, policy attribute, document)` in the stack:
/// IAM role policies and trust policies, and resource policies.
pub fn policies(s: &Synth) -> Vec<(String, &'static str, &J)> {
    let mut out = Vec::new();
    for (type_name, attr) in [
        ("aws_iam_role_policy", "policy"),
        ("aws_iam_policy", "policy"),
        ("aws_iam_role", "assume_role_policy"),
        ("aws_kms_key", "policy"),
        ("aws_vpc_endpoint", "policy"),
        ("aws_sns_topic_policy", "policy"),
    ] {
        for (name, body) in s.all(type_name) {
            if let Some(p) = body.get(attr) {
                out.push((format!("{type_name}.{name}"), attr, p));
            }
        }
    }
    out
}
