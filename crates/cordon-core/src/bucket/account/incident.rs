//! The facts about one account-block finding: the account (GuardDuty's `accountId`,
//! which triage has screened against the allow-list) and who switched the block off.

use super::super::caller::{caller, changed_by};
use crate::ports::Principal;
use cordon_events::{AccountId, GuardDutyFinding};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountBlockIncident {
    pub finding_id: String,
    pub finding_arn: String,
    pub finding_type: String,
    pub severity: f64,
    /// The account whose block was switched off: the one cordon turns it on in.
    pub account_id: AccountId,
    pub region: String,
    pub updated_at: String,
    /// Who made the call GuardDuty saw (`mallory (IAMUser, AKIA…) called
    /// PutAccountPublicAccessBlock from 192.0.2.1`), when the finding says.
    pub changed_by: Option<String>,
    /// The IAM user or role behind that call, for the break-glass rule.
    #[serde(skip)]
    pub caller: Option<Principal>,
}

impl AccountBlockIncident {
    /// Whatever resource the finding carries (GuardDuty documents `AccessKey` for
    /// findings from management events; older findings say `S3Bucket` and list
    /// buckets), the account is the finding's own: the buckets it lists are not acted on.
    pub fn from_finding(finding: &GuardDutyFinding) -> Self {
        Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: finding.region.clone(),
            updated_at: finding.updated_at.clone(),
            changed_by: changed_by(finding),
            caller: caller(finding),
        }
    }

    /// The account as Security Hub names it (`AwsAccount` resources).
    pub fn resource_id(&self) -> String {
        format!("AWS::::Account:{}", self.account_id)
    }
}
