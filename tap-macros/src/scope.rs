//! The symbol table of a `#[stack]` impl: which local names are resource
//! handles (and of which type), and which are collections of handles.
//!
//! Phase: resolve (collection only). Scoping is per method and in source
//! order: a later `let` of the same name shadows an earlier one, which is
//! what Rust does for straight-line code and loops alike.

use std::collections::HashMap;

use tap_core::reference::Mode;

/// What a local name stands for.
#[derive(Clone, Debug)]
pub enum Binding {
    /// A handle returned by `resource!`/`data!`: its address in the compile-time view.
    /// `repeats`: the resource has `count` or `for_each`, so a reference
    /// names one instance (`private[0].id`) or all (`private[*].id`).
    Handle { mode: Mode, type_name: String, static_name: String, type_known: bool, repeats: Option<tap_core::schema::iteration::Repeats> },
    /// A handle whose type the macro cannot see (a `Handle` parameter):
    /// references through it are checked at synthesis.
    OpaqueHandle,
    /// A `Vec` that handles of one type are pushed into: `subnets[*].id`.
    Collection { mode: Mode, type_name: String, static_name: String, type_known: bool },
    /// A name for a value: `let days = variable!(...)` (`var.days`),
    /// `let tags = local!(...)` (`local.tags`), or the name a `for`
    /// expression binds; with its type, when it is known.
    Named { root: tap_core::reference::Root, ty: Option<tap_core::schema::TypeConstraint> },
    /// `var` or `local` bound by a Rust `let` (`let var = stack.declare::<Inputs>()`):
    /// paths through it are Rust's, as through any value the macro cannot see.
    Rust,
}

#[derive(Default, Clone)]
pub struct Scope {
    names: HashMap<String, Binding>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.names.get(name)
    }

    pub fn bind(&mut self, name: String, binding: Binding) {
        self.names.insert(name, binding);
    }

    /// A later `let` of the name that is not a handle shadows it.
    pub fn unbind(&mut self, name: &str) {
        self.names.remove(name);
    }

    /// `collection.push(handle)`: the collection takes the handle's type.
    pub fn push_into(&mut self, collection: &str, handle: &str) {
        if let Some(Binding::Handle { mode, type_name, static_name, type_known, repeats: None }) = self.names.get(handle).cloned() {
            self.names.insert(collection.to_owned(), Binding::Collection { mode, type_name, static_name, type_known });
        }
    }
}
