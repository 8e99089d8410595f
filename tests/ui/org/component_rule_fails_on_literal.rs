//! A component is held to an organisation policy as a stack is: its rules
//! run on the literals the component writes. (The tag rule is undecided
//! here: a component never knows its stack's provider configuration, so
//! synthesis decides it.)
use tap::prelude::*;

#[component(policy = "org/custom_rule_fails_on_literal.toml")]
pub fn audit_logs(scope: &mut Scope, key: &Handle<aws_kms_key>) -> Handle<aws_cloudwatch_log_group> {
    resource!(aws_cloudwatch_log_group.audit {
        name: scope.name("audit"),
        retention_in_days: 90,
        kms_key_id: key.arn,
    })
}

fn main() {}
