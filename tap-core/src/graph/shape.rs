//! The shape of a resource type in Rust's type system: what makes
//! `orders.arn` type-check, and `orders.arnn` a compile error naming the
//! type, wherever the handle comes from.
//!
//! Layer: model. Each marker type of `tap::types` is a struct whose fields
//! are the type's attributes and nested blocks, each an [`Attribute`] of a
//! kind ([`Str`], [`List`], [`Object`], ...). They are zero-sized and hold
//! no data: they exist for rustc to check a path, not to compute one. A
//! `Handle<T>` dereferences to `T`'s shape, so a field access on any
//! expression of type `Handle<T>` (a returned handle, a struct field, a
//! `Vec` element, an `Option`'s content) is checked by `cargo check`, and
//! the editor, before anything runs. The value of such a reference is
//! computed by the code `tap-macros` generates, from the handle found on
//! the way (see [`Referent`]).

use std::marker::PhantomData;
use std::ops::{Deref, Index};

use crate::path::AttrPath;
use crate::reference::Reference;

/// A zero-sized type made of [`Attribute`] fields: a resource type's shape,
/// or a nested block's or object's. Implemented by the generated markers.
///
/// # Safety
///
/// The type is zero-sized and its fields are [`Attribute`]s (which hold
/// nothing and promise nothing), so a value of it may be had from nowhere:
/// [`shape`] does, instead of each of the thousands of generated shapes
/// carrying an initializer of its own.
pub unsafe trait Shape: 'static {}

/// The one value of a shape.
pub fn shape<S: Shape>() -> &'static S {
    const { assert!(std::mem::size_of::<S>() == 0, "a shape holds no data") };
    // SAFETY: `S` is zero-sized (checked above) and made of fields that
    // hold nothing (the trait's contract), so any aligned, non-null
    // pointer is a valid reference to it, for as long as one likes.
    unsafe { std::ptr::NonNull::<S>::dangling().as_ref() }
}

/// One attribute or nested block of a shape, of kind `K`. Holds no data:
/// it is what a path through a handle lands on when rustc checks it.
pub struct Attribute<K: 'static>(PhantomData<fn() -> K>);

impl<K: 'static> Attribute<K> {
    const REF: &'static Self = &Attribute(PhantomData);

    /// The one attribute of kind `K`, for what dereferences to one.
    pub(crate) fn of() -> &'static Self {
        Self::REF
    }
}

impl<K: 'static> Clone for Attribute<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: 'static> Copy for Attribute<K> {}

impl<K: 'static> std::fmt::Debug for Attribute<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<Self>())
    }
}

/// A `string` attribute.
pub enum Str {}
/// A `number` attribute.
pub enum Number {}
/// A `bool` attribute.
pub enum Bool {}
/// An attribute typed `any` (or a tuple): any path below it is accepted.
pub enum Dynamic {}
/// A `list(...)` of elements of kind `E`: indexed with `[i]`.
pub struct List<E>(PhantomData<fn() -> E>);
/// A `set(...)`: Terraform sets have no order, so they cannot be indexed.
pub struct Set<E>(PhantomData<fn() -> E>);
/// A `map(...)`: keyed with `["key"]`.
pub struct Map<E>(PhantomData<fn() -> E>);
/// An object, or a nested block written at most once: its fields are `S`'s.
pub struct Object<S>(PhantomData<fn() -> S>);
/// A nested block that may be written several times: `[i]` names one
/// instance, and a field of `S` directly names the first (as Terraform's
/// `block[0].x` and tap's checks accept `block.x` for a block written once).
pub struct Blocks<S>(PhantomData<fn() -> S>);

// `usize` only: with one integer type, a literal index (`[0]`) needs no annotation.
impl<E: 'static> Index<usize> for Attribute<List<E>> {
    type Output = Attribute<E>;
    fn index(&self, _: usize) -> &Attribute<E> {
        Attribute::<E>::REF
    }
}

impl<S: 'static> Index<usize> for Attribute<Blocks<S>> {
    type Output = Attribute<Object<S>>;
    fn index(&self, _: usize) -> &Attribute<Object<S>> {
        Attribute::<Object<S>>::REF
    }
}

impl<E: 'static> Index<&str> for Attribute<Map<E>> {
    type Output = Attribute<E>;
    fn index(&self, _: &str) -> &Attribute<E> {
        Attribute::<E>::REF
    }
}

impl Index<usize> for Attribute<Dynamic> {
    type Output = Attribute<Dynamic>;
    fn index(&self, _: usize) -> &Attribute<Dynamic> {
        self
    }
}

impl Index<&str> for Attribute<Dynamic> {
    type Output = Attribute<Dynamic>;
    fn index(&self, _: &str) -> &Attribute<Dynamic> {
        self
    }
}

impl<S: Shape> Deref for Attribute<Object<S>> {
    type Target = S;
    fn deref(&self) -> &S {
        shape()
    }
}

impl<S: Shape> Deref for Attribute<Blocks<S>> {
    type Target = S;
    fn deref(&self) -> &S {
        shape()
    }
}

/// Something a typed reference starts from: a resource's or data source's
/// handle, a variable ([`Var`](super::Var)) or a local value; a module's
/// outputs or another stack's handle tomorrow. The code `tap-macros` generates finds the first `Referent` on
/// the path a user wrote (`network.vpc.id`: `network.vpc`) and makes the
/// rest of the path the reference's attribute path.
pub trait Referent {
    /// The reference to the thing itself, with an empty attribute path.
    fn root_reference(&self) -> Reference;
}

impl<R: Referent + ?Sized> Referent for &R {
    fn root_reference(&self) -> Reference {
        (**self).root_reference()
    }
}

impl<T> Referent for super::Handle<T> {
    fn root_reference(&self) -> Reference {
        Reference::new(self.address.clone(), AttrPath::root())
    }
}

/// Only so that the code `tap-macros` generates for a path whose root it
/// cannot see type-checks in its Rust-value branch, which never runs for a
/// path through a handle (the handle's branch does). An attribute read off
/// a handle outside the DSL knows nothing of its handle.
#[doc(hidden)]
impl<K: 'static> From<Attribute<K>> for crate::value::Value {
    fn from(_: Attribute<K>) -> Self {
        panic!(
            "an attribute's shape ({}) was used as a value: it holds no reference; write the whole path `handle.attribute` inside the DSL, or `handle.attr(\"name\")` in Rust code",
            std::any::type_name::<K>()
        )
    }
}
