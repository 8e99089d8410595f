//! A provider-defined function is checked against its provider's schema:
//! an unknown provider and an unknown function (each with a suggestion), a
//! wrong number of arguments, and a literal of the wrong kind.
use tap::prelude::*;

struct Arns;

#[stack]
impl Arns {
    fn define(&self, stack: &mut Stack) {
        output!(a { value: tf::provider::awz::arn_parse("arn:aws:s3:::bucket"), description: "unknown provider" });
        output!(b { value: tf::provider::aws::arn_parze("arn:aws:s3:::bucket"), description: "unknown function" });
        output!(c { value: tf::provider::aws::arn_build("aws", "iam"), description: "two arguments of five" });
        output!(d { value: tf::provider::time::unix_timestamp_parse("soon"), description: "not a number" });
    }
}

fn main() {}
