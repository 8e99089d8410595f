//! TAP-S3-001: a bucket (with a public access block) and no
//! `aws_s3_bucket_server_side_encryption_configuration` referring to it.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let assets = resource!(aws_s3_bucket.assets { bucket: "assets-123456789012" });
        let _assets = resource!(aws_s3_bucket_public_access_block.assets {
            bucket: assets.id,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        });
    }
}

fn main() {}
