use tap::prelude::*;

struct S;

// A provider that has no schema (and is no typo of one) says how to add its schema.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _vpc = resource!(google_compute_network.vpc { name: "vpc" });
    }
}

fn main() {}
