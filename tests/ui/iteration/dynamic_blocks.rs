//! A `dynamic` block's content is checked against the nested block's
//! schema like a literal block; its iterator is typed; and `dynamic`
//! makes nested blocks only, not arguments.
use tap::prelude::*;

struct Store;

#[stack]
impl Store {
    fn define(&self, stack: &mut Stack) {
        local!(expirations = { tmp: { prefix: "tmp/", days: 7 } });
        resource!(aws_s3_bucket_lifecycle_configuration.exports {
            bucket: "exports",
            for rule in local.expirations {
                rule {
                    id: rule.key,
                    statuss: "Enabled",
                    filter { prefix: rule.value.prefx }
                }
            }
        });
        resource!(aws_security_group.api {
            name: "api",
            for r in local.expirations {
                ingress { from_port: r.value.days }
            }
        });
    }
}

fn main() {}
