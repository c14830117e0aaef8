//! The full estate against the emulator: built the way the doc comments say, read back
//! through the inspection helpers, and named by the rewritten sample events.

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use cordon_emulators::{shared_moto, workspace_root};
use cordon_fixtures::{
    DESIRED_CAPACITY_AFTER_SETUP, Estate, EstateClients, Placeholders, ProfileAssociation,
    sdk_config,
};
use std::collections::{BTreeMap, BTreeSet};

async fn clients() -> EstateClients {
    EstateClients::new(&sdk_config(&shared_moto().endpoint()).await)
}

#[tokio::test]
async fn the_instance_sits_in_everything_the_playbook_acts_on() {
    let clients = clients().await;
    let estate = Estate::build_full(&clients).await.unwrap();
    let workload = estate
        .workload
        .clone()
        .expect("a full estate has a workload");

    // Two interfaces, both the instance's.
    let interfaces = estate.instance_interfaces(&clients.ec2).await.unwrap();
    let ids: BTreeSet<_> = interfaces
        .iter()
        .filter_map(|n| n.network_interface_id())
        .map(str::to_owned)
        .collect();
    assert_eq!(ids, estate.all_interfaces());
    assert_eq!(ids.len(), 2);

    // The profile, holding the role, associated with the instance.
    assert!(
        workload
            .instance_profile_arn
            .starts_with("arn:aws:iam::123456789012:instance-profile/"),
        "{}",
        workload.instance_profile_arn
    );
    let associations = estate.profile_associations(&clients.ec2).await.unwrap();
    assert!(
        matches!(
            associations.as_slice(),
            [ProfileAssociation { state, profile_arn, .. }]
                if state == "associated" && *profile_arn == workload.instance_profile_arn
        ),
        "{associations:?}"
    );
    let profile = clients
        .iam
        .get_instance_profile()
        .instance_profile_name(&workload.instance_profile_name)
        .send()
        .await
        .unwrap();
    let roles: Vec<_> = profile
        .instance_profile()
        .unwrap()
        .roles()
        .iter()
        .map(|r| r.role_name())
        .collect();
    assert_eq!(roles, [workload.role_name.as_str()]);

    // Two volumes: moto's root volume (deleted on termination) and our data volume.
    assert_eq!(estate.volumes.len(), 2);
    let attributes = estate.instance_attributes(&clients.ec2).await.unwrap();
    let expected: BTreeMap<_, _> = [
        (estate.volumes[0].clone(), true),
        (estate.volumes[1].clone(), false),
    ]
    .into();
    assert_eq!(attributes.delete_on_termination, expected);
    assert!(!attributes.termination_protection);
    assert!(!attributes.stop_protection);
    assert_eq!(attributes.shutdown_behavior, "stop");

    // The Auto Scaling group's only member, launched by nothing but us.
    assert_eq!(
        estate
            .auto_scaling_membership(&clients.autoscaling)
            .await
            .unwrap(),
        Some(workload.auto_scaling_group.clone())
    );
    assert_eq!(
        estate.desired_capacity(&clients.autoscaling).await.unwrap(),
        DESIRED_CAPACITY_AFTER_SETUP
    );
    let in_vpc = clients
        .ec2
        .describe_instances()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&estate.vpc)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let in_vpc: Vec<_> = in_vpc
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter_map(|i| i.instance_id())
        .collect();
    assert_eq!(in_vpc, [estate.instance.as_str()]);

    // Registered in both target groups.
    let members = estate.target_group_members(&clients.elbv2).await.unwrap();
    let registered = vec![(estate.instance.clone(), "healthy".to_owned())];
    assert_eq!(
        members,
        workload
            .target_groups
            .iter()
            .map(|arn| (arn.clone(), registered.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(workload.target_groups.len(), 2);
}

#[tokio::test]
async fn inline_policies_read_back_decoded() {
    let clients = clients().await;
    let estate = Estate::build_full(&clients).await.unwrap();
    let role = &estate.workload.as_ref().unwrap().role_name;
    assert_eq!(
        estate.role_policy_names(&clients.iam).await.unwrap(),
        [""; 0]
    );
    assert_eq!(
        estate.role_policy(&clients.iam, "deny").await.unwrap(),
        None
    );

    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}}
        }]
    });
    clients
        .iam
        .put_role_policy()
        .role_name(role)
        .policy_name("deny")
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap();

    // Like IAM, moto sends the document URL-encoded, and the SDK passes it on as is.
    let raw = clients
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name("deny")
        .send()
        .await
        .unwrap();
    assert!(raw.policy_document().starts_with("%7B"), "{raw:?}");

    assert_eq!(
        estate.role_policy(&clients.iam, "deny").await.unwrap(),
        Some(policy)
    );
    assert_eq!(
        estate.role_policy_names(&clients.iam).await.unwrap(),
        ["deny"]
    );
}

#[tokio::test]
async fn snapshots_of_the_estates_volumes_carry_their_tags() {
    let clients = clients().await;
    let estate = Estate::build_full(&clients).await.unwrap();
    assert_eq!(estate.snapshots(&clients.ec2).await.unwrap(), []);

    let data = &estate.volumes[1];
    let taken = clients
        .ec2
        .create_snapshot()
        .volume_id(data)
        .description("evidence")
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Snapshot)
                .tags(Tag::builder().key("cordon:case").value("c-1").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Someone else's volume's snapshot is not the estate's.
    let other = Estate::build(&clients.ec2).await.unwrap();
    clients
        .ec2
        .create_snapshot()
        .volume_id(&other.volumes[0])
        .send()
        .await
        .unwrap();

    let snapshots = estate.snapshots(&clients.ec2).await.unwrap();
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert_eq!(Some(snapshots[0].snapshot_id.as_str()), taken.snapshot_id());
    assert_eq!(&snapshots[0].volume_id, data);
    assert_eq!(snapshots[0].description, "evidence");
    assert_eq!(
        snapshots[0].tags,
        BTreeMap::from([("cordon:case".to_owned(), "c-1".to_owned())])
    );
}

#[tokio::test]
async fn rewrite_names_the_instance_profile_only_of_a_full_estate() {
    let clients = clients().await;
    let (full, plain) =
        tokio::try_join!(Estate::build_full(&clients), Estate::build(&clients.ec2)).unwrap();
    let arn = &full.workload.as_ref().unwrap().instance_profile_arn;
    assert_eq!(plain.workload, None);
    assert_eq!(plain.volumes.len(), 1, "moto's root volume only");

    let dir = workspace_root().join("events/guardduty");
    let mut naming_profile = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        if !raw.contains(Placeholders::INSTANCE_PROFILE_ARN) {
            continue;
        }
        naming_profile += 1;
        let rewritten = full.rewrite(&raw);
        assert!(!rewritten.contains(Placeholders::INSTANCE_PROFILE_ARN));
        let event: serde_json::Value = serde_json::from_str(&rewritten).unwrap();
        let profile = &event["detail"]["resource"]["instanceDetails"]["iamInstanceProfile"];
        assert_eq!(profile["arn"], arn.as_str());
        assert_eq!(
            event["detail"]["resource"]["instanceDetails"]["instanceId"],
            full.instance.as_str()
        );
        assert!(
            plain
                .rewrite(&raw)
                .contains(Placeholders::INSTANCE_PROFILE_ARN)
        );
    }
    assert!(naming_profile > 0, "no sample event names the profile");

    // Another instance launched into a full estate is bare.
    let second = full.launch_instance(&clients.ec2, "web-2").await.unwrap();
    assert_eq!(second.workload, None);
    assert_eq!(second.volumes.len(), 1);
    assert!(
        second
            .rewrite(&format!("\"{}\"", Placeholders::INSTANCE_PROFILE_ARN))
            .contains(Placeholders::INSTANCE_PROFILE_ARN)
    );
}
