//! A variable's declaration is checked: its type, its settings, its
//! description, and its literal default against its type and its own
//! validations (Terraform would refuse the default at plan).
use tap::prelude::*;

struct Vars;

#[stack]
impl Vars {
    fn define(&self, stack: &mut Stack) {
        variable!(zones: lisst(string) { description: "a misspelled type" });
        variable!(count: number { default: "three", description: "a default of the wrong type" });
        variable!(retention: number {
            default: 30,
            description: "a default its validation refuses",
            validation { condition: var.retention >= 365, error_message: "keep logs at least a year" }
        });
        variable!(env: string { default: "dev", descripton: "a misspelled setting" });
        variable!(region: string { default: "us-west-2" });
        variable!(flag: bool { description: "a flag", sensitive: "yes" });
    }
}

fn main() {}
