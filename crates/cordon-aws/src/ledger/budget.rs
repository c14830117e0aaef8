//! The blast-radius budget's fast path: one conditional write in the common case.

use super::{CONDITION_FAILED, DynamoLedger, RETENTION_SECS, n, s};
use crate::error::has_code;
use crate::port_error;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use cordon_core::ports::{Budget, PortResult};

impl DynamoLedger {
    /// The budget spent in one conditional write, the common case on the critical
    /// path: it appends while the list, stale entries included, is under budget and
    /// does not hold this incident. `None` sends the caller to the read-prune-write
    /// path (a full list that may hold stale entries, this incident already counted, or
    /// an item from before `spent_keys` existed). `version` goes up with every write,
    /// so that path's optimistic writes see this one.
    pub(super) async fn spend_at_once(
        &self,
        pk: &str,
        key: &str,
        now: u64,
        window_secs: u64,
        budget: u32,
    ) -> PortResult<Option<Budget>> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .update_expression(
                "SET spent = list_append(if_not_exists(spent, :empty), :entry), expires_at = :expires \
                 ADD version :one, spent_keys :keys",
            )
            .condition_expression(
                "attribute_not_exists(spent) OR (attribute_exists(spent_keys) \
                 AND size(spent) < :budget AND NOT contains(spent_keys, :key))",
            )
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":entry", AttributeValue::L(vec![s(&format!("{now}#{key}"))]))
            .expression_attribute_values(":expires", n(now + RETENTION_SECS))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":keys", AttributeValue::Ss(vec![key.to_owned()]))
            .expression_attribute_values(":key", s(key))
            .expression_attribute_values(":budget", n(u64::from(budget)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match updated {
            Ok(out) => {
                let used = out
                    .attributes()
                    .and_then(|item| item.get("spent"))
                    .and_then(|v| v.as_l().ok())
                    .map_or(1, |entries| {
                        entries
                            .iter()
                            .filter_map(|e| e.as_s().ok())
                            .filter(|e| in_window(e, now, window_secs))
                            .count()
                    });
                Ok(Some(Budget::Spent { used }))
            }
            Err(err) if has_code(&err, CONDITION_FAILED) => Ok(None),
            Err(err) => Err(port_error("dynamodb:UpdateItem", err)),
        }
    }
}

/// Whether a budget entry `<epoch seconds>#<incident key>` falls in the window.
pub(super) fn in_window(entry: &str, now: u64, window_secs: u64) -> bool {
    entry
        .split_once('#')
        .and_then(|(at, _)| at.parse::<u64>().ok())
        .is_some_and(|at| at + window_secs > now)
}
