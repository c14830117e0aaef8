//! Reading an estate's EC2 state back from the emulator, for tests and the demo to
//! judge containment by what EC2 says rather than by what cordon reports.

use crate::Estate;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, NetworkInterface, SecurityGroup};
use cordon_core::names::{deny_group_name, open_group_name};
use std::collections::BTreeSet;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Estate {
    /// Every group in this estate's VPC whose name starts the way cordon's isolation
    /// group names do — not just the two expected names, so a stray third group shows.
    pub async fn isolation_groups(&self, ec2: &Client) -> Result<Vec<SecurityGroup>, BoxError> {
        let prefix = isolation_prefix();
        let found = ec2
            .describe_security_groups()
            .filters(filter("vpc-id", &self.vpc))
            .send()
            .await?;
        Ok(found
            .security_groups()
            .iter()
            .filter(|g| g.group_name().unwrap_or_default().starts_with(&prefix))
            .cloned()
            .collect())
    }

    /// The VPC's deny-all isolation group, if cordon has created it.
    pub async fn deny_group(&self, ec2: &Client) -> Result<Option<SecurityGroup>, BoxError> {
        self.group_named(ec2, &deny_group_name(&self.vpc)).await
    }

    /// The VPC's allow-all isolation group, if cordon has created it.
    pub async fn open_group(&self, ec2: &Client) -> Result<Option<SecurityGroup>, BoxError> {
        self.group_named(ec2, &open_group_name(&self.vpc)).await
    }

    /// The group of that name in this VPC; more than one is an error, not a pick.
    async fn group_named(
        &self,
        ec2: &Client,
        name: &str,
    ) -> Result<Option<SecurityGroup>, BoxError> {
        let found = ec2
            .describe_security_groups()
            .filters(filter("vpc-id", &self.vpc))
            .filters(filter("group-name", name))
            .send()
            .await?;
        match found.security_groups() {
            [] => Ok(None),
            [group] => Ok(Some(group.clone())),
            more => Err(format!("{} groups named {name}: {more:?}", more.len()).into()),
        }
    }

    /// The ids of this instance's interfaces that `group_id` holds.
    ///
    /// Asked with the `attachment.instance-id` and `group-id` filters rather than read
    /// from a plain describe: moto's plain describe can merge the instance's launch
    /// groups into an attached interface's groups, while the filter is exact.
    pub async fn interfaces_held_by(
        &self,
        ec2: &Client,
        group_id: &str,
    ) -> Result<BTreeSet<String>, BoxError> {
        let found = ec2
            .describe_network_interfaces()
            .filters(filter("attachment.instance-id", &self.instance))
            .filters(filter("group-id", group_id))
            .send()
            .await?;
        found
            .network_interfaces()
            .iter()
            .map(interface_id)
            .collect()
    }

    /// Every interface attached to this instance, as a plain describe returns them.
    ///
    /// Their groups are true to AWS only because [`Estate`] puts its groups on the
    /// interfaces, not the instance (see [`Estate::launch_instance`]).
    pub async fn instance_interfaces(
        &self,
        ec2: &Client,
    ) -> Result<Vec<NetworkInterface>, BoxError> {
        let found = ec2
            .describe_network_interfaces()
            .filters(filter("attachment.instance-id", &self.instance))
            .send()
            .await?;
        Ok(found.network_interfaces().to_vec())
    }

    /// Each of this instance's interfaces with the ids of the groups holding it, in the
    /// order EC2 lists them (same caveat as [`Estate::instance_interfaces`]).
    pub async fn interface_groups(
        &self,
        ec2: &Client,
    ) -> Result<Vec<(String, Vec<String>)>, BoxError> {
        self.instance_interfaces(ec2)
            .await?
            .iter()
            .map(|n| {
                let groups = n.groups().iter().filter_map(|g| g.group_id());
                Ok((interface_id(n)?, groups.map(str::to_owned).collect()))
            })
            .collect()
    }

    /// The instance's tags as (key, value) pairs.
    pub async fn instance_tags(&self, ec2: &Client) -> Result<Vec<(String, String)>, BoxError> {
        let found = ec2
            .describe_tags()
            .filters(filter("resource-id", &self.instance))
            .send()
            .await?;
        found
            .tags()
            .iter()
            .map(|t| match (t.key(), t.value()) {
                (Some(k), Some(v)) => Ok((k.to_owned(), v.to_owned())),
                _ => Err(format!("incomplete tag {t:?}").into()),
            })
            .collect()
    }

    /// The ids of every interface this estate attached to its instance.
    pub fn all_interfaces(&self) -> BTreeSet<String> {
        self.interfaces.iter().cloned().collect()
    }
}

/// What the two isolation group names have in common (`cordon-isolation-`), taken
/// from the names themselves so it cannot drift from them.
fn isolation_prefix() -> String {
    let (open, deny) = (open_group_name(""), deny_group_name(""));
    open.chars()
        .zip(deny.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect()
}

fn interface_id(n: &NetworkInterface) -> Result<String, BoxError> {
    Ok(n.network_interface_id()
        .ok_or("interface without an id")?
        .to_owned())
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}
