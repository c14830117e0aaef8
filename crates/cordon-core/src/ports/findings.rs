//! Reading a finding back from GuardDuty, the service that reported it.

use super::PortResult;
use cordon_events::ResourceRole;
use std::future::Future;

/// A finding as GuardDuty itself reports it: the fields cordon decides on.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedFinding {
    pub account_id: String,
    pub finding_type: String,
    pub severity: f64,
    pub updated_at: String,
    pub archived: bool,
    pub sample: bool,
    pub resource_role: Option<ResourceRole>,
    pub instance_id: Option<String>,
    pub access_key_id: Option<String>,
    /// The buckets of an S3 finding, by name.
    pub bucket_names: Vec<String>,
}

/// Reading a finding back from the service that reported it, so that an event anyone
/// could have written is acted on only as far as GuardDuty confirms it.
pub trait FindingSource: Send + Sync {
    /// `Ok(None)`: GuardDuty has no such finding in that detector.
    fn reported(
        &self,
        detector_id: &str,
        finding_id: &str,
    ) -> impl Future<Output = PortResult<Option<ReportedFinding>>> + Send;
}
