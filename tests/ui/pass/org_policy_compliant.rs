//! A stack that complies with its organisation policy compiles, and the
//! same rules run again at synthesis: each is evaluated, and compliant, on
//! the running stack. `aws_kms_alias` has no `tags`, so the tag rule's
//! pattern leaves it alone.
use tap::graph::Graph;
use tap::policy::{evaluate_rules, Outcome};
use tap::prelude::*;

struct Compliant;

#[stack(policy = "pass/org_policy_compliant.toml")]
impl Compliant {
    fn define(&self, stack: &mut Stack) {
        provider!(aws { region: "eu-west-1", default_tags { tags: { owner: "platform" } } });
        let key = resource!(aws_kms_key.data { enable_key_rotation: true });
        let _alias = resource!(aws_kms_alias.data { name: "alias/data", target_key_id: key.key_id });
        let _logs = resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: 400, kms_key_id: key.arn });
        let _table = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
    }
}

fn main() {
    let stack = Compliant.build();
    assert_eq!(stack.policy.org_policy.as_ref().map(|p| p.file.as_str()), Some("pass/org_policy_compliant.toml"));
    let graph = Graph::new(&stack);
    let evaluations = evaluate_rules(&stack, &stack.policy, &graph).expect("the policy parses");
    for id in ["ORG-TAG-001", "ORG-LOG-001", "ORG-DDB-001"] {
        assert!(evaluations.iter().any(|e| e.rule.id() == id && e.outcome == Outcome::Compliant), "no resource passes {id}");
        let failing = |o: &Outcome| matches!(o, Outcome::NonCompliant(_) | Outcome::Unknown(_));
        assert!(!evaluations.iter().any(|e| e.rule.id() == id && failing(&e.outcome)), "{id} fails at synthesis");
    }
    let alias = evaluations.iter().find(|e| e.rule.id() == "ORG-TAG-001" && e.resource.type_name() == "aws_kms_alias");
    assert_eq!(alias.map(|e| &e.outcome), Some(&Outcome::NotApplicable));
}
