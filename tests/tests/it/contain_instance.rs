//! The instance-containment handler against the emulator, through the real SDK
//! clients. Assertions read the emulator's state back, never the handler's report.

use cordon_core::Decision;
use cordon_integration_tests::World;
use std::collections::BTreeSet;

#[tokio::test]
async fn two_interface_instance_ends_only_in_the_deny_all_group() {
    let world = World::new().await;
    let outcome = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");

    let deny = world.deny_group().await;
    let deny_id = deny.group_id().unwrap();
    assert_eq!(
        world.interfaces_in(deny_id).await,
        world.estate.all_interfaces()
    );
    assert!(
        world
            .interfaces_in(&world.estate.web_group)
            .await
            .is_empty()
    );
    assert!(
        deny.ip_permissions().is_empty(),
        "deny-all has ingress rules"
    );
    assert!(
        deny.ip_permissions_egress().is_empty(),
        "deny-all has egress rules"
    );
    for eni in world.instance_interfaces().await {
        let groups: Vec<_> = eni.groups().iter().filter_map(|g| g.group_id()).collect();
        assert_eq!(groups, [deny_id], "{:?}", eni.network_interface_id());
        let recorded = eni
            .tag_set()
            .iter()
            .find(|t| t.key() == Some("cordon:original-groups"))
            .and_then(|t| t.value());
        assert_eq!(recorded, Some(world.estate.web_group.as_str()));
    }
    let tags = world.instance_tags().await;
    for expected in [
        "cordon:incident",
        "cordon:status",
        "cordon:finding-type",
        "cordon:finding-updated-at",
    ] {
        assert!(
            tags.iter().any(|(k, _)| k == expected),
            "missing tag {expected}: {tags:?}"
        );
    }
    assert!(tags.contains(&("cordon:status".into(), "contained".into())));
}

#[tokio::test]
async fn open_group_allows_everything_so_tracked_flows_become_untracked() {
    let world = World::new().await;
    world.replay("backdoor-c2-actor.json").await;
    let open = world.estate.open_group(&world.ec2).await.unwrap();
    let open = open.expect("the open group exists");
    for rules in [open.ip_permissions(), open.ip_permissions_egress()] {
        let all = rules.iter().filter(|r| r.ip_protocol() == Some("-1"));
        let cidrs: BTreeSet<&str> = all
            .flat_map(|r| {
                r.ip_ranges()
                    .iter()
                    .filter_map(|x| x.cidr_ip())
                    .chain(r.ipv6_ranges().iter().filter_map(|x| x.cidr_ipv6()))
            })
            .collect();
        assert!(
            cidrs.contains("0.0.0.0/0") && cidrs.contains("::/0"),
            "{rules:?}"
        );
    }
}

#[tokio::test]
async fn a_second_delivery_changes_nothing_and_makes_no_second_group_pair() {
    let world = World::new().await;
    assert_eq!(
        world.replay("backdoor-c2-two-enis.json").await.decision,
        Decision::Contained
    );
    let groups_before = world.isolation_groups().await;
    let tags_before = world.instance_tags().await;

    let again = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert_eq!(world.isolation_groups().await, groups_before);
    assert_eq!(groups_before.len(), 2);
    assert_eq!(world.instance_tags().await.len(), tags_before.len());
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        world.estate.all_interfaces()
    );
    for eni in world.instance_interfaces().await {
        let recorded = eni
            .tag_set()
            .iter()
            .find(|t| t.key() == Some("cordon:original-groups"));
        // The originals survive: a re-run must not record the isolation group.
        assert_eq!(
            recorded.and_then(|t| t.value()),
            Some(world.estate.web_group.as_str())
        );
    }
    let isolate_steps: Vec<_> = again
        .steps
        .iter()
        .filter(|s| s.name == "isolate-network-interface")
        .map(|s| s.status)
        .collect();
    assert_eq!(isolate_steps, [cordon_core::StepStatus::AlreadyDone; 2]);
}

#[tokio::test]
async fn concurrent_deliveries_converge_on_one_group_pair() {
    let world = World::new().await;
    let (a, b, c) = tokio::join!(
        world.replay("backdoor-c2-two-enis.json"),
        world.replay("backdoor-c2-two-enis.json"),
        world.replay("tor-client.json"),
    );
    for outcome in [&a, &b, &c] {
        assert_ne!(outcome.decision, Decision::Ignored, "{outcome:#?}");
    }
    assert_eq!(
        world.isolation_groups().await.len(),
        2,
        "{:?}",
        world.isolation_groups().await
    );
    // Whatever the interleaving, a delivery afterwards finds the instance contained.
    assert_eq!(
        world.replay("backdoor-c2-actor.json").await.decision,
        Decision::Contained
    );
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        world.estate.all_interfaces()
    );
}

#[tokio::test]
async fn interfaces_the_finding_does_not_name_are_isolated_too() {
    let world = World::new().await;
    // The single-interface finding names only the primary ENI; the instance has two.
    let outcome = world.replay("backdoor-c2-actor.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        world.estate.all_interfaces()
    );
    let other = outcome
        .steps
        .iter()
        .find(|s| s.name == "isolate-other-network-interfaces")
        .unwrap();
    assert!(
        other.detail.contains(&world.estate.interfaces[1]),
        "{other:?}"
    );
}

#[tokio::test]
async fn findings_for_victims_samples_and_other_accounts_touch_nothing() {
    let world = World::new().await;
    for (file, decision) in [
        ("ssh-brute-force-target.json", Decision::Observed),
        ("port-probe-target.json", Decision::Observed),
        ("sample-finding.json", Decision::Observed),
        ("portscan-low-severity.json", Decision::Observed),
    ] {
        let outcome = world.replay(file).await;
        assert_eq!(outcome.decision, decision, "{file}: {outcome:#?}");
        assert!(outcome.steps.is_empty(), "{file}");
    }
    let mut foreign = world.event("backdoor-c2-actor.json");
    foreign["detail"]["accountId"] = "210987654321".into();
    let outcome = world.replay_value(foreign).await;
    assert_eq!(outcome.decision, Decision::Observed);
    assert!(outcome.steps.is_empty());
    assert!(
        outcome.reason.starts_with("refused: ") && outcome.reason.contains("210987654321"),
        "{}",
        outcome.reason
    );

    assert!(world.isolation_groups().await.is_empty());
    for eni in world.instance_interfaces().await {
        let groups: Vec<_> = eni.groups().iter().filter_map(|g| g.group_id()).collect();
        assert_eq!(groups, [world.estate.web_group.as_str()]);
    }
    assert!(
        world
            .instance_tags()
            .await
            .iter()
            .all(|(k, _)| !k.starts_with("cordon:"))
    );
}
