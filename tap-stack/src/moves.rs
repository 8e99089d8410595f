//! The addresses the move to tap-aws components changed, as `moved`
//! blocks: the table of tap-stack/README.md ("Addresses since the move to
//! tap-aws"), which a test keeps identical to [`TABLE`]. Written under
//! `--state-moves` only: `moved` needs Terraform 1.1, and by default the
//! stack admits 1.0.

use tap::graph::{Stack, Target};
use tap::reference::Mode;

/// Old address → new address. `<i>` (a zone), `<route>` and `<alarm>`
/// stand for the part of the name that differs per instance; the same
/// part is in both addresses.
pub const TABLE: &[(&str, &str)] = &[
    ("aws_vpc.main", "aws_vpc.network_vpc"),
    ("aws_default_security_group.default", "aws_default_security_group.network_default"),
    ("aws_internet_gateway.main", "aws_internet_gateway.network_igw"),
    ("aws_route_table.public", "aws_route_table.network_public"),
    ("aws_route.public_internet", "aws_route.network_public_internet"),
    ("aws_subnet.public_<i>", "aws_subnet.network_public_<i>"),
    ("aws_subnet.private_<i>", "aws_subnet.network_private_<i>"),
    ("aws_route_table_association.public_<i>", "aws_route_table_association.network_public_<i>"),
    ("aws_route_table_association.private_<i>", "aws_route_table_association.network_private_<i>"),
    ("aws_eip.nat_<i>", "aws_eip.network_nat_<i>"),
    ("aws_nat_gateway.zone_<i>", "aws_nat_gateway.network_nat_<i>"),
    ("aws_route_table.private_<i>", "aws_route_table.network_private_<i>"),
    ("aws_route.private_nat_<i>", "aws_route.network_private_nat_<i>"),
    ("aws_cloudwatch_log_group.flow_logs", "aws_cloudwatch_log_group.network_flow_logs"),
    ("aws_iam_role.flow_logs", "aws_iam_role.network_flow_logs"),
    ("aws_iam_role_policy.flow_logs", "aws_iam_role_policy.network_flow_logs"),
    ("aws_flow_log.vpc", "aws_flow_log.network_vpc"),
    ("aws_vpc_endpoint.dynamodb", "aws_vpc_endpoint.network_endpoint_dynamodb"),
    ("aws_kms_key.main", "aws_kms_key.main_key"),
    ("aws_kms_alias.main", "aws_kms_alias.main_alias"),
    ("aws_dynamodb_table.items", "aws_dynamodb_table.items_table"),
    ("aws_security_group.function", "aws_security_group.handler_sg"),
    ("aws_cloudwatch_log_group.function", "aws_cloudwatch_log_group.handler_logs"),
    ("aws_iam_role.function", "aws_iam_role.handler_role"),
    ("aws_iam_role_policy.function", "aws_iam_role_policy.handler_policy"),
    ("aws_lambda_function.items", "aws_lambda_function.handler_function"),
    ("aws_api_gateway_resource.items", "aws_api_gateway_resource.api_path_items"),
    ("aws_api_gateway_resource.item", "aws_api_gateway_resource.api_path_items_id"),
    ("aws_api_gateway_resource.health", "aws_api_gateway_resource.api_path_health"),
    ("aws_api_gateway_request_validator.body_and_parameters", "aws_api_gateway_request_validator.api_validator"),
    ("aws_api_gateway_model.item", "aws_api_gateway_model.api_model_item"),
    ("aws_api_gateway_method.<route>", "aws_api_gateway_method.api_route_<route>"),
    ("aws_api_gateway_integration.<route>", "aws_api_gateway_integration.api_route_<route>"),
    ("aws_lambda_permission.<route>", "aws_lambda_permission.api_route_<route>"),
    ("aws_api_gateway_deployment.items", "aws_api_gateway_deployment.api_deployment"),
    ("aws_iam_role.apigateway_cloudwatch", "aws_iam_role.api_cloudwatch"),
    ("aws_iam_role_policy.apigateway_cloudwatch", "aws_iam_role_policy.api_cloudwatch"),
    ("aws_api_gateway_account.main", "aws_api_gateway_account.api_account"),
    ("aws_api_gateway_stage.current", "aws_api_gateway_stage.api_stage"),
    ("aws_api_gateway_method_settings.all", "aws_api_gateway_method_settings.api_all"),
    ("aws_wafv2_web_acl.api", "aws_wafv2_web_acl.api_waf"),
    ("aws_wafv2_web_acl_association.api", "aws_wafv2_web_acl_association.api_waf"),
    ("aws_wafv2_web_acl_logging_configuration.api", "aws_wafv2_web_acl_logging_configuration.api_waf"),
    ("aws_cloudwatch_log_group.waf", "aws_cloudwatch_log_group.api_waf"),
    ("aws_sns_topic.alarms", "aws_sns_topic.alarms_topic"),
    ("aws_sns_topic_policy.alarms", "aws_sns_topic_policy.alarms_topic"),
    ("aws_sns_topic_subscription.alarm_email", "aws_sns_topic_subscription.alarms_email"),
    ("aws_cloudwatch_metric_alarm.<alarm>", "aws_cloudwatch_metric_alarm.alarms_alarm_items_<alarm>"),
    ("aws_cloudwatch_dashboard.items", "aws_cloudwatch_dashboard.alarms_dashboard"),
];

/// The moves of [`TABLE`] into the resources `stack` declares: a row with
/// a placeholder gives one move per resource its new address matches
/// (one per zone, route or alarm), a row whose new address the
/// configuration does not declare (no alarm e-mail) none. In table order.
pub fn moves(stack: &Stack) -> Vec<(Target, Target)> {
    let mut out = Vec::new();
    for (old, new) in TABLE {
        let (old_type, old_name) = old.split_once('.').expect("BUG: a table address is type.name");
        let (new_type, new_name) = new.split_once('.').expect("BUG: a table address is type.name");
        let declared = stack.resources.iter().filter(|r| r.address.mode == Mode::Managed && r.address.type_name == new_type);
        for r in declared {
            let Some(part) = matches(new_name, &r.address.name) else { continue };
            let from = old_name.replace(placeholder(old_name).unwrap_or("<>"), &part);
            out.push((Target::resource(old_type, &from), Target::resource(new_type, &r.address.name)));
        }
    }
    out
}

/// Adds a `moved` block for each of [`moves`].
pub fn add_moved_blocks(stack: &mut Stack) {
    for (from, to) in moves(stack) {
        stack.moved(from, to);
    }
}

/// The placeholder in a name pattern, if any: `<i>`, `<route>`, `<alarm>`.
fn placeholder(pattern: &str) -> Option<&str> {
    let start = pattern.find('<')?;
    let end = pattern[start..].find('>')? + start;
    Some(&pattern[start..=end])
}

/// Does `name` match `pattern`? With a placeholder, the part it stands for.
fn matches(pattern: &str, name: &str) -> Option<String> {
    match placeholder(pattern) {
        None => (pattern == name).then(String::new),
        Some(p) => {
            let (prefix, suffix) = pattern.split_once(p).expect("BUG: the placeholder is in the pattern");
            let part = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
            // A zone is a number: `network_public_<i>` is not `network_public_internet`.
            let fits = !part.is_empty() && (p != "<i>" || part.bytes().all(|b| b.is_ascii_digit()));
            fits.then(|| part.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of the README, one (old, new) pair per address: a cell
    /// may list several, `.name` standing for the cell's first type.
    fn readme_table() -> Vec<(String, String)> {
        let readme = include_str!("../README.md");
        let start = readme.find("| old address | new address |").expect("the README has the address table");
        let mut out = Vec::new();
        for line in readme[start..].lines().skip(2).take_while(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            if cells[1].starts_with("unchanged") {
                continue;
            }
            let expand = |cell: &str| {
                let items: Vec<String> = cell.split(", ").map(|i| i.trim_matches('`').to_owned()).collect();
                let first_type = items[0].split_once('.').expect("type.name").0.to_owned();
                items.into_iter().map(|i| if i.starts_with('.') { format!("{first_type}{i}") } else { i }).collect::<Vec<_>>()
            };
            let (old, new) = (expand(cells[0]), expand(cells[1]));
            assert_eq!(old.len(), new.len(), "a row pairs its addresses one to one: {line}");
            out.extend(old.into_iter().zip(new));
        }
        out
    }

    #[test]
    fn the_table_is_the_readmes() {
        let mut readme = readme_table();
        let mut code: Vec<(String, String)> = TABLE.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
        readme.sort();
        code.sort();
        assert_eq!(code, readme);
    }

    #[test]
    fn placeholders_match_the_part_that_differs() {
        assert_eq!(matches("network_public_<i>", "network_public_1"), Some("1".to_owned()));
        assert_eq!(matches("network_public_<i>", "network_public_internet"), None, "a zone is a number");
        assert_eq!(matches("api_route_<route>", "api_route_items_get"), Some("items_get".to_owned()));
        assert_eq!(matches("network_private_nat_<i>", "network_public_0"), None);
        assert_eq!(matches("api_stage", "api_stage"), Some(String::new()));
        assert_eq!(matches("network_public_<i>", "network_public_"), None);
    }
}
