//! Terraform elements: provider, backend (or `cloud` block), resource,
//! data source, output, variable, local, and the `moved`, `import`,
//! `removed` and `check` blocks each render their own fragment of the
//! configuration, as CDKTF's `toTerraform()` does; synthesis only merges
//! the fragments. Elements to come (module) implement the same trait, and
//! another output format is another method beside it.
//!
//! Layer: render, above the model. It reads a validated stack through its
//! [`Graph`] and decides nothing: no checks, no policy (the policy's
//! per-resource comments arrive ready-made in the [`RenderContext`]).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as J};

use crate::graph::{overrides, Backend, Check, Graph, Import, Moved, Output, Provider, ProviderFacts, Removed, Resource, Variable};
use crate::reference::{Address, Mode};
use crate::schema::backends::{backend_table, CLOUD};
use crate::schema::{provider_of, Block};
use crate::value::{block_instances, to_terraform_json, Dynamic, Expr, Fields, Value};

/// A block of the configuration that renders itself.
pub trait Element {
    /// Its fragment of the Terraform JSON configuration, rooted at the
    /// document (`{"resource": {"aws_vpc": {"main": {...}}}}`), for
    /// [`merge`] into the others.
    fn to_terraform(&self, cx: &RenderContext) -> J;
}

/// What an element needs of the rest of the stack to render itself.
pub struct RenderContext<'a, 'g> {
    graph: &'a Graph<'g>,
    provider_facts: BTreeMap<&'static str, &'static ProviderFacts>,
    comments: BTreeMap<&'a Address, J>,
}

impl<'a, 'g> RenderContext<'a, 'g> {
    /// The context of a validated stack's graph.
    pub fn new(graph: &'a Graph<'g>) -> Self {
        RenderContext { graph, provider_facts: graph.stack.provider_facts(), comments: BTreeMap::new() }
    }

    /// The same context, rendering `comment` as the `"//"` entry of the
    /// resource at `address`.
    pub fn comment(mut self, address: &'a Address, comment: J) -> Self {
        self.comments.insert(address, comment);
        self
    }

    /// The schema facts of every provider the stack uses, by local name.
    pub fn provider_facts(&self) -> &BTreeMap<&'static str, &'static ProviderFacts> {
        &self.provider_facts
    }
}

/// A named element of a map of them: an output is a value under its name.
#[derive(Clone, Copy, Debug)]
pub struct Named<'a, T> {
    /// The element's name.
    pub name: &'a str,
    /// The element.
    pub element: &'a T,
}

/// Merges a fragment into a document: objects key by key, arrays one after
/// the other (two provider configurations of one name), anything else replaced.
pub fn merge(document: &mut Map<String, J>, fragment: J) {
    let J::Object(fragment) = fragment else { panic!("BUG: a fragment is a JSON object") };
    for (key, value) in fragment {
        match (document.get_mut(&key), value) {
            (Some(J::Object(into)), J::Object(from)) => merge(into, J::Object(from)),
            (Some(J::Array(into)), J::Array(from)) => into.extend(from),
            (_, value) => {
                document.insert(key, value);
            }
        }
    }
}

impl Element for Provider {
    /// `{"provider": {"aws": [{...}]}}`: its configuration, built once by the graph.
    fn to_terraform(&self, cx: &RenderContext) -> J {
        let block = cx.provider_facts.get(self.name.as_str()).map(|f| f.config_block());
        let built;
        let config = match cx.graph.provider_config(self) {
            Some(config) => config,
            None => {
                built = self.config();
                &built
            }
        };
        let mut body = render_body(block, config);
        if let Some(alias) = &self.alias {
            body.insert("alias".into(), J::String(alias.clone()));
        }
        json!({ "provider": { self.name.clone(): [body] } })
    }
}

impl Element for Backend {
    /// `{"terraform": {"backend": {"s3": {...}}}}`; the `cloud` block is
    /// not a backend to Terraform: `{"terraform": {"cloud": {...}}}`.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        let table = backend_table(&self.kind).map(|t| &t.block);
        let body = J::Object(render_body(table, &self.arguments));
        if self.kind == CLOUD {
            json!({ "terraform": { "cloud": body } })
        } else {
            json!({ "terraform": { "backend": { self.kind.clone(): body } } })
        }
    }
}

impl Element for Resource {
    /// `{"resource": {"aws_vpc": {"main": {...}}}}`, or under `"data"` for a data source.
    fn to_terraform(&self, cx: &RenderContext) -> J {
        let mut body = render_body(self.facts.map(|f| f.block()), &self.body);
        if let Some(repetition) = &self.repetition {
            body.insert(repetition.meta_argument().into(), to_terraform_json(repetition.value()));
        }
        if !self.depends_on.is_empty() {
            let mut deps: Vec<String> = self.depends_on.iter().map(|d| d.to_string()).collect();
            deps.sort();
            deps.dedup();
            body.insert("depends_on".into(), json!(deps));
        }
        if let Some(lc) = &self.lifecycle {
            let mut l = Map::new();
            if lc.prevent_destroy {
                l.insert("prevent_destroy".into(), J::Bool(true));
            }
            if lc.create_before_destroy {
                l.insert("create_before_destroy".into(), J::Bool(true));
            }
            if lc.ignore_all_changes {
                l.insert("ignore_changes".into(), J::String("all".into()));
            } else if !lc.ignore_changes.is_empty() {
                l.insert("ignore_changes".into(), json!(lc.ignore_changes));
            }
            render_lifecycle_extras(lc, &mut l);
            body.insert("lifecycle".into(), J::Object(l));
        }
        render_provisioners(self, &mut body);
        if let Some(alias) = &self.provider_alias {
            body.insert("provider".into(), J::String(format!("{}.{alias}", provider_of(self.type_name()))));
        }
        // Meta-argument overrides are merged last (the others are in the body already).
        for o in self.overrides.iter().filter(|o| o.is_meta() && o.problem.is_none()) {
            overrides::apply_to_json(&mut body, o);
        }
        if let Some(comment) = cx.comments.get(&*self.address) {
            body.insert("//".into(), comment.clone());
        }
        let kind = if self.address.mode == Mode::Data { "data" } else { "resource" };
        json!({ kind: { self.type_name(): { self.address.name.clone(): body } } })
    }
}

impl Element for Named<'_, Output> {
    /// `{"output": {"vpc_id": {...}}}`.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        let output = self.element;
        let mut body = json!({ "value": to_terraform_json(&output.value), "description": output.description });
        if output.sensitive {
            body["sensitive"] = J::Bool(true);
        }
        json!({ "output": { self.name: body } })
    }
}

impl Element for Named<'_, Variable> {
    /// `{"variable": {"retention": {"type": "number", ...}}}`: only what
    /// differs from Terraform's defaults.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        let v = self.element;
        let mut body = Map::new();
        if let Some(ty) = &v.ty {
            body.insert("type".into(), J::String(ty.to_string()));
        }
        if let Some(default) = &v.default {
            body.insert("default".into(), to_terraform_json(default));
        }
        if !v.description.is_empty() {
            body.insert("description".into(), J::String(v.description.clone()));
        }
        for (flag, on) in [("sensitive", v.sensitive), ("ephemeral", v.ephemeral)] {
            if on {
                body.insert(flag.into(), J::Bool(true));
            }
        }
        if !v.nullable {
            body.insert("nullable".into(), J::Bool(false));
        }
        if !v.validations.is_empty() {
            let rules = v.validations.iter().map(|r| json!({ "condition": to_terraform_json(&r.condition), "error_message": r.error_message }));
            body.insert("validation".into(), J::Array(rules.collect()));
        }
        json!({ "variable": { self.name: body } })
    }
}

impl Element for Named<'_, Value> {
    /// `{"locals": {"tags": {...}}}`.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        json!({ "locals": { self.name: to_terraform_json(self.element) } })
    }
}

impl Element for Moved {
    /// `{"moved": [{"from": "aws_subnet.private_0", "to": "aws_subnet.private[0]"}]}`.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        json!({ "moved": [{ "from": self.from.to_string(), "to": self.to.to_string() }] })
    }
}

impl Element for Import {
    /// `{"import": [{"to": "aws_s3_bucket.logs", "id": "acme-logs"}]}`, with
    /// `for_each` when it has one.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        let mut body = Map::new();
        if let Some(for_each) = &self.for_each {
            body.insert("for_each".into(), to_terraform_json(for_each));
        }
        body.insert("to".into(), J::String(self.to.to_string()));
        body.insert("id".into(), to_terraform_json(&self.id));
        json!({ "import": [body] })
    }
}

impl Element for Removed {
    /// `{"removed": [{"from": "aws_instance.legacy", "lifecycle": {"destroy": false}}]}`.
    fn to_terraform(&self, _cx: &RenderContext) -> J {
        json!({ "removed": [{ "from": self.from.to_string(), "lifecycle": { "destroy": self.destroy } }] })
    }
}

impl Element for Check {
    /// `{"check": {"health": {"data": {...}, "assert": [{...}]}}}`: its
    /// scoped data sources render as any data source, inside it.
    fn to_terraform(&self, cx: &RenderContext) -> J {
        let mut body = Map::new();
        for data in &self.data {
            merge(&mut body, data.to_terraform(cx));
        }
        let asserts = self.asserts.iter().map(|a| json!({ "condition": to_terraform_json(&a.condition), "error_message": to_terraform_json(&a.error_message) }));
        body.insert("assert".into(), J::Array(asserts.collect()));
        json!({ "check": { self.name.clone(): body } })
    }
}

/// A body as Terraform JSON: null arguments left out, and nested blocks
/// that hold a list of instances (per `block`, the schema) always arrays,
/// at every depth.
fn render_body(block: Option<&Block>, fields: &Fields) -> Map<String, J> {
    let mut body = Map::new();
    let mut dynamic = Map::new();
    for (name, value) in fields {
        if *value == Value::Null {
            continue;
        }
        // `dynamic "name"` blocks go under `dynamic`, beside any literal ones.
        let nested = block.and_then(|b| b.block_types.get(name)).map(|n| &n.block);
        let (generated, literal) = split_dynamic(value);
        if !generated.is_empty() {
            let rendered = generated.iter().map(|d| {
                let content = match &d.content {
                    Value::Block(fields) => J::Object(render_body(nested, fields)),
                    other => to_terraform_json(other),
                };
                json!({ "for_each": to_terraform_json(&d.for_each), "iterator": d.iterator, "content": content })
            });
            dynamic.insert(name.clone(), J::Array(rendered.collect()));
            if let Some(literal) = literal {
                body.extend(render_body(block, &[(name.clone(), literal)].into()));
            }
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
            // An argument holding a list or set of objects, written as a
            // block once (`egress { ... }`), is a list of that one object.
            None if matches!(value, Value::Block(_)) && block.and_then(|b| b.attributes.get(name)).is_some_and(holds_objects) => J::Array(vec![to_terraform_json(value)]),
            None => to_terraform_json(value),
        };
        body.insert(name.clone(), rendered);
    }
    if !dynamic.is_empty() {
        body.insert("dynamic".into(), J::Object(dynamic));
    }
    body
}

/// Does the argument hold a list or set of objects?
fn holds_objects(attribute: &crate::schema::Attribute) -> bool {
    use crate::schema::{CtyType, NestingMode};
    match (&attribute.nested_type, &attribute.ty) {
        (Some(nested), _) => matches!(nested.nesting_mode, NestingMode::List | NestingMode::Set),
        (None, Some(CtyType::List(element) | CtyType::Set(element))) => matches!(**element, CtyType::Object(_)),
        _ => false,
    }
}

/// The `dynamic` blocks in a body entry, and what is left of it: the
/// literal instances written beside them, if any.
fn split_dynamic(value: &Value) -> (Vec<&Dynamic>, Option<Value>) {
    fn as_dynamic(v: &Value) -> Option<&Dynamic> {
        match v {
            Value::Expr(e) => match &**e {
                Expr::Dynamic(d) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }
    match value {
        Value::List(items) if items.iter().any(|i| as_dynamic(i).is_some()) => {
            let generated = items.iter().filter_map(as_dynamic).collect();
            let literal: Vec<Value> = items.iter().filter(|i| as_dynamic(i).is_none()).cloned().collect();
            (generated, (!literal.is_empty()).then_some(Value::List(literal)))
        }
        other => match as_dynamic(other) {
            Some(d) => (vec![d], None),
            None => (Vec::new(), None),
        },
    }
}

/// `replace_triggered_by` (reference strings) and the custom conditions
/// (`"${...}"`) of a `lifecycle` block, in Terraform's JSON shapes.
fn render_lifecycle_extras(lc: &crate::graph::Lifecycle, l: &mut Map<String, J>) {
    if !lc.replace_triggered_by.is_empty() {
        l.insert("replace_triggered_by".into(), json!(lc.replace_triggered_by.iter().map(ToString::to_string).collect::<Vec<_>>()));
    }
    for (key, list) in [("precondition", &lc.preconditions), ("postcondition", &lc.postconditions)] {
        if !list.is_empty() {
            let blocks: Vec<J> = list.iter().map(|c| json!({ "condition": to_terraform_json(&c.condition), "error_message": c.error_message })).collect();
            l.insert(key.into(), J::Array(blocks));
        }
    }
}

/// `"provisioner": [{"local-exec": {...}}, ...]` in the order written, and
/// the resource's `"connection": {...}`.
fn render_provisioners(r: &crate::graph::Resource, body: &mut Map<String, J>) {
    use crate::schema::provisioners::table;
    if !r.provisioners.is_empty() {
        let list: Vec<J> = r.provisioners.iter().map(|p| json!({ p.kind.clone(): J::Object(render_body(table(&p.kind), &p.arguments)) })).collect();
        body.insert("provisioner".into(), J::Array(list));
    }
    if let Some(connection) = &r.connection {
        body.insert("connection".into(), J::Object(render_body(table("connection"), connection)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_merge_objects_and_append_arrays() {
        let mut doc = Map::new();
        merge(&mut doc, json!({ "provider": { "aws": [{ "region": "a" }] }, "resource": { "aws_vpc": { "x": {} } } }));
        merge(&mut doc, json!({ "provider": { "aws": [{ "alias": "b" }] }, "resource": { "aws_vpc": { "y": {} } } }));
        assert_eq!(
            J::Object(doc),
            json!({ "provider": { "aws": [{ "region": "a" }, { "alias": "b" }] }, "resource": { "aws_vpc": { "x": {}, "y": {} } } })
        );
    }

    #[test]
    fn each_element_renders_its_own_fragment() {
        let mut stack = crate::graph::Stack::new("s");
        stack.provider(Provider::new("random", "hashicorp/random", "").alias("two"));
        stack.add(Resource::new(Address::data("aws_region", "here")));
        let graph = Graph::new(&stack);
        let cx = RenderContext::new(&graph);
        assert_eq!(stack.providers[0].to_terraform(&cx), json!({ "provider": { "random": [{ "alias": "two" }] } }));
        assert_eq!(stack.resources[0].to_terraform(&cx), json!({ "data": { "aws_region": { "here": {} } } }));
        assert_eq!(Backend::local("t.tfstate").to_terraform(&cx), json!({ "terraform": { "backend": { "local": { "path": "t.tfstate" } } } }));
        assert_eq!(
            Backend::cloud("acme", "prod").to_terraform(&cx),
            json!({ "terraform": { "cloud": { "organization": "acme", "workspaces": { "name": "prod" } } } })
        );
        let output = Output { value: Value::from("v"), description: "d".into(), sensitive: true, ty: None };
        assert_eq!(Named { name: "o", element: &output }.to_terraform(&cx), json!({ "output": { "o": { "value": "v", "description": "d", "sensitive": true } } }));
    }
}
