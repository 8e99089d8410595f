//! The passing case of TAP-SEC-001: sensitive arguments set from what
//! Terraform generates (`tls_private_key`, `random_password`), directly or
//! in a template, or left to the service (`manage_master_user_password`),
//! never from a literal; the stack compiles and synthesizes with no finding.

use tap::graph::Graph;
use tap::policy::{evaluate_rules, Outcome};
use tap::prelude::*;
use tap::synth;

struct Secrets;

#[stack(name = "secrets")]
impl Secrets {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(tls_private_key.ca { algorithm: "ED25519" });
        let _ca = resource!(tls_self_signed_cert.ca {
            private_key_pem: key.private_key_pem,
            validity_period_hours: 12,
            allowed_uses: ["cert_signing"],
            subject { common_name: "ca" }
        });
        let _request = resource!(tls_cert_request.api { private_key_pem: concat!(key.private_key_pem, "\n") });
        let db = resource!(random_password.db { length: 32, special: false });
        let _stored = resource!(aws_ssm_parameter.db { name: "/db/password", type: "SecureString", value: db.result });
        // No password at all: RDS keeps it in Secrets Manager.
        let _db = resource!(aws_db_instance.db {
            instance_class: "db.t4g.micro",
            engine: "postgres",
            username: "app",
            manage_master_user_password: true,
            allocated_storage: 20,
        });
    }
}

fn main() {
    let stack = Secrets.build();
    let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.report.rows, Vec::new(), "no finding, suppressed or not");
    let graph = Graph::new(&stack);
    let evaluations = evaluate_rules(&stack, &stack.policy, &graph).expect("the default packs exist");
    let passed = evaluations.iter().filter(|e| e.rule.id() == "TAP-SEC-001" && e.outcome == Outcome::Compliant).count();
    assert_eq!(passed, 4, "the certificates, the parameter and the database pass TAP-SEC-001");
}
