//! `IamPrincipals` against the emulator: access keys, inline policies, the console
//! password, tags, and who relies on a role.
//!
//! moto 5.2.5 answers ListAccessKeys, ListUserTags and ListInstanceProfilesForRole in a
//! single page (no Marker), so only the paginators' one-page path runs here; it accepts
//! any login password (no password policy).

use crate::support::{clients, unique};
use cordon_aws::IamPrincipals;
use cordon_core::ports::{AccessKeyState, Principal, PrincipalCredentials, RoleUsage};
use cordon_fixtures::{IamUserWithKeys, create_role};

const DENY_ALL: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;

/// The adapter and the IAM client it uses.
async fn principals() -> (IamPrincipals, aws_sdk_iam::Client) {
    let iam = clients().await.iam;
    (IamPrincipals::new(iam.clone()), iam)
}

async fn user(iam: &aws_sdk_iam::Client, tags: &[(&str, &str)]) -> IamUserWithKeys {
    IamUserWithKeys::create(iam, &unique("principals"), tags)
        .await
        .expect("user")
}

async fn role(iam: &aws_sdk_iam::Client, tags: &[(&str, &str)]) -> String {
    create_role(iam, &unique("principals"), tags)
        .await
        .expect("role")
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn deactivating_a_key_leaves_the_other_one_active() {
    let (principals, iam) = principals().await;
    let user = user(&iam, &[]).await;
    let [a, b] = [&user.keys[0], &user.keys[1]];
    let state = |id: &str, status: &str| AccessKeyState {
        access_key_id: id.to_owned(),
        status: status.to_owned(),
    };
    let mut keys = principals.access_keys(&user.user_name).await.unwrap();
    keys.sort_by(|x, y| x.access_key_id.cmp(&y.access_key_id));
    let mut expected = vec![state(a, "Active"), state(b, "Active")];
    expected.sort_by(|x, y| x.access_key_id.cmp(&y.access_key_id));
    assert_eq!(keys, expected);

    principals
        .deactivate_access_key(&user.user_name, a)
        .await
        .unwrap();

    let statuses = cordon_fixtures::access_key_statuses(&iam, &user.user_name)
        .await
        .unwrap();
    assert_eq!(statuses[a], "Inactive");
    assert_eq!(statuses[b], "Active");
    let read = principals.access_keys(&user.user_name).await.unwrap();
    assert!(read.contains(&state(a, "Inactive")));
    assert!(read.contains(&state(b, "Active")));
}

#[tokio::test]
async fn inline_policies_round_trip_for_users_and_roles() {
    let (principals, iam) = principals().await;
    let user = Principal::User(user(&iam, &[]).await.user_name);
    let role = Principal::Role(role(&iam, &[]).await);
    let expected = serde_json::from_str::<serde_json::Value>(DENY_ALL).unwrap();
    for principal in [&user, &role] {
        let name = "cordon-deny-all";
        assert_eq!(
            principals.principal_policy(principal, name).await.unwrap(),
            None,
            "{principal}"
        );
        principals
            .put_principal_policy(principal, name, DENY_ALL)
            .await
            .unwrap();
        let read = principals.principal_policy(principal, name).await.unwrap();
        let read: serde_json::Value = serde_json::from_str(&read.expect("policy")).unwrap();
        assert_eq!(read, expected, "{principal}");
    }
    for principal in [&user, &role] {
        let read = cordon_fixtures::inline_policy(&iam, principal, "cordon-deny-all");
        assert_eq!(read.await.unwrap(), Some(expected.clone()), "{principal}");
    }
}

#[tokio::test]
async fn the_console_password_is_deleted_idempotently() {
    let (principals, iam) = principals().await;
    let user = user(&iam, &[]).await.user_name;
    assert!(principals.has_login_profile(&user).await.unwrap());

    principals.delete_login_profile(&user).await.unwrap();
    assert!(!principals.has_login_profile(&user).await.unwrap());
    assert!(
        !cordon_fixtures::has_login_profile(&iam, &user)
            .await
            .unwrap()
    );
    principals.delete_login_profile(&user).await.unwrap();
}

#[tokio::test]
async fn tags_are_read_and_added_for_users_and_roles() {
    let (principals, iam) = principals().await;
    let tags = [("team", "payments"), ("cordon:exempt", "false")];
    let user = Principal::User(user(&iam, &tags).await.user_name);
    let role = Principal::Role(role(&iam, &tags).await);
    let mut expected = owned(&tags);
    expected.sort();
    for principal in [&user, &role] {
        let mut read = principals.principal_tags(principal).await.unwrap();
        read.sort();
        assert_eq!(read, expected, "{principal}");
        principals
            .tag_principal(principal, &owned(&[("cordon:incident", "i-1")]))
            .await
            .unwrap();
    }
    let mut expected = owned(&[
        ("team", "payments"),
        ("cordon:exempt", "false"),
        ("cordon:incident", "i-1"),
    ]);
    expected.sort();
    let mut by_user = cordon_fixtures::user_tags(&iam, user.name()).await.unwrap();
    let mut by_role = cordon_fixtures::role_tags(&iam, role.name()).await.unwrap();
    by_user.sort();
    by_role.sort();
    assert_eq!(by_user, expected);
    assert_eq!(by_role, expected);
}

#[tokio::test]
async fn a_role_is_used_by_its_instance_profile_and_trusts_ec2() {
    let (principals, iam) = principals().await;
    let role = role(&iam, &[]).await;
    assert_eq!(
        principals.role_usage(&role).await.unwrap(),
        RoleUsage {
            instance_profiles: vec![role.clone()],
            trusted: vec!["ec2.amazonaws.com".to_owned()],
        }
    );
}

#[tokio::test]
async fn a_missing_principal_is_an_error_not_an_empty_answer() {
    let (principals, _) = principals().await;
    let ghost = unique("ghost");
    let err = principals
        .principal_tags(&Principal::User(ghost.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.operation, "iam:ListUserTags");
    assert_eq!(err.code.as_deref(), Some("NoSuchEntity"));
    let err = principals.role_usage(&ghost).await.unwrap_err();
    assert_eq!(err.code.as_deref(), Some("NoSuchEntity"));
}
