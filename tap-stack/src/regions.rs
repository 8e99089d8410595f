//! Facts about AWS regions that the configuration is checked against.
//!
//! Synthesis runs without credentials or network, so the number of
//! Availability Zones cannot be asked of AWS: it is kept here by hand, for
//! the commercial (`aws` partition) regions, as AWS documents them in its
//! list of regions and zones (2025). Where an account sees fewer zones than
//! the region has (us-west-1, ap-northeast-1), the table holds what every
//! account can use. A region AWS opens later is one line here.

/// `(region, Availability Zones every account can use)`, sorted by name.
pub const REGIONS: &[(&str, usize)] = &[
    ("af-south-1", 3),
    ("ap-east-1", 3),
    ("ap-east-2", 3),
    ("ap-northeast-1", 3),
    ("ap-northeast-2", 4),
    ("ap-northeast-3", 3),
    ("ap-south-1", 3),
    ("ap-south-2", 3),
    ("ap-southeast-1", 3),
    ("ap-southeast-2", 3),
    ("ap-southeast-3", 3),
    ("ap-southeast-4", 3),
    ("ap-southeast-5", 3),
    ("ap-southeast-7", 3),
    ("ca-central-1", 3),
    ("ca-west-1", 3),
    ("eu-central-1", 3),
    ("eu-central-2", 3),
    ("eu-north-1", 3),
    ("eu-south-1", 3),
    ("eu-south-2", 3),
    ("eu-west-1", 3),
    ("eu-west-2", 3),
    ("eu-west-3", 3),
    ("il-central-1", 3),
    ("me-central-1", 3),
    ("me-south-1", 3),
    ("mx-central-1", 3),
    ("sa-east-1", 3),
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-1", 2),
    ("us-west-2", 4),
];

/// How many Availability Zones `region` has, if tap knows the region.
pub fn zone_count(region: &str) -> Option<usize> {
    REGIONS.iter().find(|(name, _)| *name == region).map(|(_, zones)| *zones)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_every_region_has_two_zones() {
        for pair in REGIONS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} then {}", pair[0].0, pair[1].0);
        }
        assert!(REGIONS.iter().all(|(_, zones)| *zones >= 2));
    }

    #[test]
    fn lookups() {
        assert_eq!(zone_count("us-west-2"), Some(4));
        assert_eq!(zone_count("us-east-1"), Some(6));
        assert_eq!(zone_count("us-west-9"), None);
    }
}
