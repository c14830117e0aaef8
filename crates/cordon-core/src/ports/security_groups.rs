//! A security group's ingress rules and tags, to revoke exactly the rules that expose it.

use super::PortResult;
use cordon_events::{SecurityGroupId, SecurityGroupRuleId, VpcId};
use std::future::Future;

/// An ingress rule as the group holds it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressRule {
    pub rule_id: String,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// `None` when the source is a group or a prefix list.
    pub cidr: Option<String>,
}

/// A rule read by its id: the group that holds it, which way it points, and what it
/// allows as EC2 holds it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRule {
    pub group_id: String,
    pub egress: bool,
    pub rule: IngressRule,
}

/// Reading and revoking a security group's ingress rules, one rule at a time.
pub trait SecurityGroupRules: Send + Sync {
    /// The account's default VPC in this region, if it has one: where EC2 looks up a
    /// group named only by name.
    fn default_vpc(&self) -> impl Future<Output = PortResult<Option<VpcId>>> + Send;

    /// The groups of `vpc` named `name`: one, or none.
    fn groups_named(
        &self,
        name: &str,
        vpc: &VpcId,
    ) -> impl Future<Output = PortResult<Vec<SecurityGroupId>>> + Send;

    /// The group's tags, read live for the exemption check.
    fn group_tags(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    fn ingress_rules(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<Vec<IngressRule>>> + Send;

    /// The rules with these ids as EC2 holds them now, in any group and either
    /// direction; a rule that no longer exists is not returned.
    fn rules_by_id(
        &self,
        rule_ids: &[SecurityGroupRuleId],
    ) -> impl Future<Output = PortResult<Vec<GroupRule>>> + Send;

    /// Revokes exactly these rules, by id.
    fn revoke_ingress_rules(
        &self,
        group: &SecurityGroupId,
        rule_ids: &[String],
    ) -> impl Future<Output = PortResult<()>> + Send;
}
