//! A reference to a variable or local value the stack does not declare
//! is an error on the name, with the closest declared one.
use tap::prelude::*;

struct Logs;

#[stack]
impl Logs {
    fn define(&self, stack: &mut Stack) {
        variable!(retention: number { default: 365, description: "days to keep logs" });
        local!(tags = { Team: "payments" });
        resource!(aws_cloudwatch_log_group.app {
            name: "/app",
            retention_in_days: var.retenton,
            tags: local.tag,
        });
        output!(later { value: local.declared_below, description: "a local is read after its declaration" });
        local!(declared_below = "x");
    }
}

fn main() {}
