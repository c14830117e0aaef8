//! The facts about one compromised-instance finding that containment needs, taken from
//! the finding once so later stages never re-read raw input.

use cordon_events::{
    AccountId, GuardDutyFinding, InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId,
};
use serde::Serialize;

/// The facts about one compromised-instance finding that containment needs, taken from
/// the finding once so later stages never re-read raw input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstanceIncident {
    pub finding_id: String,
    pub finding_arn: String,
    pub finding_type: String,
    pub severity: f64,
    pub account_id: AccountId,
    pub region: String,
    pub instance_id: InstanceId,
    pub vpc_id: VpcId,
    pub network_interfaces: Vec<NetworkInterfaceId>,
    /// Groups the finding saw on the instance, in case the live read cannot tell.
    pub security_groups: Vec<SecurityGroupId>,
    /// The instance profile the finding saw; the live association is read at action time.
    pub instance_profile_arn: Option<String>,
    /// When GuardDuty last updated the finding: stamps the incident deterministically,
    /// so a re-delivered event writes the same tags.
    pub updated_at: String,
    /// The process, command line or malware GuardDuty saw inside the instance.
    pub seen: super::SeenOnHost,
}

impl InstanceIncident {
    /// `None` when the finding is not about an EC2 instance.
    pub fn from_finding(finding: &GuardDutyFinding) -> Option<Self> {
        let details = finding.resource.instance_details.as_ref()?;
        let first = details.network_interfaces.first()?;
        let mut security_groups: Vec<SecurityGroupId> = details
            .network_interfaces
            .iter()
            .flat_map(|eni| eni.security_groups.iter().map(|g| g.group_id.clone()))
            .collect();
        security_groups.sort();
        security_groups.dedup();
        Some(Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: finding.region.clone(),
            instance_id: details.instance_id.clone(),
            vpc_id: first.vpc_id.clone(),
            network_interfaces: details
                .network_interfaces
                .iter()
                .map(|eni| eni.network_interface_id.clone())
                .collect(),
            security_groups,
            instance_profile_arn: details.iam_instance_profile.as_ref().map(|p| p.arn.clone()),
            updated_at: finding.updated_at.clone(),
            seen: super::SeenOnHost::from_finding(finding),
        })
    }
}
