//! A literal secret does not become safe by passing through a local:
//! TAP-SEC-001 follows `local.db_password` to the literal behind it.
use tap::prelude::*;

struct Db;

#[stack]
impl Db {
    fn define(&self, stack: &mut Stack) {
        local!(db_password = "hunter2hunter2");
        resource!(aws_db_instance.main {
            identifier: "orders",
            engine: "postgres",
            instance_class: "db.t4g.micro",
            allocated_storage: 20,
            username: "app",
            password: local.db_password,
            storage_encrypted: true,
            skip_final_snapshot: true,
        });
    }
}

fn main() {}
