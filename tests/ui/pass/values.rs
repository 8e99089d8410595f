//! Variables, locals and expressions: typed, validated and read through
//! `var.`/`local.`, `let` bindings, component parameters and `for` names.
use tap::prelude::*;

#[component]
fn log_group(scope: &mut Scope, retention: &Var<tap::graph::shape::Number>) -> Handle<aws_cloudwatch_log_group> {
    let key = resource!(aws_kms_key.logs { description: "logs", enable_key_rotation: true });
    resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: retention, kms_key_id: key.arn })
}

struct Values;

#[stack]
impl Values {
    fn define(&self, stack: &mut Stack) {
        let retention = variable!(retention: number {
            default: 400,
            description: "days to keep logs",
            validation { condition: var.retention >= 365, error_message: "keep logs at least a year" }
        });
        variable!(subnets: map(object({ cidr: string, public: optional(bool, false) })) {
            description: "subnets by name",
            default: { a: { cidr: "10.0.1.0/24" } },
        });
        variable!(names: list(string) { description: "names", default: [] });
        let prefix = local!(prefix = concat!("app-", var.retention));
        local!(on = var.retention > 400 || !(var.retention == 365));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16", tags: { Name: prefix } });
        let group = log_group(&mut stack.scope("logs"), &retention);
        output!(group { value: group.arn, description: "the log group" });
        output!(cidrs { value: for (k, s) in var.subnets { if !s.public { (k, s.cidr) } }, description: "private CIDRs" });
        output!(upper { value: for n in var.names { tf::upper(n) }, description: "upper-cased names" });
        output!(pick { value: if local.on { vpc.id } else { "none" }, description: "a conditional" });
        output!(all { value: var.names[*], description: "a splat" });
        output!(days { value: retention, description: "through the let binding" });
        output!(doubled { value: var.retention * 2 - 1, description: "arithmetic" });
    }
}

fn main() {}
