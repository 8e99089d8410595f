//! Rules of an organisation policy fail on literals, like built-in rules:
//! a retention under the minimum, on the value; a missing tag, on the
//! resource, because neither its `tags` nor the provider's `default_tags`
//! have it. The KMS key has it from the provider; the log group's own
//! `tags` add nothing for this rule.
use tap::prelude::*;

struct S;

#[stack(policy = "org/custom_rule_fails_on_literal.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        provider!(aws { region: "eu-west-1", default_tags { tags: { owner: "platform" } } });
        let key = resource!(aws_kms_key.logs {
            enable_key_rotation: true,
            tags: { "cost-center": "cc-42" },
        });
        let _audit = resource!(aws_cloudwatch_log_group.audit {
            name: "/audit",
            retention_in_days: 30,
            kms_key_id: key.arn,
            tags: { team: "audit" },
        });
    }
}

fn main() {}
