//! What cordon does when an account's block was switched off, as data: one step, the
//! account's block on, all four settings. No bucket's own settings change.

use super::AccountBlockIncident;
use crate::{Plan, Step, StepKind};

pub fn plan(incident: &AccountBlockIncident) -> Plan {
    let account = incident.account_id.to_string();
    Plan {
        steps: vec![Step {
            kind: StepKind::BlockAccountPublicAccess,
            target: account.clone(),
            detail: format!(
                "record account {account}'s S3 Block Public Access, turn all four settings on \
                 (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) \
                 with S3 Control and read it back; no bucket's own block, policy, ACL or objects \
                 are touched"
            ),
        }],
    }
}
