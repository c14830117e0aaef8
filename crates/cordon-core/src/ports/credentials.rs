//! The instance's own credentials: its instance profile, and the role behind it.

use super::PortResult;
use cordon_events::InstanceId;
use std::future::Future;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileAssociation {
    pub association_id: String,
    pub profile_arn: String,
}

pub trait InstanceCredentials: Send + Sync {
    /// The instance's current instance-profile association, if it has one.
    fn profile_association(
        &self,
        instance: &InstanceId,
    ) -> impl Future<Output = PortResult<Option<ProfileAssociation>>> + Send;

    fn disassociate_profile(
        &self,
        association_id: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Names of the roles in the instance profile (IAM allows at most one).
    fn profile_roles(
        &self,
        profile_arn: &str,
    ) -> impl Future<Output = PortResult<Vec<String>>> + Send;

    /// Instances, other than any already disassociated, that use the profile now.
    fn instances_using_profile(
        &self,
        profile_arn: &str,
    ) -> impl Future<Output = PortResult<Vec<InstanceId>>> + Send;

    /// The role's inline policy document (decoded JSON), if the role has one by that name.
    fn role_policy(
        &self,
        role: &str,
        policy_name: &str,
    ) -> impl Future<Output = PortResult<Option<String>>> + Send;

    /// The role's tags, read live: an exempt role's sessions are not revoked.
    fn role_tags(
        &self,
        role: &str,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    fn put_role_policy(
        &self,
        role: &str,
        policy_name: &str,
        document: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Gives the instance the profile again (release).
    fn associate_profile(
        &self,
        instance: &InstanceId,
        profile_arn: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Removes the role's inline policy; already gone counts as removed.
    fn delete_role_policy(
        &self,
        role: &str,
        policy_name: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}
