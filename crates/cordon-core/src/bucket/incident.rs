//! The facts about one bucket-exposure finding that the playbook needs: the bucket,
//! checked, and who opened it, as far as the finding says.

use super::BucketName;
use super::caller::changed_by;
use cordon_events::{AccountId, GuardDutyFinding};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BucketIncident {
    pub finding_id: String,
    pub finding_arn: String,
    pub finding_type: String,
    pub severity: f64,
    pub account_id: AccountId,
    pub region: String,
    pub bucket: BucketName,
    /// `arn:<partition>:s3:::<bucket>`.
    pub bucket_arn: String,
    pub updated_at: String,
    /// Who made the call GuardDuty saw (`alice (IAMUser, AKIA…) called
    /// PutBucketPolicy from 192.0.2.1`), when the finding says.
    pub changed_by: Option<String>,
}

impl BucketIncident {
    /// `None` when the finding names no bucket; `Some(Err)` says why the bucket it
    /// names is not one cordon may act on (a malformed or ambiguous name).
    pub fn from_finding(finding: &GuardDutyFinding) -> Option<Result<Self, String>> {
        let buckets = &finding.resource.s3_bucket_details;
        let detail = buckets.first()?;
        Some(Self::checked(finding, buckets.len(), detail))
    }

    fn checked(
        finding: &GuardDutyFinding,
        count: usize,
        detail: &cordon_events::S3BucketDetail,
    ) -> Result<Self, String> {
        if count != 1 {
            return Err(format!(
                "the finding names {count} buckets; a bucket-exposure finding names one"
            ));
        }
        let raw = detail
            .name
            .as_deref()
            .ok_or("the finding names no bucket")?;
        let bucket: BucketName = raw.parse()?;
        let partition = finding
            .arn
            .split(':')
            .nth(1)
            .filter(|p| p.starts_with("aws"))
            .unwrap_or("aws");
        let bucket_arn = format!("arn:{partition}:s3:::{bucket}");
        if let Some(arn) = detail.arn.as_deref().filter(|a| *a != bucket_arn) {
            return Err(format!(
                "the finding's bucket ARN {arn} does not name bucket {bucket}"
            ));
        }
        Ok(Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: finding.region.clone(),
            bucket,
            bucket_arn,
            updated_at: finding.updated_at.clone(),
            changed_by: changed_by(finding),
        })
    }
}
