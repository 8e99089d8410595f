//! The policy phase (STYLE.md phase 3) and the suppression checks, as the
//! macros run them: the glue between the resolved model and `tap_core`'s
//! policy API, in one module.
//!
//! Phase: policy. Lowers the resources that passed phase 2 to a `tap_core`
//! stack (their compile-time view), runs the rules on it, and puts every
//! error-level finding and every suppression that matched nothing on the
//! user's token through the resource's span map. It emits no code and
//! changes no resolved item.

use std::collections::HashMap;
use std::sync::Arc;

use proc_macro2::Span;
use tap_core::__private::unknown;
use tap_core::graph::{Graph, Provider, Resource as CoreResource, Stack, Suppression};
use tap_core::path::AttrPath;
use tap_core::policy::{self, Level, Place, ReasonProblem, Report, RowState, RuleSet, SuppressionError, SuppressionProblem, SuppressionSite};
use tap_core::reference::{Address, Mode};
use tap_core::schema::{provider_of, Descriptors};

use crate::diag::{message, Diagnostics};
use crate::model::{name_of, Suppress};
use crate::resolved::{ProviderConfig, Resource};
use crate::schema::Schemas;

/// `#[suppress(...)]` as `tap_core` knows it, or the span and text of a
/// `finding` that is not an attribute path.
fn suppression_of(s: &Suppress) -> Result<Suppression, (Span, String)> {
    let suppression = Suppression::new(&s.rule.value(), &s.reason.as_ref().map(syn::LitStr::value).unwrap_or_default());
    match &s.finding {
        None => Ok(suppression),
        // A finding is one place: `[*]` belongs to policy patterns only.
        Some(finding) => match AttrPath::parse(&finding.value()) {
            Ok(path) if path.is_pattern() => Err((finding.span(), format!("`{path}` names every element with `[*]`; a finding is at one index"))),
            Ok(path) => Ok(suppression.for_finding(path)),
            Err(problem) => Err((finding.span(), problem.to_string())),
        },
    }
}

/// Checks a suppression with `tap_core`'s rules (the same ones synthesis
/// applies) and puts any error on the token at fault; returns it if usable.
/// `rules` is `None` when the organisation policy file has errors
/// (reported once, on the attribute), so that its rule IDs are not
/// reported as unknown as well.
pub fn check_suppression(diags: &mut Diagnostics, rules: Option<&RuleSet>, s: &Suppress, site: SuppressionSite) -> Option<Suppression> {
    let suppression = match suppression_of(s) {
        Ok(suppression) => suppression,
        Err((span, problem)) => {
            let help = "name the finding by the attribute path its error shows, such as `policy.Statement[1].Action[0]` or `ingress[2]`";
            diags.error(span, message(&format!("`finding` is not an attribute path: {problem}"), Some(help), None));
            return None;
        }
    };
    let result = match rules {
        Some(rules) => policy::check_suppression(rules, &suppression, &site),
        // The policy file has errors of its own: only the reason can be judged.
        None => policy::check_reason(&suppression.reason).map_err(|problem| SuppressionError::Reason { rule_id: suppression.rule_id.clone(), problem }),
    };
    let Err(error) = result else { return Some(suppression) };
    let at = match (&error, &s.reason, &s.finding) {
        (SuppressionError::Reason { problem: ReasonProblem::Missing, .. }, None, _) => s.span,
        (SuppressionError::Reason { .. }, Some(reason), _) => reason.span(),
        (SuppressionError::FindingNeedsResource { .. }, _, Some(finding)) => finding.span(),
        _ => s.rule.span(),
    };
    let help = error.help();
    // On the stack or an instance the message says so; on a resource the span does.
    let line = match site {
        SuppressionSite::Resource(_) => error.to_string(),
        SuppressionSite::Instance(_) => format!("suppression on a component instance: {error}"),
        SuppressionSite::Stack => SuppressionProblem { on: SuppressionSite::Stack, error }.message(),
    };
    diags.error(at, message(&line, Some(&help), None));
    None
}

/// What the policy phase of one stack (or component) works with.
pub struct PolicyInput<'a> {
    /// The resources that passed phase 2.
    pub resources: &'a [Resource],
    /// No resource had errors in phase 2.
    pub all_valid: bool,
    /// The built-in rules of the packs, and the organisation policy's.
    pub rules: &'a RuleSet,
    pub schema: &'a Schemas,
    /// The providers' descriptors, gathered once per item.
    pub descriptors: &'a Descriptors<'a>,
    /// `provider!` configurations that passed phase 2.
    pub providers: &'a [ProviderConfig],
    /// The item's variables and locals, as rules read them through references.
    pub variables: std::collections::BTreeMap<String, tap_core::graph::Variable>,
    pub locals: std::collections::BTreeMap<String, tap_core::value::Value>,
    pub stack_suppressions: &'a [(Suppression, Span)],
    /// Rule IDs of rejected stack suppressions: they still silence their
    /// findings, so the user sees one error for the suppression, not a
    /// second for the finding.
    pub rejected_stack_suppressions: &'a [String],
}

/// Phase 3: the policy rules on every resource that passed phase 2, as one
/// stack, so cross-resource rules see their neighbours. Non-compliant
/// findings at error level become errors at the offending attribute;
/// unknown ones are left for synthesis. Then every suppression must have
/// matched a finding.
pub fn check_policy(diags: &mut Diagnostics, input: &PolicyInput) {
    let (stack, index_of) = compile_time_stack(input);
    let lookup = |mode: Mode, type_name: &str| input.schema.block(mode, type_name);
    let graph = tap_core::__private::graph_with_blocks(Graph::new(&stack), &lookup).with_descriptors(input.descriptors.clone());
    let stack_suppressions: Vec<Suppression> = input.stack_suppressions.iter().map(|(s, _)| s.clone()).collect();
    let report = Report::build_with(&stack, &stack_suppressions, &graph, input.rules);
    report_findings(diags, input, &index_of, &report);
    report_unmatched_suppressions(diags, input, &report);
}

/// The compile-time view as a `tap_core` stack (the resources that passed
/// phase 2), and where each address came from in `resources`. A provider
/// configuration that no `provider!` wrote is added in Rust code, if at
/// all: its configuration (`default_tags`) is unknown until the stack runs.
fn compile_time_stack(input: &PolicyInput) -> (Stack, HashMap<Address, usize>) {
    let mut stack = Stack::new("compile_time_view");
    stack.variables = input.variables.clone();
    stack.locals = input.locals.clone();
    for config in input.providers {
        let mut provider = Provider::new(&config.name, "", "");
        provider.alias = config.alias.clone();
        provider.extra = config.view.clone();
        stack.provider(provider);
    }
    let mut index_of = HashMap::new();
    for (i, c) in input.resources.iter().enumerate() {
        let mut r = CoreResource::new(c.address.clone());
        r.body = c.view.clone();
        r.repetition = c.repetition.as_ref().map(crate::resolved::Repetition::view);
        r.provisioners = c.life.provisioners_view.clone();
        r.connection = c.life.connection_view.clone();
        r.suppressions = c.metas.suppress.iter().filter_map(|s| suppression_of(s).ok()).collect();
        r.provider_alias = c.metas.provider.as_ref().map(name_of);
        let local = provider_of(&c.address.type_name);
        if !stack.providers.iter().any(|p| p.name == local && p.alias == r.provider_alias) {
            let mut unknown_config = Provider::new(local, "", "");
            unknown_config.alias = r.provider_alias.clone();
            let default_tags = input.descriptors.get(local).and_then(|d| d.default_tags.as_ref()).map_or("default_tags", |m| m.block.as_str());
            unknown_config.extra.insert(default_tags.into(), unknown());
            stack.provider(unknown_config);
        }
        index_of.entry(c.address.clone()).or_insert(i);
        stack.add(r);
    }
    (stack, index_of)
}

/// Each unsuppressed error-level finding, on the attribute at fault.
fn report_findings(diags: &mut Diagnostics, input: &PolicyInput, index_of: &HashMap<Address, usize>, report: &Report) {
    for row in &report.rows {
        // A rejected stack suppression already has its error; its findings would repeat it.
        if row.level != Level::Error || row.state != RowState::NonCompliant || input.rejected_stack_suppressions.contains(&row.rule_id) {
            continue;
        }
        let Some(&i) = index_of.get(&*row.address) else { continue };
        let c = &input.resources[i];
        let span = if row.path.is_root() { c.name_span } else { c.spans.find(&row.path, false, c.name_span) };
        let at = if row.path.is_root() { String::new() } else { format!(" (`{}`)", row.path) };
        let note = match input.rules.forbidden_by(&row.rule_id) {
            Some(file) => format!("`{file}` marks `{}` unsuppressible: no suppression can accept this", row.rule_id),
            None if row.path.is_root() => format!("to accept this, add `#[suppress(\"{}\", reason = \"...\")]` to the resource", row.rule_id),
            None => format!("to accept this finding alone, add `#[suppress(\"{}\", reason = \"...\", finding = \"{}\")]` to the resource", row.rule_id, row.path),
        };
        diags.error(
            span,
            message(&row.line().at(Place::Named(&format!("{} `{}{}`{at}", kind_label(input.descriptors, &c.address), c.address.name, row.key.as_ref().map(ToString::to_string).unwrap_or_default()))).without_context().to_string(), Some(&row.fix), Some(&note)),
        );
    }
}

/// A suppression that matched no finding would silently hide a future one.
/// A precise suppression must cover a finding at (or under) its path, or
/// an undecided one around it that synthesis will decide. Suppressions of
/// rules written in Rust are left to synthesis, where those rules run.
fn report_unmatched_suppressions(diags: &mut Diagnostics, input: &PolicyInput, report: &Report) {
    let runs_here = |id: &str| input.rules.rule(id).is_some();
    for c in input.resources {
        let accepted = c.metas.suppress.iter().filter_map(|s| Some((suppression_of(s).ok()?, s.rule.span())));
        for (s, rule_span) in accepted.filter(|(s, _)| runs_here(&s.rule_id)) {
            let rows: Vec<_> = report.rows.iter().filter(|r| r.rule_id == s.rule_id && *r.address == c.address).collect();
            let site = SuppressionSite::Resource(Arc::new(c.address.clone()));
            // Undecided findings are decided at synthesis, which checks again.
            if let Some(error) = policy::unmatched(&s, &site, rows.iter().any(|r| s.covers(&r.path)), &rows, true) {
                diags.error(rule_span, message(&error.to_string(), Some(&error.help()), None));
            }
        }
    }
    // Resources with schema errors were left out of the policy phase, so a
    // stack-wide suppression may match them once they are fixed.
    if input.all_valid {
        for (s, span) in input.stack_suppressions.iter().filter(|(s, _)| runs_here(&s.rule_id)) {
            if let Some(error) = policy::unmatched(s, &SuppressionSite::Stack, report.rows.iter().any(|r| r.rule_id == s.rule_id), &[], true) {
                let problem = SuppressionProblem { on: SuppressionSite::Stack, error };
                diags.error(*span, message(&problem.message(), Some(&problem.error.help()), None));
            }
        }
    }
}

/// `lambda function`, `dynamodb table`: the label its provider's descriptor gives the type.
fn kind_label(descriptors: &Descriptors, address: &Address) -> String {
    descriptors.kind_label(&address.type_name)
}
