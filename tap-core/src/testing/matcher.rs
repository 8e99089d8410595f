//! The matcher: an expected JSON value, with matchers embedded in it,
//! compared with a rendered Terraform JSON value, giving every difference.
//!
//! Layer: testing. Works on `serde_json` values only; it knows nothing of
//! stacks, so what it compares is exactly what synthesis wrote.
//!
//! Rules, in one place:
//! - an object matches partially: each expected key must match, other keys
//!   of the actual object are ignored (inside [`exactly`] they are not);
//! - an array matches element by element and must have the same length;
//!   [`any_element`] and [`array_containing`] relax that;
//! - `null` and [`absent`] match a key that is missing (synthesis leaves
//!   out null arguments, so missing and null are the same to Terraform);
//! - numbers compare by value (`1` matches `1.0`); nothing else converts:
//!   `"30"` does not match `30`, as Terraform JSON keeps the kind written.
//!
//! A matcher is a JSON object with the single key [`MATCH_KEY`], so it
//! can sit anywhere inside a `json!` literal.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde_json::{Map, Value as J};

use crate::path::{AttrPath, Step};

/// The key that marks a JSON object as a matcher. No Terraform argument
/// or block name starts with `$`.
pub const MATCH_KEY: &str = "$tap.match";

fn matcher(kind: &str, arg: J) -> J {
    let mut inner = Map::new();
    inner.insert(kind.to_owned(), arg);
    let mut outer = Map::new();
    outer.insert(MATCH_KEY.to_owned(), J::Object(inner));
    J::Object(outer)
}

/// Matches a key that is missing (or `null`): "this resource sets no
/// `kms_key_arn`". `json!(null)` means the same.
pub fn absent() -> J {
    matcher("absent", J::Null)
}

/// Matches any value that is present and not `null`.
pub fn anything() -> J {
    matcher("anything", J::Null)
}

/// Matches a string that is one Terraform reference to `target` or one of
/// its attributes: `reference_to("aws_kms_key")` matches
/// `"${aws_kms_key.main.arn}"`; `reference_to("aws_kms_key.main")`,
/// `reference_to("aws_kms_key.main.arn")` and
/// `reference_to("data.aws_iam_policy_document.assume")` are narrower.
/// A function call or a template around the reference does not match.
///
/// ```
/// use tap_core::testing::{json, matches, reference_to};
///
/// let body = json!({ "kms_key_arn": "${aws_kms_key.main.arn}" });
/// assert!(matches(&json!({ "kms_key_arn": reference_to("aws_kms_key.main") }), &body));
/// assert!(!matches(&json!({ "kms_key_arn": reference_to("aws_kms_key.other") }), &body));
/// ```
pub fn reference_to(target: &str) -> J {
    matcher("reference_to", J::String(target.to_owned()))
}

/// Matches a string that contains `part`.
pub fn string_containing(part: &str) -> J {
    matcher("string_containing", J::String(part.to_owned()))
}

/// Matches an array with at least one element that matches `expected`.
pub fn any_element(expected: impl Into<J>) -> J {
    matcher("any_element", expected.into())
}

/// Matches an array that has, for each expected element, a distinct
/// element matching it, in any order; other elements are ignored.
///
/// ```
/// use tap_core::testing::{array_containing, json, matches};
///
/// let body = json!({ "actions": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"] });
/// assert!(matches(&json!({ "actions": array_containing([json!("s3:PutObject"), json!("s3:GetObject")]) }), &body));
/// assert!(!matches(&json!({ "actions": ["s3:GetObject"] }), &body), "a plain array needs every element");
/// ```
pub fn array_containing(expected: impl IntoIterator<Item = J>) -> J {
    matcher("array_containing", J::Array(expected.into_iter().collect()))
}

/// Matches `expected` with no extra keys, at every depth: the whole object
/// as written. Matchers inside it still apply.
///
/// ```
/// use tap_core::testing::{exactly, json, matches};
///
/// let body = json!({ "tags": { "team": "a", "env": "dev" } });
/// assert!(matches(&json!({ "tags": { "team": "a" } }), &body));
/// assert!(!matches(&json!({ "tags": exactly(json!({ "team": "a" })) }), &body));
/// ```
pub fn exactly(expected: impl Into<J>) -> J {
    matcher("exactly", expected.into())
}

/// An expected value, parsed from JSON with its matchers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Matcher {
    /// A string, number or boolean, equal to the actual one.
    Literal(J),
    Absent,
    Anything,
    /// A partial object: these keys, others ignored (unless exact).
    Object(BTreeMap<String, Matcher>),
    /// An array of exactly these elements, in order.
    List(Vec<Matcher>),
    AnyElement(Box<Matcher>),
    Containing(Vec<Matcher>),
    Exactly(Box<Matcher>),
    StringContaining(String),
    ReferenceTo(String),
    /// A dotted path's step: the value itself, or the single instance of a
    /// list (a nested block is rendered as a list of its instances).
    Through(Box<Matcher>),
    /// A path's `[i]`: element `i` of a list; the others are ignored.
    Index(usize, Box<Matcher>),
}

impl Matcher {
    /// Reads an expected value. A malformed matcher object is the test's
    /// own mistake, so it panics with what to write instead.
    pub(crate) fn parse(expected: &J) -> Matcher {
        match expected {
            J::Null => Matcher::Absent,
            J::Object(map) if map.contains_key(MATCH_KEY) => Self::parse_matcher(map),
            J::Object(map) => Matcher::Object(map.iter().map(|(k, v)| (k.clone(), Matcher::parse(v))).collect()),
            J::Array(items) => Matcher::List(items.iter().map(Matcher::parse).collect()),
            scalar => Matcher::Literal(scalar.clone()),
        }
    }

    fn parse_matcher(map: &Map<String, J>) -> Matcher {
        let malformed = || -> ! {
            panic!(
                "malformed matcher `{}`: build matchers with the functions of `tap::testing` (`absent()`, `reference_to(..)`, ...)",
                J::Object(map.clone())
            )
        };
        let Some(J::Object(inner)) = map.get(MATCH_KEY) else { malformed() };
        if map.len() != 1 || inner.len() != 1 {
            malformed();
        }
        let (kind, arg) = inner.iter().next().expect("BUG: one entry was just counted");
        match (kind.as_str(), arg) {
            ("absent", J::Null) => Matcher::Absent,
            ("anything", J::Null) => Matcher::Anything,
            ("reference_to", J::String(target)) => Matcher::ReferenceTo(target.clone()),
            ("string_containing", J::String(part)) => Matcher::StringContaining(part.clone()),
            ("any_element", expected) => Matcher::AnyElement(Box::new(Matcher::parse(expected))),
            ("array_containing", J::Array(items)) => Matcher::Containing(items.iter().map(Matcher::parse).collect()),
            ("exactly", expected) => Matcher::Exactly(Box::new(Matcher::parse(expected))),
            _ => malformed(),
        }
    }

    /// The matcher of `path = value`: each name steps into an object, or
    /// through the single instance of a list block first.
    /// A path with `[*]` names many places: an error, since `value` is
    /// expected at one.
    pub(crate) fn at_path(path: &AttrPath, value: Matcher) -> Result<Matcher, String> {
        if path.is_pattern() {
            return Err(format!("`{path}` names every element with `[*]`; name one (`[0]`), or expect `any_element(...)` at the list"));
        }
        Ok(path.steps().iter().rev().fold(value, |inner, step| match step {
            Step::Attr(key) | Step::Key(key) => Matcher::Object(BTreeMap::from([(key.clone(), Matcher::Through(Box::new(inner)))])),
            Step::Index(i) => Matcher::Index(*i, Box::new(inner)),
            Step::Each => unreachable!("BUG: a pattern was rejected above"),
        }))
    }

    /// Does it match lists only? A path steps through no list for it.
    fn expects_list(&self) -> bool {
        match self {
            Matcher::List(_) | Matcher::AnyElement(_) | Matcher::Containing(_) | Matcher::Index(..) => true,
            Matcher::Exactly(inner) => inner.expects_list(),
            _ => false,
        }
    }

    /// How many expected leaves this matcher holds: the weight of a
    /// difference that misses all of it, so that a candidate lacking a
    /// whole block is not nearer than one with the block and a wrong value.
    fn leaves(&self) -> usize {
        match self {
            Matcher::Object(map) => map.values().map(Matcher::leaves).sum::<usize>().max(1),
            Matcher::List(items) | Matcher::Containing(items) => items.iter().map(Matcher::leaves).sum::<usize>().max(1),
            Matcher::Exactly(inner) | Matcher::Through(inner) | Matcher::Index(_, inner) | Matcher::AnyElement(inner) => inner.leaves(),
            _ => 1,
        }
    }
}

/// Written as the user writes it: JSON, with matchers as their calls.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, items: &[Matcher]| -> fmt::Result {
            f.write_str("[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            f.write_str("]")
        };
        match self {
            Matcher::Literal(v) => write!(f, "{v}"),
            Matcher::Absent => f.write_str("absent()"),
            Matcher::Anything => f.write_str("anything()"),
            Matcher::Object(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {v}", J::String(k.clone()))?;
                }
                f.write_str("}")
            }
            Matcher::List(items) => list(f, items),
            Matcher::AnyElement(inner) => write!(f, "any_element({inner})"),
            Matcher::Containing(items) => {
                f.write_str("array_containing(")?;
                list(f, items)?;
                f.write_str(")")
            }
            Matcher::Exactly(inner) => write!(f, "exactly({inner})"),
            Matcher::StringContaining(part) => write!(f, "string_containing({})", J::String(part.clone())),
            Matcher::ReferenceTo(target) => write!(f, "reference_to({})", J::String(target.clone())),
            Matcher::Through(inner) => write!(f, "{inner}"),
            Matcher::Index(i, inner) => write!(f, "a list whose element [{i}] is {inner}"),
        }
    }
}

/// Parses a path of an assertion: [`AttrPath::parse`], with how to write one.
pub(crate) fn parse_path(path: &str) -> Result<AttrPath, String> {
    AttrPath::parse(path).map_err(|why| format!("`{path}` is not a path: {why}; write names joined by `.`, with `[0]` for a list element and `[\"key\"]` for a key with dots"))
}

/// The value at `path` in `value`: the navigator's one place, stepping
/// through the single instance of a list where a name follows it.
pub(crate) fn lookup<'v>(value: &'v J, path: &AttrPath) -> Option<&'v J> {
    crate::navigate::get(value, path)
}

/// `a.b[0]["x.y"]`, or `(the value)` for the root.
fn format_path(path: &[Step]) -> String {
    if path.is_empty() {
        return "(the value)".to_owned();
    }
    let mut out = String::new();
    for segment in path {
        match segment {
            Step::Attr(key) | Step::Key(key) if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Attr(key) | Step::Key(key) => {
                let _ = write!(out, "[{}]", J::String(key.clone()));
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Step::Each => out.push_str("[*]"),
        }
    }
    out
}

/// One way an actual value differs from the expected one.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// Where: `point_in_time_recovery[0].enabled`, `tags.Name`.
    pub path: String,
    /// What was expected there, as written (`true`, `reference_to("aws_kms_key")`).
    pub expected: String,
    /// What is there; `None` when the key is missing.
    pub found: Option<J>,
    /// Why, when the two alone do not say it.
    pub note: Option<String>,
    /// How many expected leaves this difference misses (for ranking).
    weight: usize,
}

impl Difference {
    /// Is the key missing altogether?
    pub fn is_missing(&self) -> bool {
        self.found.is_none()
    }
}

/// `path: expected X, found Y`, with the found value cut to one short line.
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.found {
            None => write!(f, "{}: missing, expected {}", self.path, self.expected)?,
            Some(found) => write!(f, "{}: expected {}, found {}", self.path, self.expected, short(found))?,
        }
        if let Some(note) = &self.note {
            write!(f, "\n  note: {note}")?;
        }
        Ok(())
    }
}

/// One-line JSON spaced as expected values are shown (`{"a": [1, 2]}`).
fn one_line(value: &J, out: &mut String) {
    match value {
        J::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", J::String(k.clone()));
                one_line(v, out);
            }
            out.push('}');
        }
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                one_line(item, out);
            }
            out.push(']');
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// One-line JSON, cut at 100 characters.
fn short(value: &J) -> String {
    let mut text = String::new();
    one_line(value, &mut text);
    if text.chars().count() <= 100 {
        return text;
    }
    let cut: String = text.chars().take(97).collect();
    format!("{cut}...")
}

/// Every difference between `expected` (with matchers) and `actual`;
/// empty when it matches.
pub fn differences(expected: &J, actual: &J) -> Vec<Difference> {
    diff(&Matcher::parse(expected), actual)
}

/// Does `actual` match `expected` (with matchers)?
pub fn matches(expected: &J, actual: &J) -> bool {
    differences(expected, actual).is_empty()
}

pub(crate) fn diff(matcher: &Matcher, actual: &J) -> Vec<Difference> {
    let mut differ = Differ::default();
    differ.compare(matcher, Some(actual), false);
    differ.out
}

/// The total weight of some differences: what "nearest" minimizes.
pub(crate) fn weight(differences: &[Difference]) -> usize {
    differences.iter().map(|d| d.weight).sum()
}

#[derive(Default)]
struct Differ {
    path: Vec<Step>,
    out: Vec<Difference>,
}

impl Differ {
    fn push(&mut self, matcher: &Matcher, found: Option<&J>, note: Option<String>) {
        let weight = matcher.leaves();
        self.out.push(Difference { path: format_path(&self.path), expected: matcher.to_string(), found: found.cloned(), note, weight });
    }

    /// The differences of `matcher` against `actual` on their own, at the
    /// current path extended by `segment`.
    fn nested(&self, segment: Option<Step>, matcher: &Matcher, actual: &J, exact: bool) -> Vec<Difference> {
        let mut path = self.path.clone();
        path.extend(segment);
        let mut inner = Differ { path, out: Vec::new() };
        inner.compare(matcher, Some(actual), exact);
        inner.out
    }

    fn at<T>(&mut self, segment: Step, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(segment);
        let result = f(self);
        self.path.pop();
        result
    }

    /// The nearest element of `items` to `matcher`, as a note: which one
    /// and how it differs.
    fn nearest_element(&self, matcher: &Matcher, items: &[J], exact: bool) -> (usize, String) {
        let Some((i, differences)) = items
            .iter()
            .enumerate()
            .map(|(i, item)| (i, self.nested(Some(Step::Index(i)), matcher, item, exact)))
            .min_by_key(|(_, d)| weight(d))
        else {
            return (matcher.leaves(), "the list is empty".to_owned());
        };
        let how: Vec<String> = differences.iter().map(|d| d.to_string().replace('\n', " ")).collect();
        (weight(&differences), format!("no element matches; the nearest, [{i}], differs: {}", how.join("; ")))
    }

    fn compare(&mut self, matcher: &Matcher, actual: Option<&J>, exact: bool) {
        let actual = actual.filter(|v| !v.is_null());
        match (matcher, actual) {
            (Matcher::Absent, None) => {}
            (Matcher::Absent, Some(_)) => self.push(matcher, actual, None),
            (Matcher::Exactly(inner), _) => self.compare(inner, actual, true),
            (Matcher::Through(inner), Some(J::Array(items))) if !inner.expects_list() => {
                let direct = self.nested(None, inner, actual.expect("BUG: matched Some"), exact);
                if direct.is_empty() {
                    return;
                }
                if items.len() == 1 {
                    let through = self.nested(Some(Step::Index(0)), inner, &items[0], exact);
                    self.out.extend(if weight(&through) <= weight(&direct) { through } else { direct });
                } else {
                    let note = format!("a list of {} instances: name one with `[i]` in the path, or match with `any_element`", items.len());
                    self.push(inner, actual, Some(note));
                }
            }
            (Matcher::Through(inner), _) => self.compare(inner, actual, exact),
            (_, None) => self.push(matcher, None, None),
            (Matcher::Anything, Some(_)) => {}
            (Matcher::Literal(expected), Some(found)) => {
                if !scalar_eq(expected, found) {
                    self.push(matcher, Some(found), None);
                }
            }
            (Matcher::StringContaining(part), Some(found)) => {
                if !found.as_str().is_some_and(|s| s.contains(part.as_str())) {
                    self.push(matcher, Some(found), None);
                }
            }
            (Matcher::ReferenceTo(target), Some(found)) => {
                if !found.as_str().is_some_and(|s| is_reference_to(s, target)) {
                    self.push(matcher, Some(found), None);
                }
            }
            (Matcher::Object(map), Some(J::Object(object))) => {
                for (key, expected) in map {
                    self.at(Step::Attr(key.clone()), |d| d.compare(expected, object.get(key), exact));
                }
                if exact {
                    for (key, extra) in object.iter().filter(|(k, v)| !map.contains_key(*k) && !v.is_null()) {
                        self.at(Step::Attr(key.clone()), |d| d.push(&Matcher::Absent, Some(extra), Some("exactly(..) allows no other keys".to_owned())));
                    }
                }
            }
            (Matcher::Object(_), Some(found @ J::Array(items))) if items.len() == 1 && items[0].is_object() => {
                let note = "nested blocks are rendered as a list of their instances: expect `[{...}]`, or use a dotted path".to_owned();
                self.push(matcher, Some(found), Some(note));
            }
            (Matcher::List(expected), Some(found @ J::Array(items))) => {
                if expected.len() != items.len() {
                    let note = format!("expected {} element(s), found {}", expected.len(), items.len());
                    self.push(matcher, Some(found), Some(note));
                } else {
                    for (i, (e, item)) in expected.iter().zip(items).enumerate() {
                        self.at(Step::Index(i), |d| d.compare(e, Some(item), exact));
                    }
                }
            }
            (Matcher::AnyElement(inner), Some(found @ J::Array(items))) => {
                if !items.iter().any(|item| self.nested(None, inner, item, exact).is_empty()) {
                    let (weight, note) = self.nearest_element(inner, items, exact);
                    self.push(matcher, Some(found), Some(note));
                    self.out.last_mut().expect("BUG: just pushed").weight = weight;
                }
            }
            (Matcher::Containing(expected), Some(found @ J::Array(items))) => {
                let fits: Vec<Vec<bool>> = expected.iter().map(|e| items.iter().map(|item| self.nested(None, e, item, exact).is_empty()).collect()).collect();
                let assigned = assign(&fits);
                for (e, slot) in expected.iter().zip(assigned) {
                    if slot.is_none() {
                        let (weight, mut note) = self.nearest_element(e, items, exact);
                        if items.iter().any(|item| self.nested(None, e, item, exact).is_empty()) {
                            note = "its matching elements are taken by other expected elements".to_owned();
                        }
                        let described = Matcher::AnyElement(Box::new(e.clone()));
                        self.push(&described, Some(found), Some(note));
                        self.out.last_mut().expect("BUG: just pushed").weight = weight;
                    }
                }
            }
            (Matcher::Index(i, inner), Some(found @ J::Array(items))) => match items.get(*i) {
                Some(item) => self.at(Step::Index(*i), |d| d.compare(inner, Some(item), exact)),
                None => self.push(matcher, Some(found), Some(format!("the list has {} element(s)", items.len()))),
            },
            (_, Some(found)) => self.push(matcher, Some(found), None),
        }
    }
}

/// Scalars compare by value; numbers by their numeric value.
fn scalar_eq(expected: &J, found: &J) -> bool {
    match (expected, found) {
        (J::Number(a), J::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => a.as_f64() == b.as_f64(),
        },
        _ => expected == found,
    }
}

/// Is `s` exactly one reference `${target...}`? `target` is a type
/// (`aws_kms_key`), an address (`aws_kms_key.main`, `data.x.y`) or an
/// attribute of one.
fn is_reference_to(s: &str, target: &str) -> bool {
    let Some(inner) = s.strip_prefix("${").and_then(|s| s.strip_suffix('}')) else { return false };
    let plain = inner.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '"' | '*'));
    plain && inner.strip_prefix(target).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// A largest assignment of expected elements to distinct actual elements
/// (`fits[e][a]`: does element `a` match expected `e`), by augmenting
/// paths: for each expected element, `Some(actual index)` or `None`.
fn assign(fits: &[Vec<bool>]) -> Vec<Option<usize>> {
    let actual_len = fits.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; actual_len];
    fn augment(e: usize, fits: &[Vec<bool>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
        for a in 0..owner.len() {
            if fits[e][a] && !seen[a] {
                seen[a] = true;
                if owner[a].is_none_or(|other| augment(other, fits, owner, seen)) {
                    owner[a] = Some(e);
                    return true;
                }
            }
        }
        false
    }
    for e in 0..fits.len() {
        augment(e, fits, &mut owner, &mut vec![false; actual_len]);
    }
    let mut result = vec![None; fits.len()];
    for (a, e) in owner.iter().enumerate() {
        if let Some(e) = e {
            result[*e] = Some(a);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(expected: J, actual: J) -> Vec<String> {
        differences(&expected, &actual).iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn objects_match_partially_and_recursively() {
        let actual = json!({ "name": "orders", "billing_mode": "PAY_PER_REQUEST", "point_in_time_recovery": [{ "enabled": true }] });
        assert!(matches(&json!({ "name": "orders" }), &actual));
        assert!(matches(&json!({ "point_in_time_recovery": [{ "enabled": true }] }), &actual));
        assert!(matches(&json!({}), &actual));
        assert_eq!(paths(json!({ "name": "returns", "hash_key": "id" }), actual.clone()), [
            r#"hash_key: missing, expected "id""#,
            r#"name: expected "returns", found "orders""#,
        ]);
        assert_eq!(paths(json!({ "point_in_time_recovery": [{ "enabled": false }] }), actual), ["point_in_time_recovery[0].enabled: expected false, found true"]);
    }

    #[test]
    fn an_object_expected_where_a_block_list_is_says_how_to_write_it() {
        let d = differences(&json!({ "versioning": { "enabled": true } }), &json!({ "versioning": [{ "enabled": true }] }));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "versioning");
        assert!(d[0].note.as_deref().unwrap().contains("expect `[{...}]`"), "{:?}", d[0]);
    }

    #[test]
    fn arrays_need_the_same_length_and_matching_elements_in_order() {
        let actual = json!({ "ids": ["a", "b"] });
        assert!(matches(&json!({ "ids": ["a", "b"] }), &actual));
        assert!(!matches(&json!({ "ids": ["b", "a"] }), &actual));
        let d = differences(&json!({ "ids": ["a"] }), &actual);
        assert_eq!(d[0].to_string(), "ids: expected [\"a\"], found [\"a\", \"b\"]\n  note: expected 1 element(s), found 2");
    }

    #[test]
    fn any_element_and_array_containing_ignore_order_and_extras() {
        let actual = json!({ "attribute": [{ "name": "pk", "type": "S" }, { "name": "sk", "type": "N" }] });
        assert!(matches(&json!({ "attribute": any_element(json!({ "name": "sk" })) }), &actual));
        assert!(matches(&json!({ "attribute": array_containing([json!({ "name": "sk" }), json!({ "name": "pk" })]) }), &actual));
        let d = differences(&json!({ "attribute": any_element(json!({ "name": "sk", "type": "S" })) }), &actual);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].expected, r#"any_element({"name": "sk", "type": "S"})"#);
        assert_eq!(d[0].note.as_deref(), Some(r#"no element matches; the nearest, [0], differs: attribute[0].name: expected "sk", found "pk""#));
        // Two expected elements cannot share one actual element.
        let d = differences(&json!({ "attribute": array_containing([json!({ "type": "S" }), json!({ "name": "pk" })]) }), &actual);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].note.as_deref(), Some("its matching elements are taken by other expected elements"));
    }

    #[test]
    fn array_containing_finds_an_assignment_a_greedy_pass_would_miss() {
        // The first expected element fits both; greedy takes [0] and starves the second.
        let actual = json!([{ "a": 1, "b": 1 }, { "a": 1 }]);
        assert!(matches(&array_containing([json!({ "a": 1 }), json!({ "b": 1 })]), &actual));
    }

    #[test]
    fn absent_null_and_anything() {
        let actual = json!({ "name": "x", "tags": { "team": "a" } });
        assert!(matches(&json!({ "kms_key_arn": absent(), "description": null, "tags": anything() }), &actual));
        assert_eq!(paths(json!({ "name": absent() }), actual.clone()), [r#"name: expected absent(), found "x""#]);
        assert_eq!(paths(json!({ "policy": anything() }), actual), ["policy: missing, expected anything()"]);
    }

    #[test]
    fn references_match_by_target() {
        let actual = json!({ "kms_key_arn": "${aws_kms_key.main.arn}", "role": "${data.aws_iam_role.r.arn}", "lower": "${lower(aws_kms_key.main.arn)}" });
        for target in ["aws_kms_key", "aws_kms_key.main", "aws_kms_key.main.arn"] {
            assert!(matches(&json!({ "kms_key_arn": reference_to(target) }), &actual), "{target}");
        }
        for target in ["aws_kms", "aws_kms_key.other", "aws_kms_key.main.id", "aws_kms_key_policy"] {
            assert!(!matches(&json!({ "kms_key_arn": reference_to(target) }), &actual), "{target}");
        }
        assert!(matches(&json!({ "role": reference_to("data.aws_iam_role") }), &actual));
        assert!(!matches(&json!({ "role": reference_to("aws_iam_role") }), &actual));
        assert!(!matches(&json!({ "lower": reference_to("aws_kms_key") }), &actual), "a function call is not a reference");
        assert!(matches(&json!({ "lower": string_containing("aws_kms_key.main") }), &actual));
    }

    #[test]
    fn exactly_refuses_extra_keys_at_every_depth() {
        let actual = json!({ "lifecycle": [{ "prevent_destroy": true, "ignore_changes": ["tags"] }] });
        assert!(matches(&json!({ "lifecycle": exactly(json!([{ "prevent_destroy": true, "ignore_changes": ["tags"] }])) }), &actual));
        assert_eq!(paths(json!({ "lifecycle": exactly(json!([{ "prevent_destroy": true }])) }), actual), [
            "lifecycle[0].ignore_changes: expected absent(), found [\"tags\"]\n  note: exactly(..) allows no other keys",
        ]);
    }

    #[test]
    fn numbers_compare_by_value_and_kinds_do_not_convert() {
        assert!(matches(&json!({ "n": 1 }), &json!({ "n": 1.0 })));
        assert!(!matches(&json!({ "n": "30" }), &json!({ "n": 30 })));
        assert!(!matches(&json!({ "n": true }), &json!({ "n": "true" })));
    }

    #[test]
    fn paths_parse_and_step_through_single_instances() {
        assert_eq!(parse_path("a.b[2][\"k.8s/x\"].c").unwrap().steps(), [
            Step::Attr("a".into()),
            Step::Attr("b".into()),
            Step::Index(2),
            Step::Key("k.8s/x".into()),
            Step::Attr("c".into()),
        ]);
        for bad in ["", "a..b", "a.", "a[x]", "a[1", ".a", "a[\"x"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
        let actual = json!({ "point_in_time_recovery": [{ "enabled": true }], "rule": [{ "id": "a" }, { "id": "b" }] });
        let at = |path: &str, value: J| diff(&Matcher::at_path(&parse_path(path).unwrap(), Matcher::parse(&value)).unwrap(), &actual);
        assert!(at("point_in_time_recovery.enabled", json!(true)).is_empty());
        assert!(at("point_in_time_recovery", json!({ "enabled": true })).is_empty(), "the leaf steps through too");
        assert!(at("point_in_time_recovery", json!([{ "enabled": true }])).is_empty(), "or matches the list as written");
        assert!(at("rule[1].id", json!("b")).is_empty());
        let d = at("point_in_time_recovery.enabled", json!(false));
        assert_eq!(d.iter().map(ToString::to_string).collect::<Vec<_>>(), ["point_in_time_recovery[0].enabled: expected false, found true"]);
        let d = at("rule.id", json!("b"));
        assert_eq!(d.len(), 1);
        assert!(d[0].note.as_deref().unwrap().starts_with("a list of 2 instances"), "{d:?}");
        let d = at("rule[5].id", json!("b"));
        assert_eq!(d[0].note.as_deref(), Some("the list has 2 element(s)"));
        assert_eq!(lookup(&actual, &parse_path("point_in_time_recovery.enabled").unwrap()), Some(&json!(true)));
        assert_eq!(lookup(&actual, &parse_path("rule[1].id").unwrap()), Some(&json!("b")));
        assert_eq!(lookup(&actual, &parse_path("rule.id").unwrap()), None);
    }

    #[test]
    fn a_missing_block_weighs_as_much_as_its_expected_leaves() {
        let expected = Matcher::parse(&json!({ "sse": [{ "enabled": true, "kms_key_arn": anything() }], "name": "t" }));
        let without_block = diff(&expected, &json!({ "name": "t" }));
        let one_wrong_value = diff(&expected, &json!({ "name": "t", "sse": [{ "enabled": false, "kms_key_arn": "k" }] }));
        assert_eq!((without_block.len(), weight(&without_block)), (1, 2));
        assert_eq!((one_wrong_value.len(), weight(&one_wrong_value)), (1, 1));
    }

    #[test]
    fn keys_that_are_not_names_are_quoted_in_paths() {
        assert_eq!(paths(json!({ "tags": { "kubernetes.io/role": "elb" } }), json!({ "tags": {} })), [r#"tags["kubernetes.io/role"]: missing, expected "elb""#]);
    }

    #[test]
    #[should_panic(expected = "malformed matcher")]
    fn a_malformed_matcher_panics_with_the_fix() {
        matches(&json!({ MATCH_KEY: { "nonsense": 1 } }), &json!({}));
    }
}
