//! Synthesis: the stack as deterministic, sorted, pretty Terraform JSON,
//! plus its assets and policy report, written atomically.
//!
//! Layer: synth (the top). Runs validation and the policy engine first and
//! refuses to write anything if either fails. Layout, under the output
//! directory (the CDKTF layout, to ease migration):
//!
//! ```text
//! stacks/<stack>/cdk.tf.json        providers, backend, resources, outputs
//! stacks/<stack>/versions.tf.json   terraform.required_version alone
//! stacks/<stack>/assets/<name>.zip  reproducible zips
//! stacks/<stack>/policy-report.json the policy report (suppressions included)
//! ```
//!
//! `required_version` lives in its own file because some scanners' JSON
//! parsers reject the whole file that holds it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value as J};

use crate::graph::{Backend, Graph, Resource, Stack};
use crate::policy::{PolicyError, Report, RowState, UnknownPack};
use crate::reference::{Address, Mode};
use crate::validate::{validate_in, ValidationError};
use crate::schema::Block;
use crate::value::{block_instances, to_terraform_json, Fields, Value};

/// The files of one synthesized stack, relative to `stacks/<stack>/`.
#[derive(Debug)]
pub struct Synthesized {
    pub stack_name: String,
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: Report,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum SynthError {
    Validation(Vec<ValidationError>),
    /// The stack names a rule pack tap does not ship.
    UnknownPack(UnknownPack),
    /// The stack's organisation policy (built in code) does not parse, or
    /// two of its rules have one ID.
    PolicySetup(PolicyError),
    Policy { report: Report },
    Io { path: PathBuf, error: std::io::Error },
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
                    writeln!(f, "error: [{}] {}: {}{}\n  help: {}", row.rule_id, row.location(), row.message, row.context(), row.fix)?;
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

/// Validates, evaluates policy and renders every file in memory.
pub fn synthesize(stack: &Stack) -> Result<Synthesized, SynthError> {
    let graph = Graph::new(stack);
    let errors = validate_in(&graph);
    if !errors.is_empty() {
        return Err(SynthError::Validation(errors));
    }
    let report = Report::build(stack, &graph).map_err(|e| match e {
        PolicyError::UnknownPack(p) => SynthError::UnknownPack(p),
        other => SynthError::PolicySetup(other),
    })?;
    if report.failures().next().is_some() || !report.suppression_errors.is_empty() {
        return Err(SynthError::Policy { report });
    }

    let mut files = BTreeMap::new();
    files.insert("cdk.tf.json".to_owned(), pretty(&main_document(stack, &report)));
    files.insert("versions.tf.json".to_owned(), pretty(&json!({ "terraform": { "required_version": stack.required_version } })));
    files.insert("policy-report.json".to_owned(), pretty(&report.to_json()));
    for asset in &stack.assets {
        let bytes = asset.bytes.as_ref().expect("BUG: validation passed with a failed asset");
        files.insert(asset.handle().relative_path(), bytes.clone());
    }
    Ok(Synthesized { stack_name: stack.name.clone(), files, report })
}

fn pretty(value: &J) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("BUG: JSON values always serialize");
    out.push(b'\n');
    out
}

fn main_document(stack: &Stack, report: &Report) -> J {
    let mut doc = Map::new();

    // One pass over the suppressed findings: the stack-wide list, and each
    // resource's own (looked up per resource below, not searched for).
    let mut suppressed = Vec::new();
    let mut suppressed_by_address: BTreeMap<&Address, Vec<J>> = BTreeMap::new();
    for row in report.suppressed() {
        let RowState::Suppressed { reason } = &row.state else {
            unreachable!("BUG: suppressed() returned an unsuppressed row")
        };
        suppressed.push(json!({ "rule": row.rule_id, "address": row.address.to_string(), "attribute": row.path.to_string(), "reason": reason }));
        suppressed_by_address.entry(&*row.address).or_default().push(json!({ "rule": row.rule_id, "reason": reason }));
    }
    doc.insert(
        "//".into(),
        json!({ "tap": { "stack": stack.name, "packs": stack.packs, "suppressions": suppressed } }),
    );

    let mut terraform = Map::new();
    // Every provider the stack uses: those its resources imply (with the
    // schema's source and version), then those it declares, which win.
    let provider_facts = stack.provider_facts();
    let mut required = Map::new();
    for facts in provider_facts.values() {
        required.insert(facts.local_name().to_owned(), requirement(facts.source(), facts.version()));
    }
    for p in &stack.providers {
        required.insert(p.name.clone(), requirement(&p.source, &p.version));
    }
    terraform.insert("required_providers".into(), J::Object(required));
    match &stack.backend {
        Some(Backend::S3 { bucket, key, region, encrypt, dynamodb_table }) => {
            let mut s3 = json!({ "bucket": bucket, "key": key, "region": region, "encrypt": encrypt });
            if let Some(table) = dynamodb_table {
                s3["dynamodb_table"] = J::String(table.clone());
            }
            terraform.insert("backend".into(), json!({ "s3": s3 }));
        }
        Some(Backend::Local { path }) => {
            terraform.insert("backend".into(), json!({ "local": { "path": path } }));
        }
        None => {}
    }
    doc.insert("terraform".into(), J::Object(terraform));

    let mut providers: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for p in &stack.providers {
        let block = provider_facts.get(p.name.as_str()).map(|f| f.config_block());
        let mut body = render_body(block, &p.config());
        if let Some(alias) = &p.alias {
            body.insert("alias".into(), J::String(alias.clone()));
        }
        providers.entry(p.name.clone()).or_default().push(J::Object(body));
    }
    if !providers.is_empty() {
        doc.insert("provider".into(), serde_json::to_value(providers).expect("BUG: providers serialize"));
    }

    let mut managed: BTreeMap<&str, Map<String, J>> = BTreeMap::new();
    let mut data: BTreeMap<&str, Map<String, J>> = BTreeMap::new();
    for r in &stack.resources {
        let target = if r.address.mode == Mode::Data { &mut data } else { &mut managed };
        target.entry(r.type_name()).or_default().insert(r.address.name.clone(), resource_body(r, suppressed_by_address.remove(&*r.address)));
    }
    if !managed.is_empty() {
        doc.insert("resource".into(), serde_json::to_value(managed).expect("BUG: resources serialize"));
    }
    if !data.is_empty() {
        doc.insert("data".into(), serde_json::to_value(data).expect("BUG: data sources serialize"));
    }

    if !stack.outputs.is_empty() {
        let outputs: Map<String, J> = stack
            .outputs
            .iter()
            .map(|(name, o)| {
                let mut body = json!({ "value": to_terraform_json(&o.value), "description": o.description });
                if o.sensitive {
                    body["sensitive"] = J::Bool(true);
                }
                (name.clone(), body)
            })
            .collect();
        doc.insert("output".into(), J::Object(outputs));
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

/// A body as Terraform JSON: null arguments left out, and nested blocks
/// that hold a list of instances (per `block`, the schema) always arrays,
/// at every depth.
fn render_body(block: Option<&Block>, fields: &Fields) -> Map<String, J> {
    let mut body = Map::new();
    for (name, value) in fields {
        if *value == Value::Null {
            continue;
        }
        let rendered = match block.and_then(|b| b.block_types.get(name)) {
            Some(nested) => {
                let instance = |v: &Value| match v {
                    Value::Block(inner) => J::Object(render_body(Some(&nested.block), inner)),
                    other => to_terraform_json(other),
                };
                match value {
                    Value::Block(_) | Value::List(_) if nested.is_multi() => J::Array(block_instances(value).iter().map(instance).collect()),
                    other => instance(other),
                }
            }
            None => to_terraform_json(value),
        };
        body.insert(name.clone(), rendered);
    }
    body
}

/// One resource's body; `suppressed` are its own suppressed findings.
fn resource_body(r: &Resource, suppressed: Option<Vec<J>>) -> J {
    let mut body = render_body(r.facts.map(|f| f.block()), &r.body);
    if !r.depends_on.is_empty() {
        let mut deps: Vec<String> = r.depends_on.iter().map(|d| d.to_string()).collect();
        deps.sort();
        deps.dedup();
        body.insert("depends_on".into(), json!(deps));
    }
    if let Some(lc) = &r.lifecycle {
        let mut l = Map::new();
        if lc.prevent_destroy {
            l.insert("prevent_destroy".into(), J::Bool(true));
        }
        if lc.create_before_destroy {
            l.insert("create_before_destroy".into(), J::Bool(true));
        }
        if !lc.ignore_changes.is_empty() {
            l.insert("ignore_changes".into(), json!(lc.ignore_changes));
        }
        body.insert("lifecycle".into(), J::Object(l));
    }
    if let Some(alias) = &r.provider_alias {
        // The provider's local name is the type's prefix: `aws` for `aws_vpc`.
        let provider = r.type_name().split('_').next().unwrap_or_default();
        body.insert("provider".into(), J::String(format!("{provider}.{alias}")));
    }
    if let Some(suppressed) = suppressed {
        body.insert("//".into(), json!({ "tap_suppressions": suppressed }));
    }
    J::Object(body)
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
pub fn synthesize_to(stack: &Stack, out_dir: &Path) -> Result<(PathBuf, Synthesized), SynthError> {
    let synthesized = synthesize(stack)?;
    let dir = write(out_dir, &synthesized)?;
    Ok((dir, synthesized))
}
