//! Error accumulation: every check pushes here, and the stack is reported
//! all at once. Like serde's `Ctxt`, dropping it unchecked is a bug.

use proc_macro2::Span;

#[derive(Default)]
pub struct Diagnostics {
    errors: Option<Vec<syn::Error>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics { errors: Some(Vec::new()) }
    }

    /// Adds an error whose message is `line`, then the `help:` and `note:` lines given.
    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.as_mut().expect("BUG: diagnostics used after check").push(syn::Error::new(span, message.into()));
    }

    pub fn push(&mut self, error: syn::Error) {
        self.errors.as_mut().expect("BUG: diagnostics used after check").push(error);
    }

    pub fn count(&self) -> usize {
        self.errors.as_ref().map_or(0, Vec::len)
    }

    /// Consumes the collector: `Err` with every error combined, in the order found.
    pub fn check(mut self) -> Result<(), syn::Error> {
        let errors = self.errors.take().expect("BUG: diagnostics checked twice");
        let mut iter = errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

impl Drop for Diagnostics {
    fn drop(&mut self) {
        if self.errors.is_some() && !std::thread::panicking() {
            panic!("BUG: Diagnostics dropped without check()");
        }
    }
}

/// Formats a message in tap's shape: the line, then `help:` and `note:` lines.
pub fn message(line: &str, help: Option<&str>, note: Option<&str>) -> String {
    let mut out = line.to_owned();
    if let Some(h) = help {
        out.push_str("\nhelp: ");
        out.push_str(h);
    }
    if let Some(n) = note {
        out.push_str("\nnote: ");
        out.push_str(n);
    }
    out
}
