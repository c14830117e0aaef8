//! [`InstanceCredentials`] on EC2 and IAM: the instance-profile association is EC2's,
//! the profile's role and its inline policies are IAM's.

use crate::error::{every, has_code, invalid, missing};
use crate::iam_policy;
use crate::isolation::{filter, parse_id};
use crate::port_error;
use aws_sdk_ec2::types::{Filter, IamInstanceProfileAssociation};
use cordon_core::ports::{InstanceCredentials, PortResult, Principal, ProfileAssociation};
use cordon_events::InstanceId;

/// Associations that give (or are about to give) the instance credentials; one that is
/// disassociating is already on its way out.
const LIVE_STATES: [&str; 2] = ["associating", "associated"];

#[derive(Clone, Debug)]
pub struct InstanceProfileCredentials {
    pub(crate) ec2: aws_sdk_ec2::Client,
    pub(crate) iam: aws_sdk_iam::Client,
}

impl InstanceProfileCredentials {
    pub fn new(ec2: aws_sdk_ec2::Client, iam: aws_sdk_iam::Client) -> Self {
        Self { ec2, iam }
    }

    /// Live associations matching `filters`, every page.
    async fn associations(
        &self,
        filters: Vec<Filter>,
    ) -> PortResult<Vec<IamInstanceProfileAssociation>> {
        let state = Filter::builder()
            .name("state")
            .set_values(Some(LIVE_STATES.map(str::to_owned).to_vec()))
            .build();
        let pages = self
            .ec2
            .describe_iam_instance_profile_associations()
            .set_filters(Some(filters))
            .filters(state)
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        pages
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| port_error("ec2:DescribeIamInstanceProfileAssociations", e))
    }
}

impl InstanceCredentials for InstanceProfileCredentials {
    async fn profile_association(
        &self,
        instance: &InstanceId,
    ) -> PortResult<Option<ProfileAssociation>> {
        const OP: &str = "ec2:DescribeIamInstanceProfileAssociations";
        let found = self
            .associations(vec![filter("instance-id", instance.as_str())])
            .await?;
        let Some(association) = found.first() else {
            return Ok(None);
        };
        Ok(Some(ProfileAssociation {
            association_id: association
                .association_id()
                .ok_or_else(|| missing(OP, "AssociationId"))?
                .to_owned(),
            profile_arn: association
                .iam_instance_profile()
                .and_then(|p| p.arn())
                .ok_or_else(|| missing(OP, "IamInstanceProfile.Arn"))?
                .to_owned(),
        }))
    }

    async fn disassociate_profile(&self, association_id: &str) -> PortResult<()> {
        match self
            .ec2
            .disassociate_iam_instance_profile()
            .association_id(association_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Already gone: a retry after a disassociation that succeeded.
            Err(e) if has_code(&e, &["InvalidAssociationID.NotFound"]) => Ok(()),
            Err(e) => Err(port_error("ec2:DisassociateIamInstanceProfile", e)),
        }
    }

    async fn profile_roles(&self, profile_arn: &str) -> PortResult<Vec<String>> {
        const OP: &str = "iam:GetInstanceProfile";
        let name = profile_name(profile_arn)
            .ok_or_else(|| invalid(OP, format!("{profile_arn} is not an instance-profile ARN")))?;
        let found = self
            .iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        let profile = found
            .instance_profile()
            .ok_or_else(|| missing(OP, "InstanceProfile"))?;
        Ok(profile
            .roles()
            .iter()
            .map(|r| r.role_name().to_owned())
            .collect())
    }

    /// Read from the associations, not from `DescribeInstances` with the
    /// `iam-instance-profile.arn` filter: moto 5.2.5 does not implement that filter,
    /// and AWS has no server-side filter by profile on associations, so every live
    /// association is listed and matched here. A terminated instance's association is
    /// gone (AWS marks it disassociated, moto deletes it), so it is not counted.
    async fn instances_using_profile(&self, profile_arn: &str) -> PortResult<Vec<InstanceId>> {
        const OP: &str = "ec2:DescribeIamInstanceProfileAssociations";
        let mut instances = self
            .associations(Vec::new())
            .await?
            .iter()
            .filter(|a| a.iam_instance_profile().and_then(|p| p.arn()) == Some(profile_arn))
            .map(|a| parse_id(OP, a.instance_id()))
            .collect::<PortResult<Vec<InstanceId>>>()?;
        instances.sort();
        instances.dedup();
        Ok(instances)
    }

    async fn role_policy(&self, role: &str, policy_name: &str) -> PortResult<Option<String>> {
        iam_policy::get(&self.iam, &Principal::Role(role.to_owned()), policy_name).await
    }

    async fn role_tags(&self, role: &str) -> PortResult<Vec<(String, String)>> {
        let pages = self.iam.list_role_tags().role_name(role).into_paginator();
        let tags = every("iam:ListRoleTags", pages.items().send().collect().await)?;
        Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
    }

    async fn put_role_policy(
        &self,
        role: &str,
        policy_name: &str,
        document: &str,
    ) -> PortResult<()> {
        let role = Principal::Role(role.to_owned());
        iam_policy::put(&self.iam, &role, policy_name, document).await
    }

    async fn associate_profile(&self, instance: &InstanceId, profile_arn: &str) -> PortResult<()> {
        self.ec2
            .associate_iam_instance_profile()
            .instance_id(instance.as_str())
            .iam_instance_profile(
                aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                    .arn(profile_arn)
                    .build(),
            )
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("ec2:AssociateIamInstanceProfile", e))
    }

    async fn delete_role_policy(&self, role: &str, policy_name: &str) -> PortResult<()> {
        let role = Principal::Role(role.to_owned());
        iam_policy::delete(&self.iam, &role, policy_name).await
    }
}

/// `arn:aws:iam::123456789012:instance-profile/path/name` → `name`: IAM looks profiles
/// up by name, and the path is not part of it.
fn profile_name(arn: &str) -> Option<&str> {
    let (_, path_and_name) = arn.split_once(":instance-profile/")?;
    path_and_name.rsplit('/').next().filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::profile_name;

    #[test]
    fn the_profile_name_is_the_last_path_segment() {
        assert_eq!(
            profile_name("arn:aws:iam::123456789012:instance-profile/path/name"),
            Some("name")
        );
        assert_eq!(
            profile_name("arn:aws:iam::123456789012:instance-profile/web"),
            Some("web")
        );
        assert_eq!(profile_name("arn:aws:iam::123456789012:role/web"), None);
        assert_eq!(
            profile_name("arn:aws:iam::123456789012:instance-profile/"),
            None
        );
    }
}
