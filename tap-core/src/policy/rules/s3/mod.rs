//! S3 rules.

pub mod encryption;
pub mod public_access_block;

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::{attached, Attached};

/// The `type_name` resources (bucket configurations such as
/// `aws_s3_bucket_public_access_block`) whose `bucket` names `bucket`:
/// a reference to its `id` or `bucket`, or its literal name.
fn configurations<'a>(bucket: &Resource, graph: &Graph<'a>, type_name: &str) -> Attached<'a> {
    let name = bucket.body.get("bucket").and_then(|v| v.as_str());
    attached(graph, &bucket.address, type_name, "bucket", &["id", "bucket"], name)
}
