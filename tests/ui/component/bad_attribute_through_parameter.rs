use tap::prelude::*;

/// A log group encrypted with the key it is given.
#[component]
fn encrypted_logs(scope: &mut Scope, key: &Handle<aws_kms_key>, subnets: &[Handle<aws_subnet>]) {
    resource!(aws_cloudwatch_log_group.logs {
        name: scope.name("logs"),
        retention_in_days: 365,
        kms_key_id: key.arnn,
    });
    // The key's ARN where a VPC's id, or the ids of subnets, are wanted.
    resource!(aws_security_group.sg { vpc_id: key.arn });
    resource!(aws_db_subnet_group.db { subnet_ids: [key.arn] });
    resource!(aws_lb.lb { internal: true, subnets: subnets[*].idd });
}

fn main() {}
