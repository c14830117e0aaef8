//! An in-memory incident ledger with DynamoDB's semantics: claims, the breaker's
//! budget, and release records whose entries are never overwritten.

use crate::ports::{Budget, Claim, IncidentLedger, PortError, PortResult};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// (status, holder, lease_until, decision, completed_at)
type Entry = (String, String, u64, String, u64);

#[derive(Default)]
pub struct MemoryLedger {
    claims: Mutex<BTreeMap<String, Entry>>,
    /// account -> (time, key)
    spent: Mutex<BTreeMap<String, Vec<(u64, String)>>>,
    /// Release records: subject -> entries.
    records: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    /// Remembered events: subject -> event.
    events: Mutex<BTreeMap<String, String>>,
    /// Every claim fails, as with a ledger cordon may not read.
    broken: bool,
}

impl MemoryLedger {
    /// A ledger whose every claim fails, as one cordon may not read.
    pub fn broken() -> Self {
        Self {
            broken: true,
            ..Self::default()
        }
    }
}

impl IncidentLedger for MemoryLedger {
    async fn claim(&self, key: &str, holder: &str, now: u64, lease: u64) -> PortResult<Claim> {
        if self.broken {
            return Err(PortError {
                operation: "dynamodb:PutItem",
                code: Some("AccessDeniedException".into()),
                message: "no".into(),
                transient: false,
            });
        }
        let mut claims = self.claims.lock().unwrap();
        match claims.get(key) {
            Some((status, _, _, decision, at)) if status == "completed" => {
                return Ok(Claim::Completed {
                    decision: decision.clone(),
                    completed_at: *at,
                });
            }
            Some((status, _, until, _, _)) if status == "claimed" && *until > now => {
                return Ok(Claim::InProgress {
                    lease_until: *until,
                });
            }
            _ => {}
        }
        claims.insert(
            key.into(),
            (
                "claimed".into(),
                holder.into(),
                now + lease,
                String::new(),
                0,
            ),
        );
        Ok(Claim::Acquired)
    }

    async fn complete(
        &self,
        key: &str,
        holder: &str,
        decision: &str,
        _: &str,
        now: u64,
    ) -> PortResult<()> {
        let mut claims = self.claims.lock().unwrap();
        let entry = claims.get_mut(key).filter(|c| c.1 == holder).expect("held");
        *entry = ("completed".into(), holder.into(), 0, decision.into(), now);
        Ok(())
    }

    async fn abandon(&self, key: &str, holder: &str) -> PortResult<()> {
        let mut claims = self.claims.lock().unwrap();
        if claims.get(key).is_some_and(|c| c.1 == holder) {
            claims.remove(key);
        }
        Ok(())
    }

    async fn spend(
        &self,
        account: &str,
        key: &str,
        now: u64,
        window: u64,
        budget: u32,
    ) -> PortResult<Budget> {
        let mut spent = self.spent.lock().unwrap();
        let entries = spent.entry(account.into()).or_default();
        entries.retain(|(at, _)| *at + window > now);
        if entries.iter().any(|(_, k)| k == key) {
            return Ok(Budget::Spent {
                used: entries.len(),
            });
        }
        if entries.len() >= budget as usize {
            return Ok(Budget::Exhausted {
                used: entries.len(),
            });
        }
        entries.push((now, key.into()));
        Ok(Budget::Spent {
            used: entries.len(),
        })
    }

    async fn keep_record(&self, subject: &str, entries: &[(String, String)]) -> PortResult<()> {
        let mut records = self.records.lock().unwrap();
        let record = records.entry(subject.into()).or_default();
        for (name, value) in entries {
            record.entry(name.clone()).or_insert_with(|| value.clone());
        }
        Ok(())
    }

    async fn kept_record(&self, subject: &str) -> PortResult<Vec<(String, String)>> {
        let records = self.records.lock().unwrap();
        Ok(records
            .get(subject)
            .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn forget_record(&self, subject: &str) -> PortResult<()> {
        self.records.lock().unwrap().remove(subject);
        Ok(())
    }

    async fn remember_event(&self, subject: &str, event: &str) -> PortResult<()> {
        let mut events = self.events.lock().unwrap();
        events.insert(subject.into(), event.into());
        Ok(())
    }

    async fn remembered_event(&self, subject: &str) -> PortResult<Option<String>> {
        Ok(self.events.lock().unwrap().get(subject).cloned())
    }
}
