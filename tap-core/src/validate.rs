//! Validation before synthesis: duplicate names, invalid identifiers,
//! references to undeclared resources or to attributes their schema does
//! not have, schema checks of values only known at run time (and of the
//! backend against its argument table), dependency cycles, and asset
//! errors.
//!
//! Layer: validate. Every problem is an error value naming both ends;
//! nothing here panics or stops at the first problem. Linear in the size
//! of the stack (hash lookups and one depth-first search).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::asset::AssetError;
use crate::graph::overrides::{coverage, meta_value_issue, Coverage};
use crate::graph::blocks::{target_problem, Role};
use crate::graph::{Change, Graph, Origin, Override, Repetition, Stack, Target};
use crate::path::AttrPath;
use crate::navigate::evaluate;
use crate::reference::{is_valid_identifier, Address, Mode, Reference, Root};
use crate::schema::backends::{check_backend, CLOUD};
use crate::schema::iteration;
use crate::schema::{check_body, check_reference_path, provider_of, suggest, IssueKind, ReferencePathError, SchemaIssue};
use crate::value::Value;

/// Where a value that validation complains about stands.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Site {
    /// A resource or data source, by its address (`aws_s3_bucket.logs`).
    Resource(Arc<Address>),
    /// An output, by name; shown as `output.<name>`.
    Output(String),
    /// An input variable; shown as `var.<name>`.
    Variable(String),
    /// A local value; shown as `local.<name>`.
    Local(String),
    /// A provider configuration; shown as `provider.<name>` or
    /// `provider.<name>.<alias>`.
    Provider {
        /// The provider's local name (`aws`).
        name: String,
        /// The configuration's alias, `None` for the default one.
        alias: Option<String>,
    },
    /// The backend (or `cloud` block), by its name; shown as
    /// `terraform.backend.<name>` or `terraform.cloud`.
    Backend(String),
    /// A `moved`, `import`, `removed` or `check` block, as messages name
    /// it: `import[aws_s3_bucket.logs]`, `check.health`.
    Block(String),
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Site::Resource(address) => write!(f, "{address}"),
            Site::Output(name) => write!(f, "output.{name}"),
            Site::Variable(name) => write!(f, "var.{name}"),
            Site::Local(name) => write!(f, "local.{name}"),
            Site::Provider { name, alias: None } => write!(f, "provider.{name}"),
            Site::Provider { name, alias: Some(alias) } => write!(f, "provider.{name}.{alias}"),
            Site::Backend(name) if name == CLOUD => write!(f, "terraform.{CLOUD}"),
            Site::Backend(name) => write!(f, "terraform.backend.{name}"),
            Site::Block(name) => f.write_str(name),
        }
    }
}

/// One problem that stops a stack from being synthesized. Its `Display` is
/// the message and help the user sees, naming both ends where there are
/// two.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ValidationError {
    /// Two resources with the same address: Terraform would keep only one.
    DuplicateName {
        /// The address declared twice.
        address: Arc<Address>,
        /// Where the first was declared (inside a component, where its
        /// instance was created).
        first: Origin,
        /// Where the second was declared.
        second: Origin,
    },
    /// Two component instances with the same path: every resource of one
    /// would collide with its twin in the other.
    ScopeCollision {
        /// The instance path both share (`orders`, `orders_replica`).
        path: String,
        /// Where the first instance was opened.
        first: Origin,
        /// Where the second instance was opened.
        second: Origin,
    },
    /// Two outputs with the same name: the Terraform JSON has room for one.
    DuplicateOutput {
        /// The output name declared twice.
        name: String,
    },
    /// Two provider configurations with the same name and alias.
    DuplicateProvider {
        /// The configuration configured twice.
        at: Site,
    },
    /// `#[provider(alias)]` names an alias no provider configuration has.
    UnknownProviderAlias {
        /// The resource that asks for the alias.
        address: Arc<Address>,
        /// The provider of the resource's type (`aws`).
        provider: String,
        /// The alias it asks for.
        alias: String,
    },
    /// A stack, resource, output or asset name Terraform would reject:
    /// it must start with a letter or `_`, then letters, digits, `_` or `-`.
    InvalidIdentifier {
        /// What kind of name: `"stack"`, `"resource"`, `"output"` or `"asset"`.
        what: &'static str,
        /// The name as written (for a resource, its whole address).
        name: String,
    },
    /// `count`, `for_each`, an instance or a `dynamic` block that
    /// Terraform would refuse (`tap_core::schema::iteration` says why).
    Iteration {
        /// The resource.
        at: Site,
        /// Where in it.
        path: AttrPath,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        help: String,
    },
    /// A reference or `depends_on` entry names a resource the stack does
    /// not declare.
    UndeclaredReference {
        /// The resource, output or provider holding the reference.
        from: Site,
        /// Where in it the reference stands (`depends_on` for a dependency).
        path: AttrPath,
        /// The address that is not declared.
        target: Arc<Address>,
    },
    /// A Terraform function call built at run time that Terraform would
    /// refuse: an unknown function, the wrong number of arguments, a
    /// literal argument of the wrong kind.
    Function {
        /// The resource, output, provider, variable or local holding the call.
        at: Site,
        /// Where in it the call stands.
        path: AttrPath,
        /// What is wrong, one line.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A reference reads a variable or local value the stack does not declare.
    UndeclaredValue {
        /// The resource, output, provider, variable or local holding the reference.
        from: Site,
        /// Where in it the reference stands.
        path: AttrPath,
        /// The reference as written.
        reference: Reference,
        /// The declared name closest to it, if one is close.
        suggestion: Option<String>,
    },
    /// Two variables, or two local values, with the same name.
    DuplicateValue {
        /// `var.<name>` or `local.<name>`.
        name: String,
    },
    /// A variable whose declaration Terraform would reject or whose
    /// default its own type or validations refuse.
    Variable {
        /// The variable's name.
        name: String,
        /// What is wrong, one line.
        problem: String,
    },
    /// An output reads a sensitive value and is not marked sensitive:
    /// Terraform refuses it at plan.
    SensitiveOutput {
        /// The output's name.
        name: String,
        /// The sensitive value it reads (`var.db_password`).
        source: String,
    },
    /// A reference reads an attribute its target's schema does not have.
    /// The compile-time checker reports this for the references it sees;
    /// this catches the rest.
    UnknownReferencedAttribute {
        /// The resource, output or provider holding the reference.
        from: Site,
        /// Where in it the reference stands.
        path: AttrPath,
        /// The reference as written.
        reference: Reference,
        /// What the target's schema lacks, with a suggestion.
        error: ReferencePathError,
    },
    /// A resource body, provider configuration or backend does not fit
    /// its schema; catches what the compile-time checker could not see.
    Schema {
        /// The resource, provider configuration or backend checked.
        at: Site,
        /// The problem, with its path inside the body.
        issue: SchemaIssue,
    },
    /// A resource carries no schema facts, so nothing about its body can be
    /// checked: it was built by hand rather than with `resource!` in a
    /// `#[stack]`.
    MissingSchema {
        /// The resource without facts.
        address: Arc<Address>,
    },
    /// Resources that depend on each other in a loop, through references
    /// or `depends_on`: Terraform cannot order them.
    Cycle {
        /// The path that closes the cycle, first address repeated last.
        addresses: Vec<Arc<Address>>,
    },
    /// An asset whose archive could not be built, kept from the declaration
    /// to be reported here.
    Asset {
        /// The asset's name.
        name: String,
        /// Why its bytes could not be built.
        error: AssetError,
    },
    /// An override that cannot stand: its path does not parse or leads
    /// nowhere, it names something close to a known name (a likely typo),
    /// or it gives a meta-argument a value of the wrong kind.
    Override {
        /// The resource or provider configuration overridden.
        at: Site,
        /// The override's path, as written.
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it, when there is something to say.
        help: Option<String>,
    },
    /// An override given a handle of no resource in this stack.
    StrayOverride {
        /// The handle's address.
        address: Arc<Address>,
        /// The override's path, as written.
        path: String,
    },
    /// A `moved`, `import`, `removed` or `check` block Terraform would
    /// reject: an address that names no resource of the stack (or one it
    /// still declares), a key that does not fit, two types in one move, a
    /// check without assertions.
    Block {
        /// The block and field: `moved.to`, `check.health`.
        field: String,
        /// What is wrong, naming the address.
        message: String,
        /// What is accepted, or the name meant.
        help: String,
        /// Where the block was written (line `0` when built in code).
        origin: Origin,
    },
    /// A value known only to the compile-time checker reached a running
    /// stack: an internal bug, reported instead of rendered.
    UnresolvedValue {
        /// The resource, output or provider holding the value.
        at: Site,
        /// Where in it the value stands.
        path: AttrPath,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let help = |f: &mut fmt::Formatter<'_>, h: &Option<String>| match h {
            Some(h) => write!(f, "\n  help: {h}"),
            None => Ok(()),
        };
        match self {
            ValidationError::DuplicateName { address, first, second } => {
                write!(f, "`{address}` is declared twice: at {first} and at {second}\n  help: give each a different name")
            }
            ValidationError::ScopeCollision { path, first, second } => write!(
                f,
                "component instance `{path}` is created twice, at {first} and at {second}: the resources of both would have the same addresses\n  help: give each instance its own name in `scope(\"...\")`"
            ),
            ValidationError::DuplicateOutput { name } => write!(f, "output `{name}` is declared twice"),
            ValidationError::DuplicateProvider { at } => {
                write!(f, "`{at}` is configured twice\n  help: give the second configuration an alias, as in `provider!(name.alias {{ ... }})`")
            }
            ValidationError::UnknownProviderAlias { address, provider, alias } => write!(
                f,
                "`{address}` uses provider `{provider}.{alias}`, which the stack does not configure\n  help: add `provider!({provider}.{alias} {{ ... }})`, or remove `#[provider({alias})]`"
            ),
            ValidationError::InvalidIdentifier { what, name } => write!(
                f,
                "{what} name `{name}` is not a valid Terraform identifier\n  help: start with a letter or `_`, then use letters, digits, `_` or `-`"
            ),
            ValidationError::UndeclaredReference { from, path, target } => {
                write!(f, "`{from}.{path}` refers to `{target}`, which is not declared in this stack")
            }
            ValidationError::UndeclaredValue { from, path, reference, suggestion } => {
                let what = if matches!(reference.root, Root::Variable(_)) { "variable" } else { "local value" };
                write!(f, "`{from}.{path}` refers to `{}`, a {what} this stack does not declare", reference.root)?;
                help(f, &suggestion.as_ref().map(|s| format!("did you mean `{s}`?")))
            }
            ValidationError::Function { at, path, message, help } => write!(f, "`{at}.{path}`: {message}\n  help: {help}"),
            ValidationError::Iteration { at, path, problem, help } => write!(f, "`{at}.{path}`: {problem}\n  help: {help}"),
            ValidationError::DuplicateValue { name } => write!(f, "`{name}` is declared twice\n  help: give each a different name"),
            ValidationError::Variable { name, problem } => write!(f, "variable `{name}`: {problem}"),
            ValidationError::SensitiveOutput { name, source } => write!(
                f,
                "output `{name}` reads `{source}`, which is sensitive, and is not marked sensitive: Terraform refuses it at plan\n  help: add `sensitive: true` to the output, or output something that is not secret"
            ),
            ValidationError::UnknownReferencedAttribute { from, path, reference, error } => {
                write!(f, "`{from}.{path}` refers to `{reference}`: {}", error.message)?;
                help(f, &error.help)
            }
            ValidationError::Schema { at, issue } => {
                if issue.path.is_root() {
                    write!(f, "`{at}`: {}", issue.message)?;
                } else {
                    write!(f, "`{at}.{}`: {}", issue.path, issue.message)?;
                }
                help(f, &issue.help)
            }
            ValidationError::MissingSchema { address } => write!(
                f,
                "`{address}` has no schema facts, so it cannot be checked\n  help: declare it with `resource!` inside a `#[stack]`, which attaches its type's schema"
            ),
            ValidationError::Cycle { addresses } => {
                let names: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                write!(f, "dependency cycle: {}\n  help: remove one reference or `depends_on` in the cycle", names.join(" -> "))
            }
            ValidationError::Asset { name, error } => write!(f, "asset `{name}`: {error}"),
            ValidationError::Override { at, path, message, help: h } => {
                write!(f, "override `{path}` of `{at}`: {message}")?;
                help(f, h)
            }
            ValidationError::StrayOverride { address, path } => {
                write!(f, "override `{path}` is given a handle of `{address}`, which this stack does not declare\n  help: override a resource through the handle its stack returned")
            }
            ValidationError::Block { field: _, message, help, origin } => {
                write!(f, "{message}\n  help: {help}")?;
                if origin.line != 0 {
                    write!(f, "\n  --> {origin}")?;
                }
                Ok(())
            }
            ValidationError::UnresolvedValue { at, path } => {
                write!(f, "BUG: `{at}.{path}` holds a compile-time placeholder at synthesis")
            }
        }
    }
}

impl std::error::Error for ValidationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValidationError::Asset { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// All validation errors of a stack, in a stable order.
pub fn validate(stack: &Stack) -> Vec<ValidationError> {
    validate_in(&Graph::new(stack))
}

/// [`validate`] with the stack's graph already built (synthesis builds it
/// once for validation and policy).
pub fn validate_in(graph: &Graph) -> Vec<ValidationError> {
    let stack = graph.stack;
    let mut errors = Vec::new();
    check_names(graph, &mut errors);
    let provider_facts = stack.provider_facts();
    let descriptors = graph.descriptors();
    for (i, r) in stack.resources.iter().enumerate() {
        let site = Site::Resource(r.address.clone());
        let unknown = check_overrides(&site, r.schema_block(), &r.overrides, &mut errors);
        match r.facts {
            Some(facts) => {
                for issue in check_body(descriptors, &r.address.type_name, facts.block(), &r.body) {
                    if !set_by_unchecked_override(&issue, &unknown) {
                        errors.push(ValidationError::Schema { at: site.clone(), issue });
                    }
                }
            }
            None => errors.push(ValidationError::MissingSchema { address: r.address.clone() }),
        }
        for (path, reference) in graph.references_of(i) {
            check_reference(graph, &site, path, reference, &mut errors);
        }
        // Meta-argument overrides are not in the body: their references are checked here.
        for o in r.overrides.iter().filter(|o| o.is_meta()) {
            if let Change::Set(value) = &o.change {
                value.for_each_reference(&mut o.path.clone(), &mut |path, reference| check_reference(graph, &site, path, reference, &mut errors));
            }
        }
        for (name, value) in &r.body {
            check_resolved(&site, name, value, &mut errors);
        }
        check_iteration(graph, r, &site, &mut errors);
        check_lifecycle(graph, &site, r, &mut errors);
        for dep in &r.depends_on {
            if graph.get(dep).is_none() {
                errors.push(ValidationError::UndeclaredReference { from: site.clone(), path: AttrPath::root().name("depends_on"), target: dep.clone() });
            }
        }
    }
    for (name, output) in &stack.outputs {
        check_value(graph, Site::Output(name.clone()), "value", &output.value, &mut errors);
        if !output.sensitive {
            if let Some(source) = sensitive_source(graph, &output.value) {
                errors.push(ValidationError::SensitiveOutput { name: name.clone(), source });
            }
        }
    }
    for (name, variable) in &stack.variables {
        check_variable(graph, name, variable, &mut errors);
    }
    for (name, value) in &stack.locals {
        check_value(graph, Site::Local(name.clone()), "value", value, &mut errors);
    }
    for (p, config) in graph.providers() {
        let site = Site::Provider { name: p.name.clone(), alias: p.alias.clone() };
        let facts = provider_facts.get(p.name.as_str());
        let unknown = check_overrides(&site, facts.map(|f| f.config_block()), &p.overrides, &mut errors);
        if let Some(facts) = facts {
            for issue in check_body(descriptors, &format!("provider.{}", p.name), facts.config_block(), config) {
                if !set_by_unchecked_override(&issue, &unknown) {
                    errors.push(ValidationError::Schema { at: site.clone(), issue });
                }
            }
        }
        for (name, value) in config {
            check_value(graph, site.clone(), name, value, &mut errors);
        }
    }
    if let Some(backend) = &stack.backend {
        let site = Site::Backend(backend.kind.clone());
        errors.extend(check_backend(&backend.kind, &backend.arguments).into_iter().map(|issue| ValidationError::Schema { at: site.clone(), issue }));
    }
    for asset in &stack.assets {
        if let Err(error) = &asset.bytes {
            errors.push(ValidationError::Asset { name: asset.name.clone(), error: error.clone() });
        }
        if !is_valid_identifier(&asset.name) {
            errors.push(ValidationError::InvalidIdentifier { what: "asset", name: asset.name.clone() });
        }
    }
    for (address, path) in &stack.stray_overrides {
        errors.push(ValidationError::StrayOverride { address: address.clone(), path: path.clone() });
    }
    check_blocks(graph, &mut errors);
    errors.extend(find_cycles(graph));
    errors
}

/// A resource's lifecycle settings, provisioners and connection: the
/// checks the macros run ([`crate::graph::lifecycle::issues`]), and their
/// references resolved like the body's.
fn check_lifecycle(graph: &Graph, site: &Site, r: &crate::graph::Resource, errors: &mut Vec<ValidationError>) {
    for issue in crate::graph::lifecycle::issues(r, r.schema_block()) {
        errors.push(ValidationError::Schema { at: site.clone(), issue });
    }
    let lifecycle = AttrPath::root().name("lifecycle");
    if let Some(l) = &r.lifecycle {
        for (i, reference) in l.replace_triggered_by.iter().enumerate() {
            let path = lifecycle.name("replace_triggered_by").index(i);
            // Not a resource: `lifecycle::issues` reported it.
            let Some(target) = reference.target() else { continue };
            if !reference.path.is_root() {
                check_reference(graph, site, &path, reference, errors);
            } else if graph.get(target).is_none() {
                // A whole resource (`aws_kms_key.config`) names no attribute to check.
                errors.push(ValidationError::UndeclaredReference { from: site.clone(), path, target: target.clone() });
            }
        }
        for (kind, list) in [("precondition", &l.preconditions), ("postcondition", &l.postconditions)] {
            for (i, c) in list.iter().enumerate() {
                check_value(graph, site.clone(), &format!("lifecycle.{kind}[{i}].condition"), &c.condition, errors);
            }
        }
    }
    for (i, p) in r.provisioners.iter().enumerate() {
        for (name, value) in &p.arguments {
            check_value(graph, site.clone(), &format!("provisioner[{i}].{name}"), value, errors);
        }
    }
    for (name, value) in r.connection.iter().flatten() {
        check_value(graph, site.clone(), &format!("connection.{name}"), value, errors);
    }
}

/// The `moved`, `import`, `removed` and `check` blocks: their addresses by
/// the rules of [`target_problem`] (the macros apply the same ones), their
/// values like any other.
fn check_blocks(graph: &Graph, errors: &mut Vec<ValidationError>) {
    let stack = graph.stack;
    let declared = |a: &Address| {
        graph.get(a).filter(|r| r.address.mode == Mode::Managed).map(|r| r.repetition.as_ref().map(Repetition::repeats))
    };
    let managed: Vec<String> = stack.resources.iter().filter(|r| r.address.mode == Mode::Managed).map(|r| r.address.to_string()).collect();
    let target = |role: Role, t: &Target, for_each: bool, origin: Origin, errors: &mut Vec<ValidationError>| {
        let candidates = managed.iter().map(String::as_str);
        if let Some((message, help)) = target_problem(role, &t.address, t.key_kind(), for_each, &declared, candidates) {
            errors.push(ValidationError::Block { field: role.field().into(), message, help, origin });
        }
    };
    // Two moves into one address: Terraform's "Ambiguous move statements" at plan.
    let mut moved_to = std::collections::HashMap::new();
    for m in &stack.moved {
        if m.from.address.type_name != m.to.address.type_name {
            errors.push(ValidationError::Block {
                field: "moved".into(),
                message: format!("`moved` from `{}` to `{}` changes the resource type: Terraform moves state between addresses of one type", m.from, m.to),
                help: format!("move to an address of type `{}`, or import the object into the new resource instead", m.from.address.type_name),
                origin: m.origin,
            });
            continue;
        }
        if let Some(first) = moved_to.insert(m.to.to_string(), m.from.to_string()) {
            errors.push(ValidationError::Block {
                field: "moved".into(),
                message: format!("`{}` is the `to` of two `moved` blocks, from `{first}` and from `{}`: Terraform refuses the plan (\"Ambiguous move statements\")", m.to, m.from),
                help: "move one old address to each new one; chain moves (`a` to `b`, `b` to `c`) for an address renamed twice".into(),
                origin: m.origin,
            });
        }
        // Between instances of one resource (adding or dropping `count`), `from` is declared by design.
        if m.from.address != m.to.address {
            target(Role::MovedFrom, &m.from, false, m.origin, errors);
        }
        // A chain (`a` to `b`, then `b` to `c`): `b` is an old address too.
        if !stack.moved.iter().any(|other| other.from == m.to) {
            target(Role::MovedTo, &m.to, false, m.origin, errors);
        }
    }
    for i in &stack.imports {
        target(Role::ImportTo, &i.to, i.for_each.is_some(), i.origin, errors);
        let site = Site::Block(format!("import[{}]", i.to));
        check_value(graph, site.clone(), "id", &i.id, errors);
        if let Some(for_each) = &i.for_each {
            check_value(graph, site, "for_each", for_each, errors);
        }
    }
    for r in &stack.removed {
        target(Role::RemovedFrom, &r.from, false, r.origin, errors);
    }
    let mut names = std::collections::HashSet::new();
    for c in &stack.checks {
        let site = Site::Block(format!("check.{}", c.name));
        if !is_valid_identifier(&c.name) {
            errors.push(ValidationError::InvalidIdentifier { what: "check", name: c.name.clone() });
        }
        if !names.insert(c.name.as_str()) {
            errors.push(ValidationError::Block { field: site.to_string(), message: format!("check `{}` is declared twice", c.name), help: "give each check its own name".into(), origin: c.origin });
        }
        if c.asserts.is_empty() {
            errors.push(ValidationError::Block { field: site.to_string(), message: format!("check `{}` has no `assert`", c.name), help: "add `assert { condition: ..., error_message: \"...\" }`: a check needs at least one".into(), origin: c.origin });
        }
        for d in &c.data {
            let at = Site::Resource(d.address.clone());
            match d.facts {
                Some(facts) => errors.extend(check_body(graph.descriptors(), &d.address.type_name, facts.block(), &d.body).into_iter().map(|issue| ValidationError::Schema { at: at.clone(), issue })),
                None => errors.push(ValidationError::MissingSchema { address: d.address.clone() }),
            }
            for (name, value) in &d.body {
                check_value(graph, at.clone(), name, value, errors);
            }
        }
        for (n, a) in c.asserts.iter().enumerate() {
            for (name, value) in [("condition", &a.condition), ("error_message", &a.error_message)] {
                let mut path = AttrPath::root().name(&format!("assert[{n}]")).name(name);
                // The check's own data sources are readable here, and only here.
                value.for_each_reference(&mut path, &mut |p, r| {
                    if !r.target().is_some_and(|t| c.data.iter().any(|d| d.address == *t)) {
                        check_reference(graph, &site, p, r, errors);
                    }
                });
                check_resolved(&site, name, value, errors);
            }
        }
    }
}

/// The errors of a body's overrides; returns where their paths leave the
/// schema, so that the schema check does not also call those names unknown.
/// A name the schema lacks is accepted unchecked (an argument newer than
/// the embedded schema) unless it is close to a known one: then it is most
/// likely a typo, and only `override_unchecked` takes it as meant.
fn check_overrides(site: &Site, block: Option<&crate::schema::Block>, list: &[Override], errors: &mut Vec<ValidationError>) -> Vec<AttrPath> {
    let mut unknown = Vec::new();
    for o in list {
        let error = |message: String, help: Option<String>| ValidationError::Override { at: site.clone(), path: o.written.clone(), message, help };
        if let Some(problem) = &o.problem {
            errors.push(error(problem.clone(), None));
            continue;
        }
        if let Coverage::Unknown { at, suggestion } = coverage(block, o) {
            if let (Some(s), false) = (&suggestion, o.unchecked) {
                let name = at.last_name().unwrap_or_default();
                errors.push(error(
                    format!("the schema has no `{name}` here; did you mean `{s}`?"),
                    Some(format!("if `{name}` is newer than the schema tap embeds, use `override_unchecked`, which takes it as meant")),
                ));
            }
            unknown.push(at);
        }
        if let Some(message) = meta_value_issue(o) {
            errors.push(error(message, None));
        }
    }
    unknown
}

/// Is `issue` an unknown name that an override put there knowingly?
fn set_by_unchecked_override(issue: &SchemaIssue, unknown: &[AttrPath]) -> bool {
    issue.kind == IssueKind::UnknownName && unknown.iter().any(|at| at.names_only() == issue.path.names_only())
}

/// Where a resource came from, for a duplicate: inside a component, the
/// call that created its instance (the component's own line is the same
/// for every instance).
fn declared_at(stack: &crate::graph::Stack, r: &crate::graph::Resource) -> Origin {
    r.instance.map(|i| stack.instance(i).call_site).unwrap_or(r.origin)
}

fn in_colliding_instances(stack: &crate::graph::Stack, a: &crate::graph::Resource, b: &crate::graph::Resource) -> bool {
    match (a.instance, b.instance) {
        (Some(x), Some(y)) => stack.instance(x).path == stack.instance(y).path,
        _ => false,
    }
}

/// Identifiers Terraform accepts, and names declared once.
fn check_names(graph: &Graph, errors: &mut Vec<ValidationError>) {
    let stack = graph.stack;
    if !is_valid_identifier(&stack.name) {
        errors.push(ValidationError::InvalidIdentifier { what: "stack", name: stack.name.clone() });
    }
    for r in &stack.resources {
        if !is_valid_identifier(&r.address.name) {
            errors.push(ValidationError::InvalidIdentifier { what: "resource", name: r.address.to_string() });
        }
        match graph.get(&r.address) {
            // Twins in two instances of the same path: the collision of the instances says it once.
            Some(first) if !std::ptr::eq(first, r) && !in_colliding_instances(stack, first, r) => {
                errors.push(ValidationError::DuplicateName { address: r.address.clone(), first: declared_at(stack, first), second: declared_at(stack, r) })
            }
            _ => {}
        }
    }
    for c in &stack.scope_collisions {
        errors.push(ValidationError::ScopeCollision { path: c.path.clone(), first: c.first, second: c.second });
    }
    let mut configured = std::collections::HashSet::new();
    for p in &stack.providers {
        if !configured.insert((p.name.as_str(), p.alias.as_deref())) {
            errors.push(ValidationError::DuplicateProvider { at: Site::Provider { name: p.name.clone(), alias: p.alias.clone() } });
        }
    }
    for r in &stack.resources {
        let Some(alias) = &r.provider_alias else { continue };
        let provider = provider_of(r.type_name());
        if !configured.contains(&(provider, Some(alias.as_str()))) {
            errors.push(ValidationError::UnknownProviderAlias { address: r.address.clone(), provider: provider.to_owned(), alias: alias.clone() });
        }
    }
    for name in &stack.duplicate_outputs {
        errors.push(ValidationError::DuplicateOutput { name: name.clone() });
    }
    for name in &stack.duplicate_values {
        errors.push(ValidationError::DuplicateValue { name: name.clone() });
    }
    for name in stack.outputs.keys() {
        if !is_valid_identifier(name) {
            errors.push(ValidationError::InvalidIdentifier { what: "output", name: name.clone() });
        }
    }
}

/// The references and run-time values of a value outside the resources
/// (an output, a provider argument): the same checks as a body's.
fn check_value(graph: &Graph, site: Site, name: &str, value: &Value, errors: &mut Vec<ValidationError>) {
    let mut path = AttrPath::root().name(name);
    value.for_each_reference(&mut path, &mut |p, reference| check_reference(graph, &site, p, reference, errors));
    check_resolved(&site, name, value, errors);
}

/// A value known only to the compile-time checker must never be rendered.
/// Also checks every function call built at run time as the macros check
/// a written one: the name, the number of arguments and the literal kinds.
fn check_resolved(site: &Site, name: &str, value: &Value, errors: &mut Vec<ValidationError>) {
    use crate::schema::functions::{check_call, check_provider_call, shipped_provider_functions, Literal};
    value.walk(&mut AttrPath::root().name(name), &mut |path, v| match v {
        Value::Unknown => errors.push(ValidationError::UnresolvedValue { at: site.clone(), path: path.clone() }),
        Value::Call(call) => {
            let args: Vec<Option<Literal>> = call.args.iter().map(Literal::of).collect();
            let checked = match call.function.strip_prefix("provider::").and_then(|rest| rest.split_once("::")) {
                // A provider's functions are known for the embedded providers; a crate's own schema's only to the macros.
                Some((provider, function)) => shipped_provider_functions(provider).map_or(Ok(()), |fns| check_provider_call(provider, fns, function, &args).map(|_| ())),
                None => check_call(&call.function, &args).map(|_| ()),
            };
            for problem in checked.err().into_iter().flatten() {
                errors.push(ValidationError::Function { at: site.clone(), path: path.clone(), message: problem.message(), help: problem.help() });
            }
        }
        _ => {}
    });
}

fn check_reference(graph: &Graph, from: &Site, path: &AttrPath, r: &Reference, errors: &mut Vec<ValidationError>) {
    let stack = graph.stack;
    let undeclared = |names: Vec<&str>, name: &str, prefix: &str| ValidationError::UndeclaredValue {
        from: from.clone(),
        path: path.clone(),
        reference: r.clone(),
        suggestion: suggest(name, names).map(|s| format!("{prefix}.{s}")),
    };
    match &r.root {
        Root::Resource(address) => {
            let Some(target) = graph.get(address) else {
                errors.push(ValidationError::UndeclaredReference { from: from.clone(), path: path.clone(), target: address.clone() });
                return;
            };
            if let Some((problem, help)) = iteration::instance_problem(r, target.repetition.as_ref().map(Repetition::repeats)) {
                errors.push(ValidationError::Iteration { at: from.clone(), path: path.clone(), problem, help });
                return;
            }
            let read = AttrPath::from(r.attribute_steps().to_vec());
            if let (Some(facts), false) = (target.facts, read.is_root()) {
                if let Err(error) = check_reference_path(&address.type_name, facts.block(), &read) {
                    errors.push(ValidationError::UnknownReferencedAttribute { from: from.clone(), path: path.clone(), reference: r.clone(), error });
                }
            }
        }
        Root::Variable(name) => match stack.variables.get(&**name) {
            None => errors.push(undeclared(stack.variables.keys().map(String::as_str).collect(), name, "var")),
            Some(variable) => {
                let mut ty = variable.ty.as_ref();
                for step in r.path.steps() {
                    let Some(t) = ty else { break };
                    match t.step(step, &format!("`var.{name}`")) {
                        Ok(next) => ty = Some(next),
                        Err(message) => {
                            let error = ReferencePathError { message, help: None };
                            errors.push(ValidationError::UnknownReferencedAttribute { from: from.clone(), path: path.clone(), reference: r.clone(), error });
                            break;
                        }
                    }
                }
            }
        },
        Root::Local(name) if !stack.locals.contains_key(&**name) => errors.push(undeclared(stack.locals.keys().map(String::as_str).collect(), name, "local")),
        Root::Local(_) | Root::Bound(_) => {}
    }
}

/// `count`/`for_each` of the kind Terraform takes and known at plan, and
/// `each`/`count` only where the resource binds them. (The schema check
/// reads a `dynamic` block's content as the nested block's body.)
fn check_iteration(graph: &Graph, r: &crate::graph::Resource, site: &Site, errors: &mut Vec<ValidationError>) {
    let stack = graph.stack;
    let repeats = r.repetition.as_ref().map(Repetition::repeats);
    let mut push = |path: AttrPath, (problem, help): iteration::Problem| errors.push(ValidationError::Iteration { at: site.clone(), path, problem, help });
    if let Some(repetition) = &r.repetition {
        let at = AttrPath::root().name(repetition.meta_argument());
        let value = repetition.value();
        let ty = match value {
            Value::Ref(Reference { root: Root::Variable(name), path }) if path.is_root() => stack.variables.get(&**name).and_then(|d| d.ty.clone()),
            Value::Ref(_) | Value::Expr(_) | Value::Call(_) | Value::Raw(_) | Value::Unknown => None,
            literal => Some(crate::schema::TypeConstraint::of_value(literal)),
        };
        let type_problem = ty.as_ref().and_then(|ty| match repetition.repeats() {
            iteration::Repeats::ForEach => iteration::for_each_type_problem(ty),
            iteration::Repeats::Count => iteration::count_type_problem(ty),
        });
        if let Some(problem) = type_problem {
            push(at.clone(), problem);
        }
        let after_apply = |reference: &Reference| {
            let Some(target) = graph.resolve(reference) else { return false };
            target.facts.is_some_and(|f| iteration::computed_and_unset(f.block(), reference, |attr| target.body.contains_key(attr)))
        };
        if let Some(source) = iteration::apply_time_source(value, repetition.repeats(), &after_apply, &|name| stack.locals.get(name)) {
            push(at, iteration::apply_time_problem(repetition.repeats(), &source));
        }
    }
    for (name, value) in &r.body {
        value.for_each_reference(&mut AttrPath::root().name(name), &mut |path, reference| {
            if let Some(problem) = iteration::bound_problem(reference, repeats) {
                push(path.clone(), problem);
            }
        });
    }
}

/// A variable's own checks: its default fits its type and passes its
/// validations (Terraform checks both at plan, where the default is the
/// value used when none is given), and its references resolve.
fn check_variable(graph: &Graph, name: &str, variable: &crate::graph::Variable, errors: &mut Vec<ValidationError>) {
    let site = Site::Variable(name.to_owned());
    if !is_valid_identifier(name) {
        errors.push(ValidationError::InvalidIdentifier { what: "variable", name: name.to_owned() });
    }
    for (i, v) in variable.validations.iter().enumerate() {
        check_value(graph, site.clone(), &format!("validation[{i}].condition"), &v.condition, errors);
    }
    if let Some(default) = &variable.default {
        check_value(graph, site.clone(), "default", default, errors);
        if let Some(problem) = default_problem(name, variable, default) {
            errors.push(ValidationError::Variable { name: name.to_owned(), problem });
        }
    }
}

/// Why a variable's literal default is refused by its own declaration:
/// its type, or a validation that evaluates to false on it. The message
/// never shows a sensitive default.
pub fn default_problem(name: &str, variable: &crate::graph::Variable, default: &Value) -> Option<String> {
    // The default is written into the configuration as it is: a secret there is a secret in plain text.
    if variable.sensitive && !matches!(default, Value::Null) {
        return Some("a sensitive variable's default is written into the configuration in plain text; leave it out (or `null`) and give the value at plan: `-var`, a `-var-file` kept out of the repository, or `TF_VAR_<name>` from a secret store".into());
    }
    if let Some(ty) = &variable.ty {
        if let Err(problem) = ty.check_value(default, "the default") {
            return Some(if variable.sensitive { format!("the default does not fit the type `{ty}`") } else { problem });
        }
    }
    if matches!(default, Value::Null) && !variable.nullable {
        return Some("the default is null, but the variable is not nullable".into());
    }
    let lookup = |r: &Reference| (matches!(&r.root, Root::Variable(n) if &**n == name) && r.path.is_root()).then(|| default.clone());
    for v in &variable.validations {
        if evaluate(&v.condition, &lookup) == Some(Value::Bool(false)) {
            let shown = if variable.sensitive { "the default".to_owned() } else { format!("the default `{}`", crate::value::to_terraform_json(default)) };
            return Some(format!("{shown} fails its own validation: {}", v.error_message));
        }
    }
    None
}

/// The first sensitive value `value` reads, as Terraform would name it: a
/// sensitive variable, an attribute the provider marks sensitive, or a
/// local value that reads one.
pub fn sensitive_source(graph: &Graph, value: &Value) -> Option<String> {
    let stack = graph.stack;
    first_sensitive(
        value,
        |name| stack.variables.get(name).is_some_and(|v| v.sensitive),
        |name| stack.locals.get(name),
        |address| graph.get(address).and_then(|t| t.facts).map(|f| f.block()),
    )
}

/// [`sensitive_source`] for whoever holds the declarations some other
/// way (the macros, at compile time): whether a variable is sensitive, a
/// local's value and a resource type's block, by name. A resource whose
/// block is unknown reads nothing sensitive; locals are followed up to a
/// bound, so a local that reads itself ends the search.
pub fn first_sensitive<'v>(
    value: &'v Value,
    variable_is_sensitive: impl Fn(&str) -> bool,
    local: impl Fn(&str) -> Option<&'v Value>,
    block: impl Fn(&Address) -> Option<&'v crate::schema::Block>,
) -> Option<String> {
    let mut found = None;
    let mut pending = vec![value];
    let mut seen = 0;
    while let Some(v) = pending.pop() {
        seen += 1;
        if seen > 256 || found.is_some() {
            break;
        }
        v.for_each_reference(&mut AttrPath::root(), &mut |_, r| {
            if found.is_some() {
                return;
            }
            match &r.root {
                Root::Variable(name) if variable_is_sensitive(name) => found = Some(r.root.to_string()),
                Root::Local(name) => pending.extend(local(name)),
                Root::Resource(address) => {
                    let block = block(address);
                    if block.is_some() && crate::schema::is_sensitive(block, address.mode, &address.type_name, &r.path) {
                        found = Some(r.to_string());
                    }
                }
                _ => {}
            }
        });
    }
    found
}

/// Iterative depth-first search over reference and `depends_on` edges;
/// reports each cycle once, as the path that closes it.
fn find_cycles(graph: &Graph) -> Vec<ValidationError> {
    let stack = graph.stack;
    let position: HashMap<&Address, usize> = stack
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| graph.get(&r.address).is_some_and(|first| std::ptr::eq(first, *r)))
        .map(|(i, r)| (&*r.address, i))
        .collect();
    let edges: Vec<Vec<usize>> = stack
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut out: Vec<usize> = graph.references_of(i).iter().filter_map(|(_, reference)| position.get(&**reference.target()?).copied()).collect();
            out.extend(r.depends_on.iter().filter_map(|d| position.get(&**d).copied()));
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();

    #[derive(Clone, Copy, PartialEq)]
    enum Color {
        White,
        Grey,
        Black,
    }
    let mut color = vec![Color::White; stack.resources.len()];
    let mut errors = Vec::new();
    for start in 0..stack.resources.len() {
        if color[start] != Color::White {
            continue;
        }
        let mut path: Vec<usize> = vec![start];
        let mut cursor: Vec<usize> = vec![0];
        color[start] = Color::Grey;
        while let Some(&node) = path.last() {
            let next_edge = cursor.last_mut().expect("BUG: cursor stack out of sync");
            if let Some(&next) = edges[node].get(*next_edge) {
                *next_edge += 1;
                match color[next] {
                    Color::White => {
                        color[next] = Color::Grey;
                        path.push(next);
                        cursor.push(0);
                    }
                    Color::Grey => {
                        let from = path.iter().position(|&n| n == next).expect("BUG: grey node not on path");
                        let mut addresses: Vec<Arc<Address>> = path[from..].iter().map(|&n| stack.resources[n].address.clone()).collect();
                        addresses.push(stack.resources[next].address.clone());
                        errors.push(ValidationError::Cycle { addresses });
                    }
                    Color::Black => {}
                }
            } else {
                color[node] = Color::Black;
                path.pop();
                cursor.pop();
            }
        }
    }
    errors
}
