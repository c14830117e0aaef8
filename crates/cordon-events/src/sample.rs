//! GuardDuty's own sample findings (`CreateSampleFindings`, the console's "Generate
//! sample findings") carry placeholders where ids would be: `GeneratedFindingVPCId`,
//! `GeneratedFindingSecurityId`, `GeneratedFindingAccessKeyId`. They are recognised by
//! their sample flag before any id is validated, and kept only as what they are: a
//! sample, with nothing real to act on.

use crate::guardduty::AdditionalInfo;
use crate::{AccountId, ParseError};
use serde::Deserialize;
use serde_json::Value;

/// A sample finding, reduced to what says which sample it is.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleFinding {
    pub id: String,
    pub account_id: AccountId,
    pub region: String,
    pub finding_type: String,
    pub severity: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Flags {
    #[serde(default)]
    service: Option<ServiceFlags>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceFlags {
    #[serde(default)]
    additional_info: Option<AdditionalInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Essentials {
    id: String,
    account_id: AccountId,
    region: String,
    #[serde(rename = "type")]
    finding_type: String,
    severity: f64,
}

/// The detail as a sample finding, when GuardDuty flagged it as one.
pub(crate) fn sample_finding(detail: &Value) -> Option<Result<SampleFinding, ParseError>> {
    let flags = Flags::deserialize(detail).ok()?;
    let is_sample = flags
        .service
        .and_then(|s| s.additional_info)
        .is_some_and(|info| info.is_sample());
    if !is_sample {
        return None;
    }
    Some(
        crate::parse::deserialize_at::<Essentials>("detail", detail.clone()).map(|e| {
            SampleFinding {
                id: e.id,
                account_id: e.account_id,
                region: e.region,
                finding_type: e.finding_type,
                severity: e.severity,
            }
        }),
    )
}
