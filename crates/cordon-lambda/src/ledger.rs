//! The ledger around handling, as every function uses it: admit before acting or
//! recording, settle after.

use cordon_core::Outcome;
use cordon_core::admission::{Admission, Lease, admit, epoch_now, settle};
use cordon_core::ports::IncidentLedger;
use tracing::{info, warn};

/// Asks the ledger whether this invocation may handle `key`. `contains` spends the
/// account's blast-radius budget, once per `incident`.
pub async fn admit_incident<L: IncidentLedger>(
    ledger: &L,
    key: &str,
    incident: &str,
    account: &str,
    contains: bool,
    config: &crate::FunctionConfig,
) -> Admission {
    let admission = admit(
        ledger,
        key,
        incident,
        account,
        contains,
        &config.ledger(),
        epoch_now(),
    )
    .await;
    match &admission {
        Admission::Skip(outcome) => info!(key, reason = %outcome.reason, "not handled again"),
        Admission::Tripped(_, reason) => warn!(key, reason = %reason, "breaker tripped"),
        Admission::Proceed(_) => {}
    }
    admission
}

/// Settles the lease with the outcome; a failure is logged, as the lease runs out by
/// itself and a retry finds every step done.
pub async fn settle_incident<L: IncidentLedger>(ledger: &L, lease: &Lease, outcome: &Outcome) {
    if let Err(err) = settle(ledger, lease, outcome, epoch_now()).await {
        warn!(key = %lease.key, error = %err, "could not settle the ledger");
    }
}
