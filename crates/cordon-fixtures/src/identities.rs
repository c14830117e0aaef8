//! IAM identities for the credential playbooks — a user with two access keys and a
//! console password, a role in an instance profile — and reading back what containment
//! changes on them (key status, inline policies, tags, the password).
//!
//! Tests share one emulator in parallel, so every name ends in a caller-given suffix
//! that the caller makes unique.

use aws_sdk_iam::Client;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::Tag;
use cordon_core::ports::Principal;
use cordon_emulators::percent_decode;
use std::collections::BTreeMap;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Lets EC2 assume the role: what an instance profile's role trusts.
const EC2_TRUST_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

/// moto checks no password policy; this one would also pass AWS's default.
const LOGIN_PASSWORD: &str = "Test-Passw0rd!";

/// An IAM user with two access keys and a console password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamUserWithKeys {
    /// `cordon-user-<suffix>`.
    pub user_name: String,
    /// Key A, then key B.
    pub keys: Vec<String>,
}

impl IamUserWithKeys {
    /// Creates `cordon-user-<suffix>` with `tags`, two access keys and a login profile.
    pub async fn create(
        iam: &Client,
        suffix: &str,
        tags: &[(&str, &str)],
    ) -> Result<Self, BoxError> {
        let user_name = format!("cordon-user-{suffix}");
        iam.create_user()
            .user_name(&user_name)
            .set_tags(Some(iam_tags(tags)?))
            .send()
            .await?;
        let mut keys = Vec::with_capacity(2);
        for _ in 0..2 {
            let created = iam.create_access_key().user_name(&user_name).send().await?;
            let key = created
                .access_key()
                .ok_or("CreateAccessKey without a key")?;
            keys.push(key.access_key_id().to_owned());
        }
        iam.create_login_profile()
            .user_name(&user_name)
            .password(LOGIN_PASSWORD)
            .send()
            .await?;
        Ok(Self { user_name, keys })
    }
}

/// Creates the role `cordon-role-<suffix>` with `tags`, trusted by EC2, and an instance
/// profile of the same name that contains it; returns the role name.
pub async fn create_role(
    iam: &Client,
    suffix: &str,
    tags: &[(&str, &str)],
) -> Result<String, BoxError> {
    let role = format!("cordon-role-{suffix}");
    iam.create_role()
        .role_name(&role)
        .assume_role_policy_document(EC2_TRUST_POLICY)
        .set_tags(Some(iam_tags(tags)?))
        .send()
        .await?;
    iam.create_instance_profile()
        .instance_profile_name(&role)
        .send()
        .await?;
    iam.add_role_to_instance_profile()
        .instance_profile_name(&role)
        .role_name(&role)
        .send()
        .await?;
    Ok(role)
}

/// The status (`Active` / `Inactive`) of each of the user's access keys, by key id.
pub async fn access_key_statuses(
    iam: &Client,
    user: &str,
) -> Result<BTreeMap<String, String>, BoxError> {
    let listed = iam
        .list_access_keys()
        .user_name(user)
        .into_paginator()
        .items();
    let keys = every(listed.send().collect().await)?;
    keys.iter()
        .map(|key| {
            let id = key.access_key_id().ok_or("access key without an id")?;
            let status = key.status().ok_or("access key without a status")?;
            Ok((id.to_owned(), status.as_str().to_owned()))
        })
        .collect()
}

/// The principal's inline policy `policy_name` as JSON, if it has one by that name
/// (any user or role; the estate's own role also has
/// [`Estate::role_policy`](crate::Estate::role_policy)).
pub async fn inline_policy(
    iam: &Client,
    principal: &Principal,
    policy_name: &str,
) -> Result<Option<serde_json::Value>, BoxError> {
    match principal {
        Principal::User(user) => {
            let asked = iam.get_user_policy().user_name(user);
            let found = asked.policy_name(policy_name).send().await;
            policy_json(found.map(|found| found.policy_document))
        }
        Principal::Role(role) => {
            let asked = iam.get_role_policy().role_name(role);
            let found = asked.policy_name(policy_name).send().await;
            policy_json(found.map(|found| found.policy_document))
        }
    }
}

/// The user's tags, in IAM's order.
pub async fn user_tags(iam: &Client, user: &str) -> Result<Vec<(String, String)>, BoxError> {
    let listed = iam
        .list_user_tags()
        .user_name(user)
        .into_paginator()
        .items();
    pairs(listed.send().collect().await)
}

/// The role's tags, in IAM's order.
pub async fn role_tags(iam: &Client, role: &str) -> Result<Vec<(String, String)>, BoxError> {
    let listed = iam
        .list_role_tags()
        .role_name(role)
        .into_paginator()
        .items();
    pairs(listed.send().collect().await)
}

/// Whether the user has a console password.
pub async fn has_login_profile(iam: &Client, user: &str) -> Result<bool, BoxError> {
    let found = iam.get_login_profile().user_name(user).send().await;
    match found {
        Err(e) if e.code() == Some("NoSuchEntity") => Ok(false),
        other => other.map(|_| true).map_err(BoxError::from),
    }
}

fn iam_tags(tags: &[(&str, &str)]) -> Result<Vec<Tag>, BoxError> {
    let built = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build());
    Ok(built.collect::<Result<_, _>>()?)
}

fn pairs<E, R>(tags: Vec<Result<Tag, SdkError<E, R>>>) -> Result<Vec<(String, String)>, BoxError>
where
    SdkError<E, R>: std::error::Error + Send + Sync + 'static,
{
    Ok(every(tags)?.into_iter().map(|t| (t.key, t.value)).collect())
}

/// Every item of a paginated listing, or the first error.
fn every<T, E, R>(items: Vec<Result<T, SdkError<E, R>>>) -> Result<Vec<T>, BoxError>
where
    SdkError<E, R>: std::error::Error + Send + Sync + 'static,
{
    Ok(items.into_iter().collect::<Result<_, _>>()?)
}

/// A `Get*Policy` answer as JSON (IAM URL-encodes documents; a plain one decodes to
/// itself), or `None` when there is no such policy.
fn policy_json<E, R>(
    found: Result<String, SdkError<E, R>>,
) -> Result<Option<serde_json::Value>, BoxError>
where
    E: ProvideErrorMetadata,
    SdkError<E, R>: std::error::Error + Send + Sync + 'static,
{
    let document = match found {
        Err(e) if e.code() == Some("NoSuchEntity") => return Ok(None),
        found => percent_decode(&found?)?,
    };
    let json = serde_json::from_str(&document)
        .map_err(|e| format!("policy document {document:?}: {e}"))?;
    Ok(Some(json))
}

#[cfg(test)]
mod tests {
    use super::policy_json;
    use aws_sdk_iam::error::SdkError;
    use aws_sdk_iam::operation::get_role_policy::GetRolePolicyError;

    #[test]
    fn decodes_url_encoded_and_plain_policy_documents() {
        type Answer = Result<String, SdkError<GetRolePolicyError, ()>>;
        let expected = serde_json::json!({"Statement": [{"Effect": "Deny", "Action": "*"}]});
        let encoded = "%7B%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Deny%22%2C%20%22Action%22%3A%20%22%2A%22%7D%5D%7D";
        let decode = |document: String| policy_json(Answer::Ok(document)).unwrap().unwrap();
        assert_eq!(decode(encoded.to_owned()), expected);
        assert_eq!(decode(expected.to_string()), expected);
    }
}
