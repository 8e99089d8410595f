use tap::prelude::*;

struct S;

// Every type of the AWS provider is known: a typo of one ranks within the provider.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _ok = resource!(aws_ecs_cluster.main { name: "main" });
        let _typo = resource!(aws_ecs_clustr.other { name: "other" });
    }
}

fn main() {}
