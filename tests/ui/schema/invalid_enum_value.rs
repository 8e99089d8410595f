use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.k { enable_key_rotation: true });
        let _t = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUESTS",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
        let _logs = resource!(aws_cloudwatch_log_group.api {
            name: "/aws/lambda/api",
            retention_in_days: 45,
            kms_key_id: key.arn,
        });
    }
}

fn main() {}
