//! TAP-SEC-001: a literal password in a nested block (`user` of an MQ
//! broker), found at its instance, next to one written by reference.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let admin = resource!(random_password.admin { length: 24 });
        let _broker = resource!(aws_mq_broker.jobs {
            broker_name: "jobs",
            engine_type: "ActiveMQ",
            engine_version: "5.18",
            host_instance_type: "mq.t3.micro",
            user { username: "admin", password: admin.result }
            user { username: "app", password: "hunter2hunter2" }
        });
    }
}

fn main() {}
