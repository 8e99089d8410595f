//! Packs select rules and may change a rule's level; they carry no rule
//! text. Which packs select a rule is the rule's own metadata
//! ([`Rule::packs`](super::Rule::packs)): a pack lists nothing by hand.

use super::{rules, Level, Rule};

/// A named selection of the built-in rules.
pub struct Pack {
    /// What a stack names it by: `security`.
    pub name: &'static str,
    /// What it selects, one line.
    pub description: &'static str,
    /// Levels this pack gives rules instead of their own.
    pub levels: &'static [(&'static str, Level)],
}

impl Pack {
    /// The built-in rules that name this pack, in ID order, each at the
    /// level the pack gives it.
    pub fn rules(&self) -> impl Iterator<Item = (&'static Rule, Level)> + '_ {
        rules::ALL.iter().copied().filter(|r| r.packs.contains(&self.name)).map(|r| {
            let level = self.levels.iter().find(|(id, _)| *id == r.id).map_or(r.level, |(_, level)| *level);
            (r, level)
        })
    }
}

/// The packs tap ships. `security` is on by default.
pub static PACKS: &[Pack] = &[
    Pack { name: "security", description: "every security rule at its default level", levels: &[] },
    Pack { name: "serverless", description: "the rules that concern Lambda, API Gateway, DynamoDB and their logs", levels: &[] },
];

/// The pack with this name.
pub fn pack(name: &str) -> Result<&'static Pack, UnknownPack> {
    PACKS.iter().find(|p| p.name == name).ok_or_else(|| UnknownPack { name: name.to_owned() })
}

/// A stack names a pack tap does not ship.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPack {
    /// The name as written.
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
    fn packs_select_the_rules_that_name_them() {
        let security: Vec<&str> = pack("security").unwrap().rules().map(|(r, _)| r.id).collect();
        assert_eq!(security.len(), 22);
        let serverless: Vec<&str> = pack("serverless").unwrap().rules().map(|(r, _)| r.id).collect();
        assert!(serverless.contains(&"TAP-LMB-001") && !serverless.contains(&"TAP-S3-001"), "{serverless:?}");
    }

    #[test]
    fn an_unknown_pack_names_the_accepted_ones() {
        let Err(err) = pack("securty") else { panic!("`securty` is no pack") };
        assert_eq!(err.to_string(), "unknown pack `securty`");
        assert_eq!(err.help(), "accepted packs: `security`, `serverless`");
    }
}
