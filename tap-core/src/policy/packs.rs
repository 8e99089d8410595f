//! Packs select rules and may change a rule's level; they carry no rule text.

use super::Level;

pub struct Pack {
    pub name: &'static str,
    pub description: &'static str,
    /// Rule IDs, each with an optional level override.
    pub rules: &'static [(&'static str, Option<Level>)],
}

/// The packs tap ships. `security` is on by default.
pub static PACKS: &[Pack] = &[
    Pack {
        name: "security",
        description: "every security rule at its default level",
        rules: &[
            ("TAP-APG-001", None),
            ("TAP-APG-002", None),
            ("TAP-APG-003", None),
            ("TAP-DDB-001", None),
            ("TAP-DDB-002", None),
            ("TAP-EC2-001", None),
            ("TAP-EC2-002", None),
            ("TAP-EC2-003", None),
            ("TAP-IAM-001", None),
            ("TAP-IAM-002", None),
            ("TAP-KMS-001", None),
            ("TAP-LMB-001", None),
            ("TAP-LMB-002", None),
            ("TAP-LMB-003", None),
            ("TAP-LMB-004", None),
            ("TAP-LOG-001", None),
            ("TAP-LOG-002", None),
            ("TAP-S3-001", None),
            ("TAP-S3-002", None),
            ("TAP-SNS-001", None),
            ("TAP-SQS-001", None),
        ],
    },
    Pack {
        name: "serverless",
        description: "the rules that concern Lambda, API Gateway, DynamoDB and their logs",
        rules: &[
            ("TAP-APG-001", None),
            ("TAP-APG-002", None),
            ("TAP-APG-003", None),
            ("TAP-DDB-001", None),
            ("TAP-DDB-002", None),
            ("TAP-IAM-001", None),
            ("TAP-LMB-001", None),
            ("TAP-LMB-002", None),
            ("TAP-LMB-003", None),
            ("TAP-LMB-004", None),
            ("TAP-LOG-001", None),
            ("TAP-LOG-002", None),
        ],
    },
];

pub fn pack(name: &str) -> Option<&'static Pack> {
    PACKS.iter().find(|p| p.name == name)
}
