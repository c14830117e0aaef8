//! What GuardDuty sees inside an instance, through the real pipeline against the
//! emulator: a Runtime Monitoring finding (no resource role) and a malware scan are
//! read back from GuardDuty in full, the instance is contained, and the response
//! finding carries the process or the malware. Assertions read the emulator back.

use cordon_core::Decision;
use cordon_integration_tests::World;

/// The instance only in the deny-all group, and tagged contained for `kind`.
async fn assert_isolated(world: &World, kind: &str) {
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        world.estate.all_interfaces()
    );
    assert!(
        world
            .interfaces_in(&world.estate.web_group)
            .await
            .is_empty()
    );
    let tags = world.instance_tags().await;
    for expected in [
        ("cordon:status", "contained"),
        ("cordon:finding-type", kind),
    ] {
        assert!(
            tags.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} not in {tags:?}"
        );
    }
}

#[tokio::test]
async fn a_reverse_shell_seen_by_runtime_monitoring_is_contained_and_the_process_recorded() {
    let world = World::new().await;
    let outcome = world.replay("runtime-reverse-shell.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    assert!(
        outcome
            .reason
            .contains("Execution:Runtime/ReverseShell on the instance itself"),
        "{}",
        outcome.reason
    );
    assert_isolated(&world, "Execution:Runtime/ReverseShell").await;

    let id = &outcome
        .record
        .as_ref()
        .expect("recorded")
        .response_finding_id;
    let found = world.findings_with_id(id).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let fields = found[0].product_fields().unwrap();
    let process = &fields["cordon/Process"];
    assert!(
        process.starts_with("bash (pid 28813, /usr/bin/bash, sha256 5c0e1f6f"),
        "{process}"
    );
    assert!(
        found[0].description().unwrap().contains("Process: bash"),
        "{:?}",
        found[0].description()
    );
}

#[tokio::test]
async fn malware_found_on_the_instance_s_volumes_is_contained_and_named() {
    let world = World::new().await;
    let outcome = world.replay("malware-ec2-malicious-file.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    assert_isolated(&world, "Execution:EC2/MaliciousFile").await;
    let id = &outcome
        .record
        .as_ref()
        .expect("recorded")
        .response_finding_id;
    let found = world.findings_with_id(id).await;
    let malware = &found[0].product_fields().unwrap()["cordon/Malware"];
    assert!(
        malware.contains("Linux.Trojan.Mirai.A: /tmp/.x/kworkerd (sha256 9d4c1a7e"),
        "{malware}"
    );
}
