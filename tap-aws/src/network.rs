//! A private network: a VPC over several Availability Zones.
//!
//! Per zone: a public subnet that holds only the zone's NAT gateway (and
//! its Elastic IP), and a private subnet whose default route goes to that
//! NAT. [`NatLayout::Single`] trades one NAT per zone (a zone failure
//! loses only that zone's way out, and no traffic crosses zones) for the
//! price of one gateway. No subnet maps public IPs; the default security
//! group is adopted with no rules; every flow goes to a KMS-encrypted log
//! group through a role only VPC Flow Logs of this account may assume;
//! gateway endpoints put DynamoDB or S3 on the private route tables with
//! a policy naming what may be reached through them.
//!
//! Subnets are 1/16 of the VPC each: public subnets take the first eight,
//! private subnets the next eight, so up to eight zones.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::network::{Cidr, NatLayout, PrivateNetwork};
//! use tap_aws::{Account, Naming};
//!
//! pub struct Net;
//!
//! #[stack(name = "net")]
//! impl Net {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("eu-west-1"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("eu-west-1", &caller, &partition);
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         let network = PrivateNetwork {
//!             nat: NatLayout::Single,
//!             ..PrivateNetwork::new("vpc", Naming::new("lab-", ""), "10.1.0.0/16".parse().unwrap(), &["euw1-az1", "euw1-az2"])
//!         }
//!         .build(&mut stack.scope("net"), &key, &aws);
//!         let private: Vec<Handle<aws_subnet>> = network.private_subnets.clone();
//!         output!(private_subnet_ids { value: private[*].id, description: "where workloads run" });
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Net.build()).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
//! assert_eq!(json["resource"]["aws_nat_gateway"].as_object().unwrap().len(), 1);
//! assert_eq!(json["resource"]["aws_subnet"]["net_private_1"]["cidr_block"], "10.1.144.0/20");
//! ```

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use tap::prelude::*;

use crate::iam::{self, Grant};
use crate::{Account, Naming};

/// NAT gateways: one per Availability Zone, or one for all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatLayout {
    /// A NAT gateway in every zone, each private subnet routed to its own
    /// zone's: a zone failure takes only that zone offline, and no traffic
    /// pays for crossing zones. The default, for production.
    PerZone,
    /// One NAT gateway, in the first zone, for every private subnet: the
    /// price of one gateway, but every zone loses outbound access when that
    /// zone fails. For development environments.
    Single,
}

/// An IPv4 network such as `10.0.0.0/16`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The first address of the block; parsing does not check that its host
    /// bits are zero ([`Cidr::is_network_address`] does).
    pub network: Ipv4Addr,
    /// The number of leading bits that name the network, 0 to 32.
    pub prefix: u8,
}

impl Cidr {
    /// The `index`-th subnet that is `newbits` longer, like Terraform's `cidrsubnet`.
    pub fn subnet(&self, newbits: u8, index: u32) -> Cidr {
        let prefix = self.prefix + newbits;
        assert!(prefix <= 32 && u64::from(index) < (1u64 << newbits), "BUG: subnet {index} of /{prefix} does not fit in {self}");
        let base = u32::from(self.network);
        Cidr { network: Ipv4Addr::from(base | (index << (32 - u32::from(prefix)))), prefix }
    }

    /// Does `other` lie entirely inside this network?
    pub fn contains(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && mask(u32::from(other.network), self.prefix) == u32::from(self.network)
    }

    /// Is the address the network's own (no host bits set)?
    pub fn is_network_address(&self) -> bool {
        mask(u32::from(self.network), self.prefix) == u32::from(self.network)
    }
}

/// The address with only its first `prefix` bits kept.
pub fn mask(addr: u32, prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - u32::from(prefix)))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// `a.b.c.d/n`, `n` at most 32.
    fn from_str(text: &str) -> Result<Cidr, String> {
        let parsed = text.split_once('/').and_then(|(addr, prefix)| {
            let network = addr.parse::<Ipv4Addr>().ok()?;
            let digits = !prefix.is_empty() && prefix.len() <= 2 && prefix.bytes().all(|b| b.is_ascii_digit());
            let prefix = if digits { prefix.parse::<u8>().ok()? } else { return None };
            (prefix <= 32).then_some(Cidr { network, prefix })
        });
        parsed.ok_or_else(|| format!("`{text}` is not an IPv4 CIDR block"))
    }
}

/// A gateway endpoint (`dynamodb` or `s3`) on the private route tables,
/// whose policy lets the VPC reach exactly `grant`'s actions on its resources.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayEndpoint {
    /// `dynamodb` or `s3`.
    pub service: String,
    /// Everything the VPC may do through the endpoint, with any principal:
    /// without a policy, an endpoint lets the VPC reach every table or
    /// bucket of every account.
    pub grant: Grant,
}

impl GatewayEndpoint {
    /// An endpoint to `service` (`dynamodb` or `s3`) that allows only `grant`.
    pub fn new(service: &str, grant: Grant) -> Self {
        GatewayEndpoint { service: service.to_owned(), grant }
    }
}

/// The network's configuration.
#[derive(Clone, Debug)]
pub struct PrivateNetwork {
    /// What the VPC is called (`vpc` gives the Name tag `tap-vpc-dev`).
    pub name: String,
    /// How cloud names are written around [`PrivateNetwork::name`] and the
    /// names of the subnets, NATs and route tables.
    pub naming: Naming,
    /// The VPC's address block; each subnet takes 1/16 of it.
    pub cidr: Cidr,
    /// Zone IDs (`usw2-az1`): the same physical zones in every account.
    pub zone_ids: Vec<String>,
    /// NAT gateways per zone (the default) or one for all.
    pub nat: NatLayout,
    /// How long the flow logs are kept; 365 by default, as audits ask for a
    /// year (TAP-LOG-001 refuses forever).
    pub flow_log_retention_days: i64,
    /// Gateway endpoints on the private route tables, each with its policy.
    pub gateway_endpoints: Vec<GatewayEndpoint>,
}

/// What [`PrivateNetwork::build`] declares, for the resources placed in it.
#[derive(Clone, Debug)]
pub struct Network {
    /// The VPC, for security groups and anything else that names it.
    pub vpc: Handle<aws_vpc>,
    /// One per zone, in zone order.
    pub public_subnets: Vec<Handle<aws_subnet>>,
    /// One per zone, in zone order: where workloads run.
    pub private_subnets: Vec<Handle<aws_subnet>>,
    /// One per zone, in zone order, each with its default route to a NAT:
    /// where further routes or interface endpoints go.
    pub private_route_tables: Vec<Handle<aws_route_table>>,
    /// One per zone, or one with [`NatLayout::Single`]: the public addresses
    /// the private subnets' outbound traffic leaves from.
    pub nat_gateways: Vec<Handle<aws_nat_gateway>>,
    /// The encrypted log group the VPC's flow logs go to, for alarms or
    /// metric filters on rejected traffic.
    pub flow_logs: Handle<aws_cloudwatch_log_group>,
    /// In the order of [`PrivateNetwork::gateway_endpoints`].
    pub endpoints: Vec<Handle<aws_vpc_endpoint>>,
}

impl Network {
    /// The gateway endpoint of `service`, if the network has one.
    pub fn endpoint(&self, service: &str) -> Option<&Handle<aws_vpc_endpoint>> {
        self.endpoints.iter().find(|e| e.address().name.ends_with(&format!("_endpoint_{service}")))
    }
}

impl PrivateNetwork {
    /// A NAT per zone, flow logs kept a year, no endpoints.
    pub fn new(name: &str, naming: Naming, cidr: Cidr, zone_ids: &[&str]) -> Self {
        PrivateNetwork {
            name: name.to_owned(),
            naming,
            cidr,
            zone_ids: zone_ids.iter().map(|z| (*z).to_owned()).collect(),
            nat: NatLayout::PerZone,
            flow_log_retention_days: 365,
            gateway_endpoints: Vec::new(),
        }
    }

    /// Adds a gateway endpoint.
    pub fn with_endpoint(mut self, endpoint: GatewayEndpoint) -> Self {
        self.gateway_endpoints.push(endpoint);
        self
    }

    /// The flow log group's name, known before the network exists (for a key policy).
    pub fn flow_log_group_name(&self) -> String {
        format!("/aws/vpc/flow-logs/{}", self.naming.name(&self.name))
    }
}

#[component]
impl PrivateNetwork {
    /// Declares the network into `scope`; `key` encrypts the flow logs.
    pub fn build(&self, scope: &mut Scope, key: &Handle<aws_kms_key>, aws: &Account) -> Network {
        assert!((1..=8).contains(&self.zone_ids.len()), "a private network spans 1 to 8 zones, not {}", self.zone_ids.len());
        let naming = &self.naming;
        let vpc = resource!(aws_vpc.vpc {
            cidr_block: self.cidr.to_string(),
            enable_dns_support: true,
            // Gateway endpoints and AWS service hostnames need it.
            enable_dns_hostnames: true,
            tags: { Name: naming.name(&self.name) },
        });
        // Adopted with no rules: nothing can use it by accident.
        resource!(aws_default_security_group.default {
            vpc_id: vpc.id,
            tags: { Name: naming.name("default-deny-all") },
        });
        let igw = resource!(aws_internet_gateway.igw {
            vpc_id: vpc.id,
            tags: { Name: naming.name("igw") },
        });
        let public_routes = resource!(aws_route_table.public {
            vpc_id: vpc.id,
            tags: { Name: naming.name("public") },
        });
        resource!(aws_route.public_internet {
            route_table_id: public_routes.id,
            destination_cidr_block: "0.0.0.0/0",
            gateway_id: igw.id,
        });

        let mut public_subnets = Vec::new();
        let mut private_subnets = Vec::new();
        let mut private_route_tables = Vec::new();
        let mut nat_gateways: Vec<Handle<aws_nat_gateway>> = Vec::new();
        for (i, zone_id) in self.zone_ids.iter().enumerate() {
            let public = resource!(aws_subnet.public[i] {
                vpc_id: vpc.id,
                availability_zone_id: zone_id.clone(),
                cidr_block: self.cidr.subnet(4, i as u32).to_string(),
                // The NAT gateway has its own Elastic IP; nothing else here gets one.
                map_public_ip_on_launch: false,
                tags: { Name: naming.nth("public", i), tier: "public" },
            });
            resource!(aws_route_table_association.public[i] {
                subnet_id: public.id,
                route_table_id: public_routes.id,
            });
            if self.nat == NatLayout::PerZone || i == 0 {
                let nat_ip = resource!(aws_eip.nat[i] {
                    domain: "vpc",
                    tags: { Name: naming.nth("nat", i) },
                    #[depends_on(igw)]
                });
                nat_gateways.push(resource!(aws_nat_gateway.nat[i] {
                    allocation_id: nat_ip.allocation_id,
                    subnet_id: public.id,
                    connectivity_type: "public",
                    tags: { Name: naming.nth("nat", i) },
                    #[depends_on(igw)]
                }));
            }
            // The NAT of this zone, or the only one.
            let nat_index = if self.nat == NatLayout::PerZone { i } else { 0 };
            let private = resource!(aws_subnet.private[i] {
                vpc_id: vpc.id,
                availability_zone_id: zone_id.clone(),
                cidr_block: self.cidr.subnet(4, 8 + i as u32).to_string(),
                map_public_ip_on_launch: false,
                tags: { Name: naming.nth("private", i), tier: "private" },
            });
            let private_routes = resource!(aws_route_table.private[i] {
                vpc_id: vpc.id,
                tags: { Name: naming.nth("private", i) },
            });
            resource!(aws_route.private_nat[i] {
                route_table_id: private_routes.id,
                destination_cidr_block: "0.0.0.0/0",
                nat_gateway_id: nat_gateways[nat_index].id,
            });
            resource!(aws_route_table_association.private[i] {
                subnet_id: private.id,
                route_table_id: private_routes.id,
            });
            public_subnets.push(public);
            private_subnets.push(private);
            private_route_tables.push(private_routes);
        }

        // Every packet's metadata, to an encrypted group, through a role only
        // the flow logs of this account may assume (confused deputy).
        let flow_logs = resource!(aws_cloudwatch_log_group.flow_logs {
            name: self.flow_log_group_name(),
            retention_in_days: self.flow_log_retention_days,
            kms_key_id: key.arn,
        });
        let flow_logs_role = resource!(aws_iam_role.flow_logs {
            name: naming.name(&format!("{}-flow-logs", self.name)),
            description: "VPC Flow Logs delivery to CloudWatch Logs",
            assume_role_policy: iam::trust("vpc-flow-logs.amazonaws.com", Some(aws.id()), Some(aws.arn("ec2", "vpc-flow-log/*"))),
        });
        let flow_logs_policy = resource!(aws_iam_role_policy.flow_logs {
            name: "write-flow-log-group",
            role: flow_logs_role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // Write streams into the flow log group, and nowhere else.
                        Sid: "WriteTheFlowLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [flow_logs.arn, concat!(flow_logs.arn, ":log-stream:*")],
                    },
                ],
            }),
        });
        resource!(aws_flow_log.vpc {
            vpc_id: vpc.id,
            traffic_type: "ALL",
            log_destination_type: "cloud-watch-logs",
            log_destination: flow_logs.arn,
            iam_role_arn: flow_logs_role.arn,
            max_aggregation_interval: 60,
            tags: { Name: naming.name(&self.name) },
            #[depends_on(flow_logs_policy)]
        });

        // Gateway endpoints: traffic to the service stays on the AWS network
        // (no NAT data charge, and it works when a NAT fails).
        let mut endpoints = Vec::new();
        for endpoint in &self.gateway_endpoints {
            let service = endpoint.service.as_str();
            let mut statement = endpoint.grant.statement();
            if let Value::Map(fields) = &mut statement {
                fields.insert("Principal".into(), Value::from("*"));
            }
            endpoints.push(resource!(aws_vpc_endpoint.endpoint[service] {
                vpc_id: vpc.id,
                service_name: format!("com.amazonaws.{}.{service}", aws.region),
                vpc_endpoint_type: "Gateway",
                route_table_ids: private_route_tables[*].id,
                policy: iam::document(vec![statement]),
                tags: { Name: naming.name(service) },
            }));
        }
        Network { vpc, public_subnets, private_subnets, private_route_tables, nat_gateways, flow_logs, endpoints }
    }
}
