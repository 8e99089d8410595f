//! Reads a policy file: TOML with the line of every key, checked field by
//! field so that every problem is one error naming the file, the line and
//! the field, with the accepted values. Nothing half-parsed escapes: any
//! error and the caller gets the errors only.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use regex::Regex;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Condition, DeclarativeRule, Listed, Literal, Op, OrgPolicy, PolicyFileError, OPERATORS};
use crate::path::AttrPath;
use crate::policy::{Level, RuleSet};
use crate::schema::suggest;

const TOP_FIELDS: &[&str] = &["rule", "unsuppressible", "rust_rules"];
const RULE_FIELDS: &[&str] = &["id", "level", "message", "rationale", "fix", "resources", "require"];
const CONDITION_FIELDS: &[&str] = &["attribute", "op", "value", "values", "min", "max", "pattern", "type"];

pub(super) fn parse(file: &str, text: &str) -> Result<OrgPolicy, Vec<PolicyFileError>> {
    let mut p = Parser { file, text, errors: Vec::new() };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            let message = format!("not valid TOML: {}", e.message().trim_end());
            p.error(at, None, None, message, Some("see the policy file format in the README's \"Organisation policy\" section"));
            return Err(p.errors);
        }
    };
    let mut policy = OrgPolicy { file: file.to_owned(), rules: Vec::new(), unsuppressible: Vec::new(), rust_rules: Vec::new() };
    for (key, value) in doc.get_ref().iter() {
        match key.get_ref().as_ref() {
            "rule" => policy.rules = p.rules(value).into_iter().map(Arc::new).collect(),
            "unsuppressible" => policy.unsuppressible = p.id_list(value, "unsuppressible"),
            "rust_rules" => policy.rust_rules = p.id_list(value, "rust_rules"),
            other => p.unknown_field(key.span(), None, other, TOP_FIELDS),
        }
    }
    p.cross_checks(&policy);
    if p.errors.is_empty() {
        Ok(policy)
    } else {
        p.errors.sort_by_key(|e| e.line);
        Err(p.errors)
    }
}

struct Parser<'t> {
    file: &'t str,
    text: &'t str,
    errors: Vec<PolicyFileError>,
}

/// A rule's table, by key, with the spans of key and value.
type Fields<'a, 'i> = BTreeMap<&'a str, (Range<usize>, &'a Spanned<DeValue<'i>>)>;

impl Parser<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    fn error(&mut self, offset: usize, rule: Option<&str>, field: Option<&str>, message: String, help: Option<&str>) {
        let line = self.line(offset);
        self.errors.push(PolicyFileError {
            file: self.file.to_owned(),
            line,
            rule: rule.map(str::to_owned),
            field: field.map(str::to_owned),
            message,
            help: help.map(str::to_owned),
        });
    }

    fn unknown_field(&mut self, span: Range<usize>, rule: Option<&str>, name: &str, accepted: &[&str]) {
        let help = match suggest(name, accepted.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? accepted: {}", ticks(accepted)),
            None => format!("accepted: {}", ticks(accepted)),
        };
        self.error(span.start, rule, Some(name), "unknown field".to_owned(), Some(&help));
    }

    /// The keys of a table, or an error when the value is not one.
    fn table<'a, 'i>(&mut self, value: &'a Spanned<DeValue<'i>>, rule: Option<&str>, field: &str, what: &str) -> Option<Fields<'a, 'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t.iter().map(|(k, v)| (k.get_ref().as_ref(), (k.span(), v))).collect()),
            other => {
                self.error(value.span().start, rule, Some(field), format!("expected {what}, found {}", other.type_str()), None);
                None
            }
        }
    }

    fn array<'a, 'i>(&mut self, value: &'a Spanned<DeValue<'i>>, rule: Option<&str>, field: &str, what: &str) -> Option<&'a [Spanned<DeValue<'i>>]> {
        match value.get_ref() {
            DeValue::Array(items) => Some(items),
            other => {
                self.error(value.span().start, rule, Some(field), format!("expected {what}, found {}", other.type_str()), None);
                None
            }
        }
    }

    fn string(&mut self, value: &Spanned<DeValue<'_>>, rule: Option<&str>, field: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                self.error(value.span().start, rule, Some(field), "is empty".to_owned(), None);
                None
            }
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(value.span().start, rule, Some(field), format!("expected a string, found {}", other.type_str()), None);
                None
            }
        }
    }

    fn number(&mut self, value: &Spanned<DeValue<'_>>, rule: Option<&str>, field: &str) -> Option<f64> {
        match literal(value.get_ref()) {
            Some(Literal::Int(i)) => Some(i as f64),
            Some(Literal::Float(x)) => Some(x),
            _ => {
                self.error(value.span().start, rule, Some(field), format!("expected a number, found {}", value.get_ref().type_str()), None);
                None
            }
        }
    }

    fn literal(&mut self, value: &Spanned<DeValue<'_>>, rule: Option<&str>, field: &str) -> Option<Literal> {
        let found = literal(value.get_ref());
        if found.is_none() {
            self.error(value.span().start, rule, Some(field), format!("expected a string, number or boolean, found {}", value.get_ref().type_str()), None);
        }
        found
    }

    /// `unsuppressible` or `rust_rules`: rule IDs, each on its line.
    fn id_list(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Vec<Listed> {
        let Some(items) = self.array(value, None, field, "a list of rule IDs") else { return Vec::new() };
        let mut out = Vec::new();
        for item in items {
            if let Some(id) = self.string(item, None, field) {
                out.push(Listed { value: id, line: self.line(item.span().start) });
            }
        }
        out
    }

    /// `[[rule]]`, each checked in full.
    fn rules(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<DeclarativeRule> {
        let Some(items) = self.array(value, None, "rule", "`[[rule]]` tables") else { return Vec::new() };
        let mut out = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let Some(fields) = self.table(item, None, "rule", "a `[[rule]]` table") else { continue };
            if let Some(rule) = self.rule(n, item.span().start, &fields) {
                out.push(rule);
            }
        }
        out
    }

    fn rule(&mut self, n: usize, start: usize, fields: &Fields<'_, '_>) -> Option<DeclarativeRule> {
        let before = self.errors.len();
        let id = match fields.get("id") {
            Some((_, v)) => self.string(v, Some(&format!("#{}", n + 1)), "id"),
            None => {
                self.error(start, Some(&format!("#{}", n + 1)), None, "has no `id`".to_owned(), Some("give it an ID such as `ORG-TAG-001`"));
                None
            }
        };
        let name = id.clone().unwrap_or_else(|| format!("#{}", n + 1));
        let rule = Some(name.as_str());
        if let (Some(id), Some((_, v))) = (&id, fields.get("id")) {
            if let Err(problem) = check_id(id) {
                self.error(v.span().start, rule, Some("id"), problem, Some("write an upper-case prefix and number such as `ORG-TAG-001`"));
            }
        }
        for (key, (span, _)) in fields {
            if !RULE_FIELDS.contains(key) {
                self.unknown_field(span.clone(), rule, key, RULE_FIELDS);
            }
        }
        let level = match fields.get("level") {
            None => Some(Level::Error),
            Some((_, v)) => match self.string(v, rule, "level").as_deref() {
                Some("error") => Some(Level::Error),
                Some("warning") => Some(Level::Warning),
                Some(other) => {
                    self.error(v.span().start, rule, Some("level"), format!("unknown level `{other}`"), Some("accepted: `error`, `warning`"));
                    None
                }
                None => None,
            },
        };
        let required = |p: &mut Self, key: &str, help: &str| match fields.get(key) {
            Some((_, v)) => p.string(v, rule, key),
            None => {
                p.error(start, rule, None, format!("has no `{key}`"), Some(help));
                None
            }
        };
        let message = required(self, "message", "add `message`: one lowercase sentence about the resource, such as \"the bucket has no `owner` tag\"");
        let fix = required(self, "fix", "add `fix`: how to comply, in one line");
        let rationale = match fields.get("rationale") {
            Some((_, v)) => self.string(v, rule, "rationale"),
            None => Some(String::new()),
        };
        let resources = match fields.get("resources") {
            Some((_, v)) => self.resources(v, rule),
            None => {
                self.error(start, rule, None, "has no `resources`".to_owned(), Some("list the resource types it checks: `resources = [\"aws_s3_bucket\", \"aws_sqs_*\"]`"));
                Vec::new()
            }
        };
        let conditions = match fields.get("require") {
            Some((_, v)) => self.conditions(v, rule),
            None => {
                self.error(start, rule, None, "has no `[[rule.require]]` condition".to_owned(), Some("add `[[rule.require]]` with `attribute` and `op`"));
                Vec::new()
            }
        };
        if self.errors.len() != before {
            return None;
        }
        Some(DeclarativeRule {
            id: id?,
            line: self.line(start),
            level: level?,
            message: message?,
            rationale: rationale?,
            fix: fix?,
            resources,
            conditions,
        })
    }

    fn resources(&mut self, value: &Spanned<DeValue<'_>>, rule: Option<&str>) -> Vec<Listed> {
        let Some(items) = self.array(value, rule, "resources", "a list of resource types") else { return Vec::new() };
        if items.is_empty() {
            self.error(value.span().start, rule, Some("resources"), "is empty: the rule would check nothing".to_owned(), None);
        }
        let mut out = Vec::new();
        for item in items {
            let Some(t) = self.string(item, rule, "resources") else { continue };
            if !t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '*') {
                self.error(item.span().start, rule, Some("resources"), format!("`{t}` is not a resource type or pattern"), Some("write a type such as `aws_s3_bucket`, or a pattern where `*` stands for any characters, such as `aws_s3_*`"));
                continue;
            }
            out.push(Listed { value: t, line: self.line(item.span().start) });
        }
        out
    }

    fn conditions(&mut self, value: &Spanned<DeValue<'_>>, rule: Option<&str>) -> Vec<Condition> {
        let Some(items) = self.array(value, rule, "require", "`[[rule.require]]` tables") else { return Vec::new() };
        if items.is_empty() {
            self.error(value.span().start, rule, Some("require"), "is empty: the rule would require nothing".to_owned(), None);
        }
        let mut out = Vec::new();
        for item in items {
            let Some(fields) = self.table(item, rule, "require", "a `[[rule.require]]` table") else { continue };
            if let Some(c) = self.condition(item.span().start, &fields, rule) {
                out.push(c);
            }
        }
        out
    }

    fn condition(&mut self, start: usize, fields: &Fields<'_, '_>, rule: Option<&str>) -> Option<Condition> {
        let before = self.errors.len();
        for (key, (span, _)) in fields {
            if !CONDITION_FIELDS.contains(key) {
                self.unknown_field(span.clone(), rule, key, CONDITION_FIELDS);
            }
        }
        let attribute = match fields.get("attribute") {
            Some((_, v)) => self.string(v, rule, "attribute").and_then(|text| match AttrPath::parse(&text) {
                Ok(path) => Some(path),
                Err(problem) => {
                    self.error(v.span().start, rule, Some("attribute"), problem, Some("write a path such as `retention_in_days`, `tags.owner` or `policy.Statement[*].Principal`"));
                    None
                }
            }),
            None => {
                self.error(start, rule, None, "has a condition without `attribute`".to_owned(), Some("name the attribute it reads, such as `attribute = \"tags.owner\"`"));
                None
            }
        };
        let Some((_, op_value)) = fields.get("op") else {
            self.error(start, rule, None, "has a condition without `op`".to_owned(), Some(&format!("accepted: {}", ticks(OPERATORS))));
            return None;
        };
        let op_name = self.string(op_value, rule, "op")?;
        if !OPERATORS.contains(&op_name.as_str()) {
            let help = match suggest(&op_name, OPERATORS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "see the operators in the README's \"Organisation policy\" section".to_owned(),
            };
            self.error(op_value.span().start, rule, Some("op"), format!("unknown operator `{op_name}`; accepted: {}", ticks(OPERATORS)), Some(&help));
            return None;
        }
        let operands: &[&str] = match op_name.as_str() {
            "present" | "absent" => &[],
            "equals" | "not_equals" | "contains" | "not_contains" => &["value"],
            "one_of" | "not_one_of" => &["values"],
            "in_range" => &["min", "max"],
            "matches" => &["pattern"],
            _ => &["type"],
        };
        for key in ["value", "values", "min", "max", "pattern", "type"] {
            if let Some((span, _)) = fields.get(key) {
                if !operands.contains(&key) {
                    let takes = if operands.is_empty() { "no operand".to_owned() } else { ticks(operands) };
                    self.error(span.start, rule, Some(key), format!("`{op_name}` does not use `{key}`"), Some(&format!("`{op_name}` takes {takes}")));
                }
            }
        }
        let operand = |p: &mut Self, key: &str, example: &str| match fields.get(key) {
            Some((_, v)) => Some(*v),
            None => {
                p.error(op_value.span().start, rule, Some("op"), format!("`{op_name}` needs `{key}`"), Some(&format!("add `{key} = {example}`")));
                None
            }
        };
        let op = match op_name.as_str() {
            "present" => Some(Op::Present),
            "absent" => Some(Op::Absent),
            "equals" => operand(self, "value", "\"...\"").and_then(|v| self.literal(v, rule, "value")).map(Op::Equals),
            "not_equals" => operand(self, "value", "\"...\"").and_then(|v| self.literal(v, rule, "value")).map(Op::NotEquals),
            "contains" => operand(self, "value", "\"...\"").and_then(|v| self.literal(v, rule, "value")).map(Op::Contains),
            "not_contains" => operand(self, "value", "\"*\"").and_then(|v| self.literal(v, rule, "value")).map(Op::NotContains),
            "one_of" | "not_one_of" => {
                let values = operand(self, "values", "[\"a\", \"b\"]").and_then(|v| {
                    let items = self.array(v, rule, "values", "a list of values")?;
                    let literals: Vec<Option<Literal>> = items.iter().map(|i| self.literal(i, rule, "values")).collect();
                    literals.into_iter().collect::<Option<Vec<_>>>()
                });
                values.map(|v| if op_name == "one_of" { Op::OneOf(v) } else { Op::NotOneOf(v) })
            }
            "in_range" => {
                let min = fields.get("min").map(|(_, v)| self.number(v, rule, "min"));
                let max = fields.get("max").map(|(_, v)| self.number(v, rule, "max"));
                match (min, max) {
                    (None, None) => {
                        self.error(op_value.span().start, rule, Some("op"), "`in_range` needs `min`, `max` or both".to_owned(), Some("add `min = 365`"));
                        None
                    }
                    (Some(None), _) | (_, Some(None)) => None,
                    (min, max) => {
                        let (min, max) = (min.flatten(), max.flatten());
                        if let (Some(lo), Some(hi)) = (min, max) {
                            if lo > hi {
                                self.error(op_value.span().start, rule, Some("min"), format!("`min` ({lo}) is above `max` ({hi}): no value is in range"), None);
                            }
                        }
                        Some(Op::InRange { min, max })
                    }
                }
            }
            "matches" => operand(self, "pattern", "\"^[a-z-]+$\"").and_then(|v| {
                let pattern = self.string(v, rule, "pattern")?;
                match Regex::new(&pattern) {
                    Ok(re) => Some(Op::Matches(re)),
                    Err(e) => {
                        self.error(v.span().start, rule, Some("pattern"), format!("bad regex `{pattern}`: {}", regex_problem(&e)), Some("write a regular expression in the syntax of the `regex` crate, such as `^[a-z][a-z0-9-]*$`"));
                        None
                    }
                }
            }),
            _ => operand(self, "type", "\"aws_kms_key\"").and_then(|v| self.string(v, rule, "type")).map(Op::References),
        };
        if self.errors.len() != before {
            return None;
        }
        Some(Condition { attribute: attribute?, op: op?, line: self.line(start) })
    }

    /// Duplicate IDs, IDs that clash with built-in ones, and unknown IDs in `unsuppressible`.
    fn cross_checks(&mut self, policy: &OrgPolicy) {
        let mut defined: BTreeMap<&str, usize> = BTreeMap::new();
        for rule in &policy.rules {
            if let Some(first) = defined.insert(&rule.id, rule.line) {
                let e = PolicyFileError {
                    file: self.file.to_owned(),
                    line: rule.line,
                    rule: Some(rule.id.clone()),
                    field: Some("id".to_owned()),
                    message: format!("the ID `{}` is defined twice (first on line {first})", rule.id),
                    help: Some("give each rule its own ID; never reuse one".to_owned()),
                };
                self.errors.push(e);
            }
        }
        for listed in &policy.rust_rules {
            let problem = if let Err(problem) = check_id(&listed.value) {
                Some((problem, "write an upper-case prefix and number such as `ACME-NAME-001`".to_owned()))
            } else if defined.contains_key(listed.value.as_str()) {
                Some((format!("`{}` is the ID of a rule of this file", listed.value), "give the Rust rule an ID of its own".to_owned()))
            } else {
                None
            };
            if let Some((message, help)) = problem {
                self.errors.push(PolicyFileError { file: self.file.to_owned(), line: listed.line, rule: None, field: Some("rust_rules".to_owned()), message, help: Some(help) });
            }
        }
        let shipped = RuleSet::built_in();
        let known: Vec<&str> = shipped.ids().chain(defined.keys().copied()).chain(policy.rust_rules.iter().map(|l| l.value.as_str())).collect();
        for listed in &policy.unsuppressible {
            if !known.contains(&listed.value.as_str()) {
                let help = match suggest(&listed.value, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? accepted: a built-in rule ID (the README's rule table), the `id` of a rule of this file, or an ID listed in `rust_rules`"),
                    None => "accepted: a built-in rule ID (the README's rule table), the `id` of a rule of this file, or an ID listed in `rust_rules`".to_owned(),
                };
                let message = format!("unknown rule `{}`", listed.value);
                self.errors.push(PolicyFileError { file: self.file.to_owned(), line: listed.line, rule: None, field: Some("unsuppressible".to_owned()), message, help: Some(help) });
            }
        }
    }
}

/// `ORG-TAG-001`: upper-case letters and digits in at least two parts
/// joined by `-`; `TAP-` is tap's own.
fn check_id(id: &str) -> Result<(), String> {
    let parts: Vec<&str> = id.split('-').collect();
    let well_formed = parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase());
    if !well_formed {
        return Err(format!("`{id}` is not a rule ID"));
    }
    if parts[0] == "TAP" {
        return Err(format!("`{id}` starts with `TAP-`, which tap's built-in rules use"));
    }
    Ok(())
}

/// The scalar a TOML value holds.
fn literal(value: &DeValue<'_>) -> Option<Literal> {
    match value {
        DeValue::String(s) => Some(Literal::Str(s.to_string())),
        DeValue::Boolean(b) => Some(Literal::Bool(*b)),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok().map(Literal::Int),
        DeValue::Float(x) => x.as_str().replace('_', "").parse().ok().map(Literal::Float),
        _ => None,
    }
}

/// The last line of a regex error (`unclosed character class`), without its diagram.
fn regex_problem(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
    last.trim().trim_start_matches("error: ").to_owned()
}

fn ticks(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::OrgPolicy;

    fn errors(text: &str) -> Vec<String> {
        match OrgPolicy::parse("org.toml", text) {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    const GOOD: &str = r#"
unsuppressible = ["TAP-S3-002", "ORG-TAG-001", "ACME-NAME-001"]
rust_rules = ["ACME-NAME-001"]

[[rule]]
id = "ORG-TAG-001"
level = "warning"
resources = ["aws_*"]
message = "the resource has no `owner` tag"
fix = "add it"
rationale = "someone answers for every resource"

[[rule.require]]
attribute = "tags.owner"
op = "matches"
pattern = "^[a-z-]+$"
"#;

    #[test]
    fn a_good_file_parses_with_lines() {
        let p = OrgPolicy::parse("org.toml", GOOD).unwrap();
        assert_eq!(p.rules.len(), 1);
        let rule = &p.rules[0];
        assert_eq!((rule.id.as_str(), rule.line, rule.level), ("ORG-TAG-001", 5, crate::policy::Level::Warning));
        assert_eq!(rule.resources[0].line, 8);
        assert_eq!(rule.conditions[0].line, 13);
        assert_eq!(p.unsuppressible_line("ACME-NAME-001"), Some(2));
    }

    #[test]
    fn each_problem_is_one_error_naming_line_and_field() {
        let text = r#"
[[rule]]
id = "ORG-TAG-001"
resources = ["aws_s3_bucket"]
message = "m"
fix = "f"
[[rule.require]]
attribute = "tags.owner"
op = "equal"
value = "x"

[[rule]]
id = "ORG-TAG-001"
resources = ["aws_s3_bucket"]
message = "m"
fix = "f"
[[rule.require]]
attribute = "bucket"
op = "matches"
pattern = "[a-"
"#;
        assert_eq!(
            errors(text),
            [
                "org.toml:9: rule `ORG-TAG-001`, field `op`: unknown operator `equal`; accepted: `present`, `absent`, `equals`, `not_equals`, `one_of`, `not_one_of`, `in_range`, `matches`, `contains`, `not_contains`, `references`\nhelp: did you mean `equals`?",
                "org.toml:20: rule `ORG-TAG-001`, field `pattern`: bad regex `[a-`: unclosed character class\nhelp: write a regular expression in the syntax of the `regex` crate, such as `^[a-z][a-z0-9-]*$`",
            ]
        );
    }

    #[test]
    fn duplicate_ids_name_the_first_definition() {
        let rule = "[[rule]]\nid = \"ORG-X-001\"\nresources = [\"aws_vpc\"]\nmessage = \"m\"\nfix = \"f\"\n[[rule.require]]\nattribute = \"cidr_block\"\nop = \"present\"\n";
        let errs = errors(&format!("{rule}{rule}"));
        assert_eq!(errs, ["org.toml:9: rule `ORG-X-001`, field `id`: the ID `ORG-X-001` is defined twice (first on line 1)\nhelp: give each rule its own ID; never reuse one"]);
    }

    #[test]
    fn malformed_toml_unknown_fields_and_unknown_ids() {
        let errs = errors("[[rule]\nid = 1\n");
        assert!(errs[0].starts_with("org.toml:1: not valid TOML:"), "{errs:?}");
        let errs = errors("unsupressible = []\n");
        assert_eq!(errs, ["org.toml:1: field `unsupressible`: unknown field\nhelp: did you mean `unsuppressible`? accepted: `rule`, `unsuppressible`, `rust_rules`"]);
        let errs = errors("unsuppressible = [\"TAP-S3-02\"]\n");
        assert!(errs[0].starts_with("org.toml:1: field `unsuppressible`: unknown rule `TAP-S3-02`\nhelp: did you mean `TAP-S3-002`?"), "{errs:?}");
        let errs = errors("[[rule]]\nid = \"TAP-S3-900\"\nlevel = \"fatal\"\nresources = [\"aws_vpc\"]\nmessage = \"\"\nfix = \"f\"\n[[rule.require]]\nattribute = \"a\"\nop = \"in_range\"\npattern = \"x\"\n");
        assert_eq!(
            errs,
            [
                "org.toml:2: rule `TAP-S3-900`, field `id`: `TAP-S3-900` starts with `TAP-`, which tap's built-in rules use\nhelp: write an upper-case prefix and number such as `ORG-TAG-001`",
                "org.toml:3: rule `TAP-S3-900`, field `level`: unknown level `fatal`\nhelp: accepted: `error`, `warning`",
                "org.toml:5: rule `TAP-S3-900`, field `message`: is empty",
                "org.toml:9: rule `TAP-S3-900`, field `op`: `in_range` needs `min`, `max` or both\nhelp: add `min = 365`",
                "org.toml:10: rule `TAP-S3-900`, field `pattern`: `in_range` does not use `pattern`\nhelp: `in_range` takes `min`, `max`",
            ]
        );
    }
}
