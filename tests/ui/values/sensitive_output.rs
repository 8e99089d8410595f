//! An output that reads a sensitive value, directly or through a local,
//! must be marked sensitive (Terraform refuses it at plan otherwise); a
//! sensitive variable's literal default would be the secret in plain text.
use tap::prelude::*;

struct Db;

#[stack]
impl Db {
    fn define(&self, stack: &mut Stack) {
        variable!(db_password: string { description: "the database password", sensitive: true });
        local!(connection = concat!("postgres://app:", var.db_password, "@db"));
        output!(password { value: var.db_password, description: "leaks the password" });
        output!(url { value: local.connection, description: "leaks it through a local" });
        output!(hidden { value: local.connection, description: "marked sensitive", sensitive: true });
        variable!(api_token: string { description: "a token with its value in the code", sensitive: true, default: "tok-123" });
    }
}

fn main() {}
