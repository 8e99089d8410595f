use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _f = resource!(aws_lamda_function.api {
            function_name: "api",
        });
    }
}

fn main() {}
