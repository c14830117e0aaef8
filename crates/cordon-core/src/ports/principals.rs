//! IAM principals whose credentials were stolen: their keys, inline policies and tags.

use super::PortResult;
use serde::Serialize;
use std::fmt;
use std::future::Future;

/// An IAM identity cordon may act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Principal {
    User(String),
    Role(String),
}

impl Principal {
    pub fn name(&self) -> &str {
        match self {
            Self::User(name) | Self::Role(name) => name,
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(name) => write!(f, "user {name}"),
            Self::Role(name) => write!(f, "role {name}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKeyState {
    pub access_key_id: String,
    /// `Active` or `Inactive`.
    pub status: String,
}

/// Who else relies on a role: what a session revocation on it will also hit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleUsage {
    /// Instance profiles that contain the role (their instances hold its sessions).
    pub instance_profiles: Vec<String>,
    /// Principals the trust policy lets assume it (`ec2.amazonaws.com`, account ARNs...).
    pub trusted: Vec<String>,
}

pub trait PrincipalCredentials: Send + Sync {
    /// The principal's tags, read live (exemptions are decided at action time).
    fn principal_tags(
        &self,
        principal: &Principal,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    fn access_keys(
        &self,
        user: &str,
    ) -> impl Future<Output = PortResult<Vec<AccessKeyState>>> + Send;

    /// Deactivates exactly this key, never the user's others.
    fn deactivate_access_key(
        &self,
        user: &str,
        access_key_id: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// The principal's inline policy document (decoded JSON), if it has one by that name.
    fn principal_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> impl Future<Output = PortResult<Option<String>>> + Send;

    fn put_principal_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
        document: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Whether the user can sign in to the console with a password.
    /// Deletes the inline policy; already gone counts as deleted (release).
    fn delete_principal_policy(
        &self,
        principal: &Principal,
        name: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    fn has_login_profile(&self, user: &str) -> impl Future<Output = PortResult<bool>> + Send;

    fn delete_login_profile(&self, user: &str) -> impl Future<Output = PortResult<()>> + Send;

    fn tag_principal(
        &self,
        principal: &Principal,
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<()>> + Send;

    fn role_usage(&self, role: &str) -> impl Future<Output = PortResult<RoleUsage>> + Send;
}
