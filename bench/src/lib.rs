//! A stack of any size for benchmarks, declared with the same `#[stack]`
//! and `resource!` that users write. Each unit is ten resources that refer
//! to each other (a chain: subnet → route table → route → association,
//! security group → egress rule, log group → metric filter → alarm →
//! parameter) and fan in on shared resources (the VPC, the NAT gateway, the
//! KMS key, the alarm topic); each unit also depends on the previous one's
//! alarm, so the dependency graph is one long chain. Every resource complies
//! with the security rules, so validation and policy evaluation do their
//! full work.

use tap::prelude::*;

/// Resources outside the units: VPC, key, topic, internet gateway, public subnet, EIP, NAT.
pub const SHARED_RESOURCES: usize = 7;
/// Resources in each unit.
pub const UNIT_RESOURCES: usize = 10;

pub struct ScaleStack {
    /// How many ten-resource units to declare.
    pub units: usize,
}

impl ScaleStack {
    /// The stack closest to `resources` resources (at least one unit).
    pub fn with_resources(resources: usize) -> Self {
        ScaleStack { units: (resources.saturating_sub(SHARED_RESOURCES) / UNIT_RESOURCES).max(1) }
    }

    pub fn resource_count(&self) -> usize {
        SHARED_RESOURCES + UNIT_RESOURCES * self.units
    }
}

#[stack(name = "scale")]
impl ScaleStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/8", enable_dns_support: true });
        let key = resource!(aws_kms_key.main { description: "scale benchmark key", enable_key_rotation: true });
        let topic = resource!(aws_sns_topic.alarms { name: "scale-alarms", kms_master_key_id: key.arn });
        let igw = resource!(aws_internet_gateway.main { vpc_id: vpc.id });
        let public = resource!(aws_subnet.public { vpc_id: vpc.id, cidr_block: "10.255.0.0/16" });
        let eip = resource!(aws_eip.nat { domain: "vpc", #[depends_on(igw)] });
        let nat = resource!(aws_nat_gateway.main { allocation_id: eip.id, subnet_id: public.id });
        let mut previous: Handle = topic.untyped();
        for i in 0..self.units {
            let subnet = resource!(aws_subnet.s[i] {
                vpc_id: vpc.id,
                cidr_block: tf::cidrsubnet(vpc.cidr_block, 16, i as i64),
            });
            let table = resource!(aws_route_table.rt[i] { vpc_id: vpc.id });
            let _route = resource!(aws_route.default[i] {
                route_table_id: table.id,
                destination_cidr_block: "0.0.0.0/0",
                nat_gateway_id: nat.id,
            });
            let _association = resource!(aws_route_table_association.a[i] { subnet_id: subnet.id, route_table_id: table.id });
            let group = resource!(aws_security_group.sg[i] {
                name: format!("scale-{i}"),
                description: "HTTPS out only",
                vpc_id: vpc.id,
            });
            let _egress = resource!(aws_vpc_security_group_egress_rule.https[i] {
                security_group_id: group.id,
                cidr_ipv4: "10.0.0.0/8",
                ip_protocol: "tcp",
                from_port: 443,
                to_port: 443,
            });
            let logs = resource!(aws_cloudwatch_log_group.lg[i] {
                name: format!("/scale/{i}"),
                retention_in_days: 30,
                kms_key_id: key.arn,
            });
            let filter = resource!(aws_cloudwatch_log_metric_filter.errors[i] {
                name: format!("errors-{i}"),
                log_group_name: logs.name,
                pattern: "ERROR",
                metric_transformation { name: format!("errors-{i}"), namespace: "Scale", value: "1" }
            });
            let alarm = resource!(aws_cloudwatch_metric_alarm.errors[i] {
                alarm_name: format!("scale-errors-{i}"),
                comparison_operator: "GreaterThanOrEqualToThreshold",
                evaluation_periods: 1,
                metric_name: filter.name,
                namespace: "Scale",
                period: 60,
                statistic: "Sum",
                threshold: 1,
                alarm_actions: [topic.arn],
                #[depends_on(previous)]
            });
            let _parameter = resource!(aws_ssm_parameter.alarm[i] {
                name: format!("/scale/alarm/{i}"),
                type: "String",
                value: alarm.arn,
            });
            previous = alarm.into();
        }
    }
}
