//! Reading a finding back from GuardDuty, the service that reported it.

use super::PortResult;
use cordon_events::{EbsVolumeScanDetails, MalwareScanDetails, ResourceRole, RuntimeDetails};
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
    /// The function of a Lambda finding, as GuardDuty names it.
    pub function_arn: Option<String>,
    pub function_name: Option<String>,
    /// The identities behind an attack sequence's actors: the credentials cordon would
    /// contain, so they must be GuardDuty's, not the event's.
    pub sequence_actors: Vec<ReportedActor>,
    /// What GuardDuty saw inside the instance: the records quote it, so it is
    /// GuardDuty's words, not the event's.
    pub host: ReportedHost,
}

/// The process, command line and malware of a finding, as GuardDuty reports them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportedHost {
    pub runtime_details: Option<RuntimeDetails>,
    pub ebs_volume_scan_details: Option<EbsVolumeScanDetails>,
    pub malware_scan_details: Option<MalwareScanDetails>,
}

/// One actor's identity in an attack sequence, as GuardDuty reports it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportedActor {
    pub access_key_id: Option<String>,
    pub user_name: String,
    pub user_type: String,
}

impl std::fmt::Display for ReportedActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = self.access_key_id.as_deref().unwrap_or("no key");
        write!(f, "{} {} ({key})", self.user_type, self.user_name)
    }
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
