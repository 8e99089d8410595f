//! Components at run time: instance names, a finding on a value passed in
//! (named with its instance and call site), and a suppression on an instance.
use tap::prelude::*;
use tap::policy::RowState;
use tap::synth::{synthesize, SynthError};

/// A function in the subnets it is given: whether they are private is only
/// known when the stack runs.
#[component]
fn worker(scope: &mut Scope, subnets: &[Handle<aws_subnet>], role: &Handle<aws_iam_role>) -> Handle<aws_lambda_function> {
    let sg = resource!(aws_security_group.sg { name: scope.name("sg"), vpc_id: "vpc-0123456789abcdef0", description: "worker" });
    resource!(aws_lambda_function.function {
        function_name: scope.name("fn"),
        role: role.arn,
        runtime: "python3.12",
        handler: "main.handler",
        filename: "worker.zip",
        tracing_config { mode: "Active" }
        vpc_config { subnet_ids: subnets[*].id, security_group_ids: [sg.id] }
    })
}

struct Site {
    public_subnets: bool,
    suppress: bool,
}

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24", map_public_ip_on_launch: false });
        let routes = resource!(aws_route_table.a { vpc_id: vpc.id });
        resource!(aws_route_table_association.a { subnet_id: subnet.id, route_table_id: routes.id });
        if self.public_subnets {
            let igw = resource!(aws_internet_gateway.main { vpc_id: vpc.id });
            resource!(aws_route.internet { route_table_id: routes.id, destination_cidr_block: "0.0.0.0/0", gateway_id: igw.id });
        }
        let role = resource!(aws_iam_role.worker {
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        });
        worker(&mut stack.scope("ingest"), &[subnet.clone()], &role);
        if self.suppress {
            #[suppress("TAP-LMB-002", reason = "a lab stack: the public subnet has no route to anything internal")]
            let _export = worker(&mut stack.scope("export"), &[subnet.clone()], &role);
        } else {
            let _export = worker(&mut stack.scope("export"), &[subnet.clone()], &role);
        }
    }
}

fn main() {
    // Two instances, two readable addresses.
    let stack = Site { public_subnets: false, suppress: false }.build();
    let out = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    let config = String::from_utf8(out.files["cdk.tf.json"].clone()).unwrap();
    for address in ["\"ingest_function\"", "\"export_function\"", "\"ingest_sg\"", "\"export_sg\""] {
        assert!(config.contains(address), "{address} missing");
    }

    // A subnet passed in that turns out public: the finding names the instance and where it was called.
    let stack = Site { public_subnets: true, suppress: false }.build();
    let Err(SynthError::Policy { report }) = synthesize(&stack) else { panic!("a function in a public subnet must fail synthesis") };
    let failure = report.failures().find(|r| r.address.to_string() == "aws_lambda_function.export_function").expect("a finding on the export instance");
    let instance = failure.instance.as_deref().expect("the finding names its instance");
    assert!(instance.contains("`export`") && instance.contains("`worker`") && instance.contains("components.rs:"), "{instance}");
    assert!(report.to_text().contains("in instance `export` of component `worker`, called at"), "{}", report.to_text());

    // The same finding suppressed on the instance: covered, and the reason is in the report.
    let stack = Site { public_subnets: true, suppress: true }.build();
    let Err(SynthError::Policy { report }) = synthesize(&stack) else { panic!("the ingest instance still fails") };
    let export = report.rows.iter().find(|r| r.rule_id == "TAP-LMB-002" && r.address.to_string() == "aws_lambda_function.export_function").unwrap();
    assert!(matches!(&export.state, RowState::Suppressed { reason } if reason.starts_with("a lab stack")), "{export:?}");
    assert!(report.failures().all(|r| r.address.to_string() != "aws_lambda_function.export_function"));
    assert!(report.failures().any(|r| r.address.to_string() == "aws_lambda_function.ingest_function"));
}
