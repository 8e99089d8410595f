//! Facts about AWS regions that the configuration is checked against.
//!
//! Synthesis runs without credentials or network, so the Availability
//! Zones cannot be asked of AWS: they are kept here by hand, for the
//! commercial (`aws` partition) regions, as AWS lists them (2025). Zones are
//! named by their zone ID (`usw2-az1`), which is the same physical zone in
//! every account, unlike zone names (`us-west-2a`), which AWS maps to
//! physical zones differently per account. Only zones every account can use
//! are listed (us-west-1 has two, `usw1-az1` and `usw1-az3`; ap-northeast-1
//! and ca-central-1 have no `az3`); Local and Wavelength Zones are not
//! Availability Zones. A region AWS opens later is one line here.

/// `(region, zone IDs)`, sorted by region.
pub const REGIONS: &[(&str, &[&str])] = &[
    ("af-south-1", &["afs1-az1", "afs1-az2", "afs1-az3"]),
    ("ap-east-1", &["ape1-az1", "ape1-az2", "ape1-az3"]),
    ("ap-northeast-1", &["apne1-az1", "apne1-az2", "apne1-az4"]),
    ("ap-northeast-2", &["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"]),
    ("ap-northeast-3", &["apne3-az1", "apne3-az2", "apne3-az3"]),
    ("ap-south-1", &["aps1-az1", "aps1-az2", "aps1-az3"]),
    ("ap-south-2", &["aps2-az1", "aps2-az2", "aps2-az3"]),
    ("ap-southeast-1", &["apse1-az1", "apse1-az2", "apse1-az3"]),
    ("ap-southeast-2", &["apse2-az1", "apse2-az2", "apse2-az3"]),
    ("ap-southeast-3", &["apse3-az1", "apse3-az2", "apse3-az3"]),
    ("ap-southeast-4", &["apse4-az1", "apse4-az2", "apse4-az3"]),
    ("ap-southeast-5", &["apse5-az1", "apse5-az2", "apse5-az3"]),
    ("ap-southeast-7", &["apse7-az1", "apse7-az2", "apse7-az3"]),
    ("ca-central-1", &["cac1-az1", "cac1-az2", "cac1-az4"]),
    ("ca-west-1", &["caw1-az1", "caw1-az2", "caw1-az3"]),
    ("eu-central-1", &["euc1-az1", "euc1-az2", "euc1-az3"]),
    ("eu-central-2", &["euc2-az1", "euc2-az2", "euc2-az3"]),
    ("eu-north-1", &["eun1-az1", "eun1-az2", "eun1-az3"]),
    ("eu-south-1", &["eus1-az1", "eus1-az2", "eus1-az3"]),
    ("eu-south-2", &["eus2-az1", "eus2-az2", "eus2-az3"]),
    ("eu-west-1", &["euw1-az1", "euw1-az2", "euw1-az3"]),
    ("eu-west-2", &["euw2-az1", "euw2-az2", "euw2-az3"]),
    ("eu-west-3", &["euw3-az1", "euw3-az2", "euw3-az3"]),
    ("il-central-1", &["ilc1-az1", "ilc1-az2", "ilc1-az3"]),
    ("me-central-1", &["mec1-az1", "mec1-az2", "mec1-az3"]),
    ("me-south-1", &["mes1-az1", "mes1-az2", "mes1-az3"]),
    ("mx-central-1", &["mxc1-az1", "mxc1-az2", "mxc1-az3"]),
    ("sa-east-1", &["sae1-az1", "sae1-az2", "sae1-az3"]),
    ("us-east-1", &["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]),
    ("us-east-2", &["use2-az1", "use2-az2", "use2-az3"]),
    ("us-west-1", &["usw1-az1", "usw1-az3"]),
    ("us-west-2", &["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"]),
];

/// The zone IDs of `region`, if tap knows the region.
pub fn zone_ids(region: &str) -> Option<&'static [&'static str]> {
    REGIONS.iter().find(|(name, _)| *name == region).map(|(_, zones)| *zones)
}

/// How many Availability Zones `region` has, if tap knows the region.
pub fn zone_count(region: &str) -> Option<usize> {
    zone_ids(region).map(<[&str]>::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_every_region_has_two_distinct_zones_of_its_own() {
        for pair in REGIONS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} then {}", pair[0].0, pair[1].0);
        }
        for (region, zones) in REGIONS {
            assert!(zones.len() >= 2, "{region}");
            let prefix = zones[0].split("-az").next().unwrap();
            for (i, zone) in zones.iter().enumerate() {
                assert!(zone.starts_with(&format!("{prefix}-az")), "{region}: {zone}");
                assert!(!zones[..i].contains(zone), "{region}: {zone} twice");
            }
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(zone_count("us-west-2"), Some(4));
        assert_eq!(zone_ids("us-west-2").unwrap()[0], "usw2-az1");
        assert_eq!(zone_count("us-east-1"), Some(6));
        assert_eq!(zone_count("us-west-1"), Some(2));
        assert_eq!(zone_count("us-west-9"), None);
    }
}
