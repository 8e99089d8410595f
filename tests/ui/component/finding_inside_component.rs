use tap::prelude::*;

/// Every literal in a component is checked as in a stack.
#[component]
fn queue(scope: &mut Scope) -> Handle<aws_sqs_queue> {
    resource!(aws_sqs_queue.queue { name: scope.name("queue"), sqs_managed_sse_enabled: false })
}

fn main() {}
