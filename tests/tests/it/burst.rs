//! A small burst, as `cargo xtask bench` runs a large one: every finding of a fleet
//! delivered five times, shuffled, eight at a time, through the fault proxy with one
//! call in ten throttled, failed with a 5xx or dropped, and the ledger in DynamoDB. A
//! delivery whose outcome needs a retry is delivered again, as Lambda would. In the
//! end no instance is left uncontained and nothing is done twice.

use cordon_core::{Decision, Outcome};
use cordon_integration_tests::FaultyFleet;
use cordon_lambda::{ContainmentClock, Context, InstanceResponder, handle_event};
use futures_util::future::join_all;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Mutex;

const INSTANCES: usize = 8;
const COPIES: usize = 5;
const CONCURRENCY: usize = 8;
/// Deliveries of one copy after its first, at most.
const REDELIVERIES: usize = 5;

/// Every instance's index `COPIES` times, in a fixed pseudo-random order.
fn shuffled_deliveries() -> Vec<usize> {
    let mut deliveries: Vec<usize> = (0..INSTANCES).flat_map(|i| [i; COPIES]).collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..deliveries.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        deliveries.swap(i, (state >> 33) as usize % (i + 1));
    }
    deliveries
}

#[tokio::test]
async fn forty_duplicate_findings_under_ten_percent_faults_lose_nothing_and_do_nothing_twice() {
    // The emulator is held to the end of the test: it stops when dropped.
    let FaultyFleet {
        moto: _moto,
        proxy,
        direct,
        estates,
        events,
        ports,
        config,
        account,
    } = FaultyFleet::start(INSTANCES, 0.1, 40).await;

    let mut pending: Vec<(usize, usize)> =
        shuffled_deliveries().into_iter().map(|i| (i, 0)).collect();
    let mut outcomes: Vec<(usize, Outcome)> = Vec::new();
    let mut dead_lettered = Vec::new();
    while !pending.is_empty() {
        let queue = Mutex::new(VecDeque::from(pending));
        let worker = || async {
            let mut handled = Vec::new();
            loop {
                let Some((i, attempt)) = queue.lock().unwrap().pop_front() else {
                    return handled;
                };
                let clock = ContainmentClock::HandlingStart;
                let outcome = Box::pin(handle_event::<InstanceResponder>(
                    events[i].clone(),
                    &Context::new(&config, &account, clock),
                    &ports,
                ))
                .await
                .expect("well-formed event");
                handled.push((i, attempt, outcome));
            }
        };
        let round = join_all((0..CONCURRENCY).map(|_| worker())).await;
        pending = Vec::new();
        for (i, attempt, outcome) in round.into_iter().flatten() {
            if outcome.needs_retry() {
                if attempt < REDELIVERIES {
                    pending.push((i, attempt + 1));
                } else {
                    dead_lettered.push((i, outcome.reason.clone()));
                }
            }
            outcomes.push((i, outcome));
        }
    }
    assert!(proxy.injected_faults() > 0, "the proxy injected no fault");
    assert!(dead_lettered.is_empty(), "{dead_lettered:#?}");

    // Lost: every instance isolated, read from the emulator directly.
    let ec2 = &direct.ec2;
    let deny = estates[0]
        .deny_group(ec2)
        .await
        .unwrap()
        .expect("deny group");
    let deny = deny.group_id().unwrap();
    for estate in &estates {
        assert_eq!(
            estate.interfaces_held_by(ec2, deny).await.unwrap().len(),
            estate.interfaces.len(),
            "{} isolated",
            estate.instance
        );
    }

    // Double: one containment with changes, one snapshot set, one response finding
    // per instance.
    // (A delivery that changed everything and then failed to record is retried, and
    // the retry reports contained with nothing left to change.)
    let mut acted: BTreeMap<usize, usize> = BTreeMap::new();
    let mut reported = BTreeSet::new();
    for (i, outcome) in &outcomes {
        if outcome.decision == Decision::Contained {
            reported.insert(*i);
            if outcome.changed_anything() {
                *acted.entry(*i).or_default() += 1;
            }
        }
    }
    assert_eq!(reported.len(), INSTANCES, "each reported contained");
    assert!(acted.values().all(|n| *n == 1), "at most once: {acted:?}");
    for estate in &estates {
        let snapshots = estate.snapshots(ec2).await.unwrap();
        assert_eq!(
            snapshots.len(),
            estate.volumes.len(),
            "one snapshot set for {}",
            estate.instance
        );
    }
    let findings = Box::pin(direct.securityhub.get_findings().send())
        .await
        .unwrap();
    for estate in &estates {
        let responses = findings
            .findings()
            .iter()
            .filter(|f| f.id().unwrap_or_default().starts_with("cordon/"))
            .filter(|f| {
                f.resources()
                    .iter()
                    .any(|r| r.id().unwrap_or_default().ends_with(&estate.instance))
            })
            .count();
        assert_eq!(responses, 1, "one response finding for {}", estate.instance);
    }
    println!(
        "{} deliveries ({} redelivered), {} calls, {} faults injected",
        outcomes.len(),
        outcomes.len() - INSTANCES * COPIES,
        proxy.total_calls(),
        proxy.injected_faults()
    );
}
