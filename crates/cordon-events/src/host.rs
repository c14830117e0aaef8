//! What GuardDuty saw on an instance itself rather than on the network: the process
//! Runtime Monitoring watched (`service.runtimeDetails`), and the malware a scan found
//! on its volumes (`service.ebsVolumeScanDetails`) or a runtime finding names
//! (`service.malwareScanDetails`). Only what responders read first is modelled; the
//! rest of these objects is tolerated and left out.

use serde::{Deserialize, Serialize};

/// `service.runtimeDetails`: the observed process and the context of the activity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeDetails {
    #[serde(default)]
    pub process: Option<ProcessDetails>,
    #[serde(default)]
    pub context: Option<RuntimeContext>,
}

/// The process GuardDuty saw (`ProcessDetails`; every field is optional in the API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessDetails {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub executable_path: Option<String>,
    #[serde(default)]
    pub executable_sha256: Option<String>,
    #[serde(default)]
    pub pid: Option<u32>,
}

/// The part of `RuntimeContext` a responder acts on first: how the process was run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeContext {
    #[serde(default)]
    pub command_line_example: Option<String>,
}

/// `service.ebsVolumeScanDetails` of a Malware Protection for EC2 finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EbsVolumeScanDetails {
    #[serde(default)]
    pub scan_id: Option<String>,
    #[serde(default)]
    pub scan_detections: Option<ScanDetections>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanDetections {
    #[serde(default)]
    pub threat_detected_by_name: Option<ThreatDetectedByName>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreatDetectedByName {
    /// GuardDuty lists at most some threats and says here whether it cut the list.
    #[serde(default)]
    pub shortened: Option<bool>,
    #[serde(default)]
    pub threat_names: Vec<ScanThreatName>,
}

/// One threat the volume scan found, by name, with the files that carry it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanThreatName {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub file_paths: Vec<ScanFilePath>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanFilePath {
    #[serde(default)]
    pub file_path: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
}

/// `service.malwareScanDetails`: the threats of a runtime or agent-side scan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MalwareScanDetails {
    #[serde(default)]
    pub threats: Vec<Threat>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Threat {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub item_paths: Vec<ItemPath>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemPath {
    #[serde(default)]
    pub nested_item_path: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
}
