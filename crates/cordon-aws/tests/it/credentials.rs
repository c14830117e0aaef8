//! `InstanceProfileCredentials` against the emulator: the association, its removal,
//! the profile's role and its inline policy.

use crate::support::{clients, estate, unique};
use cordon_aws::{Clients, InstanceProfileCredentials};
use cordon_core::ports::InstanceCredentials;
use cordon_events::InstanceId;

const TRUST_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

fn adapter(clients: &Clients) -> InstanceProfileCredentials {
    InstanceProfileCredentials::new(clients.ec2.clone(), clients.iam.clone())
}

/// A role in an instance profile under a path; returns (role name, profile ARN).
async fn role_in_profile(clients: &Clients) -> (String, String) {
    let role = unique("cordon-role");
    clients
        .iam
        .create_role()
        .role_name(&role)
        .assume_role_policy_document(TRUST_POLICY)
        .send()
        .await
        .expect("role");
    let profile = unique("cordon-profile");
    let created = clients
        .iam
        .create_instance_profile()
        .instance_profile_name(&profile)
        .path("/cordon/test/")
        .send()
        .await
        .expect("instance profile");
    clients
        .iam
        .add_role_to_instance_profile()
        .instance_profile_name(&profile)
        .role_name(&role)
        .send()
        .await
        .expect("role in profile");
    let arn = created
        .instance_profile()
        .expect("profile")
        .arn()
        .to_owned();
    (role, arn)
}

async fn associate(clients: &Clients, instance: &str, profile_arn: &str) {
    clients
        .ec2
        .associate_iam_instance_profile()
        .instance_id(instance)
        .iam_instance_profile(
            aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                .arn(profile_arn)
                .build(),
        )
        .send()
        .await
        .expect("associate profile");
}

#[tokio::test]
async fn the_association_is_read_and_its_removal_is_idempotent() {
    let clients = clients().await;
    let credentials = adapter(&clients);
    let instance: InstanceId = estate(&clients).await.instance.parse().unwrap();
    let (role, profile_arn) = role_in_profile(&clients).await;
    assert!(profile_arn.contains(":instance-profile/cordon/test/"));
    assert_eq!(
        credentials.profile_association(&instance).await.unwrap(),
        None
    );

    associate(&clients, instance.as_str(), &profile_arn).await;
    let association = credentials
        .profile_association(&instance)
        .await
        .unwrap()
        .expect("associated");
    assert_eq!(association.profile_arn, profile_arn);
    assert_eq!(
        credentials.profile_roles(&profile_arn).await.unwrap(),
        vec![role]
    );
    assert_eq!(
        credentials
            .instances_using_profile(&profile_arn)
            .await
            .unwrap(),
        vec![instance.clone()]
    );

    credentials
        .disassociate_profile(&association.association_id)
        .await
        .unwrap();
    assert_eq!(
        credentials.profile_association(&instance).await.unwrap(),
        None
    );
    assert!(
        credentials
            .instances_using_profile(&profile_arn)
            .await
            .unwrap()
            .is_empty()
    );
    // Again, as a retry would: already gone is done.
    credentials
        .disassociate_profile(&association.association_id)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_instance_using_the_profile_is_found_and_no_other() {
    let clients = clients().await;
    let credentials = adapter(&clients);
    let first = estate(&clients).await;
    let second = first
        .launch_instance(&clients.ec2, "web-2")
        .await
        .expect("second instance");
    let other = first
        .launch_instance(&clients.ec2, "web-3")
        .await
        .expect("third instance");
    let (_, profile_arn) = role_in_profile(&clients).await;
    let (_, other_profile_arn) = role_in_profile(&clients).await;
    associate(&clients, &first.instance, &profile_arn).await;
    associate(&clients, &second.instance, &profile_arn).await;
    associate(&clients, &other.instance, &other_profile_arn).await;

    let mut expected: Vec<InstanceId> = [&first.instance, &second.instance]
        .iter()
        .map(|i| i.parse().unwrap())
        .collect();
    expected.sort();
    assert_eq!(
        credentials
            .instances_using_profile(&profile_arn)
            .await
            .unwrap(),
        expected
    );
}

#[tokio::test]
async fn an_inline_policy_round_trips_decoded() {
    let clients = clients().await;
    let credentials = adapter(&clients);
    let (role, _) = role_in_profile(&clients).await;
    assert_eq!(
        credentials.role_policy(&role, "cordon-deny").await.unwrap(),
        None
    );

    // Spaces, quotes, colons and slashes: all of them come back percent-encoded.
    let document = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}}}]}"#;
    credentials
        .put_role_policy(&role, "cordon-deny", document)
        .await
        .unwrap();
    assert_eq!(
        credentials.role_policy(&role, "cordon-deny").await.unwrap(),
        Some(document.to_owned())
    );
    // What the adapter decoded: the emulator, like IAM, sends the document encoded.
    let raw = clients
        .iam
        .get_role_policy()
        .role_name(&role)
        .policy_name("cordon-deny")
        .send()
        .await
        .unwrap();
    assert!(raw.policy_document().starts_with("%7B%22Version%22"));
}

#[tokio::test]
async fn a_profile_arn_that_is_not_one_is_refused() {
    let clients = clients().await;
    let err = adapter(&clients)
        .profile_roles("arn:aws:iam::123456789012:role/web")
        .await
        .unwrap_err();
    assert_eq!(err.operation, "iam:GetInstanceProfile");
    assert!(!err.transient);
}
