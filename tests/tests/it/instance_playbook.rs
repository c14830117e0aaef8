//! The whole instance playbook against the emulator, on an instance with everything
//! it acts on. Assertions read the emulator's state back, never the handler's report.

use cordon_core::{Decision, StepStatus};
use cordon_fixtures::DESIRED_CAPACITY_AFTER_SETUP;
use cordon_integration_tests::World;

const POLICY: &str = "cordon-revoke-older-sessions";

#[tokio::test]
async fn an_actor_finding_contains_the_instance_completely_and_a_second_delivery_adds_nothing() {
    let world = World::with_workload().await;
    let (estate, clients) = (&world.estate, &world.clients);
    let workload = estate.workload.clone().expect("a full estate");

    let outcome = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");

    // Network: both interfaces only in the deny-all group.
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        estate.all_interfaces()
    );

    // Credentials: no profile association; the role denies sessions issued before now.
    let associations = estate.profile_associations(&clients.ec2).await.unwrap();
    assert!(
        associations.iter().all(|a| a.state == "disassociated"),
        "{associations:?}"
    );
    let policy = estate
        .role_policy(&clients.iam, POLICY)
        .await
        .unwrap()
        .expect("the revoke policy is on the role");
    let statement = &policy["Statement"][0];
    assert_eq!(statement["Effect"], "Deny");
    assert_eq!(statement["Action"], "*");
    let cutoff = statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoke = outcome
        .steps
        .iter()
        .find(|s| s.name == "revoke-role-sessions")
        .unwrap();
    assert_eq!(revoke.target, workload.role_name);
    assert!(
        revoke.detail.contains(&cutoff),
        "dated at the incident: {revoke:?}"
    );

    // Kept for forensics.
    let attributes = estate.instance_attributes(&clients.ec2).await.unwrap();
    assert!(attributes.termination_protection && attributes.stop_protection);
    assert_eq!(attributes.shutdown_behavior, "stop");
    assert!(
        attributes.delete_on_termination.values().all(|d| !d),
        "{attributes:?}"
    );

    // Out of rotation; the group keeps its capacity and replaces the instance.
    assert_eq!(
        estate
            .auto_scaling_membership(&clients.autoscaling)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        estate.desired_capacity(&clients.autoscaling).await.unwrap(),
        DESIRED_CAPACITY_AFTER_SETUP
    );
    for (group, members) in estate.target_group_members(&clients.elbv2).await.unwrap() {
        assert!(
            members
                .iter()
                .all(|(id, state)| id != &estate.instance || state == "draining"),
            "{group} still serves the instance: {members:?}"
        );
    }

    // Evidence: exactly one snapshot per volume, tagged with the incident, listed in
    // the response finding.
    let snapshots = estate.snapshots(&clients.ec2).await.unwrap();
    assert_eq!(snapshots.len(), 2, "{snapshots:#?}");
    let finding_id = format!("b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02-{}", estate.instance);
    let mut snapshotted: Vec<&str> = snapshots.iter().map(|s| s.volume_id.as_str()).collect();
    snapshotted.sort();
    let mut volumes: Vec<&str> = estate.volumes.iter().map(String::as_str).collect();
    volumes.sort();
    assert_eq!(snapshotted, volumes);
    for snapshot in &snapshots {
        assert_eq!(snapshot.tags["cordon:incident"], finding_id, "{snapshot:?}");
        assert_eq!(snapshot.tags["cordon:instance"], estate.instance);
        assert_eq!(snapshot.tags["cordon:volume"], snapshot.volume_id);
    }
    let record = world
        .findings_with_id(&outcome.record.as_ref().unwrap().response_finding_id)
        .await;
    let fields = record[0].product_fields().unwrap();
    for snapshot in &snapshots {
        assert!(
            fields["cordon/Snapshots"].contains(&snapshot.snapshot_id),
            "{fields:#?}"
        );
    }

    // Every step verified, or said why it could not apply.
    for step in &outcome.steps {
        let expected = match step.name.as_str() {
            "isolate-other-network-interfaces" => StepStatus::AlreadyDone,
            // moto accepts the timeouts but cannot show them.
            "shorten-connection-tracking" => StepStatus::Skipped,
            _ => StepStatus::Done,
        };
        assert_eq!(step.status, expected, "{step:#?}");
    }
    let tags = world.instance_tags().await;
    assert!(tags.contains(&("cordon:status".into(), "contained".into())));
    assert!(tags.contains(&(
        "cordon:instance-profile".into(),
        workload.instance_profile_arn.clone()
    )));
    assert!(tags.contains(&(
        "cordon:auto-scaling-group".into(),
        workload.auto_scaling_group.clone()
    )));

    // A second delivery: no new snapshot, no second policy, the same cutoff.
    let again = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert!(!again.changed_anything(), "{again:#?}");
    assert_eq!(estate.snapshots(&clients.ec2).await.unwrap().len(), 2);
    assert_eq!(
        estate.role_policy_names(&clients.iam).await.unwrap(),
        [POLICY]
    );
    let policy = estate
        .role_policy(&clients.iam, POLICY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        policy["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        cutoff.as_str()
    );
}
