//! Containment through the fault-injection proxy: with one call in five throttled,
//! failed with a 5xx or dropped, every finding ends verified contained or failed with
//! a non-success result for Lambda to retry; the retries finish the job; and no
//! finding ever reports success without the instance being isolated.

use cordon_core::Decision;
use cordon_fixtures::Estate;
use cordon_integration_tests::FaultyFleet;
use cordon_lambda::{
    ContainmentClock, Context, InstanceResponder, handle_event, into_lambda_result,
};
use futures_util::future::join_all;

const FINDINGS: usize = 50;

/// Whether the instance is isolated, read from the emulator directly (no faults).
async fn isolated(ec2: &aws_sdk_ec2::Client, estate: &Estate) -> bool {
    let Some(deny) = estate.deny_group(ec2).await.unwrap() else {
        return false;
    };
    let held = estate
        .interfaces_held_by(ec2, deny.group_id().unwrap())
        .await
        .unwrap();
    held.len() == estate.interfaces.len()
}

#[tokio::test]
async fn under_twenty_percent_faults_every_finding_ends_contained_or_retried_never_falsely() {
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
    } = FaultyFleet::start(FINDINGS, 0.2, 20).await;

    let mut pending: Vec<usize> = (0..FINDINGS).collect();
    let mut rounds = 0;
    let mut failed_first_time = 0;
    while !pending.is_empty() {
        rounds += 1;
        assert!(
            rounds <= 6,
            "still failing after {rounds} rounds: {pending:?}"
        );
        let mut still = Vec::new();
        for chunk in pending.chunks(10) {
            let outcomes = join_all(chunk.iter().map(|&i| {
                let (ports, config, account) = (&ports, &config, &account);
                let event = events[i].clone();
                async move {
                    let clock = ContainmentClock::HandlingStart;
                    let outcome = Box::pin(handle_event::<InstanceResponder>(
                        event,
                        &Context::new(config, account, clock),
                        ports,
                    ))
                    .await
                    .expect("well-formed event");
                    (i, outcome)
                }
            }))
            .await;
            for (i, outcome) in outcomes {
                match outcome.decision {
                    Decision::Contained => assert!(
                        isolated(&direct.ec2, &estates[i]).await,
                        "finding {i} reported success without isolation: {outcome:#?}"
                    ),
                    Decision::Failed => {
                        assert!(
                            into_lambda_result(&outcome).is_err(),
                            "a failure must make Lambda retry"
                        );
                        still.push(i);
                    }
                    other => panic!("finding {i}: {other:?}: {}", outcome.reason),
                }
            }
        }
        if rounds == 1 {
            failed_first_time = still.len();
        }
        pending = still;
    }
    for estate in &estates {
        assert!(isolated(&direct.ec2, estate).await, "{}", estate.instance);
    }
    assert!(proxy.injected_faults() > 0);
    println!(
        "{FINDINGS} findings, {} calls, {} faults injected: {failed_first_time} failed the first time, all contained after {rounds} round(s)",
        proxy.total_calls(),
        proxy.injected_faults()
    );
}
