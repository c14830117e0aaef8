//! The exactly-once ledger on a DynamoDB table keyed by `pk` (string): one item per
//! incident (`incident#<key>`) holding its claim or outcome, and one per account
//! (`budget#<account>`) holding the containments of the rolling window and the set of
//! their incident keys, one per contained resource (`record#<subject>`) holding
//! what containment replaced, for release, and one per finding (`event#<subject>`)
//! holding the event it last came in, for a person's decision later. Every write is conditional, so concurrent
//! invocations cannot both win.

use crate::error::has_code;
use crate::port_error;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use cordon_core::ports::{Budget, Claim, IncidentLedger, PortError, PortResult};
use std::collections::HashMap;

/// Outcomes are kept this long, then DynamoDB's TTL removes them.
const RETENTION_SECS: u64 = 90 * 24 * 3600;
/// Optimistic writes of the budget item retry this often under contention.
const BUDGET_ATTEMPTS: usize = 20;
const CONDITION_FAILED: &[&str] = &["ConditionalCheckFailedException"];

mod budget;
use budget::in_window;

#[derive(Clone, Debug)]
pub struct DynamoLedger {
    client: Client,
    table: String,
}

impl DynamoLedger {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn item(&self, pk: &str) -> PortResult<Option<HashMap<String, AttributeValue>>> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| port_error("dynamodb:GetItem", e))?;
        Ok(got.item)
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn text<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> &'a str {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map_or("", String::as_str)
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> u64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn incident(key: &str) -> String {
    format!("incident#{key}")
}

fn record(subject: &str) -> String {
    format!("record#{subject}")
}

/// A record's entries are top-level attributes with this prefix, so each can be
/// written once with `if_not_exists` (a nested map would need to exist first).
const ENTRY: &str = "entry:";

impl IncidentLedger for DynamoLedger {
    async fn claim(&self, key: &str, holder: &str, now: u64, lease_secs: u64) -> PortResult<Claim> {
        let pk = incident(key);
        // Two tries: the item may change between the refused write and the read.
        for _ in 0..2 {
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .item("pk", s(&pk))
                .item("status", s("claimed"))
                .item("holder", s(holder))
                .item("lease_until", n(now + lease_secs))
                .item("expires_at", n(now + RETENTION_SECS))
                .condition_expression(
                    "attribute_not_exists(pk) OR #status = :abandoned OR (#status = :claimed AND lease_until < :now)",
                )
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":abandoned", s("abandoned"))
                .expression_attribute_values(":claimed", s("claimed"))
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            match put {
                Ok(_) => return Ok(Claim::Acquired),
                Err(err) if has_code(&err, CONDITION_FAILED) => {}
                Err(err) => return Err(port_error("dynamodb:PutItem", err)),
            }
            let Some(item) = self.item(&pk).await? else {
                continue;
            };
            match text(&item, "status") {
                "completed" => {
                    return Ok(Claim::Completed {
                        decision: text(&item, "decision").to_owned(),
                        completed_at: number(&item, "completed_at"),
                    });
                }
                "claimed" if number(&item, "lease_until") >= now => {
                    return Ok(Claim::InProgress {
                        lease_until: number(&item, "lease_until"),
                    });
                }
                _ => continue,
            }
        }
        // The item changed under both attempts: contention, which a retry resolves.
        Err(PortError {
            operation: "dynamodb:PutItem",
            code: None,
            message: format!("the claim on {key} kept changing under two attempts"),
            transient: true,
        })
    }

    async fn complete(
        &self,
        key: &str,
        holder: &str,
        decision: &str,
        record: &str,
        now: u64,
    ) -> PortResult<()> {
        // DynamoDB items hold at most 400 KB.
        let record: String = record.chars().take(300_000).collect();
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&incident(key)))
            .update_expression(
                "SET #status = :completed, decision = :decision, completed_at = :now, steps = :steps",
            )
            .condition_expression("holder = :holder")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":completed", s("completed"))
            .expression_attribute_values(":decision", s(decision))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":steps", s(&record))
            .expression_attribute_values(":holder", s(holder))
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("dynamodb:UpdateItem", e))
    }

    async fn abandon(&self, key: &str, holder: &str) -> PortResult<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&incident(key)))
            .update_expression("SET #status = :abandoned")
            .condition_expression("holder = :holder AND #status = :claimed")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":abandoned", s("abandoned"))
            .expression_attribute_values(":claimed", s("claimed"))
            .expression_attribute_values(":holder", s(holder))
            .send()
            .await;
        match result {
            // Someone else holds it now, or it completed: nothing of ours to give up.
            Err(err) if has_code(&err, CONDITION_FAILED) => Ok(()),
            other => other
                .map(drop)
                .map_err(|e| port_error("dynamodb:UpdateItem", e)),
        }
    }

    async fn spend(
        &self,
        account: &str,
        key: &str,
        now: u64,
        window_secs: u64,
        budget: u32,
    ) -> PortResult<Budget> {
        let pk = format!("budget#{account}");
        if let Some(granted) = self
            .spend_at_once(&pk, key, now, window_secs, budget)
            .await?
        {
            return Ok(granted);
        }
        for _ in 0..BUDGET_ATTEMPTS {
            let item = self.item(&pk).await?;
            let version = item.as_ref().map_or(0, |i| number(i, "version"));
            // Entries are "<epoch seconds>#<incident key>".
            let mut entries: Vec<String> = item
                .as_ref()
                .and_then(|i| i.get("spent"))
                .and_then(|v| v.as_l().ok())
                .map(|l| l.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
                .unwrap_or_default();
            entries.retain(|entry| in_window(entry, now, window_secs));
            if entries
                .iter()
                .any(|e| e.split_once('#').is_some_and(|(_, k)| k == key))
            {
                return Ok(Budget::Spent {
                    used: entries.len(),
                });
            }
            if entries.len() >= budget as usize {
                return Ok(Budget::Exhausted {
                    used: entries.len(),
                });
            }
            entries.push(format!("{now}#{key}"));
            let keys = entries
                .iter()
                .filter_map(|e| e.split_once('#').map(|(_, k)| k.to_owned()))
                .collect();
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .item("pk", s(&pk))
                .item("version", n(version + 1))
                .item(
                    "spent",
                    AttributeValue::L(entries.iter().map(|e| s(e)).collect()),
                )
                .item("spent_keys", AttributeValue::Ss(keys))
                .item("expires_at", n(now + RETENTION_SECS))
                .condition_expression("attribute_not_exists(pk) OR version = :version")
                .expression_attribute_values(":version", n(version))
                .send()
                .await;
            match put {
                Ok(_) => {
                    return Ok(Budget::Spent {
                        used: entries.len(),
                    });
                }
                Err(err) if has_code(&err, CONDITION_FAILED) => continue,
                Err(err) => return Err(port_error("dynamodb:PutItem", err)),
            }
        }
        Err(PortError {
            operation: "dynamodb:PutItem",
            code: None,
            message: format!(
                "the budget of {account} kept changing under {BUDGET_ATTEMPTS} attempts"
            ),
            transient: true,
        })
    }

    /// One update: each entry set only if absent, so the first containment's stands.
    /// Records never expire: an instance can stay contained for longer than outcomes
    /// are kept, and release needs its record then.
    async fn keep_record(&self, subject: &str, entries: &[(String, String)]) -> PortResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = (0..entries.len())
            .map(|i| format!("#e{i} = if_not_exists(#e{i}, :e{i})"))
            .collect();
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&record(subject)))
            .update_expression(format!("SET {}", sets.join(", ")));
        for (i, (name, value)) in entries.iter().enumerate() {
            update = update
                .expression_attribute_names(format!("#e{i}"), format!("{ENTRY}{name}"))
                .expression_attribute_values(format!(":e{i}"), s(value));
        }
        update
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("dynamodb:UpdateItem", e))
    }

    async fn kept_record(&self, subject: &str) -> PortResult<Vec<(String, String)>> {
        let item = self.item(&record(subject)).await?.unwrap_or_default();
        Ok(item
            .iter()
            .filter_map(|(name, value)| {
                let name = name.strip_prefix(ENTRY)?;
                Some((name.to_owned(), value.as_s().ok()?.clone()))
            })
            .collect())
    }

    /// Overwrites: the latest update of a finding is the one people decide on. Kept
    /// as long as outcomes are.
    async fn remember_event(&self, subject: &str, event: &str) -> PortResult<()> {
        let now = cordon_core::admission::epoch_now();
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(&format!("event#{subject}")))
            .item("event", s(event))
            .item("expires_at", n(now + RETENTION_SECS))
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("dynamodb:PutItem", e))
    }

    async fn remembered_event(&self, subject: &str) -> PortResult<Option<String>> {
        let item = self.item(&format!("event#{subject}")).await?;
        Ok(item.map(|item| text(&item, "event").to_owned()))
    }

    async fn forget_record(&self, subject: &str) -> PortResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(&record(subject)))
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("dynamodb:DeleteItem", e))
    }
}

/// The ledger a function uses: the DynamoDB table when one is configured, none in a
/// local replay without one.
pub type AwsLedger = Option<DynamoLedger>;

/// The ledger on `table`, if one is configured.
pub fn ledger_on(clients: &crate::Clients, table: Option<String>) -> AwsLedger {
    table.map(|table| DynamoLedger::new(clients.dynamodb.clone(), table))
}
