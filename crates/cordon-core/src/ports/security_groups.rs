//! A security group's ingress rules and tags, to revoke exactly the rules that expose it.

use super::PortResult;
use cordon_events::SecurityGroupId;
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

/// Reading and revoking a security group's ingress rules, one rule at a time.
pub trait SecurityGroupRules: Send + Sync {
    /// The group's tags, read live for the exemption check.
    fn group_tags(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    fn ingress_rules(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<Vec<IngressRule>>> + Send;

    /// Revokes exactly these rules, by id.
    fn revoke_ingress_rules(
        &self,
        group: &SecurityGroupId,
        rule_ids: &[String],
    ) -> impl Future<Output = PortResult<()>> + Send;
}
