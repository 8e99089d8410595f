//! TAP-S3-002, both triggers: a bucket without a public access block, and
//! one whose block sets `restrict_public_buckets: false`. Both are encrypted.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.s3 { description: "buckets", enable_key_rotation: true });
        let assets = resource!(aws_s3_bucket.assets { bucket: "assets-123456789012" });
        let _assets_sse = resource!(aws_s3_bucket_server_side_encryption_configuration.assets {
            bucket: assets.id,
            rule { apply_server_side_encryption_by_default { sse_algorithm: "aws:kms", kms_master_key_id: key.arn } }
        });
        let uploads = resource!(aws_s3_bucket.uploads { bucket: "uploads-123456789012" });
        let _uploads_sse = resource!(aws_s3_bucket_server_side_encryption_configuration.uploads {
            bucket: uploads.id,
            rule { apply_server_side_encryption_by_default { sse_algorithm: "aws:kms", kms_master_key_id: key.arn } }
        });
        let _uploads_block = resource!(aws_s3_bucket_public_access_block.uploads {
            bucket: uploads.id,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: false,
        });
    }
}

fn main() {}
