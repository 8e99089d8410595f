use tap::prelude::*;

/// A table encrypted with a customer managed key.
#[component]
fn encrypted_table(scope: &mut Scope, key: &Handle<aws_kms_key>) -> Handle<aws_dynamodb_table> {
    resource!(aws_dynamodb_table.table {
        name: scope.name("table"),
        billing_mode: "PAY_PER_REQUEST",
        hash_key: "id",
        attribute { name: "id", r#type: "S" }
        server_side_encryption { enabled: true, kms_key_arn: key.arn }
        point_in_time_recovery { enabled: true }
    })
}

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let alias = resource!(aws_kms_alias.main { name: "alias/main", target_key_id: key.key_id });
        encrypted_table(&mut stack.scope("orders"), &alias);
    }
}

fn main() {}
