//! The policy report: one row per finding, grouped by rule, with
//! suppressed findings and their reasons kept visible to reviewers.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use super::{check_suppression, evaluate, unmatched, Level, Outcome, PolicyError, RuleSet, StackPolicy, SuppressionError, SuppressionSite};
use crate::graph::{Graph, Origin, Stack, Suppression};
use crate::path::AttrPath;
use crate::reference::{Address, InstanceKey};

/// What became of one finding: it stands, it waits on a run-time value,
/// or a suppression accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowState {
    /// The rule decided the resource does not comply.
    NonCompliant,
    /// A value the rule needs is only known when Terraform applies: fails closed.
    Unknown,
    /// A suppression covered the finding (whether non-compliant or
    /// unknown); the row stays in the report for reviewers.
    Suppressed {
        /// The suppression's reason, shown next to the finding.
        reason: String,
    },
}

/// One finding of one rule on one resource: a line of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The rule that found it (`TAP-S3-001`, `ORG-LOG-001`).
    pub rule_id: String,
    /// The resource the finding is on.
    pub address: Arc<Address>,
    /// The instance of a resource with `count` or `for_each`, when the
    /// rule checked each instance the stack knows.
    pub key: Option<InstanceKey>,
    /// The attribute at fault; the root when the finding is about the
    /// resource as a whole (something missing).
    pub path: AttrPath,
    /// Whether the finding stands, is unknown, or is suppressed.
    pub state: RowState,
    /// The rule's level in this stack: only errors fail synthesis.
    pub level: Level,
    /// The rule's message, followed by the finding's detail when it has one.
    pub message: String,
    /// The rule's fix, one line.
    pub fix: String,
    /// Where the resource was declared in Rust.
    pub origin: Origin,
    /// The component instance the resource belongs to, described
    /// (path, component, call site).
    pub instance: Option<String>,
    /// Where the instance, and each instance around it, was created:
    /// innermost first, so the last is a line of the stack's own code even
    /// when the resource's line is in a component library.
    pub call_sites: Vec<Origin>,
}

impl Row {
    /// Does this row fail synthesis?
    pub fn is_failure(&self) -> bool {
        self.level == Level::Error && !matches!(self.state, RowState::Suppressed { .. })
    }

    /// `aws_lambda_function.api`, or `aws_lambda_function.api.vpc_config[0]` for an attribute.
    pub fn location(&self) -> String {
        location(&self.resource(), &self.path)
    }

    /// The resource, or the instance, the finding is on: `aws_subnet.private["a"]`.
    pub fn resource(&self) -> String {
        match &self.key {
            Some(key) => format!("{}{key}", self.address),
            None => self.address.to_string(),
        }
    }

    /// The finding as one line: `[ID] location: message (in instance ...)`;
    /// [`FindingLine`]'s methods show or hide the other parts.
    pub fn line(&self) -> FindingLine<'_> {
        FindingLine { row: self, place: Place::Location, level: false, state: false, context: true, origin: false }
    }

    /// ` (in instance `orders` of component `encrypted_table`, called at src/stack.rs:42)`, or nothing.
    pub fn context(&self) -> String {
        self.instance.as_ref().map(|i| format!(" (in {i})")).unwrap_or_default()
    }
}

/// A rejected suppression and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionProblem {
    /// Where the suppression was written: a resource, an instance, the stack.
    pub on: SuppressionSite,
    /// Why it was rejected.
    pub error: SuppressionError,
}

impl SuppressionProblem {
    /// One line naming where the suppression was written and what is wrong.
    pub fn message(&self) -> String {
        match &self.on {
            SuppressionSite::Stack => format!("stack-wide {}", self.error),
            on => format!("{}: {}", on.describe(), self.error),
        }
    }
}

impl fmt::Display for SuppressionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.message(), self.error.help())
    }
}

/// One accepted suppression and exactly the findings it covered.
#[derive(Clone, Debug, PartialEq)]
pub struct SuppressionUse {
    /// The rule it silences.
    pub rule_id: String,
    /// Where it was written.
    pub on: SuppressionSite,
    /// The path a precise suppression names.
    pub finding: Option<AttrPath>,
    /// Why the findings are accepted, as written, for reviewers.
    pub reason: String,
    /// The findings it covered: resource and path.
    pub covered: Vec<(Arc<Address>, AttrPath)>,
}

/// The outcome of the policy phase for one stack.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Sorted by rule ID, then address, then path.
    pub rows: Vec<Row>,
    /// Rejected suppressions: unknown rule ID, a rule the organisation
    /// policy marks unsuppressible, a rule that does not apply to the
    /// resource's type, a missing or trivial reason, or one that matched
    /// nothing.
    pub suppression_errors: Vec<SuppressionProblem>,
    /// Every suppression that covered a finding, with what it covered: on
    /// resources in stack order, then on instances, then on the stack.
    pub suppressions: Vec<SuppressionUse>,
    /// How many (rule, resource) pairs were evaluated.
    pub evaluated: usize,
    /// The rules the rows name, by ID, as the rules themselves describe
    /// them (not as one finding does): what SARIF's rule descriptors carry.
    pub rules: BTreeMap<String, RuleInfo>,
}

/// A rule's own metadata, as a report keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// One sentence about the resource.
    pub message: String,
    /// Why the rule exists; empty when it does not say.
    pub rationale: String,
    /// How to comply.
    pub fix: String,
    /// Its level where this report ran it.
    pub level: Level,
}

/// Where a finding's one line says it is.
#[derive(Clone, Copy, Debug)]
pub enum Place<'p> {
    /// Nowhere: the line is about a resource already named.
    Nothing,
    /// The resource's address.
    Address,
    /// The address and the attribute's path: `aws_lambda_function.api.vpc_config[0]`.
    Location,
    /// As the caller names it (the macros name the declaration).
    Named(&'p str),
}

/// One finding as one line: `[ID] level place: message (state) (context) (origin)`.
/// The one formatter of a finding; each part but the ID, place and message
/// is shown on request. Made by [`Row::line`].
#[derive(Clone, Copy, Debug)]
pub struct FindingLine<'r> {
    row: &'r Row,
    place: Place<'r>,
    level: bool,
    state: bool,
    context: bool,
    origin: bool,
}

impl<'r> FindingLine<'r> {
    /// Names the place this way instead of by location.
    pub fn at(mut self, place: Place<'r>) -> Self {
        self.place = place;
        self
    }

    /// Shows the level after the ID.
    pub fn with_level(mut self) -> Self {
        self.level = true;
        self
    }

    /// Shows whether it is unknown or suppressed (and why).
    pub fn with_state(mut self) -> Self {
        self.state = true;
        self
    }

    /// Leaves out the component instance the resource belongs to.
    pub fn without_context(mut self) -> Self {
        self.context = false;
        self
    }

    /// Shows the line of Rust that declared the resource, when known.
    pub fn with_origin(mut self) -> Self {
        self.origin = true;
        self
    }
}

impl fmt::Display for FindingLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = self.row;
        write!(f, "[{}] ", row.rule_id)?;
        if self.level {
            write!(f, "{} ", row.level.as_str())?;
        }
        match self.place {
            Place::Nothing => {}
            Place::Address => write!(f, "{}: ", row.address)?,
            Place::Location => write!(f, "{}: ", row.location())?,
            Place::Named(name) => write!(f, "{name}: ")?,
        }
        f.write_str(&row.message)?;
        if self.state {
            match &row.state {
                RowState::NonCompliant => {}
                RowState::Unknown => f.write_str(" (unknown until apply: failing closed)")?,
                RowState::Suppressed { reason } => write!(f, " (suppressed: {reason})")?,
            }
        }
        if self.context {
            f.write_str(&row.context())?;
        }
        if self.origin && row.origin.line != 0 {
            write!(f, " ({})", row.origin)?;
        }
        Ok(())
    }
}

impl Report {
    /// Evaluates the rules in force for the stack (its packs, its
    /// organisation policy, its Rust rules), applies suppressions and
    /// checks them.
    pub fn build(stack: &Stack, policy: &StackPolicy, graph: &Graph) -> Result<Report, PolicyError> {
        Ok(Report::build_with(stack, &policy.suppressions, graph, &RuleSet::for_policy(policy)?))
    }

    /// [`Report::build`] with the rules given, and the stack-wide
    /// suppressions `stack_suppressions`.
    pub fn build_with(stack: &Stack, stack_suppressions: &[Suppression], graph: &Graph, rules: &RuleSet) -> Report {
        let evaluations = evaluate(stack, graph, rules);
        let mut report = Report { evaluated: evaluations.len(), ..Report::default() };
        // What each suppression covered, by where it was written.
        let mut covered: HashMap<Written, Vec<(Arc<Address>, AttrPath)>> = HashMap::new();

        for eval in &evaluations {
            let (findings, state) = match &eval.outcome {
                Outcome::NonCompliant(f) => (f.clone(), RowState::NonCompliant),
                Outcome::Unknown(f) => (vec![f.clone()], RowState::Unknown),
                _ => continue,
            };
            let resource = eval.resource;
            let rule_id = eval.rule.id();
            // No suppression silences a rule the organisation forbids suppressing.
            let suppressible = rules.forbidden_by(rule_id).is_none();
            let instance = resource.instance.map(|i| stack.instance(i).describe());
            let call_sites: Vec<Origin> = stack.instance_chain(resource.instance).map(|(_, i)| i.call_site).collect();
            for finding in findings {
                let mut message = eval.rule.message().to_owned();
                if let Some(d) = &finding.detail {
                    message = format!("{message}: {d}");
                }
                let suppression = covering_suppression(stack, stack_suppressions, eval.index, rule_id, &finding.path).filter(|_| suppressible);
                let state = match suppression {
                    Some((written, s)) => {
                        covered.entry(written).or_default().push((resource.address.clone(), finding.path.clone()));
                        RowState::Suppressed { reason: s.reason.clone() }
                    }
                    None => state.clone(),
                };
                report.rows.push(Row {
                    rule_id: rule_id.to_owned(),
                    address: resource.address.clone(),
                    key: eval.key.clone(),
                    path: finding.path,
                    state,
                    level: eval.level,
                    message,
                    fix: eval.rule.fix().to_owned(),
                    origin: resource.origin,
                    instance: instance.clone(),
                    call_sites: call_sites.clone(),
                });
            }
        }
        report.rows.sort_by(|a, b| (&a.rule_id, &a.address, &a.key, &a.path).cmp(&(&b.rule_id, &b.address, &b.key, &b.path)));
        let reported: std::collections::BTreeSet<&str> = report.rows.iter().map(|r| r.rule_id.as_str()).collect();
        for eval in &evaluations {
            if reported.contains(eval.rule.id()) && !report.rules.contains_key(eval.rule.id()) {
                let rule = &eval.rule;
                let info = RuleInfo { message: rule.message().to_owned(), rationale: rule.rationale().to_owned(), fix: rule.fix().to_owned(), level: eval.level };
                report.rules.insert(rule.id().to_owned(), info);
            }
        }

        let mut written = Vec::new();
        for r in &stack.resources {
            written.extend(r.suppressions.iter().enumerate().map(|(j, s)| (SuppressionSite::Resource(r.address.clone()), j, s)));
        }
        for instance in &stack.instances {
            written.extend(instance.suppressions.iter().enumerate().map(|(j, s)| (SuppressionSite::Instance(Some(instance.describe())), j, s)));
        }
        written.extend(stack_suppressions.iter().enumerate().map(|(j, s)| (SuppressionSite::Stack, j, s)));
        for (on, j, s) in written {
            let covered = covered.remove(&(on.clone(), j)).unwrap_or_default();
            let error = check_suppression(rules, s, &on).err().or_else(|| {
                let here: Vec<&Row> = match &on {
                    SuppressionSite::Resource(address) => report.rows.iter().filter(|r| r.rule_id == s.rule_id && r.address == *address).collect(),
                    _ => Vec::new(),
                };
                unmatched(s, &on, !covered.is_empty(), &here, false)
            });
            match error {
                Some(error) => report.suppression_errors.push(SuppressionProblem { on, error }),
                None => report.suppressions.push(SuppressionUse { rule_id: s.rule_id.clone(), on, finding: s.finding.clone(), reason: s.reason.clone(), covered }),
            }
        }
        report
    }

    /// The rows that fail synthesis: errors, non-compliant or unknown,
    /// that no suppression covered.
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.is_failure())
    }

    /// The rows a suppression covered, for reviewers to read with their reasons.
    pub fn suppressed(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| matches!(r.state, RowState::Suppressed { .. }))
    }

    /// The report as JSON, grouped by rule; deterministic.
    pub fn to_json(&self) -> serde_json::Value {
        let mut by_rule: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
        for row in &self.rows {
            let (state, reason) = match &row.state {
                RowState::NonCompliant => ("non_compliant", None),
                RowState::Unknown => ("unknown", None),
                RowState::Suppressed { reason } => ("suppressed", Some(reason.clone())),
            };
            let mut obj = serde_json::json!({
                "address": row.resource(),
                "attribute": row.path.to_string(),
                "state": state,
                "level": row.level.as_str(),
                "message": row.message,
            });
            if let Some(reason) = reason {
                obj["reason"] = serde_json::Value::String(reason);
            }
            if row.origin.line != 0 {
                obj["source"] = serde_json::json!({ "file": row.origin.file, "line": row.origin.line });
            }
            if let Some(instance) = &row.instance {
                obj["instance"] = serde_json::Value::String(instance.clone());
            }
            by_rule.entry(&row.rule_id).or_default().push(obj);
        }
        let suppressions: Vec<serde_json::Value> = self
            .suppressions
            .iter()
            .map(|s| {
                let on = match &s.on {
                    SuppressionSite::Resource(address) => address.to_string(),
                    SuppressionSite::Stack => "stack".to_owned(),
                    instance => instance.describe(),
                };
                let covered: Vec<String> = s.covered.iter().map(|(address, path)| location(address, path)).collect();
                let mut obj = serde_json::json!({ "rule": s.rule_id, "on": on, "reason": s.reason, "covered": covered });
                if let Some(finding) = &s.finding {
                    obj["finding"] = serde_json::Value::String(finding.to_string());
                }
                obj
            })
            .collect();
        let mut doc = serde_json::json!({
            "evaluated": self.evaluated,
            "findings": by_rule,
            "failures": self.failures().count(),
            "suppressed": self.suppressed().count(),
            "suppressions": suppressions,
        });
        // Only a report-only synthesis writes a report with rejected
        // suppressions (otherwise they stop it), so the key is absent when
        // there are none and reports of passing stacks keep their bytes.
        if !self.suppression_errors.is_empty() {
            let errors: Vec<serde_json::Value> =
                self.suppression_errors.iter().map(|p| serde_json::json!({ "message": p.message(), "help": p.error.help() })).collect();
            doc["suppression_errors"] = serde_json::Value::Array(errors);
        }
        doc
    }

    /// One line per row, for terminals: `TAP-LMB-001 error aws_lambda_function.api: ... (suppressed: reason)`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            out.push_str(&format!("{}\n", row.line().with_level().with_state()));
        }
        out
    }
}

/// `address` or `address.path`.
fn location(address: &impl std::fmt::Display, path: &AttrPath) -> String {
    if path.is_root() {
        address.to_string()
    } else {
        format!("{address}.{path}")
    }
}

/// One written suppression: where, and its position in that place's list.
type Written = (SuppressionSite, usize);

/// The suppression of `rule_id` that covers the finding at `path` of
/// the resource at `index`: its own first, then its instance's and those of the
/// instances around it, then the stack's. The nearest one answers for the
/// finding; a precise one covers only the findings at its path.
fn covering_suppression<'s>(stack: &'s Stack, stack_suppressions: &'s [Suppression], index: usize, rule_id: &str, path: &AttrPath) -> Option<(Written, &'s Suppression)> {
    let matches = |s: &Suppression| s.rule_id == rule_id && s.covers(path);
    let resource = &stack.resources[index];
    let own = resource.suppressions.iter().enumerate().find(|(_, s)| matches(s)).map(|(j, s)| ((SuppressionSite::Resource(resource.address.clone()), j), s));
    own.or_else(|| {
        stack.instance_chain(resource.instance).find_map(|(_, instance)| {
            // A precise suppression on an instance names the finding from
            // the instance: the resource's name in it, then the path.
            let within = within_instance(&resource.address.name, &instance.path, path);
            let matches = |s: &Suppression| s.rule_id == rule_id && s.covers(&within);
            instance.suppressions.iter().enumerate().find(|(_, s)| matches(s)).map(|(j, s)| ((SuppressionSite::Instance(Some(instance.describe())), j), s))
        })
    })
    .or_else(|| stack_suppressions.iter().enumerate().find(|(_, s)| matches(s)).map(|(j, s)| ((SuppressionSite::Stack, j), s)))
}

/// `endpoint_dynamodb.policy.Statement[0]`: a finding at `path` of the
/// resource `name`, as seen from the instance at `instance_path` (the
/// resource's name without the instance's prefix, then the path).
fn within_instance(name: &str, instance_path: &str, path: &AttrPath) -> AttrPath {
    let local = name.strip_prefix(instance_path).and_then(|rest| rest.strip_prefix('_')).unwrap_or(name);
    let mut within = AttrPath::root().name(local);
    for step in path.steps() {
        within.push(step.clone());
    }
    within
}
