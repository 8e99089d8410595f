//! Synthesis: the stack as deterministic, sorted, pretty Terraform JSON,
//! plus its assets and policy report, written atomically.
//!
//! The configuration is assembled, not rendered, here: each
//! [`Element`] renders its own fragment and this
//! module merges them after the stack's own `"//"` header and
//! `required_providers`.
//!
//! Layer: synth (the top). Runs validation and the policy engine first and
//! refuses to write anything if either fails, unless the policy is in
//! report-only mode ([`SynthOptions::report_only`]). Layout, under the
//! output directory (the CDKTF layout, to ease migration):
//!
//! ```text
//! stacks/<stack>/cdk.tf.json          providers, backend, resources, outputs
//! stacks/<stack>/versions.tf.json     terraform.required_version alone
//! stacks/<stack>/assets/<name>.zip    reproducible zips
//! stacks/<stack>/policy-report.json   the policy report (suppressions included)
//! stacks/<stack>/policy-report.sarif  the same findings as SARIF 2.1.0, at their Rust lines
//! ```
//!
//! `required_version` lives in its own file because some scanners' JSON
//! parsers reject the whole file that holds it.
//!
//! # Report-only mode
//!
//! For adopting rules without blocking a pipeline: security findings and
//! rejected suppressions no longer stop synthesis. Every file is written
//! as usual, the Terraform configuration included (a pipeline that goes
//! on to `terraform plan` must not find the previous run's configuration
//! and take it for this one's), and the reports record every failure; so
//! does the configuration's `"//"` comment (`report_only_failures`). What
//! still stops synthesis: validation errors (a configuration Terraform
//! would reject), an unknown pack, and I/O errors. Compile-time errors of
//! `resource!` are untouched: the stack does not build.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value as J};

use crate::definition::AsDefined;
use crate::element::{merge, Element, Named, RenderContext};
use crate::graph::overrides::{coverage, Coverage};
use crate::graph::{Graph, Output, Override, Stack, Variable};
use crate::path::AttrPath;
use crate::schema::backends::versions_needed;
use crate::schema::functions::function;
use crate::value::{Call, Value};
use crate::policy::{PolicyError, Report, RowState, StackPolicy, UnknownPack};
use crate::reference::Address;
use crate::validate::{validate_in, ValidationError};

/// The policy report's file, beside the configuration.
pub const REPORT_JSON: &str = "policy-report.json";
/// The SARIF 2.1.0 report's file, beside the configuration.
pub const REPORT_SARIF: &str = "policy-report.sarif";

/// The files of one synthesized stack, relative to `stacks/<stack>/`.
#[derive(Debug)]
pub struct Synthesized {
    /// The stack's name: [`write()`] puts the files in `stacks/<stack_name>/`.
    pub stack_name: String,
    /// Every file's bytes, by path relative to the stack's directory
    /// (`cdk.tf.json`, `assets/<name>.zip`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The policy report, also among the files as [`REPORT_JSON`] and
    /// [`REPORT_SARIF`].
    pub report: Report,
    /// Every override the stack sets, in declaration order: also in the
    /// configuration's `"//"` header, and a line each in [`policy_summary`].
    pub overrides: Vec<OverrideEntry>,
}

/// One override of a synthesized stack, as its summaries list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideEntry {
    /// The resource's address or the provider configuration
    /// (`provider.aws`, `provider.aws.east`).
    pub site: String,
    /// The path as written.
    pub path: String,
    /// `set` or `remove`.
    pub change: &'static str,
    /// Did the schema check the value (or, for a meta-argument, tap's own
    /// table of meta-arguments)?
    pub checked: bool,
    /// What was checked, or why nothing was.
    pub note: String,
}

impl OverrideEntry {
    fn new(site: String, block: Option<&crate::schema::Block>, o: &Override) -> Self {
        let (checked, note) = match coverage(block, o) {
            Coverage::Checked if o.is_meta() => (true, "a meta-argument tap knows".to_owned()),
            Coverage::Checked => (true, "against the provider schema".to_owned()),
            Coverage::Unknown { at, .. } => (false, format!("the schema has no `{}`", at.names_only())),
            Coverage::NoSchema => (false, "no schema for it".to_owned()),
        };
        OverrideEntry { site, path: o.written.clone(), change: o.verb(), checked, note }
    }

    /// `aws_s3_bucket.logs: set lifecycle.prevent_destroy (checked: a meta-argument tap knows)`.
    pub fn line(&self) -> String {
        let state = if self.checked { "checked" } else { "UNCHECKED" };
        format!("{}: {} {} ({state}: {})", self.site, self.change, self.path, self.note)
    }

    fn to_json(&self) -> J {
        json!({ "at": self.site, "path": self.path, "change": self.change, "checked": self.checked, "note": self.note })
    }
}

/// Every override of the stack: the providers' first, then the resources'.
fn override_entries(stack: &Stack) -> Vec<OverrideEntry> {
    let mut entries = Vec::new();
    // A provider's schema comes from `provider!` or from its resources, as in validation.
    let provider_facts = stack.provider_facts();
    for p in &stack.providers {
        let site = match &p.alias {
            Some(alias) => format!("provider.{}.{alias}", p.name),
            None => format!("provider.{}", p.name),
        };
        let block = provider_facts.get(p.name.as_str()).map(|f| f.config_block());
        entries.extend(p.overrides.iter().map(|o| OverrideEntry::new(site.clone(), block, o)));
    }
    for r in &stack.resources {
        entries.extend(r.overrides.iter().map(|o| OverrideEntry::new(r.address.to_string(), r.schema_block(), o)));
    }
    entries
}

impl Synthesized {
    /// Would the policy have stopped this synthesis (a failing finding or a
    /// rejected suppression)? Only ever true in report-only mode.
    pub fn policy_fails(&self) -> bool {
        policy_fails(&self.report)
    }
}

/// How to synthesize. `SynthOptions::default()` blocks on policy failures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SynthOptions {
    /// Write everything and record policy failures instead of failing:
    /// see the [module documentation](self#report-only-mode).
    pub report_only: bool,
}

impl SynthOptions {
    /// The options with report-only mode on or off.
    pub fn report_only(mut self, on: bool) -> Self {
        self.report_only = on;
        self
    }
}

fn policy_fails(report: &Report) -> bool {
    report.failures().next().is_some() || !report.suppression_errors.is_empty()
}

/// Why a stack was not synthesized or written. `Display` lists every
/// error with what to do about it; [`write()`] never leaves a half-written
/// stack behind.
#[derive(Debug)]
#[non_exhaustive]
pub enum SynthError {
    /// The stack is not a configuration Terraform would accept: every
    /// error found, at once.
    Validation(Vec<ValidationError>),
    /// The stack names a rule pack tap does not ship.
    UnknownPack(UnknownPack),
    /// The stack's organisation policy (built in code) does not parse, or
    /// two of its rules have one ID.
    PolicySetup(PolicyError),
    /// A security finding fails or a suppression is rejected, outside
    /// report-only mode.
    Policy {
        /// The whole report: the failures, and what was suppressed or
        /// rejected.
        report: Report,
    },
    /// A file or directory of the output could not be written.
    Io {
        /// The file or directory at fault.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthError::Validation(errors) => {
                writeln!(f, "the stack has {} error(s); nothing was written:", errors.len())?;
                for e in errors {
                    writeln!(f, "error: {e}")?;
                }
                Ok(())
            }
            SynthError::Policy { report } => {
                let failures = report.failures().count();
                writeln!(f, "the stack fails {failures} security finding(s); nothing was written:")?;
                for row in report.failures() {
                    writeln!(f, "error: {}\n  help: {}", row.line(), row.fix)?;
                    if row.origin.line != 0 {
                        writeln!(f, "  --> {}", row.origin)?;
                    }
                    writeln!(f, "  note: to accept this, add a suppression naming {} with a reason", row.rule_id)?;
                }
                for e in &report.suppression_errors {
                    writeln!(f, "error: {e}")?;
                }
                Ok(())
            }
            SynthError::UnknownPack(e) => write!(f, "the stack names an {e}; nothing was written\n  help: {}", e.help()),
            SynthError::PolicySetup(e) => write!(f, "the stack's rules cannot be put together; nothing was written:\n{e}"),
            SynthError::Io { path, error } => write!(f, "cannot write `{}`: {error}", path.display()),
        }
    }
}

impl std::error::Error for SynthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SynthError::Io { error, .. } => Some(error),
            SynthError::UnknownPack(e) => Some(e),
            SynthError::PolicySetup(e) => Some(e),
            _ => None,
        }
    }
}

/// Validates, evaluates policy and renders every file in memory; a
/// policy failure is an error.
pub fn synthesize(stack: &impl AsDefined) -> Result<Synthesized, SynthError> {
    synthesize_with(stack, &SynthOptions::default())
}

/// [`synthesize`] with options: in report-only mode policy failures are
/// recorded in the reports ([`Synthesized::policy_fails`] says so) and
/// every file is rendered all the same.
pub fn synthesize_with(stack: &impl AsDefined, options: &SynthOptions) -> Result<Synthesized, SynthError> {
    let (stack, policy) = stack.parts();
    // One graph for validation, the policy and rendering.
    let graph = Graph::new(stack);
    let report = check(&graph, &policy)?;
    if policy_fails(&report) && !options.report_only {
        return Err(SynthError::Policy { report });
    }
    Ok(render(&graph, &policy, report))
}

/// Validates, evaluates policy and renders every file in memory even when
/// a security finding fails or a suppression is rejected: the output a
/// test inspects to see that a rule fires ([`Synthesized::report`] holds
/// the findings). The report-only mode's output, for tests. Validation
/// errors and an unknown pack are still errors, since there is no sound
/// configuration to render then.
///
/// Never deploy this output: [`synthesize`] is the one that refuses it.
pub fn synthesize_allowing_findings(stack: &impl AsDefined) -> Result<Synthesized, SynthError> {
    synthesize_with(stack, &SynthOptions { report_only: true })
}

/// Validation, then the policy report.
fn check(graph: &Graph, policy: &StackPolicy) -> Result<Report, SynthError> {
    let errors = validate_in(graph);
    if !errors.is_empty() {
        return Err(SynthError::Validation(errors));
    }
    Report::build(graph.stack, policy, graph).map_err(|e| match e {
        PolicyError::UnknownPack(p) => SynthError::UnknownPack(p),
        other => SynthError::PolicySetup(other),
    })
}

/// Every file, for a stack that passed validation.
fn render(graph: &Graph, policy: &StackPolicy, report: Report) -> Synthesized {
    let stack = graph.stack;
    let mut files = BTreeMap::new();
    files.insert("cdk.tf.json".to_owned(), pretty(&main_document(graph, policy, &report)));
    files.insert("versions.tf.json".to_owned(), pretty(&json!({ "terraform": { "required_version": required_version(stack) } })));
    files.insert(REPORT_JSON.to_owned(), pretty(&report.to_json()));
    files.insert(REPORT_SARIF.to_owned(), pretty(&report.to_sarif(&stack.name)));
    for asset in &stack.assets {
        let bytes = asset.bytes.as_ref().expect("BUG: validation passed with a failed asset");
        files.insert(asset.handle().relative_path(), bytes.clone());
    }
    Synthesized { stack_name: stack.name.clone(), files, report, overrides: override_entries(stack) }
}

fn pretty(value: &J) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("BUG: JSON values always serialize");
    out.push(b'\n');
    out
}

/// The configuration: the stack's own header and `terraform` settings,
/// then every element's fragment, merged.
fn main_document(graph: &Graph, policy: &StackPolicy, report: &Report) -> J {
    let stack = graph.stack;
    let mut doc = Map::new();

    // One pass over the suppressed findings: the stack-wide list, and each
    // resource's own (rendered by the resource as its `"//"` comment).
    let mut suppressed = Vec::new();
    let mut suppressed_by_address: BTreeMap<&Address, Vec<J>> = BTreeMap::new();
    for row in report.suppressed() {
        let RowState::Suppressed { reason } = &row.state else {
            unreachable!("BUG: suppressed() returned an unsuppressed row")
        };
        suppressed.push(json!({ "rule": row.rule_id, "address": row.address.to_string(), "attribute": row.path.to_string(), "reason": reason }));
        suppressed_by_address.entry(&*row.address).or_default().push(json!({ "rule": row.rule_id, "reason": reason }));
    }
    let mut tap = json!({ "stack": stack.name, "packs": policy.packs, "suppressions": suppressed });
    // Written only in report-only mode: whoever reads the configuration
    // sees that it fails the policy.
    let failures: Vec<J> = report.failures().map(|row| json!({ "rule": row.rule_id, "address": row.address.to_string(), "attribute": row.path.to_string() })).collect();
    if !failures.is_empty() {
        tap["report_only_failures"] = J::Array(failures);
    }
    // Whoever reads the configuration sees where it departs from what tap
    // models, and whether the schema checked it.
    let overrides: Vec<J> = override_entries(stack).iter().map(OverrideEntry::to_json).collect();
    if !overrides.is_empty() {
        tap["overrides"] = J::Array(overrides);
    }
    doc.insert("//".into(), json!({ "tap": tap }));

    let mut cx = RenderContext::new(graph);
    for (address, rows) in suppressed_by_address {
        cx = cx.comment(address, json!({ "tap_suppressions": rows }));
    }
    // Every provider the stack uses: those its resources imply (with the
    // schema's source and version), then those it declares, which win.
    let mut required = Map::new();
    for facts in cx.provider_facts().values() {
        required.insert(facts.local_name().to_owned(), requirement(facts.source(), facts.version()));
    }
    for p in &stack.providers {
        required.insert(p.name.clone(), requirement(&p.source, &p.version));
    }
    // A provider function's provider, when nothing above listed it.
    each_value(stack, |v| {
        if let Value::Call(Call { provider: Some(p), .. }) = v {
            required.entry(p.local_name.clone()).or_insert_with(|| requirement(&p.source, &p.version));
        }
    });
    doc.insert("terraform".into(), json!({ "required_providers": required }));

    let providers = stack.providers.iter().map(|p| p as &dyn Element);
    let backend = stack.backend.iter().map(|b| b as &dyn Element);
    let resources = stack.resources.iter().map(|r| r as &dyn Element);
    let outputs: Vec<Named<Output>> = stack.outputs.iter().map(|(name, output)| Named { name, element: output }).collect();
    let variables: Vec<Named<Variable>> = stack.variables.iter().map(|(name, v)| Named { name, element: v }).collect();
    let locals: Vec<Named<Value>> = stack.locals.iter().map(|(name, v)| Named { name, element: v }).collect();
    let values = variables.iter().map(|v| v as &dyn Element).chain(locals.iter().map(|l| l as &dyn Element));
    for element in providers.chain(backend).chain(values).chain(resources).chain(outputs.iter().map(|o| o as &dyn Element)) {
        merge(&mut doc, element.to_terraform(&cx));
    }
    // The blocks that act on state, in the order written.
    let moved = stack.moved.iter().map(|b| b as &dyn Element);
    let imports = stack.imports.iter().map(|b| b as &dyn Element);
    let removed = stack.removed.iter().map(|b| b as &dyn Element);
    let checks = stack.checks.iter().map(|b| b as &dyn Element);
    for element in moved.chain(imports).chain(removed).chain(checks) {
        merge(&mut doc, element.to_terraform(&cx));
    }
    J::Object(doc)
}

/// `{ "source": ..., "version": ... }`, without a version when there is none.
fn requirement(source: &str, version: &str) -> J {
    let mut r = json!({ "source": source });
    if !version.is_empty() {
        r["version"] = J::String(version.to_owned());
    }
    r
}

/// Writes `stacks/<stack>/` under `out_dir` atomically: every file goes to a
/// fresh sibling directory first, which then replaces the old one by
/// rename, so an error never leaves a half-written stack behind.
pub fn write(out_dir: &Path, synthesized: &Synthesized) -> Result<PathBuf, SynthError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| SynthError::Io { path, error }
    };
    let stacks = out_dir.join("stacks");
    std::fs::create_dir_all(&stacks).map_err(io(&stacks))?;
    let final_dir = stacks.join(&synthesized.stack_name);
    let staging = stacks.join(format!(".{}.staging-{}", synthesized.stack_name, std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let result = (|| {
        for (rel, bytes) in &synthesized.files {
            let path = staging.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        let retired = stacks.join(format!(".{}.retired-{}", synthesized.stack_name, std::process::id()));
        if final_dir.exists() {
            std::fs::rename(&final_dir, &retired).map_err(io(&final_dir))?;
        }
        if let Err(e) = std::fs::rename(&staging, &final_dir) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&retired, &final_dir);
            return Err(SynthError::Io { path: final_dir.clone(), error: e });
        }
        if retired.exists() {
            std::fs::remove_dir_all(&retired).map_err(io(&retired))?;
        }
        Ok(())
    })();
    if result.is_err() && staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| final_dir)
}

/// Synthesizes and writes in one step.
pub fn synthesize_to(stack: &impl AsDefined, out_dir: &Path) -> Result<(PathBuf, Synthesized), SynthError> {
    synthesize_to_with(stack, out_dir, &SynthOptions::default())
}

/// [`synthesize_to`] with options.
pub fn synthesize_to_with(stack: &impl AsDefined, out_dir: &Path, options: &SynthOptions) -> Result<(PathBuf, Synthesized), SynthError> {
    let synthesized = synthesize_with(stack, options)?;
    let dir = write(out_dir, &synthesized)?;
    Ok((dir, synthesized))
}

/// What a stack binary prints about the policy after writing to `dir`:
/// the counts, each failure with its Rust line, and where the reports are.
/// In report-only mode with failures it says that they did not block.
pub fn policy_summary(synthesized: &Synthesized, dir: &Path) -> String {
    let report = &synthesized.report;
    let failures = report.failures().count();
    let rejected = report.suppression_errors.len();
    let mut out = format!("policy: {failures} failure(s), {} suppressed", report.suppressed().count());
    if rejected > 0 {
        out.push_str(&format!(", {rejected} rejected suppression(s)"));
    }
    out.push('\n');
    for row in report.failures() {
        out.push_str(&format!("  error: {}\n", row.line()));
        if row.origin.line != 0 {
            out.push_str(&format!("    --> {}\n", row.origin));
        }
    }
    for e in &report.suppression_errors {
        out.push_str(&format!("  error: {}\n", e.message()));
    }
    if !synthesized.overrides.is_empty() {
        out.push_str(&override_summary(&synthesized.overrides));
    }
    if synthesized.policy_fails() {
        out.push_str("REPORT-ONLY: these failures did not block synthesis; the configuration was written, but do not apply it before they are fixed\n");
    }
    out.push_str(&format!("reports: {}, {}\n", dir.join(REPORT_JSON).display(), dir.join(REPORT_SARIF).display()));
    out
}

/// The overrides, a line each, under a count that says how many the
/// schema could not check: for every summary a stack binary prints.
pub fn override_summary(overrides: &[OverrideEntry]) -> String {
    let unchecked = overrides.iter().filter(|o| !o.checked).count();
    let mut out = format!("overrides: {} ({unchecked} unchecked)\n", overrides.len());
    for o in overrides {
        out.push_str(&format!("  override {}\n", o.line()));
    }
    out
}

/// `terraform.required_version`: the stack's own floor (`>= 1.0.0` unless
/// it sets another), raised to the newest Terraform version a feature the
/// stack uses needs: a function such as `strcontains` (1.5), a variable
/// that is not nullable (1.1), `optional()` object attributes (1.3), a
/// validation that reads another variable (1.9), an ephemeral variable
/// (1.10), a provider-defined function (1.8), a backend argument such as
/// `s3`'s `use_lockfile` (1.11), the `cloud` block (1.1), a `moved` block
/// (1.1), a `check` or `import` block (1.5), an `import` with `for_each`
/// or a `removed` block (1.7). A floor that is
/// not of the form `>= X.Y.Z` is the author's, and is kept as written.
pub fn required_version(stack: &Stack) -> String {
    let mut needed = (1, 0);
    for (name, v) in &stack.variables {
        needed = needed.max(variable_needs(name, v));
    }
    each_value(stack, |v| {
        let since = match v {
            // Also a provider function built in code without its provider.
            Value::Call(call) if call.provider.is_some() || call.function.starts_with("provider::") => Some((1, 8)),
            Value::Call(call) => function(&call.function).and_then(|f| parse_version(f.since)),
            _ => None,
        };
        needed = needed.max(since.unwrap_or_default());
    });
    // `replace_triggered_by` and custom conditions came with Terraform 1.2.
    if stack.resources.iter().any(crate::graph::lifecycle::needs_terraform_1_2) {
        needed = needed.max((1, 2));
    }
    needed = needed.max(blocks_need(stack));
    // A backend argument (`use_lockfile`) or the `cloud` block needs its own version.
    if let Some(b) = &stack.backend {
        needed = versions_needed(&b.kind, &b.arguments).filter_map(parse_version).fold(needed, Ord::max);
    }
    match stack.required_version.strip_prefix(">= ").and_then(parse_version) {
        Some(floor) if floor < needed => format!(">= {}.{}.0", needed.0, needed.1),
        _ => stack.required_version.clone(),
    }
}

/// The Terraform version the stack's `moved`, `import`, `removed` and
/// `check` blocks need.
fn blocks_need(stack: &Stack) -> (u32, u32) {
    let mut needed = (1, 0);
    if !stack.moved.is_empty() {
        needed = needed.max((1, 1));
    }
    if !stack.checks.is_empty() || !stack.imports.is_empty() {
        needed = needed.max((1, 5));
    }
    if !stack.removed.is_empty() || stack.imports.iter().any(|i| i.for_each.is_some()) {
        needed = needed.max((1, 7));
    }
    needed
}

/// Every value the stack writes, and every value inside each: resource
/// bodies, provider arguments, outputs, locals, variable defaults and
/// validation conditions.
fn each_value(stack: &Stack, mut visit: impl FnMut(&Value)) {
    let mut note = |v: &Value| v.walk(&mut AttrPath::root(), &mut |_, inner| visit(inner));
    stack.resources.iter().flat_map(|r| r.body.values()).for_each(&mut note);
    stack.resources.iter().flat_map(crate::graph::lifecycle::values).for_each(&mut note);
    stack.providers.iter().flat_map(|p| p.extra.values()).for_each(&mut note);
    stack.outputs.values().for_each(|o| note(&o.value));
    stack.locals.values().for_each(&mut note);
    stack.variables.values().flat_map(|v| v.default.iter().chain(v.validations.iter().map(|r| &r.condition))).for_each(&mut note);
    stack.imports.iter().flat_map(|i| std::iter::once(&i.id).chain(&i.for_each)).for_each(&mut note);
    for check in &stack.checks {
        check.data.iter().flat_map(|d| d.body.values()).for_each(&mut note);
        check.asserts.iter().flat_map(|a| [&a.condition, &a.error_message]).for_each(&mut note);
    }
}

/// The Terraform version a variable's declaration needs.
fn variable_needs(name: &str, v: &Variable) -> (u32, u32) {
    let mut needed = (1, 0);
    if !v.nullable {
        needed = needed.max((1, 1));
    }
    if v.ty.as_ref().is_some_and(|t| t.has_optional()) {
        needed = needed.max((1, 3));
    }
    let mut reads_other = false;
    for rule in &v.validations {
        rule.condition.for_each_reference(&mut AttrPath::root(), &mut |_, r| {
            reads_other |= !matches!(&r.root, crate::reference::Root::Variable(n) if &**n == name) && !matches!(r.root, crate::reference::Root::Bound(_));
        });
    }
    if reads_other {
        needed = needed.max((1, 9));
    }
    if v.ephemeral {
        needed = needed.max((1, 10));
    }
    needed
}

/// `1.5` or `1.5.0` as `(1, 5)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

