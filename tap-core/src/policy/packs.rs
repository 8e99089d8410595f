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

/// The pack with this name.
pub fn pack(name: &str) -> Result<&'static Pack, UnknownPack> {
    PACKS.iter().find(|p| p.name == name).ok_or_else(|| UnknownPack { name: name.to_owned() })
}

/// A stack names a pack tap does not ship.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPack {
    pub name: String,
}

impl UnknownPack {
    /// `accepted packs: `security`, `serverless``.
    pub fn help(&self) -> String {
        let names: Vec<String> = PACKS.iter().map(|p| format!("`{}`", p.name)).collect();
        format!("accepted packs: {}", names.join(", "))
    }
}

impl std::fmt::Display for UnknownPack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown pack `{}`", self.name)
    }
}

impl std::error::Error for UnknownPack {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DEFAULT_PACKS;

    #[test]
    fn the_default_packs_exist() {
        for name in DEFAULT_PACKS {
            assert!(pack(name).is_ok(), "default pack `{name}` is not shipped");
        }
    }

    #[test]
    fn an_unknown_pack_names_the_accepted_ones() {
        let Err(err) = pack("securty") else { panic!("`securty` is no pack") };
        assert_eq!(err.to_string(), "unknown pack `securty`");
        assert_eq!(err.help(), "accepted packs: `security`, `serverless`");
    }
}
