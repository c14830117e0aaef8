//! The incident ledger: claims that make handling exactly-once, and the breaker's budget.

use super::PortResult;
use std::future::Future;

/// Who may work on an incident now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This invocation holds the incident until its lease ends.
    Acquired,
    /// Another invocation holds it; its lease ends at `lease_until` (epoch seconds).
    InProgress { lease_until: u64 },
    /// Handled before: the decision it came to, and when (epoch seconds).
    Completed { decision: String, completed_at: u64 },
}

/// The blast-radius budget after asking to spend one containment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Granted (or this incident was already counted); `used` includes it.
    Spent { used: usize },
    /// The window's containments are used up: a human must decide.
    Exhausted { used: usize },
}

/// The exactly-once ledger: one claim per incident, completed incidents remembered,
/// and the containments per account in a rolling window counted.
pub trait IncidentLedger: Send + Sync {
    /// Claims `key` for `holder` until `now + lease_secs`, unless another holder's
    /// lease is still running or the incident is completed.
    fn claim(
        &self,
        key: &str,
        holder: &str,
        now: u64,
        lease_secs: u64,
    ) -> impl Future<Output = PortResult<Claim>> + Send;

    /// Marks `key` completed with `decision` and what was done (for release).
    fn complete(
        &self,
        key: &str,
        holder: &str,
        decision: &str,
        record: &str,
        now: u64,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Gives the claim up at once, so a retry need not wait for the lease to end.
    fn abandon(&self, key: &str, holder: &str) -> impl Future<Output = PortResult<()>> + Send;

    /// Counts one containment of `key` in `account` if fewer than `budget` happened
    /// in the `window_secs` before `now`. Counting the same key twice is one.
    fn spend(
        &self,
        account: &str,
        key: &str,
        now: u64,
        window_secs: u64,
        budget: u32,
    ) -> impl Future<Output = PortResult<Budget>> + Send;

    /// Keeps what containment replaced on `subject` (release restores from it), entry
    /// by entry: an entry kept before is never overwritten, as the first containment
    /// saw the state before any change.
    fn keep_record(
        &self,
        subject: &str,
        entries: &[(String, String)],
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// The entries kept for `subject`; none when nothing was kept.
    fn kept_record(
        &self,
        subject: &str,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    /// Forgets `subject`'s record once it is released, so a later containment keeps
    /// the state of its own time.
    fn forget_record(&self, subject: &str) -> impl Future<Output = PortResult<()>> + Send;

    /// Remembers the event an incident came in, latest first, so a person's decision
    /// later (a Security Hub custom action) can run it again.
    fn remember_event(
        &self,
        subject: &str,
        event: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// The event remembered for `subject`, if any.
    fn remembered_event(
        &self,
        subject: &str,
    ) -> impl Future<Output = PortResult<Option<String>>> + Send;
}

/// `None` is no ledger configured (a local replay): every claim is granted and every
/// budget spent, so handling runs as it would without exactly-once bookkeeping.
impl<L: IncidentLedger> IncidentLedger for Option<L> {
    async fn claim(&self, key: &str, holder: &str, now: u64, lease_secs: u64) -> PortResult<Claim> {
        match self {
            Some(ledger) => ledger.claim(key, holder, now, lease_secs).await,
            None => Ok(Claim::Acquired),
        }
    }

    async fn complete(
        &self,
        key: &str,
        holder: &str,
        decision: &str,
        record: &str,
        now: u64,
    ) -> PortResult<()> {
        match self {
            Some(ledger) => ledger.complete(key, holder, decision, record, now).await,
            None => Ok(()),
        }
    }

    async fn abandon(&self, key: &str, holder: &str) -> PortResult<()> {
        match self {
            Some(ledger) => ledger.abandon(key, holder).await,
            None => Ok(()),
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
        match self {
            Some(ledger) => ledger.spend(account, key, now, window_secs, budget).await,
            None => Ok(Budget::Spent { used: 0 }),
        }
    }

    async fn keep_record(&self, subject: &str, entries: &[(String, String)]) -> PortResult<()> {
        match self {
            Some(ledger) => ledger.keep_record(subject, entries).await,
            None => Ok(()),
        }
    }

    async fn kept_record(&self, subject: &str) -> PortResult<Vec<(String, String)>> {
        match self {
            Some(ledger) => ledger.kept_record(subject).await,
            None => Ok(Vec::new()),
        }
    }

    async fn forget_record(&self, subject: &str) -> PortResult<()> {
        match self {
            Some(ledger) => ledger.forget_record(subject).await,
            None => Ok(()),
        }
    }

    async fn remember_event(&self, subject: &str, event: &str) -> PortResult<()> {
        match self {
            Some(ledger) => ledger.remember_event(subject, event).await,
            None => Ok(()),
        }
    }

    async fn remembered_event(&self, subject: &str) -> PortResult<Option<String>> {
        match self {
            Some(ledger) => ledger.remembered_event(subject).await,
            None => Ok(None),
        }
    }
}
