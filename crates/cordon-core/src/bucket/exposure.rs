//! What the bucket function answers: a bucket opened to the world, or the account's
//! block switched off. One finding is one of the two, decided by its type alone.

use super::account::{self, ACCOUNT_TYPE, AccountBlockIncident};
use super::{BucketIncident, triage::triage_bucket};
use crate::Verdict;
use crate::guardduty::TriagePolicy;
use cordon_events::{AccountId, GuardDutyFinding};

#[derive(Clone, Debug, PartialEq)]
pub enum Exposure {
    Bucket(BucketIncident),
    Account(AccountBlockIncident),
}

impl Exposure {
    /// `None` when a bucket finding names no bucket; `Some(Err)` says why the bucket
    /// it names is not one cordon may act on. An account finding always has its
    /// account.
    pub fn from_finding(finding: &GuardDutyFinding) -> Option<Result<Self, String>> {
        if finding.finding_type == ACCOUNT_TYPE {
            return Some(Ok(Self::Account(AccountBlockIncident::from_finding(
                finding,
            ))));
        }
        BucketIncident::from_finding(finding).map(|found| found.map(Self::Bucket))
    }

    pub fn finding_id(&self) -> &str {
        match self {
            Self::Bucket(b) => &b.finding_id,
            Self::Account(a) => &a.finding_id,
        }
    }

    pub fn account_id(&self) -> &AccountId {
        match self {
            Self::Bucket(b) => &b.account_id,
            Self::Account(a) => &a.account_id,
        }
    }

    /// What the incident is about, in its ledger key: the bucket's name, or
    /// `account-block/<account>` (no bucket name has a slash).
    pub fn target_key(&self) -> String {
        match self {
            Self::Bucket(b) => b.bucket.to_string(),
            Self::Account(a) => format!("account-block/{}", a.account_id),
        }
    }

    /// What the incident is about, for people.
    pub fn subject(&self) -> String {
        match self {
            Self::Bucket(b) => format!("bucket {}", b.bucket),
            Self::Account(a) => format!("account {}'s S3 Block Public Access", a.account_id),
        }
    }
}

/// Triage of a finding the bucket function receives: the account's block by its own
/// rules (`account::triage`), a bucket by the bucket's.
pub fn triage(
    finding: &GuardDutyFinding,
    policy: &TriagePolicy,
    break_glass: &[String],
) -> Verdict {
    if finding.finding_type == ACCOUNT_TYPE {
        return account::triage(finding, policy, break_glass);
    }
    triage_bucket(finding, policy)
}
