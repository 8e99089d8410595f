//! Validation before synthesis: duplicate names, invalid identifiers,
//! references to undeclared resources or to attributes their schema does
//! not have, schema checks of values only known at run time, dependency
//! cycles, and asset errors.
//!
//! Phase: validate. Every problem is an error value naming both ends;
//! nothing here panics or stops at the first problem. Linear in the size
//! of the stack (hash lookups and one depth-first search).

use std::collections::HashMap;
use std::fmt;

use crate::graph::{Origin, Stack};
use crate::policy::Graph;
use crate::path::AttrPath;
use crate::reference::{is_valid_identifier, Address, Reference};
use crate::schema::{check_body, check_reference_path};
use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum ValidationError {
    DuplicateName { address: String, first: Origin, second: Origin },
    DuplicateOutput { name: String },
    InvalidIdentifier { what: &'static str, name: String },
    UndeclaredReference { from: String, path: AttrPath, target: String },
    UnknownReferencedAttribute { from: String, path: AttrPath, reference: String, message: String, help: Option<String> },
    Schema { address: String, path: AttrPath, message: String, help: Option<String> },
    MissingSchema { address: String },
    Cycle { addresses: Vec<String> },
    Asset { name: String, message: String },
    UnresolvedValue { address: String, path: AttrPath },
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
            ValidationError::DuplicateOutput { name } => write!(f, "output `{name}` is declared twice"),
            ValidationError::InvalidIdentifier { what, name } => write!(
                f,
                "{what} name `{name}` is not a valid Terraform identifier\n  help: start with a letter or `_`, then use letters, digits, `_` or `-`"
            ),
            ValidationError::UndeclaredReference { from, path, target } => {
                write!(f, "`{from}.{path}` refers to `{target}`, which is not declared in this stack")
            }
            ValidationError::UnknownReferencedAttribute { from, path, reference, message, help: h } => {
                write!(f, "`{from}.{path}` refers to `{reference}`: {message}")?;
                help(f, h)
            }
            ValidationError::Schema { address, path, message, help: h } => {
                if path.is_root() {
                    write!(f, "`{address}`: {message}")?;
                } else {
                    write!(f, "`{address}.{path}`: {message}")?;
                }
                help(f, h)
            }
            ValidationError::MissingSchema { address } => write!(
                f,
                "`{address}` has no schema facts, so it cannot be checked\n  help: declare it with `resource!` inside a `#[stack]`, which attaches its type's schema"
            ),
            ValidationError::Cycle { addresses } => {
                write!(f, "dependency cycle: {}\n  help: remove one reference or `depends_on` in the cycle", addresses.join(" -> "))
            }
            ValidationError::Asset { name, message } => write!(f, "asset `{name}`: {message}"),
            ValidationError::UnresolvedValue { address, path } => {
                write!(f, "BUG: `{address}.{path}` holds a compile-time placeholder at synthesis")
            }
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
    if !is_valid_identifier(&stack.name) {
        errors.push(ValidationError::InvalidIdentifier { what: "stack", name: stack.name.clone() });
    }

    for r in &stack.resources {
        if !is_valid_identifier(&r.address.name) {
            errors.push(ValidationError::InvalidIdentifier { what: "resource", name: r.address.to_string() });
        }
        match graph.get(&r.address) {
            Some(first) if !std::ptr::eq(first, r) => {
                errors.push(ValidationError::DuplicateName { address: r.address.to_string(), first: first.origin, second: r.origin })
            }
            _ => {}
        }
    }
    for name in &stack.duplicate_outputs {
        errors.push(ValidationError::DuplicateOutput { name: name.clone() });
    }
    for name in stack.outputs.keys() {
        if !is_valid_identifier(name) {
            errors.push(ValidationError::InvalidIdentifier { what: "output", name: name.clone() });
        }
    }

    for r in &stack.resources {
        let from = r.address.to_string();
        match r.facts {
            Some(facts) => {
                for issue in check_body(&r.address.type_name, facts.block(), &r.body) {
                    errors.push(ValidationError::Schema { address: from.clone(), path: issue.path, message: issue.message, help: issue.help });
                }
            }
            None => errors.push(ValidationError::MissingSchema { address: from.clone() }),
        }
        for (name, value) in &r.body {
            check_refs(graph, &from, &AttrPath::root().name(name), value, &mut errors);
        }
        for dep in &r.depends_on {
            if graph.get(dep).is_none() {
                errors.push(ValidationError::UndeclaredReference { from: from.clone(), path: AttrPath::root().name("depends_on"), target: dep.to_string() });
            }
        }
    }
    for (name, output) in &stack.outputs {
        check_refs(graph, &format!("output.{name}"), &AttrPath::root().name("value"), &output.value, &mut errors);
    }
    for asset in &stack.assets {
        if let Err(message) = &asset.bytes {
            errors.push(ValidationError::Asset { name: asset.name.clone(), message: message.clone() });
        }
        if !is_valid_identifier(&asset.name) {
            errors.push(ValidationError::InvalidIdentifier { what: "asset", name: asset.name.clone() });
        }
    }
    errors.extend(find_cycles(stack, graph));
    errors
}

fn check_refs(graph: &Graph, from: &str, path: &AttrPath, value: &Value, errors: &mut Vec<ValidationError>) {
    match value {
        Value::Ref(r) => check_ref(graph, from, path, r, errors),
        Value::Unknown => errors.push(ValidationError::UnresolvedValue { address: from.to_owned(), path: path.clone() }),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                check_refs(graph, from, &path.index(i), item, errors);
            }
        }
        Value::Map(m) | Value::Block(m) => {
            for (k, v) in m {
                check_refs(graph, from, &path.name(k), v, errors);
            }
        }
        Value::Call(c) => c.args.iter().for_each(|a| check_refs(graph, from, path, a, errors)),
        Value::Template(parts) => parts.iter().for_each(|p| check_refs(graph, from, path, p, errors)),
        _ => {}
    }
}

fn check_ref(graph: &Graph, from: &str, path: &AttrPath, r: &Reference, errors: &mut Vec<ValidationError>) {
    let Some(target) = graph.get(&r.target) else {
        errors.push(ValidationError::UndeclaredReference { from: from.to_owned(), path: path.clone(), target: r.target.to_string() });
        return;
    };
    if let Some(facts) = target.facts {
        if let Err((message, help)) = check_reference_path(&r.target.type_name, facts.block(), &r.path) {
            errors.push(ValidationError::UnknownReferencedAttribute {
                from: from.to_owned(),
                path: path.clone(),
                reference: r.to_string(),
                message,
                help,
            });
        }
    }
}

/// Iterative depth-first search over reference and `depends_on` edges;
/// reports each cycle once, as the path that closes it.
fn find_cycles(stack: &Stack, graph: &Graph) -> Vec<ValidationError> {
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
        .map(|r| {
            let mut out = Vec::new();
            for v in r.body.values() {
                v.for_each_reference(&mut |reference| {
                    if let Some(&j) = position.get(&*reference.target) {
                        out.push(j);
                    }
                });
            }
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
                        let mut addresses: Vec<String> = path[from..].iter().map(|&n| stack.resources[n].address.to_string()).collect();
                        addresses.push(stack.resources[next].address.to_string());
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
