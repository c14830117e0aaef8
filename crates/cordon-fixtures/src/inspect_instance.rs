//! Reading back what the full instance playbook acts on — the instance profile, the
//! role's inline policies, instance attributes, Auto Scaling and target group
//! membership, snapshots — as plain data for assertions.

use crate::Estate;
use aws_sdk_ec2::types::{Filter, InstanceAttributeName};
use cordon_core::ports::Principal;
use std::collections::BTreeMap;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One of the instance's instance-profile associations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileAssociation {
    pub association_id: String,
    /// `associating`, `associated`, `disassociating`, `disassociated`.
    pub state: String,
    pub profile_arn: String,
}

/// The instance attributes containment changes or must respect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceAttributes {
    /// `disableApiTermination`.
    pub termination_protection: bool,
    /// `disableApiStop`.
    pub stop_protection: bool,
    /// `instanceInitiatedShutdownBehavior`: `stop` or `terminate`.
    pub shutdown_behavior: String,
    /// DeleteOnTermination of every volume attached now, by volume id.
    pub delete_on_termination: BTreeMap<String, bool>,
}

/// A snapshot of one of the estate's volumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeSnapshot {
    pub snapshot_id: String,
    pub volume_id: String,
    pub description: String,
    pub tags: BTreeMap<String, String>,
}

impl Estate {
    /// The instance's instance-profile associations, as EC2 lists them.
    pub async fn profile_associations(
        &self,
        ec2: &aws_sdk_ec2::Client,
    ) -> Result<Vec<ProfileAssociation>, BoxError> {
        let found = ec2
            .describe_iam_instance_profile_associations()
            .filters(filter("instance-id", [&self.instance]))
            .send()
            .await?;
        found
            .iam_instance_profile_associations()
            .iter()
            .map(|a| {
                let profile_arn = a.iam_instance_profile().and_then(|p| p.arn());
                match (a.association_id(), a.state(), profile_arn) {
                    (Some(id), Some(state), Some(arn)) => Ok(ProfileAssociation {
                        association_id: id.to_owned(),
                        state: state.as_str().to_owned(),
                        profile_arn: arn.to_owned(),
                    }),
                    _ => Err(format!("incomplete association {a:?}").into()),
                }
            })
            .collect()
    }

    /// The estate role's inline policy `policy_name` as JSON, if the role has it.
    ///
    /// Decoded as [`crate::inline_policy`] decodes every inline policy.
    pub async fn role_policy(
        &self,
        iam: &aws_sdk_iam::Client,
        policy_name: &str,
    ) -> Result<Option<serde_json::Value>, BoxError> {
        let role = &self.workload_for("role_policy")?.role_name;
        crate::inline_policy(iam, &Principal::Role(role.clone()), policy_name).await
    }

    /// The names of the estate role's inline policies.
    pub async fn role_policy_names(
        &self,
        iam: &aws_sdk_iam::Client,
    ) -> Result<Vec<String>, BoxError> {
        let role = &self.workload_for("role_policy_names")?.role_name;
        let mut pages = iam
            .list_role_policies()
            .role_name(role)
            .into_paginator()
            .send();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            names.extend(page?.policy_names().iter().cloned());
        }
        Ok(names)
    }

    /// Termination and stop protection, shutdown behaviour, and DeleteOnTermination
    /// per attached volume.
    ///
    /// DeleteOnTermination comes from DescribeInstances' block device mappings: moto
    /// answers DescribeInstanceAttribute `blockDeviceMapping` with no mappings at all.
    pub async fn instance_attributes(
        &self,
        ec2: &aws_sdk_ec2::Client,
    ) -> Result<InstanceAttributes, BoxError> {
        let attribute = |name| async move {
            let asked = ec2.describe_instance_attribute().attribute(name);
            let asked = asked.instance_id(&self.instance).send().await;
            asked.map_err(BoxError::from)
        };
        let described = async {
            let described = ec2.describe_instances().instance_ids(&self.instance);
            described.send().await.map_err(BoxError::from)
        };
        let (termination, stop, shutdown, described) = tokio::try_join!(
            attribute(InstanceAttributeName::DisableApiTermination),
            attribute(InstanceAttributeName::DisableApiStop),
            attribute(InstanceAttributeName::InstanceInitiatedShutdownBehavior),
            described,
        )?;
        let delete_on_termination = described
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .flat_map(|i| i.block_device_mappings())
            .filter_map(|m| m.ebs())
            .map(|ebs| match (ebs.volume_id(), ebs.delete_on_termination()) {
                (Some(id), Some(delete)) => Ok((id.to_owned(), delete)),
                _ => Err(format!("incomplete block device mapping {ebs:?}").into()),
            })
            .collect::<Result<_, BoxError>>()?;
        Ok(InstanceAttributes {
            termination_protection: termination
                .disable_api_termination()
                .and_then(|v| v.value())
                .ok_or("no disableApiTermination")?,
            stop_protection: stop
                .disable_api_stop()
                .and_then(|v| v.value())
                .ok_or("no disableApiStop")?,
            shutdown_behavior: shutdown
                .instance_initiated_shutdown_behavior()
                .and_then(|v| v.value())
                .ok_or("no instanceInitiatedShutdownBehavior")?
                .to_owned(),
            delete_on_termination,
        })
    }

    /// The Auto Scaling group the instance belongs to now, if any.
    pub async fn auto_scaling_membership(
        &self,
        autoscaling: &aws_sdk_autoscaling::Client,
    ) -> Result<Option<String>, BoxError> {
        let found = autoscaling
            .describe_auto_scaling_instances()
            .instance_ids(&self.instance)
            .send()
            .await?;
        match found.auto_scaling_instances() {
            [] => Ok(None),
            [one] => Ok(Some(
                one.auto_scaling_group_name()
                    .ok_or("membership without a group name")?
                    .to_owned(),
            )),
            more => Err(format!("instance in {} groups: {more:?}", more.len()).into()),
        }
    }

    /// The desired capacity of the estate's Auto Scaling group
    /// ([`DESIRED_CAPACITY_AFTER_SETUP`](crate::DESIRED_CAPACITY_AFTER_SETUP) when built).
    pub async fn desired_capacity(
        &self,
        autoscaling: &aws_sdk_autoscaling::Client,
    ) -> Result<i32, BoxError> {
        let group = &self.workload_for("desired_capacity")?.auto_scaling_group;
        let found = autoscaling
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(group)
            .send()
            .await?;
        match found.auto_scaling_groups() {
            [one] => Ok(one
                .desired_capacity()
                .ok_or("group without desired capacity")?),
            other => Err(format!("{} groups named {group}", other.len()).into()),
        }
    }

    /// Per target group of the estate, in [`Workload::target_groups`](crate::Workload)
    /// order: (group ARN, [(target id, health state)]) for the targets it lists.
    ///
    /// moto lists only registered targets (reported `healthy` while the instance runs);
    /// deregistration removes a target at once, where AWS shows it `draining` first.
    pub async fn target_group_members(
        &self,
        elbv2: &aws_sdk_elasticloadbalancingv2::Client,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, BoxError> {
        let groups = &self.workload_for("target_group_members")?.target_groups;
        let mut members = Vec::with_capacity(groups.len());
        for arn in groups {
            let health = elbv2
                .describe_target_health()
                .target_group_arn(arn)
                .send()
                .await?;
            let targets = health
                .target_health_descriptions()
                .iter()
                .map(|d| {
                    let id = d.target().and_then(|t| t.id());
                    let state = d.target_health().and_then(|h| h.state());
                    match (id, state) {
                        (Some(id), Some(state)) => Ok((id.to_owned(), state.as_str().to_owned())),
                        _ => Err(format!("incomplete target health {d:?}").into()),
                    }
                })
                .collect::<Result<_, BoxError>>()?;
            members.push((arn.clone(), targets));
        }
        Ok(members)
    }

    /// Every snapshot (owned by this account) of the estate's volumes, with its tags.
    pub async fn snapshots(
        &self,
        ec2: &aws_sdk_ec2::Client,
    ) -> Result<Vec<VolumeSnapshot>, BoxError> {
        if self.volumes.is_empty() {
            return Ok(Vec::new());
        }
        let mut pages = ec2
            .describe_snapshots()
            .owner_ids("self")
            .filters(filter("volume-id", &self.volumes))
            .into_paginator()
            .send();
        let mut snapshots = Vec::new();
        while let Some(page) = pages.next().await {
            for s in page?.snapshots() {
                let tags = s
                    .tags()
                    .iter()
                    .map(|t| match (t.key(), t.value()) {
                        (Some(k), Some(v)) => Ok((k.to_owned(), v.to_owned())),
                        _ => Err(format!("incomplete tag {t:?}").into()),
                    })
                    .collect::<Result<_, BoxError>>()?;
                snapshots.push(VolumeSnapshot {
                    snapshot_id: s.snapshot_id().ok_or("snapshot without an id")?.to_owned(),
                    volume_id: s.volume_id().ok_or("snapshot without a volume")?.to_owned(),
                    description: s.description().unwrap_or_default().to_owned(),
                    tags,
                });
            }
        }
        Ok(snapshots)
    }
}

/// A policy document as IAM returns it: URL-encoded JSON (or plain JSON).
fn filter<I, S>(name: &str, values: I) -> Filter
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    values
        .into_iter()
        .fold(Filter::builder().name(name), |f, v| f.values(v))
        .build()
}
