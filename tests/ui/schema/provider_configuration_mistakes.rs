use tap::prelude::*;

struct S;

// A provider's configuration is checked against its own schema block.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        provider!(aws { regoin: "us-west-2", default_tags { tags: "team=platform" } });
    }
}

fn main() {}
