//! [`PrincipalCredentials`] on IAM: the access keys, console password, inline policies
//! and tags of a user or role whose credentials were stolen, and who else relies on a
//! role before its sessions are revoked.

use crate::error::{every, has_code, invalid, missing};
use crate::iam_policy;
use crate::port_error;
use aws_sdk_iam::types::{StatusType, Tag};
use cordon_core::ports::{AccessKeyState, PortResult, Principal, PrincipalCredentials, RoleUsage};

#[derive(Clone, Debug)]
pub struct IamPrincipals {
    pub(crate) iam: aws_sdk_iam::Client,
}

impl IamPrincipals {
    pub fn new(iam: aws_sdk_iam::Client) -> Self {
        Self { iam }
    }
}

impl PrincipalCredentials for IamPrincipals {
    /// Errors are returned as they are: an exemption that cannot be read must not be
    /// taken for no exemption (the domain fails closed on them).
    async fn principal_tags(&self, principal: &Principal) -> PortResult<Vec<(String, String)>> {
        let tags = match principal {
            Principal::User(user) => {
                let pages = self.iam.list_user_tags().user_name(user).into_paginator();
                every("iam:ListUserTags", pages.items().send().collect().await)?
            }
            Principal::Role(role) => {
                let pages = self.iam.list_role_tags().role_name(role).into_paginator();
                every("iam:ListRoleTags", pages.items().send().collect().await)?
            }
        };
        Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
    }

    async fn access_keys(&self, user: &str) -> PortResult<Vec<AccessKeyState>> {
        const OP: &str = "iam:ListAccessKeys";
        let pages = self.iam.list_access_keys().user_name(user).into_paginator();
        every(OP, pages.items().send().collect().await)?
            .iter()
            .map(|key| {
                Ok(AccessKeyState {
                    access_key_id: key
                        .access_key_id()
                        .ok_or_else(|| missing(OP, "AccessKeyMetadata.AccessKeyId"))?
                        .to_owned(),
                    status: key
                        .status()
                        .ok_or_else(|| missing(OP, "AccessKeyMetadata.Status"))?
                        .as_str()
                        .to_owned(),
                })
            })
            .collect()
    }

    async fn deactivate_access_key(&self, user: &str, access_key_id: &str) -> PortResult<()> {
        let key = self.iam.update_access_key().access_key_id(access_key_id);
        let asked = key.user_name(user).status(StatusType::Inactive);
        let updated = asked.send().await;
        updated.map_err(|e| port_error("iam:UpdateAccessKey", e))?;
        Ok(())
    }

    async fn principal_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> PortResult<Option<String>> {
        iam_policy::get(&self.iam, principal, policy_name).await
    }

    async fn put_principal_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
        document: &str,
    ) -> PortResult<()> {
        iam_policy::put(&self.iam, principal, policy_name, document).await
    }

    async fn delete_principal_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> PortResult<()> {
        iam_policy::delete(&self.iam, principal, policy_name).await
    }

    /// `NoSuchEntity` means no password (IAM also says it for a user that does not
    /// exist, who cannot sign in either).
    async fn has_login_profile(&self, user: &str) -> PortResult<bool> {
        match self.iam.get_login_profile().user_name(user).send().await {
            Ok(_) => Ok(true),
            Err(e) if has_code(&e, &["NoSuchEntity"]) => Ok(false),
            Err(e) => Err(port_error("iam:GetLoginProfile", e)),
        }
    }

    /// Idempotent: a password that is already gone is not an error.
    async fn delete_login_profile(&self, user: &str) -> PortResult<()> {
        match self.iam.delete_login_profile().user_name(user).send().await {
            Ok(_) => Ok(()),
            Err(e) if has_code(&e, &["NoSuchEntity"]) => Ok(()),
            Err(e) => Err(port_error("iam:DeleteLoginProfile", e)),
        }
    }

    async fn tag_principal(
        &self,
        principal: &Principal,
        tags: &[(String, String)],
    ) -> PortResult<()> {
        let op = match principal {
            Principal::User(_) => "iam:TagUser",
            Principal::Role(_) => "iam:TagRole",
        };
        if tags.is_empty() {
            return Ok(()); // IAM wants at least one tag; nothing to do is done.
        }
        let tags = tags
            .iter()
            .map(|(key, value)| Tag::builder().key(key).value(value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(op, e.to_string()))?;
        match principal {
            Principal::User(user) => {
                let asked = self.iam.tag_user().user_name(user).set_tags(Some(tags));
                asked.send().await.map_err(|e| port_error(op, e))?;
            }
            Principal::Role(role) => {
                let asked = self.iam.tag_role().role_name(role).set_tags(Some(tags));
                asked.send().await.map_err(|e| port_error(op, e))?;
            }
        }
        Ok(())
    }

    async fn role_usage(&self, role: &str) -> PortResult<RoleUsage> {
        const GET_ROLE: &str = "iam:GetRole";
        let profiles = async {
            let pages = self.iam.list_instance_profiles_for_role().role_name(role);
            let items = pages.into_paginator().items().send().collect().await;
            every("iam:ListInstanceProfilesForRole", items)
        };
        let found = async {
            let found = self.iam.get_role().role_name(role).send().await;
            found.map_err(|e| port_error(GET_ROLE, e))
        };
        let (profiles, found) = tokio::try_join!(profiles, found)?;
        let trust_policy = found
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .ok_or_else(|| missing(GET_ROLE, "Role.AssumeRolePolicyDocument"))?;
        let mut instance_profiles: Vec<String> = profiles
            .into_iter()
            .map(|p| p.instance_profile_name)
            .collect();
        instance_profiles.sort();
        instance_profiles.dedup();
        Ok(RoleUsage {
            instance_profiles,
            trusted: iam_policy::trusted_principals(GET_ROLE, trust_policy)?,
        })
    }
}
