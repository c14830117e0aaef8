//! Exactly once, within a budget: before acting, an invocation claims the incident in
//! the ledger; past the blast-radius budget cordon only observes and asks a human.

use crate::ports::{Budget, Claim, IncidentLedger};
use crate::{Decision, Outcome};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerSettings {
    /// How long a claim holds before another invocation may take over: longer than
    /// the function's timeout, so a live invocation never loses its claim.
    pub lease_secs: u64,
    /// Containments allowed per account in `window_secs`; `None` turns the breaker off.
    pub breaker_budget: Option<u32>,
    pub window_secs: u64,
}

impl Default for LedgerSettings {
    fn default() -> Self {
        Self {
            lease_secs: 90,
            breaker_budget: None,
            window_secs: 3600,
        }
    }
}

/// This invocation's claim on an incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub key: String,
    pub holder: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Admission {
    /// Act, then settle the lease.
    Proceed(Lease),
    /// Past the budget: observe, record that a human must decide, then settle.
    Tripped(Lease, String),
    /// Nothing to do here: the outcome says why (a duplicate, or no ledger).
    Skip(Outcome),
}

/// A holder id unique to this invocation.
fn holder() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Claims `key` (one update of an incident), and when `contains` (an action, not only
/// a record) spends one containment of `account`'s budget for `incident`: updates of
/// an incident that goes on are decided anew but counted once. A duplicate delivery
/// finds the update in progress or done and does nothing; a crashed invocation's lease
/// runs out so the retry can finish; an unreadable ledger means no action.
pub async fn admit<L: IncidentLedger>(
    ledger: &L,
    key: &str,
    incident: &str,
    account: &str,
    contains: bool,
    settings: &LedgerSettings,
    now: u64,
) -> Admission {
    let lease = Lease {
        key: key.to_owned(),
        holder: holder(),
    };
    // The budget is spent alongside the claim, not after it: both are on the critical
    // path before isolation. Spending is idempotent per incident key, so a duplicate
    // that loses the claim spends nothing twice; a spend for an incident that is then
    // not acted on only makes the breaker trip sooner, never later.
    let budget = settings.breaker_budget.filter(|_| contains);
    let spending = async {
        match budget {
            Some(budget) => Some(
                ledger
                    .spend(account, incident, now, settings.window_secs, budget)
                    .await,
            ),
            None => None,
        }
    };
    // Boxed: the SDK's request futures are large, and two side by side inline would
    // overflow a 2 MiB thread stack in debug builds.
    let (claim, spent) = futures_util::join!(
        Box::pin(ledger.claim(key, &lease.holder, now, settings.lease_secs)),
        Box::pin(spending)
    );
    match claim {
        Ok(Claim::Acquired) => {}
        Ok(Claim::InProgress { lease_until }) => {
            return Admission::Skip(Outcome::without_steps(
                Decision::Ignored,
                format!(
                    "{key} is in progress by another invocation (its claim runs {} s more); nothing done twice",
                    lease_until.saturating_sub(now)
                ),
            ));
        }
        Ok(Claim::Completed {
            decision,
            completed_at,
        }) => {
            return Admission::Skip(Outcome::without_steps(
                Decision::parse(&decision).unwrap_or(Decision::Observed),
                format!(
                    "{key} was handled {} s ago ({decision}); a repeated delivery does nothing",
                    now.saturating_sub(completed_at)
                ),
            ));
        }
        Err(err) => {
            return Admission::Skip(Outcome::without_steps(
                Decision::Failed,
                format!("the ledger could not be read, so cordon does not act: {err}"),
            ));
        }
    }
    let (Some(budget), Some(spent)) = (budget, spent) else {
        return Admission::Proceed(lease);
    };
    match spent {
        Ok(Budget::Spent { .. }) => Admission::Proceed(lease),
        Ok(Budget::Exhausted { used }) => Admission::Tripped(
            lease,
            format!(
                "blast-radius breaker: {used} containments in account {account} in the last {} min \
                 (budget {budget}); containment is waiting for a human to approve",
                settings.window_secs / 60
            ),
        ),
        Err(err) => {
            let _ = ledger.abandon(key, &lease.holder).await;
            Admission::Skip(Outcome::without_steps(
                Decision::Failed,
                format!("the blast-radius budget could not be read, so cordon does not act: {err}"),
            ))
        }
    }
}

/// Completes the lease with the outcome, or gives it up when the outcome failed so
/// the retry can start at once. A ledger failure here does not undo containment: the
/// lease runs out and a retry finds every step already done.
pub async fn settle<L: IncidentLedger>(
    ledger: &L,
    lease: &Lease,
    outcome: &Outcome,
    now: u64,
) -> Result<(), String> {
    let result = if outcome.decision == Decision::Failed {
        ledger.abandon(&lease.key, &lease.holder).await
    } else {
        let record = serde_json::to_string(&outcome.steps).unwrap_or_default();
        ledger
            .complete(
                &lease.key,
                &lease.holder,
                outcome.decision.as_str(),
                &record,
                now,
            )
            .await
    };
    result.map_err(|e| e.to_string())
}

/// Seconds since the Unix epoch, for leases and the budget window.
pub fn epoch_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
#[path = "admission_tests.rs"]
mod tests;
