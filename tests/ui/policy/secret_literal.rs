//! TAP-SEC-001: a literal in a sensitive argument. The database's fix names
//! its write-only `password_wo` first, then its managed secret; the
//! certificate request's (a template of literal parts) has neither.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _db = resource!(aws_db_instance.db {
            instance_class: "db.t4g.micro",
            engine: "postgres",
            username: "app",
            password: "hunter2hunter2",
            allocated_storage: 20,
        });
        let _request = resource!(tls_cert_request.api {
            private_key_pem: concat!("-----BEGIN PRIVATE KEY-----", "hunter3"),
        });
    }
}

fn main() {}
