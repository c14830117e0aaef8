//! Admission against an in-memory ledger with DynamoDB's semantics.

use super::*;
use crate::fake_ledger::MemoryLedger;
use crate::{StepReport, StepStatus};

fn settings(budget: Option<u32>) -> LedgerSettings {
    LedgerSettings {
        lease_secs: 90,
        breaker_budget: budget,
        window_secs: 3600,
    }
}

fn contained() -> Outcome {
    Outcome {
        decision: Decision::Contained,
        reason: "isolated".into(),
        steps: vec![StepReport {
            name: "verify-isolation".into(),
            target: "i-1".into(),
            status: StepStatus::Done,
            detail: String::new(),
            resources: vec![],
            failure: None,
        }],
        record: None,
        time_to_containment_ms: None,
        held_by_breaker: false,
        possible_forgery: false,
    }
}

#[tokio::test]
async fn a_duplicate_finds_the_incident_in_progress_then_done() {
    let ledger = MemoryLedger::default();
    let s = settings(None);
    let Admission::Proceed(lease) = admit(&ledger, "k", "k", "111111111111", true, &s, 1000).await
    else {
        panic!("the first delivery proceeds")
    };
    match admit(&ledger, "k", "k", "111111111111", true, &s, 1001).await {
        Admission::Skip(outcome) => {
            assert_eq!(outcome.decision, Decision::Ignored);
            assert!(outcome.reason.contains("in progress"), "{}", outcome.reason);
        }
        other => panic!("{other:?}"),
    }
    settle(&ledger, &lease, &contained(), 1002).await.unwrap();
    match admit(&ledger, "k", "k", "111111111111", true, &s, 1003).await {
        Admission::Skip(outcome) => {
            assert_eq!(outcome.decision, Decision::Contained);
            assert!(outcome.steps.is_empty());
            assert!(!outcome.changed_anything());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_crashed_claim_expires_and_a_failed_one_is_given_up() {
    let ledger = MemoryLedger::default();
    let s = settings(None);
    assert!(matches!(
        admit(&ledger, "k", "k", "a", true, &s, 1000).await,
        Admission::Proceed(_)
    ));
    // The holder crashed: after its lease, the retry proceeds.
    assert!(matches!(
        admit(&ledger, "k", "k", "a", true, &s, 1000 + 91).await,
        Admission::Proceed(_)
    ));

    let Admission::Proceed(lease) = admit(&ledger, "f", "f", "a", true, &s, 2000).await else {
        panic!()
    };
    let failed = Outcome::without_steps(Decision::Failed, "verify failed");
    settle(&ledger, &lease, &failed, 2001).await.unwrap();
    assert!(matches!(
        admit(&ledger, "f", "f", "a", true, &s, 2002).await,
        Admission::Proceed(_)
    ));
}

#[tokio::test]
async fn the_breaker_trips_past_the_budget_and_only_for_containment() {
    let ledger = MemoryLedger::default();
    let s = settings(Some(3));
    let mut decisions = Vec::new();
    for key in ["a", "b", "c", "d", "e"] {
        decisions.push(
            match admit(&ledger, key, key, "111111111111", true, &s, 1000).await {
                Admission::Proceed(_) => "proceed",
                Admission::Tripped(_, reason) => {
                    assert!(reason.contains("waiting for a human"), "{reason}");
                    "tripped"
                }
                Admission::Skip(o) => panic!("{o:?}"),
            },
        );
    }
    assert_eq!(
        decisions,
        ["proceed", "proceed", "proceed", "tripped", "tripped"]
    );
    // Another account has its own budget; recording-only events spend none.
    assert!(matches!(
        admit(&ledger, "x", "x", "222222222222", true, &s, 1000).await,
        Admission::Proceed(_)
    ));
    assert!(matches!(
        admit(&ledger, "y", "y", "111111111111", false, &s, 1000).await,
        Admission::Proceed(_)
    ));
    // An hour later the window has room again.
    assert!(matches!(
        admit(&ledger, "z", "z", "111111111111", true, &s, 1000 + 3600).await,
        Admission::Proceed(_)
    ));
}

#[tokio::test]
async fn an_unreadable_ledger_means_no_action() {
    let ledger = MemoryLedger::broken();
    match admit(&ledger, "k", "k", "a", true, &settings(Some(3)), 1000).await {
        Admission::Skip(outcome) => {
            assert_eq!(outcome.decision, Decision::Failed);
            assert!(outcome.reason.contains("does not act"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_duplicate_spends_no_second_share_of_the_budget() {
    let ledger = MemoryLedger::default();
    let s = settings(Some(2));
    assert!(matches!(
        admit(&ledger, "a", "a", "111111111111", true, &s, 1000).await,
        Admission::Proceed(_)
    ));
    // The same incident again, while the first still holds it: skipped, and the
    // budget still has room for one more incident.
    assert!(matches!(
        admit(&ledger, "a", "a", "111111111111", true, &s, 1001).await,
        Admission::Skip(_)
    ));
    assert!(matches!(
        admit(&ledger, "b", "b", "111111111111", true, &s, 1002).await,
        Admission::Proceed(_)
    ));
    assert!(matches!(
        admit(&ledger, "c", "c", "111111111111", true, &s, 1003).await,
        Admission::Tripped(..)
    ));
}

#[tokio::test]
async fn each_update_of_an_incident_is_claimed_anew_but_spends_the_budget_once() {
    let ledger = MemoryLedger::default();
    let s = settings(Some(2));
    let mut decisions = Vec::new();
    // Four updates of one incident, then a second incident: the budget of two holds.
    for (key, incident) in [
        ("i/u1", "i"),
        ("i/u2", "i"),
        ("i/u3", "i"),
        ("i/u4", "i"),
        ("j/u1", "j"),
    ] {
        let admission = admit(&ledger, key, incident, "111111111111", true, &s, 1000).await;
        decisions.push(match admission {
            Admission::Proceed(lease) => {
                let done = Outcome::without_steps(Decision::Contained, "contained");
                settle(&ledger, &lease, &done, 1001).await.unwrap();
                "proceed"
            }
            Admission::Tripped(..) => "tripped",
            Admission::Skip(o) => panic!("{key}: {o:?}"),
        });
    }
    assert_eq!(decisions, ["proceed"; 5]);
    // A repeated update is still handled once.
    assert!(matches!(
        admit(&ledger, "i/u2", "i", "111111111111", true, &s, 1002).await,
        Admission::Skip(_)
    ));
}
