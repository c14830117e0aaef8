//! The ledger against the emulator: duplicate deliveries, concurrent, change nothing
//! twice, and the blast-radius breaker stops containment at its budget.

use cordon_aws::Clients;
use cordon_core::{Decision, Outcome, instance};
use cordon_emulators::{MotoServer, publish_finding};
use cordon_events::AccountId;
use cordon_fixtures::{Estate, Placeholders, create_ledger_table, sdk_config};
use cordon_integration_tests::{launch_fleet, numbered_finding};
use cordon_lambda::{
    AwsInstancePorts, Connect, ContainmentClock, Context, FunctionConfig, InstanceResponder,
    handle_event,
};
use futures_util::future::join_all;
use std::collections::BTreeMap;

const TABLE: &str = "cordon-ledger";

struct Fleet {
    clients: Clients,
    /// The emulator, where findings are published as GuardDuty would report them.
    endpoint: String,
    ports: AwsInstancePorts,
    estates: Vec<Estate>,
}

/// `count` instances in one VPC, the ledger table, and the function's ports on them.
async fn fleet(moto: &MotoServer, count: usize) -> Fleet {
    let clients = Clients::new(&sdk_config(&moto.endpoint()).await);
    create_ledger_table(&clients.dynamodb, TABLE).await.unwrap();
    let estates = launch_fleet(&clients.ec2, count).await;
    let ports = AwsInstancePorts::on_aws(&clients, None, Some(TABLE.to_owned()));
    Fleet {
        clients,
        endpoint: moto.endpoint(),
        ports,
        estates,
    }
}

async fn deliver(fleet: &Fleet, config: &FunctionConfig, event: serde_json::Value) -> Outcome {
    let account: AccountId = Placeholders::ACCOUNT.parse().unwrap();
    publish_finding(&fleet.endpoint, &event).unwrap();
    Box::pin(handle_event::<InstanceResponder>(
        event,
        &Context::new(config, &account, ContainmentClock::HandlingStart),
        &fleet.ports,
    ))
    .await
    .expect("well-formed event")
}

fn config(budget: u32) -> FunctionConfig {
    cordon_integration_tests::enforcing(|name| match name {
        "CORDON_BREAKER_BUDGET" => Some(budget.to_string()),
        _ => None,
    })
    .unwrap()
}

#[tokio::test]
async fn twenty_findings_delivered_up_to_five_times_at_once_are_each_contained_once() {
    let moto = MotoServer::start().unwrap();
    let fleet = fleet(&moto, 20).await;
    let config = config(100);
    let deliveries: Vec<(usize, serde_json::Value)> = fleet
        .estates
        .iter()
        .enumerate()
        .flat_map(|(index, estate)| {
            let event = numbered_finding(estate, index);
            (0..=index % 5).map(move |_| (index, event.clone()))
        })
        .collect();
    assert!(deliveries.len() > 50);
    let outcomes =
        join_all(deliveries.iter().map(|(index, event)| async {
            (*index, deliver(&fleet, &config, event.clone()).await)
        }))
        .await;

    let mut acted: BTreeMap<usize, usize> = BTreeMap::new();
    for (index, outcome) in &outcomes {
        assert_ne!(outcome.decision, Decision::Failed, "{outcome:#?}");
        if outcome.changed_anything() {
            *acted.entry(*index).or_default() += 1;
        } else {
            assert!(
                outcome.steps.is_empty(),
                "a duplicate did work: {outcome:#?}"
            );
        }
    }
    assert_eq!(acted.len(), 20, "every finding was contained: {acted:?}");
    assert!(
        acted.values().all(|n| *n == 1),
        "each exactly once: {acted:?}"
    );

    let ec2 = &fleet.clients.ec2;
    let first = &fleet.estates[0];
    assert_eq!(
        first.isolation_groups(ec2).await.unwrap().len(),
        2,
        "one group pair in the VPC"
    );
    let deny = first.deny_group(ec2).await.unwrap().unwrap();
    let deny = deny.group_id().unwrap();
    for estate in &fleet.estates {
        assert_eq!(
            estate.interfaces_held_by(ec2, deny).await.unwrap().len(),
            estate.interfaces.len(),
            "{} isolated",
            estate.instance
        );
        let snapshots = estate.snapshots(ec2).await.unwrap();
        assert_eq!(
            snapshots.len(),
            estate.volumes.len(),
            "one snapshot set for {}",
            estate.instance
        );
    }
    let findings = Box::pin(fleet.clients.securityhub.get_findings().send())
        .await
        .unwrap();
    let mut per_id: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.findings() {
        *per_id.entry(f.id().unwrap_or_default()).or_default() += 1;
    }
    let responses: Vec<_> = per_id
        .iter()
        .filter(|(id, _)| id.starts_with("cordon/"))
        .collect();
    assert_eq!(responses.len(), 20, "{responses:?}");
    assert!(responses.iter().all(|(_, n)| **n == 1), "{responses:?}");
}

#[tokio::test]
async fn with_a_budget_of_three_five_findings_contain_three_and_wait_for_a_human_on_two() {
    let moto = MotoServer::start().unwrap();
    let fleet = fleet(&moto, 5).await;
    let config = config(3);
    let mut decisions = Vec::new();
    for (index, estate) in fleet.estates.iter().enumerate() {
        let outcome = deliver(&fleet, &config, numbered_finding(estate, index)).await;
        if outcome.decision == Decision::Observed {
            assert!(
                outcome.reason.contains("waiting for a human"),
                "{}",
                outcome.reason
            );
            assert!(
                outcome
                    .record
                    .as_ref()
                    .is_some_and(|r| r.failures.is_empty()),
                "recorded"
            );
            let deny = estate.deny_group(&fleet.clients.ec2).await.unwrap();
            let held = match deny.as_ref().and_then(|g| g.group_id()) {
                Some(group) => estate
                    .interfaces_held_by(&fleet.clients.ec2, group)
                    .await
                    .unwrap()
                    .len(),
                None => 0,
            };
            assert_eq!(held, 0, "{} untouched", estate.instance);
        }
        decisions.push(outcome.decision);
    }
    use Decision::{Contained, Observed};
    assert_eq!(
        decisions,
        [Contained, Contained, Contained, Observed, Observed]
    );
}

#[tokio::test]
async fn a_finding_updated_after_release_is_contained_again_and_each_update_acts_once() {
    let moto = MotoServer::start().unwrap();
    let fleet = fleet(&moto, 1).await;
    let config = config(100);
    let estate = &fleet.estates[0];
    let ec2 = &fleet.clients.ec2;
    let held = || async {
        let deny = estate.deny_group(ec2).await.unwrap();
        match deny.as_ref().and_then(|g| g.group_id()) {
            Some(group) => estate.interfaces_held_by(ec2, group).await.unwrap().len(),
            None => 0,
        }
    };
    let acting = |outcomes: &[Outcome]| outcomes.iter().filter(|o| o.changed_anything()).count();

    // One update delivered five times at once acts once.
    let first = numbered_finding(estate, 0);
    let outcomes = join_all((0..5).map(|_| deliver(&fleet, &config, first.clone()))).await;
    assert_eq!(acting(&outcomes), 1, "{outcomes:#?}");
    assert_eq!(held().await, estate.interfaces.len(), "isolated");

    // People release the instance from the ledger's record; the attacker comes back.
    let ports = &fleet.ports;
    let reports = instance::release(
        &ports.playbook(),
        ports.home.ledger.as_ref(),
        &"123456789012".parse().unwrap(),
        &estate.instance.parse().unwrap(),
        false,
    )
    .await;
    assert!(reports.iter().all(|r| r.status.is_ok()), "{reports:#?}");
    assert_eq!(held().await, 0, "released");

    // GuardDuty updates the same finding: a new decision, contained again, once.
    let mut later = first.clone();
    later["detail"]["updatedAt"] = "2099-01-01T00:00:00.000Z".into();
    later["detail"]["service"]["count"] = 9.into();
    let outcomes = join_all((0..5).map(|_| deliver(&fleet, &config, later.clone()))).await;
    assert_eq!(acting(&outcomes), 1, "{outcomes:#?}");
    assert!(
        outcomes.iter().any(|o| o.decision == Decision::Contained),
        "{outcomes:#?}"
    );
    assert_eq!(held().await, estate.interfaces.len(), "isolated again");

    // The first update delivered late is still the one already handled.
    let late = deliver(&fleet, &config, first).await;
    assert!(!late.changed_anything(), "{late:#?}");
    assert!(late.reason.contains("handled"), "{}", late.reason);
}
