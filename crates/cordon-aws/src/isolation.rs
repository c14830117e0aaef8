//! [`NetworkIsolation`] on EC2: security groups are moved per network interface with
//! `ModifyNetworkInterfaceAttribute`, because `ModifyInstanceAttribute Groups` only
//! reaches the primary interface (and AWS rejects it on multi-interface instances).

use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, NetworkInterface, Tag};
use cordon_core::names::{CONNECTION_TRACKING_TAG, INCIDENT_TAG, ORIGINAL_GROUPS_TAG};
use cordon_core::ports::{
    ConnectionTrackingTimeouts, HeldInterface, IsolationGroups, NetworkInterfaceState,
    NetworkIsolation, PortError, PortResult,
};
use cordon_events::{InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId};

#[derive(Clone, Debug)]
pub struct Ec2Isolation {
    pub(crate) client: Client,
}

impl Ec2Isolation {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    async fn describe_interfaces(&self, filters: Vec<Filter>) -> PortResult<Vec<NetworkInterface>> {
        let pages = self
            .client
            .describe_network_interfaces()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        pages
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| port_error("ec2:DescribeNetworkInterfaces", e))
    }
}

pub(crate) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

impl NetworkIsolation for Ec2Isolation {
    type GroupsFound = crate::isolation_groups::IsolationGroupsFound;

    async fn find_isolation_groups(&self, vpc: &VpcId) -> PortResult<Self::GroupsFound> {
        crate::isolation_groups::find_pair(&self.client, vpc).await
    }

    async fn ensure_isolation_groups(
        &self,
        vpc: &VpcId,
        found: Self::GroupsFound,
    ) -> PortResult<IsolationGroups> {
        crate::isolation_groups::ensure(&self.client, vpc, found).await
    }

    async fn untag_resources(&self, resources: &[String], keys: &[&str]) -> PortResult<()> {
        self.client
            .delete_tags()
            .set_resources(Some(resources.to_vec()))
            .set_tags(Some(
                keys.iter()
                    .map(|k| Tag::builder().key(*k).build())
                    .collect(),
            ))
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("ec2:DeleteTags", e))
    }

    async fn incident_instances(&self, incident: &str) -> PortResult<Vec<InstanceId>> {
        let pages = self
            .client
            .describe_instances()
            .filters(filter(&format!("tag:{INCIDENT_TAG}"), incident))
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        let reservations = crate::error::every("ec2:DescribeInstances", pages)?;
        Ok(reservations
            .iter()
            .flat_map(|r| r.instances())
            .filter_map(|i| i.instance_id()?.parse().ok())
            .collect())
    }

    async fn instance_tags(&self, instance: &InstanceId) -> PortResult<Vec<(String, String)>> {
        let pages = self
            .client
            .describe_tags()
            .filters(filter("resource-id", instance.as_str()))
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        let tags = crate::error::every("ec2:DescribeTags", pages)?;
        Ok(tags
            .into_iter()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
            .collect())
    }

    async fn instance_network_interfaces(
        &self,
        instance: &InstanceId,
    ) -> PortResult<Vec<NetworkInterfaceState>> {
        let interfaces = self
            .describe_interfaces(vec![filter("attachment.instance-id", instance.as_str())])
            .await?;
        interfaces.iter().map(interface_state).collect()
    }

    async fn record_original_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> PortResult<()> {
        let value = groups
            .iter()
            .map(SecurityGroupId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        self.client
            .create_tags()
            .resources(eni.as_str())
            .tags(Tag::builder().key(ORIGINAL_GROUPS_TAG).value(value).build())
            .send()
            .await
            .map_err(|e| port_error("ec2:CreateTags", e))?;
        Ok(())
    }

    async fn set_network_interface_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> PortResult<()> {
        self.client
            .modify_network_interface_attribute()
            .network_interface_id(eni.as_str())
            .set_groups(Some(groups.iter().map(|g| g.to_string()).collect()))
            .send()
            .await
            .map_err(|e| port_error("ec2:ModifyNetworkInterfaceAttribute", e))?;
        Ok(())
    }

    async fn instance_interfaces_in_groups(
        &self,
        instance: &InstanceId,
        groups: &[SecurityGroupId],
    ) -> PortResult<Vec<HeldInterface>> {
        const OP: &str = "ec2:DescribeNetworkInterfaces";
        let asked = || groups.iter().map(SecurityGroupId::to_string);
        let interfaces = self
            .describe_interfaces(vec![
                filter("attachment.instance-id", instance.as_str()),
                Filter::builder()
                    .name("group-id")
                    .set_values(Some(asked().collect()))
                    .build(),
            ])
            .await?;
        interfaces
            .iter()
            .map(|eni| {
                Ok(HeldInterface {
                    id: parse_id(OP, eni.network_interface_id())?,
                    groups: eni
                        .groups()
                        .iter()
                        .filter_map(|g| groups.iter().find(|a| Some(a.as_str()) == g.group_id()))
                        .cloned()
                        .collect(),
                })
            })
            .collect()
    }

    async fn group_rule_counts(&self, group: &SecurityGroupId) -> PortResult<(usize, usize)> {
        let found = crate::isolation_groups::describe_by_id(&self.client, group).await?;
        Ok((
            found.ip_permissions().len(),
            found.ip_permissions_egress().len(),
        ))
    }

    async fn tag_resources(
        &self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> PortResult<()> {
        if resources.is_empty() {
            return Ok(());
        }
        self.client
            .create_tags()
            .set_resources(Some(resources.to_vec()))
            .set_tags(Some(
                tags.iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(|e| port_error("ec2:CreateTags", e))?;
        Ok(())
    }

    async fn set_connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
        timeouts: &ConnectionTrackingTimeouts,
    ) -> PortResult<()> {
        crate::connection_tracking::set(&self.client, eni, timeouts).await
    }

    async fn connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
    ) -> PortResult<Option<ConnectionTrackingTimeouts>> {
        crate::connection_tracking::read(&self.client, eni).await
    }
}

fn interface_state(eni: &NetworkInterface) -> PortResult<NetworkInterfaceState> {
    const OP: &str = "ec2:DescribeNetworkInterfaces";
    let groups = eni
        .groups()
        .iter()
        .map(|g| parse_id(OP, g.group_id()))
        .collect::<PortResult<Vec<SecurityGroupId>>>()?;
    let recorded_original_groups = eni
        .tag_set()
        .iter()
        .find(|t| t.key() == Some(ORIGINAL_GROUPS_TAG))
        .map(|t| {
            t.value()
                .unwrap_or_default()
                .split(',')
                .filter(|g| !g.is_empty())
                .map(|g| parse_id(OP, Some(g)))
                .collect::<PortResult<Vec<SecurityGroupId>>>()
        })
        .transpose()?;
    Ok(NetworkInterfaceState {
        id: parse_id(OP, eni.network_interface_id())?,
        groups,
        private_ips: private_ips(eni),
        recorded_original_groups,
        connection_tracking_requested: eni
            .tag_set()
            .iter()
            .any(|t| t.key() == Some(CONNECTION_TRACKING_TAG)),
    })
}

/// Primary first: `PrivateIpAddress` names it even where the list's order does not.
fn private_ips(eni: &NetworkInterface) -> Vec<String> {
    let mut ips: Vec<String> = eni
        .private_ip_address()
        .map(str::to_owned)
        .into_iter()
        .collect();
    for ip in eni
        .private_ip_addresses()
        .iter()
        .filter_map(|a| a.private_ip_address())
    {
        if !ips.iter().any(|known| known == ip) {
            ips.push(ip.to_owned());
        }
    }
    ips
}

/// Ids coming back from AWS are checked like those coming in: a surprise is an error.
pub(crate) fn parse_id<T: std::str::FromStr<Err = String>>(
    operation: &'static str,
    raw: Option<&str>,
) -> PortResult<T> {
    raw.unwrap_or_default()
        .parse()
        .map_err(|message| PortError {
            operation,
            code: None,
            message,
            transient: false,
        })
}
