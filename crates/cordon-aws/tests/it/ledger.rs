//! `DynamoLedger` against the emulator's DynamoDB: claims, leases, completion, and a
//! budget that concurrent invocations cannot overspend.

use crate::support::{clients, unique};
use aws_sdk_dynamodb::types::AttributeValue;
use cordon_aws::DynamoLedger;
use cordon_core::ports::{Budget, Claim, IncidentLedger};
use cordon_fixtures::create_ledger_table;
use futures_util::future::join_all;

async fn ledger() -> DynamoLedger {
    let clients = clients().await;
    let table = unique("cordon-ledger");
    create_ledger_table(&clients.dynamodb, &table)
        .await
        .unwrap();
    DynamoLedger::new(clients.dynamodb.clone(), table)
}

#[tokio::test]
async fn one_holder_at_a_time_until_completed_or_the_lease_runs_out() {
    let ledger = ledger().await;
    assert_eq!(
        ledger.claim("k", "a", 1000, 90).await.unwrap(),
        Claim::Acquired
    );
    assert_eq!(
        ledger.claim("k", "b", 1010, 90).await.unwrap(),
        Claim::InProgress { lease_until: 1090 }
    );
    // a crashed: once its lease ran out, b takes over.
    assert_eq!(
        ledger.claim("k", "b", 1091, 90).await.unwrap(),
        Claim::Acquired
    );
    // a cannot complete what it no longer holds.
    assert!(
        ledger
            .complete("k", "a", "contained", "[]", 1092)
            .await
            .is_err()
    );
    ledger
        .complete("k", "b", "contained", "[]", 1100)
        .await
        .unwrap();
    assert_eq!(
        ledger.claim("k", "c", 5000, 90).await.unwrap(),
        Claim::Completed {
            decision: "contained".into(),
            completed_at: 1100
        }
    );
}

#[tokio::test]
async fn an_abandoned_claim_is_free_at_once() {
    let ledger = ledger().await;
    assert_eq!(
        ledger.claim("k", "a", 1000, 90).await.unwrap(),
        Claim::Acquired
    );
    ledger.abandon("k", "b").await.unwrap();
    assert!(matches!(
        ledger.claim("k", "c", 1001, 90).await.unwrap(),
        Claim::InProgress { .. }
    ));
    ledger.abandon("k", "a").await.unwrap();
    assert_eq!(
        ledger.claim("k", "c", 1002, 90).await.unwrap(),
        Claim::Acquired
    );
}

#[tokio::test]
async fn concurrent_claims_have_exactly_one_winner() {
    let ledger = ledger().await;
    let holders: Vec<String> = (0..8).map(|i| format!("h{i}")).collect();
    let claims = join_all(holders.iter().map(|h| ledger.claim("race", h, 1000, 90))).await;
    let won = claims
        .iter()
        .filter(|c| *c.as_ref().unwrap() == Claim::Acquired)
        .count();
    assert_eq!(won, 1, "{claims:?}");
}

#[tokio::test]
async fn concurrent_containments_cannot_overspend_the_budget() {
    let ledger = ledger().await;
    let account = "111111111111";
    let keys: Vec<String> = (0..10).map(|i| format!("incident-{i}")).collect();
    let results = join_all(keys.iter().map(|k| ledger.spend(account, k, 1000, 3600, 3))).await;
    let spent = results
        .iter()
        .filter(|r| matches!(r.as_ref().unwrap(), Budget::Spent { .. }))
        .count();
    assert_eq!(spent, 3, "{results:?}");
    // The same incident again is not a new containment; an hour later there is room.
    let first_spent = keys
        .iter()
        .zip(&results)
        .find(|(_, r)| matches!(r.as_ref().unwrap(), Budget::Spent { .. }))
        .map(|(k, _)| k.clone())
        .unwrap();
    assert!(matches!(
        ledger
            .spend(account, &first_spent, 1001, 3600, 3)
            .await
            .unwrap(),
        Budget::Spent { used: 3 }
    ));
    assert!(matches!(
        ledger
            .spend(account, "later", 1000 + 3600, 3600, 3)
            .await
            .unwrap(),
        Budget::Spent { used: 1 }
    ));
}

#[tokio::test]
async fn the_same_incident_spends_once_whichever_path_counts_it() {
    let clients = clients().await;
    let table = unique("cordon-ledger");
    create_ledger_table(&clients.dynamodb, &table)
        .await
        .unwrap();
    let ledger = DynamoLedger::new(clients.dynamodb.clone(), &table);
    let account = "111111111111";
    // Under budget: the one-write path counts it, and a repeat is not a second spend.
    for now in [1000, 1001] {
        assert_eq!(
            ledger.spend(account, "a", now, 3600, 5).await.unwrap(),
            Budget::Spent { used: 1 }
        );
    }
    // One write, not read-prune-write: a stale entry stays until the list is full.
    let stale = unique("stale");
    assert!(ledger.spend(&stale, "old", 1, 3600, 5).await.is_ok());
    assert_eq!(
        ledger.spend(&stale, "new", 100_000, 3600, 5).await.unwrap(),
        Budget::Spent { used: 1 }
    );
    let entries = |item: &std::collections::HashMap<String, AttributeValue>| {
        item["spent"].as_l().unwrap().len()
    };
    let read = |account: String| {
        let client = clients.dynamodb.clone();
        let table = table.clone();
        async move {
            client
                .get_item()
                .table_name(&table)
                .key("pk", AttributeValue::S(format!("budget#{account}")))
                .send()
                .await
                .unwrap()
                .item
                .unwrap()
        }
    };
    assert_eq!(entries(&read(stale).await), 2);
    // An item written before the key set existed is read, pruned and rewritten.
    let old = unique("old");
    clients
        .dynamodb
        .put_item()
        .table_name(&table)
        .item("pk", AttributeValue::S(format!("budget#{old}")))
        .item("version", AttributeValue::N("1".into()))
        .item(
            "spent",
            AttributeValue::L(vec![AttributeValue::S("1000#a".into())]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        ledger.spend(&old, "a", 1001, 3600, 5).await.unwrap(),
        Budget::Spent { used: 1 }
    );
    assert_eq!(
        ledger.spend(&old, "b", 1002, 3600, 5).await.unwrap(),
        Budget::Spent { used: 2 }
    );
    let item = read(old).await;
    assert_eq!(entries(&item), 2, "{item:?}");
    let mut keys = item["spent_keys"].as_ss().unwrap().clone();
    keys.sort();
    assert_eq!(keys, ["a", "b"]);
}

#[tokio::test]
async fn a_release_record_keeps_each_first_entry_until_it_is_forgotten() {
    let ledger = ledger().await;
    let entry = |name: &str, value: &str| (name.to_owned(), value.to_owned());
    assert!(ledger.kept_record("1/i-1").await.unwrap().is_empty());
    ledger
        .keep_record(
            "1/i-1",
            &[entry("eni-1|cordon:original-groups", "sg-a,sg-b")],
        )
        .await
        .unwrap();
    // A retry sees the isolated state; it must not replace what the first run saw.
    ledger
        .keep_record(
            "1/i-1",
            &[
                entry("eni-1|cordon:original-groups", "sg-deny"),
                entry(
                    "i-1|cordon:instance-profile",
                    "arn:aws:iam::1:instance-profile/p",
                ),
            ],
        )
        .await
        .unwrap();
    let mut kept = ledger.kept_record("1/i-1").await.unwrap();
    kept.sort();
    assert_eq!(
        kept,
        [
            entry("eni-1|cordon:original-groups", "sg-a,sg-b"),
            entry(
                "i-1|cordon:instance-profile",
                "arn:aws:iam::1:instance-profile/p"
            ),
        ]
    );
    ledger.forget_record("1/i-1").await.unwrap();
    assert!(ledger.kept_record("1/i-1").await.unwrap().is_empty());
}
