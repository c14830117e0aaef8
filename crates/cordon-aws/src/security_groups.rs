//! A security group's ingress rules, read and revoked one rule at a time by id, and a
//! group named only by name found in the default VPC, where EC2 looks it up.

use crate::error::every;
use crate::isolation::{filter, parse_id};
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, SecurityGroupRule};
use cordon_core::ports::{GroupRule, IngressRule, PortResult, SecurityGroupRules};
use cordon_events::{SecurityGroupId, SecurityGroupRuleId, VpcId};

#[derive(Clone, Debug)]
pub struct Ec2SecurityGroupRules {
    client: Client,
}

impl Ec2SecurityGroupRules {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

impl SecurityGroupRules for Ec2SecurityGroupRules {
    async fn default_vpc(&self) -> PortResult<Option<VpcId>> {
        const OP: &str = "ec2:DescribeVpcs";
        let described = self
            .client
            .describe_vpcs()
            .filters(filter("is-default", "true"))
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        match described
            .vpcs()
            .iter()
            .find(|v| v.is_default() == Some(true))
        {
            Some(vpc) => parse_id(OP, vpc.vpc_id()).map(Some),
            None => Ok(None),
        }
    }

    async fn groups_named(&self, name: &str, vpc: &VpcId) -> PortResult<Vec<SecurityGroupId>> {
        const OP: &str = "ec2:DescribeSecurityGroups";
        let pages = self
            .client
            .describe_security_groups()
            .filters(filter("group-name", name))
            .filters(filter("vpc-id", vpc.as_str()))
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        every(OP, pages)?
            .iter()
            .filter(|g| g.group_name() == Some(name) && g.vpc_id() == Some(vpc.as_str()))
            .map(|g| parse_id(OP, g.group_id()))
            .collect()
    }

    async fn group_tags(&self, group: &SecurityGroupId) -> PortResult<Vec<(String, String)>> {
        const OP: &str = "ec2:DescribeSecurityGroups";
        let described = self
            .client
            .describe_security_groups()
            .group_ids(group.as_str())
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        let found = described
            .security_groups()
            .iter()
            .find(|g| g.group_id() == Some(group.as_str()))
            .ok_or_else(|| cordon_core::ports::PortError {
                operation: OP,
                code: Some("InvalidGroup.NotFound".into()),
                message: format!("{group} was not returned"),
                transient: false,
            })?;
        Ok(found
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }

    async fn ingress_rules(&self, group: &SecurityGroupId) -> PortResult<Vec<IngressRule>> {
        let pages = self
            .client
            .describe_security_group_rules()
            .filters(filter("group-id", group.as_str()))
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        let rules = every("ec2:DescribeSecurityGroupRules", pages)?;
        Ok(rules
            .iter()
            .filter(|r| r.is_egress() == Some(false) && r.group_id() == Some(group.as_str()))
            .map(rule)
            .collect())
    }

    async fn rules_by_id(&self, rule_ids: &[SecurityGroupRuleId]) -> PortResult<Vec<GroupRule>> {
        if rule_ids.is_empty() {
            return Ok(Vec::new());
        }
        // The filter rather than `SecurityGroupRuleIds`: an id that no longer exists is
        // left out instead of failing the whole call (InvalidSecurityGroupRuleId.NotFound).
        let ids = rule_ids.iter().map(|id| id.as_str().to_owned()).collect();
        let pages = self
            .client
            .describe_security_group_rules()
            .filters(
                Filter::builder()
                    .name("security-group-rule-id")
                    .set_values(Some(ids))
                    .build(),
            )
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        let rules = every("ec2:DescribeSecurityGroupRules", pages)?;
        Ok(rules
            .iter()
            .filter(|r| {
                rule_ids
                    .iter()
                    .any(|id| r.security_group_rule_id() == Some(id.as_str()))
            })
            .map(|r| GroupRule {
                group_id: r.group_id().unwrap_or_default().to_owned(),
                egress: r.is_egress() != Some(false),
                rule: rule(r),
            })
            .collect())
    }

    async fn revoke_ingress_rules(
        &self,
        group: &SecurityGroupId,
        rule_ids: &[String],
    ) -> PortResult<()> {
        self.client
            .revoke_security_group_ingress()
            .group_id(group.as_str())
            .set_security_group_rule_ids(Some(rule_ids.to_vec()))
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("ec2:RevokeSecurityGroupIngress", e))
    }
}

fn rule(r: &SecurityGroupRule) -> IngressRule {
    IngressRule {
        rule_id: r.security_group_rule_id().unwrap_or_default().to_owned(),
        protocol: r.ip_protocol().unwrap_or_default().to_owned(),
        from_port: r.from_port(),
        to_port: r.to_port(),
        cidr: r.cidr_ipv4().or(r.cidr_ipv6()).map(str::to_owned),
    }
}
