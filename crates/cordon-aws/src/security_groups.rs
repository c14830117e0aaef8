//! A security group's ingress rules, read and revoked one rule at a time by id.

use crate::error::every;
use crate::isolation::filter;
use crate::port_error;
use aws_sdk_ec2::Client;
use cordon_core::ports::{IngressRule, PortResult, SecurityGroupRules};
use cordon_events::SecurityGroupId;

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
            .map(|r| IngressRule {
                rule_id: r.security_group_rule_id().unwrap_or_default().to_owned(),
                protocol: r.ip_protocol().unwrap_or_default().to_owned(),
                from_port: r.from_port(),
                to_port: r.to_port(),
                cidr: r.cidr_ipv4().or(r.cidr_ipv6()).map(str::to_owned),
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
