//! The CloudTrail responder against the emulator, through the real SDK clients.
//! Assertions read CloudTrail, Config and EC2 back, never the handler's report.

use cordon_core::{Decision, StepStatus};
use cordon_emulators::{MotoServer, shared_moto};
use cordon_fixtures::{
    ExposedGroup, TrailPlaceholders, create_logging_trail, ensure_recording_recorder,
    recorder_is_recording, trail_is_logging,
};
use cordon_integration_tests::TrailWorld;

async fn findings_with_id(world: &TrailWorld, id: &str) -> usize {
    let found = Box::pin(world.clients.securityhub.get_findings().send())
        .await
        .unwrap();
    found
        .findings()
        .iter()
        .filter(|f| f.id() == Some(id))
        .count()
}

async fn vpc(world: &TrailWorld) -> String {
    let vpc = world
        .clients
        .ec2
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap();
    vpc.vpc().unwrap().vpc_id().unwrap().to_owned()
}

#[tokio::test]
async fn stopped_logging_is_restarted_verified_and_recorded_once() {
    let moto = shared_moto();
    let world = TrailWorld::at(&moto.endpoint()).await;
    let trail = format!("trail-{}", world.suffix);
    create_logging_trail(moto, &world.clients.cloudtrail, &trail)
        .await
        .unwrap();
    // The attacker's call.
    world
        .clients
        .cloudtrail
        .stop_logging()
        .name(&trail)
        .send()
        .await
        .unwrap();
    assert!(
        !trail_is_logging(&world.clients.cloudtrail, &trail)
            .await
            .unwrap()
    );

    let event = world.event(
        "cloudtrail-stop-logging.json",
        &[(TrailPlaceholders::TRAIL, &trail)],
    );
    let outcome = world.replay(event.clone()).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    assert!(
        trail_is_logging(&world.clients.cloudtrail, &trail)
            .await
            .unwrap()
    );
    let id = outcome.record.as_ref().unwrap().response_finding_id.clone();
    assert!(
        id.ends_with("9f0f4b8e-7a2c-4a4b-8d9b-0c6f0e5d2a11") || id.contains("respond-cloudtrail")
    );
    assert_eq!(findings_with_id(&world, &id).await, 1);

    // Delivered again: logging is on, nothing is started, one finding still.
    let again = world.replay(event).await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert_eq!(again.steps[0].status, StepStatus::AlreadyDone);
    assert!(!again.changed_anything());
    assert_eq!(findings_with_id(&world, &id).await, 1);
}

#[tokio::test]
async fn only_the_rule_opening_ssh_to_the_world_is_revoked() {
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let vpc = vpc(&world).await;
    let group = ExposedGroup::create(&world.clients.ec2, &vpc, &format!("web-{}", world.suffix))
        .await
        .unwrap();
    let raw = std::fs::read_to_string(
        cordon_emulators::workspace_root()
            .join("events/cloudtrail/ec2-authorize-ssh-from-anywhere.json"),
    )
    .unwrap();
    let event: serde_json::Value = serde_json::from_str(&group.rewrite(&raw)).unwrap();

    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let mut remaining = group.ingress_rule_ids(&world.clients.ec2).await.unwrap();
    remaining.sort();
    let mut expected = vec![
        group.https_rule.clone(),
        group.private_ssh_rule.clone(),
        group.world_rdp_rule.clone(),
        group.all_traffic_rule.clone(),
    ];
    expected.sort();
    assert_eq!(remaining, expected, "the group's other rules remain");
}

#[tokio::test]
async fn a_legacy_event_without_rule_ids_revokes_the_rule_it_describes() {
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let vpc = vpc(&world).await;
    let group = ExposedGroup::create(
        &world.clients.ec2,
        &vpc,
        &format!("legacy-{}", world.suffix),
    )
    .await
    .unwrap();
    let event = world.event(
        "ec2-authorize-ssh-legacy-no-rule-ids.json",
        &[(TrailPlaceholders::EXPOSED_GROUP, &group.group_id)],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let remaining = group.ingress_rule_ids(&world.clients.ec2).await.unwrap();
    assert!(!remaining.contains(&group.world_ssh_rule));
    assert_eq!(remaining.len(), 4, "{remaining:?}");
}

#[tokio::test]
async fn a_stopped_recorder_is_restarted() {
    // One recorder per account and region: this test has the emulator to itself.
    let moto = MotoServer::start().unwrap();
    let world = TrailWorld::at(&moto.endpoint()).await;
    ensure_recording_recorder(&moto, &world.clients.config, "default")
        .await
        .unwrap();
    world
        .clients
        .config
        .stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    let outcome = world
        .replay(world.event("config-stop-recorder.json", &[]))
        .await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    assert!(
        recorder_is_recording(&world.clients.config, "default")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn risky_changes_and_attempts_are_recorded_without_any_other_write_and_cordons_own_calls_do_nothing()
 {
    let moto = MotoServer::start().unwrap();
    let world = TrailWorld::at(&moto.endpoint()).await;
    for name in [
        "signin-root-console-login.json",
        "signin-console-login-failed.json",
        "iam-attach-admin-policy.json",
        "cloudtrail-stop-logging-denied.json",
    ] {
        moto.clear_recording().unwrap();
        let outcome = world.replay(world.event(name, &[])).await;
        assert_eq!(outcome.decision, Decision::Observed, "{name}: {outcome:#?}");
        let id = outcome.record.as_ref().unwrap().response_finding_id.clone();
        assert_eq!(findings_with_id(&world, &id).await, 1, "{name}");
        // The recorder names query and JSON-target calls; Security Hub's REST
        // import is not among them, and is checked above by reading it back.
        let writes = moto.recorded_writes().unwrap();
        assert!(
            writes.is_empty(),
            "{name}: nothing but the record is written: {writes:?}"
        );
    }

    moto.clear_recording().unwrap();
    let outcome = world
        .replay(world.event("cloudtrail-start-logging-by-cordon.json", &[]))
        .await;
    assert_eq!(outcome.decision, Decision::Ignored, "{outcome:#?}");
    assert!(outcome.reason.contains("cordon's own role"));
    assert!(
        moto.recorded_actions().unwrap().is_empty(),
        "not even a read"
    );
}
