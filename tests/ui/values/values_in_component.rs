//! Variables and locals belong to the stack: a component takes their
//! handles as parameters.
use tap::prelude::*;

#[component]
fn logs(scope: &mut Scope) {
    variable!(retention: number { description: "days", default: 365 });
    local!(name = "/app");
}

fn main() {}
