//! An ephemeral variable is never stored, so it may go only to a
//! write-only argument; anywhere else Terraform refuses it at plan.
use tap::prelude::*;

struct Db;

#[stack]
impl Db {
    fn define(&self, stack: &mut Stack) {
        variable!(db_password: string { description: "the database password, never stored", ephemeral: true, sensitive: true });
        resource!(aws_db_instance.stored {
            identifier: "stored",
            engine: "postgres",
            instance_class: "db.t4g.micro",
            allocated_storage: 20,
            username: "app",
            password: var.db_password,
            storage_encrypted: true,
            skip_final_snapshot: true,
        });
        resource!(aws_db_instance.write_only {
            identifier: "write-only",
            engine: "postgres",
            instance_class: "db.t4g.micro",
            allocated_storage: 20,
            username: "app",
            password_wo: var.db_password,
            password_wo_version: 1,
            storage_encrypted: true,
            skip_final_snapshot: true,
        });
    }
}

fn main() {}
