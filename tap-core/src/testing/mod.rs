//! Testing stacks and components: synthesize in memory, then assert on
//! the Terraform JSON that Terraform will see.
//!
//! Layer: testing (above synth). It reads what [`synth`](crate::synth)
//! renders and never reaches into the model behind it, so an assertion
//! sees references as `"${aws_kms_key.main.arn}"` and nested blocks as
//! lists of their instances, exactly as written to `cdk.tf.json`. It must
//! not change what synthesis produces.
//!
//! - [`Template::synth`] (or [`Template::of`], which panics with the
//!   synthesis error) gives a [`Template`]; [`Template::synth_allowing_findings`]
//!   gives one for a stack whose security findings fail, to assert that a
//!   rule fires.
//! - Queries: [`Template::resources`], [`Template::data_sources`],
//!   [`Template::resource`] (by address), [`Template::output`],
//!   [`Template::findings`].
//! - Assertions come in pairs: `find_*`/`check_*` return a
//!   `Result<_, AssertionError>`; `assert_*` panic with the same message
//!   at the caller's line.
//!
//! Expected values are `json!` literals matched partially (see
//! [`differences`] for the rules), with matchers inside them where a
//! literal will not do: [`absent`], [`anything`], [`reference_to`],
//! [`string_containing`], [`any_element`], [`array_containing`],
//! [`exactly`].
//!
//! When nothing matches, the error names the nearest candidate (the one
//! that misses the fewest expected values) and each way it differs:
//!
//! ```text
//! no `aws_dynamodb_table` resource in stack `orders` matches
//!   expected: {"point_in_time_recovery": [{"enabled": true}]}
//!   candidates: 2 `aws_dynamodb_table` resources: aws_dynamodb_table.a, aws_dynamodb_table.b
//!   nearest: aws_dynamodb_table.b, with 1 difference:
//!     point_in_time_recovery[0].enabled: expected true, found false
//!   aws_dynamodb_table.b as synthesized:
//!     { ... }
//! ```
//!
//! The matcher alone, on any JSON:
//!
//! ```
//! use tap_core::testing::{absent, any_element, differences, json, matches, reference_to};
//!
//! let body = json!({
//!     "name": "orders",
//!     "point_in_time_recovery": [{ "enabled": true }],
//!     "server_side_encryption": [{ "enabled": true, "kms_key_arn": "${aws_kms_key.main.arn}" }],
//!     "attribute": [{ "name": "id", "type": "S" }, { "name": "sk", "type": "N" }],
//! });
//! assert!(matches(&json!({
//!     "server_side_encryption": [{ "kms_key_arn": reference_to("aws_kms_key") }],
//!     "attribute": any_element(json!({ "name": "sk" })),
//!     "stream_enabled": absent(),
//! }), &body));
//!
//! let d = differences(&json!({ "name": "returns", "point_in_time_recovery": [{ "enabled": false }] }), &body);
//! assert_eq!(d[0].to_string(), r#"name: expected "returns", found "orders""#);
//! assert_eq!(d[1].path, "point_in_time_recovery[0].enabled");
//! ```
//!
//! A template of a stack built in code (the `tap` crate's documentation
//! has the same with `#[stack]` and `#[component]`):
//!
//! ```
//! use tap_core::graph::Stack;
//! use tap_core::testing::{json, Template};
//!
//! let mut stack = Stack::new("settings");
//! stack.output("region", "where the stack runs", "eu-west-1");
//! let template = Template::of(&stack);
//!
//! template.assert_output("region", json!({ "value": "eu-west-1" }));
//! let error = template.find_resource("aws_vpc", json!({})).unwrap_err();
//! assert!(error.message().contains("the stack has no `aws_vpc` resource"));
//! ```

mod matcher;

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

pub use serde_json::json;
/// A JSON value: what expected values and rendered bodies are.
pub use serde_json::Value as Json;

use crate::definition::{DefinedStack, StackDefinition};
use crate::graph::Stack;
use crate::policy::{Place, Report, Row, RowState, RuleSet, StackPolicy};
use crate::reference::Mode;
use crate::schema::suggest;
use crate::synth::{synthesize, synthesize_allowing_findings, SynthError, Synthesized};
pub use matcher::{absent, any_element, anything, array_containing, differences, exactly, matches, reference_to, string_containing, Difference, MATCH_KEY};
use matcher::{diff, lookup, parse_path, weight, Matcher};

/// What a [`Template`] is made from: a built [`Stack`] (held to the
/// default policy), a [`DefinedStack`], or a stack definition (a `#[stack]`
/// type), which is built first.
pub trait StackSource {
    /// Calls `f` with the stack to synthesize and its policy.
    fn with_stack<R>(&self, f: impl FnOnce(&Stack, &StackPolicy) -> R) -> R;
}

impl StackSource for Stack {
    fn with_stack<R>(&self, f: impl FnOnce(&Stack, &StackPolicy) -> R) -> R {
        f(self, &StackPolicy::default())
    }
}

impl StackSource for DefinedStack {
    fn with_stack<R>(&self, f: impl FnOnce(&Stack, &StackPolicy) -> R) -> R {
        f(&self.stack, &self.policy)
    }
}

impl<T: StackDefinition> StackSource for T {
    fn with_stack<R>(&self, f: impl FnOnce(&Stack, &StackPolicy) -> R) -> R {
        let defined = self.build();
        f(&defined.stack, &defined.policy)
    }
}

/// A stack synthesized in memory: its Terraform JSON (`cdk.tf.json`),
/// its other files and its policy report, with queries and assertions.
#[derive(Debug)]
pub struct Template {
    stack_name: String,
    document: Json,
    files: BTreeMap<String, Vec<u8>>,
    report: Report,
    /// The rules in force for the stack: what a rule ID may name.
    rules: RuleSet,
}

impl Template {
    /// Synthesizes `stack` (a [`Stack`] or a `#[stack]` type) as
    /// [`synthesize`] does: a validation error or a failing security
    /// finding is an error.
    pub fn synth(stack: &impl StackSource) -> Result<Template, SynthError> {
        stack.with_stack(|stack, policy| synthesize(&(stack, policy)).map(|s| Template::of_policy(s, policy)))
    }

    /// Synthesizes `stack` even when security findings fail or a
    /// suppression is rejected, to assert on them with
    /// [`find_finding`](Self::find_finding). Validation errors are still
    /// errors.
    pub fn synth_allowing_findings(stack: &impl StackSource) -> Result<Template, SynthError> {
        stack.with_stack(|stack, policy| synthesize_allowing_findings(&(stack, policy)).map(|s| Template::of_policy(s, policy)))
    }

    /// [`synth`](Self::synth), panicking with the synthesis error's
    /// message: the one-line start of most tests.
    #[track_caller]
    pub fn of(stack: &impl StackSource) -> Template {
        match Template::synth(stack) {
            Ok(template) => template,
            Err(e) => panic!("stack did not synthesize:\n{e}"),
        }
    }

    /// The stack's name.
    pub fn stack_name(&self) -> &str {
        &self.stack_name
    }

    /// `cdk.tf.json`, parsed: providers, backend, resources, data sources, outputs.
    pub fn document(&self) -> &Json {
        &self.document
    }

    /// Any synthesized file by its path under `stacks/<stack>/`
    /// (`versions.tf.json`, `policy-report.json`, `assets/<name>.zip`).
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The policy report: every finding, suppressed ones included.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The findings raised and not suppressed. Empty for a template from
    /// [`synth`](Self::synth) unless a rule is at warning level.
    pub fn findings(&self) -> impl Iterator<Item = &Row> {
        self.report.rows.iter().filter(|r| !matches!(r.state, RowState::Suppressed { .. }))
    }

    /// The managed resources of one type, by address.
    pub fn resources(&self, type_name: &str) -> Vec<ResourceRef<'_>> {
        self.of_mode(Mode::Managed, Some(type_name))
    }

    /// The data sources of one type, by address.
    pub fn data_sources(&self, type_name: &str) -> Vec<ResourceRef<'_>> {
        self.of_mode(Mode::Data, Some(type_name))
    }

    /// Every resource, then every data source, by address.
    pub fn all_resources(&self) -> Vec<ResourceRef<'_>> {
        let mut all = self.of_mode(Mode::Managed, None);
        all.extend(self.of_mode(Mode::Data, None));
        all
    }

    /// How many resources of one type the stack has.
    pub fn resource_count(&self, type_name: &str) -> usize {
        self.resources(type_name).len()
    }

    /// A resource by address: `aws_vpc.main`, or `data.aws_region.current`
    /// for a data source.
    pub fn resource(&self, address: &str) -> Option<ResourceRef<'_>> {
        self.all_resources().into_iter().find(|r| r.address() == address)
    }

    /// An output's body: `{ "value": ..., "description": ... }`.
    pub fn output(&self, name: &str) -> Option<&Json> {
        self.document.get("output")?.get(name)
    }

    /// The first resource of `type_name` (by address) whose body matches
    /// `expected`; otherwise an error naming the nearest one and how it differs.
    pub fn find_resource(&self, type_name: &str, expected: impl Into<Json>) -> Result<ResourceRef<'_>, AssertionError> {
        let expected = expected.into();
        let matcher = Matcher::parse(&expected);
        self.find(Mode::Managed, type_name, &matcher, &matcher.to_string())
    }

    /// [`find_resource`](Self::find_resource), panicking with its message.
    #[track_caller]
    pub fn assert_resource(&self, type_name: &str, expected: impl Into<Json>) -> ResourceRef<'_> {
        or_panic(self.find_resource(type_name, expected))
    }

    /// A resource of `type_name` with `value` at `path`:
    /// `find_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", true)`.
    /// A name steps into an object, or through the single instance of a
    /// list (how a nested block is rendered); `[i]` picks an element;
    /// `tags["kubernetes.io/role"]` names a key with dots. `value` may be
    /// a matcher.
    pub fn find_resource_with(&self, type_name: &str, path: &str, value: impl Into<Json>) -> Result<ResourceRef<'_>, AssertionError> {
        let path = parse_path(path).map_err(AssertionError::new)?;
        let value = Matcher::parse(&value.into());
        let described = format!("{path} = {value}");
        let matcher = Matcher::at_path(&path, value).map_err(AssertionError::new)?;
        self.find(Mode::Managed, type_name, &matcher, &described)
    }

    /// [`find_resource_with`](Self::find_resource_with), panicking with its message.
    #[track_caller]
    pub fn assert_resource_with(&self, type_name: &str, path: &str, value: impl Into<Json>) -> ResourceRef<'_> {
        or_panic(self.find_resource_with(type_name, path, value))
    }

    /// [`find_resource`](Self::find_resource) for a data source.
    pub fn find_data_source(&self, type_name: &str, expected: impl Into<Json>) -> Result<ResourceRef<'_>, AssertionError> {
        let matcher = Matcher::parse(&expected.into());
        self.find(Mode::Data, type_name, &matcher, &matcher.to_string())
    }

    /// [`find_data_source`](Self::find_data_source), panicking with its message.
    #[track_caller]
    pub fn assert_data_source(&self, type_name: &str, expected: impl Into<Json>) -> ResourceRef<'_> {
        or_panic(self.find_data_source(type_name, expected))
    }

    /// Every resource of `type_name` whose body matches `expected`.
    pub fn find_resources(&self, type_name: &str, expected: impl Into<Json>) -> Vec<ResourceRef<'_>> {
        let matcher = Matcher::parse(&expected.into());
        self.resources(type_name).into_iter().filter(|r| diff(&matcher, r.body).is_empty()).collect()
    }

    /// No resource of `type_name` matches `expected`; otherwise an error
    /// naming those that do.
    pub fn check_no_resource(&self, type_name: &str, expected: impl Into<Json>) -> Result<(), AssertionError> {
        let matcher = Matcher::parse(&expected.into());
        let found: Vec<ResourceRef<'_>> = self.resources(type_name).into_iter().filter(|r| diff(&matcher, r.body).is_empty()).collect();
        let Some(first) = found.first() else { return Ok(()) };
        let mut m = format!("expected no `{type_name}` resource in stack `{}` to match, but {} do{}", self.stack_name, found.len(), if found.len() == 1 { "es" } else { "" });
        let _ = writeln!(m, "\n  expected: {matcher}");
        let _ = writeln!(m, "  matching: {}", list_addresses(&found));
        let _ = write!(m, "  {} as synthesized:\n{}", first.address(), indented(first.body, 4));
        Err(AssertionError::new(m))
    }

    /// [`check_no_resource`](Self::check_no_resource), panicking with its message.
    #[track_caller]
    pub fn assert_no_resource(&self, type_name: &str, expected: impl Into<Json>) {
        or_panic(self.check_no_resource(type_name, expected))
    }

    /// The stack has exactly `count` resources of `type_name`.
    pub fn check_resource_count(&self, type_name: &str, count: usize) -> Result<(), AssertionError> {
        let found = self.resources(type_name);
        if found.len() == count {
            return Ok(());
        }
        let mut m = format!("expected {count} `{type_name}` resource(s) in stack `{}`, found {}", self.stack_name, found.len());
        if found.is_empty() {
            self.explain_missing_type(&mut m, Mode::Managed, type_name);
        } else {
            let _ = write!(m, ": {}", list_addresses(&found));
        }
        Err(AssertionError::new(m))
    }

    /// [`check_resource_count`](Self::check_resource_count), panicking with its message.
    #[track_caller]
    pub fn assert_resource_count(&self, type_name: &str, count: usize) {
        or_panic(self.check_resource_count(type_name, count))
    }

    /// Output `name`, whose body (`{ "value": ..., "description": ... }`)
    /// matches `expected`.
    pub fn find_output(&self, name: &str, expected: impl Into<Json>) -> Result<&Json, AssertionError> {
        let matcher = Matcher::parse(&expected.into());
        let outputs: Vec<&str> = self.document.get("output").and_then(Json::as_object).map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        let Some(body) = self.output(name) else {
            let mut m = format!("stack `{}` has no output `{name}`", self.stack_name);
            if let Some(s) = suggest(name, outputs.iter().copied()) {
                let _ = write!(m, "\n  help: did you mean `{s}`?");
            }
            let _ = write!(m, "\n  outputs: {}", if outputs.is_empty() { "none".to_owned() } else { outputs.join(", ") });
            return Err(AssertionError::new(m));
        };
        let differences = diff(&matcher, body);
        if differences.is_empty() {
            return Ok(body);
        }
        let mut m = format!("output `{name}` of stack `{}` does not match\n  expected: {matcher}\n  {}:\n", self.stack_name, count(differences.len(), "difference"));
        write_differences(&mut m, &differences);
        let _ = write!(m, "  output `{name}` as synthesized:\n{}", indented(body, 4));
        Err(AssertionError { message: m, nearest: Some(Nearest { address: format!("output.{name}"), differences }) })
    }

    /// [`find_output`](Self::find_output), panicking with its message.
    #[track_caller]
    pub fn assert_output(&self, name: &str, expected: impl Into<Json>) -> &Json {
        or_panic(self.find_output(name, expected))
    }

    /// The finding of rule `rule_id` (`TAP-DDB-002`) raised, and not
    /// suppressed, on the resource at `address`. Use a template from
    /// [`synth_allowing_findings`](Self::synth_allowing_findings).
    pub fn find_finding(&self, rule_id: &str, address: &str) -> Result<&Row, AssertionError> {
        let on = |r: &&Row| r.rule_id == rule_id && r.address.to_string() == address;
        if let Some(row) = self.findings().find(on) {
            return Ok(row);
        }
        let mut m = format!("no `{rule_id}` finding on `{address}` in stack `{}`", self.stack_name);
        if !self.rules.is_known(rule_id) {
            let _ = write!(m, "\n  note: tap has no rule `{rule_id}`");
            if let Some(s) = suggest(rule_id, self.rules.ids()) {
                let _ = write!(m, "; did you mean `{s}`?");
            }
        }
        if let Some(RowState::Suppressed { reason }) = self.report.rows.iter().find(on).map(|r| &r.state) {
            let _ = write!(m, "\n  note: it is suppressed: {}", Json::String(reason.clone()));
        }
        if self.resource(address).is_none() {
            let _ = write!(m, "\n  note: the stack has no resource `{address}`");
            let all: Vec<String> = self.all_resources().iter().map(ResourceRef::address).collect();
            if let Some(s) = suggest(address, all.iter().map(String::as_str)) {
                let _ = write!(m, "; did you mean `{s}`?");
            }
        }
        let here: Vec<String> = self.findings().filter(|r| r.address.to_string() == address).map(|r| r.line().at(Place::Nothing).without_context().to_string()).collect();
        if here.is_empty() {
            let _ = write!(m, "\n  findings raised on `{address}`: none");
        } else {
            let _ = write!(m, "\n  findings raised on `{address}`:\n    {}", here.join("\n    "));
        }
        let elsewhere: Vec<String> = self.findings().filter(|r| r.rule_id == rule_id).map(|r| r.address.to_string()).collect();
        if !elsewhere.is_empty() {
            let _ = write!(m, "\n  `{rule_id}` was raised on: {}", elsewhere.join(", "));
        }
        Err(AssertionError::new(m))
    }

    /// [`find_finding`](Self::find_finding), panicking with its message.
    #[track_caller]
    pub fn assert_finding(&self, rule_id: &str, address: &str) -> &Row {
        or_panic(self.find_finding(rule_id, address))
    }

    fn of_mode(&self, mode: Mode, type_name: Option<&str>) -> Vec<ResourceRef<'_>> {
        let key = match mode {
            Mode::Managed => "resource",
            Mode::Data => "data",
        };
        let Some(types) = self.document.get(key).and_then(Json::as_object) else { return Vec::new() };
        let mut found: Vec<ResourceRef<'_>> = types
            .iter()
            .filter(|(t, _)| type_name.is_none_or(|wanted| wanted == t.as_str()))
            .flat_map(|(t, by_name)| {
                let by_name = by_name.as_object().expect("BUG: synthesis writes each type as an object of names");
                by_name.iter().map(move |(name, body)| ResourceRef { mode, type_name: t, name, body })
            })
            .collect();
        found.sort_by(|a, b| (a.type_name, a.name).cmp(&(b.type_name, b.name)));
        found
    }

    /// The search behind `find_resource*`: the first match, or the error
    /// that names the nearest candidate.
    fn find(&self, mode: Mode, type_name: &str, matcher: &Matcher, described: &str) -> Result<ResourceRef<'_>, AssertionError> {
        let candidates = self.of_mode(mode, Some(type_name));
        let mut nearest: Option<(ResourceRef<'_>, Vec<Difference>)> = None;
        for candidate in &candidates {
            let differences = diff(matcher, candidate.body);
            if differences.is_empty() {
                return Ok(*candidate);
            }
            let closer = nearest.as_ref().is_none_or(|(_, best)| (weight(&differences), differences.len()) < (weight(best), best.len()));
            if closer {
                nearest = Some((*candidate, differences));
            }
        }
        let what = kind(mode);
        let mut m = format!("no `{type_name}` {what} in stack `{}` matches\n  expected: {described}", self.stack_name);
        let Some((resource, differences)) = nearest else {
            self.explain_missing_type(&mut m, mode, type_name);
            return Err(AssertionError::new(m));
        };
        let _ = writeln!(m, "\n  candidates: {} `{type_name}` {what}{}: {}", candidates.len(), if candidates.len() == 1 { "" } else { "s" }, list_addresses(&candidates));
        let _ = writeln!(m, "  nearest: {}, with {}:", resource.address(), count(differences.len(), "difference"));
        write_differences(&mut m, &differences);
        let _ = write!(m, "  {} as synthesized:\n{}", resource.address(), indented(resource.body, 4));
        Err(AssertionError { message: m, nearest: Some(Nearest { address: resource.address(), differences }) })
    }

    /// Why there is no candidate: the type is absent, perhaps misspelled,
    /// perhaps declared in the other mode.
    fn explain_missing_type(&self, m: &mut String, mode: Mode, type_name: &str) {
        let what = kind(mode);
        let _ = write!(m, "\n  the stack has no `{type_name}` {what}");
        let present = self.type_counts(mode);
        if let Some(s) = suggest(type_name, present.keys().copied()) {
            let _ = write!(m, "\n  help: did you mean `{s}`?");
        }
        let other = if mode == Mode::Managed { Mode::Data } else { Mode::Managed };
        if self.type_counts(other).contains_key(type_name) {
            let call = if other == Mode::Data { "find_data_source" } else { "find_resource" };
            let _ = write!(m, "\n  note: the stack declares `{type_name}` as a {}: use `{call}`", kind(other));
        }
        if present.is_empty() {
            let _ = write!(m, "\n  the stack has no {what}s at all");
        } else {
            let types: Vec<String> = present.iter().map(|(t, n)| format!("{t} ({n})")).collect();
            let _ = write!(m, "\n  {what} types in the stack: {}", types.join(", "));
        }
    }

    fn type_counts(&self, mode: Mode) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for r in self.of_mode(mode, None) {
            *counts.entry(r.type_name).or_insert(0) += 1;
        }
        counts
    }
}

impl Template {
    /// The template of a synthesis under `policy`, whose rules name the IDs
    /// a test may ask about (built-in, organisation and Rust rules alike).
    fn of_policy(synthesized: Synthesized, policy: &StackPolicy) -> Template {
        // Synthesis succeeded, so the policy's rules went together.
        let rules = RuleSet::for_policy(policy).unwrap_or_else(|_| RuleSet::built_in());
        Template { rules, ..Template::from(synthesized) }
    }
}

impl From<Synthesized> for Template {
    /// The template of a synthesis whose policy is not known: the rule IDs
    /// it knows are the built-in ones.
    fn from(synthesized: Synthesized) -> Template {
        let main = synthesized.files.get("cdk.tf.json").expect("BUG: synthesis always writes cdk.tf.json");
        let document = serde_json::from_slice(main).expect("BUG: synthesis writes valid JSON");
        Template { stack_name: synthesized.stack_name, document, files: synthesized.files, report: synthesized.report, rules: RuleSet::built_in() }
    }
}

fn kind(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "resource",
        Mode::Data => "data source",
    }
}

/// `1 difference`, `2 differences`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Up to ten addresses, then how many more.
fn list_addresses(resources: &[ResourceRef<'_>]) -> String {
    const SHOWN: usize = 10;
    let mut out: Vec<String> = resources.iter().take(SHOWN).map(ResourceRef::address).collect();
    if resources.len() > SHOWN {
        out.push(format!("and {} more", resources.len() - SHOWN));
    }
    out.join(", ")
}

fn write_differences(m: &mut String, differences: &[Difference]) {
    for d in differences {
        let _ = writeln!(m, "    {}", d.to_string().replace('\n', "\n    "));
    }
}

/// Pretty JSON, every line indented by `by` spaces.
fn indented(value: &Json, by: usize) -> String {
    let pad = " ".repeat(by);
    let pretty = serde_json::to_string_pretty(value).expect("BUG: JSON values always serialize");
    pretty.lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n")
}

/// One synthesized resource or data source: its address and its body as
/// Terraform JSON.
#[derive(Clone, Copy, PartialEq)]
pub struct ResourceRef<'t> {
    mode: Mode,
    type_name: &'t str,
    name: &'t str,
    body: &'t Json,
}

impl<'t> ResourceRef<'t> {
    /// `aws_vpc.main`, or `data.aws_region.current`.
    pub fn address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.type_name, self.name),
            Mode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }

    /// Managed resource, or data source (under `"data"` in the JSON).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `aws_vpc`.
    pub fn type_name(&self) -> &'t str {
        self.type_name
    }

    /// The logical name: `main`.
    pub fn name(&self) -> &'t str {
        self.name
    }

    /// The body as Terraform will read it.
    pub fn body(&self) -> &'t Json {
        self.body
    }

    /// The value at a dotted path (`point_in_time_recovery.enabled`,
    /// `rule[1].id`), stepping through the single instance of a list;
    /// `None` if it is missing or the path is malformed.
    pub fn get(&self, path: &str) -> Option<&'t Json> {
        lookup(self.body, &parse_path(path).ok()?)
    }

    /// How the body differs from `expected`; empty when it matches.
    pub fn differences(&self, expected: &Json) -> Vec<Difference> {
        differences(expected, self.body)
    }

    /// Does the body match `expected`?
    pub fn matches(&self, expected: &Json) -> bool {
        self.differences(expected).is_empty()
    }
}

impl fmt::Debug for ResourceRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.address(), self.body)
    }
}

impl fmt::Display for ResourceRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

/// A failed assertion: a message for `cargo test` output and, when a
/// candidate came close, which one and how it differs.
///
/// `Debug` prints the message too, so `.unwrap()` on a `find_*` result
/// reads as well as an `assert_*` panic.
#[derive(Clone)]
pub struct AssertionError {
    message: String,
    nearest: Option<Nearest>,
}

/// The candidate that missed the fewest expected values.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// `aws_dynamodb_table.orders_table`, or `output.<name>` for an output.
    pub address: String,
    /// How it differs from what was expected, as the message lists them.
    pub differences: Vec<Difference>,
}

impl AssertionError {
    fn new(message: impl Into<String>) -> AssertionError {
        AssertionError { message: message.into(), nearest: None }
    }

    /// The whole message, as the panic of an `assert_*` prints it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The nearest candidate and its differences, if there was one.
    pub fn nearest(&self) -> Option<&Nearest> {
        self.nearest.as_ref()
    }

}

/// The panic of the `assert_*` forms, reported at their caller's line.
#[track_caller]
fn or_panic<T>(result: Result<T, AssertionError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{}", e.message),
    }
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AssertionError {}

#[cfg(test)]
mod tests;
