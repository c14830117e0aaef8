//! GuardDuty findings as EventBridge delivers them (`detail` of a "GuardDuty Finding"
//! event). `aws_lambda_events` has no GuardDuty type, so it is modelled here: only the
//! fields cordon reads, each with the type the finding format documents.

use crate::{AccountId, InstanceId, NetworkInterfaceId, SecurityGroupId, SubnetId, VpcId};
use serde::{Deserialize, Serialize};

pub(crate) const SOURCE: &str = "aws.guardduty";
pub(crate) const DETAIL_TYPE: &str = "GuardDuty Finding";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardDutyFinding {
    pub schema_version: String,
    pub account_id: AccountId,
    pub region: String,
    pub id: String,
    pub arn: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    /// A double; usually delivered without a decimal point (`8`), sometimes as `8.0`.
    pub severity: f64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub resource: Resource,
    pub service: Service,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub resource_type: String,
    #[serde(default)]
    pub instance_details: Option<InstanceDetails>,
    #[serde(default)]
    pub access_key_details: Option<crate::AccessKeyDetails>,
    /// The bucket(s) of an S3 finding; the name is checked where it is acted on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s3_bucket_details: Vec<S3BucketDetail>,
    /// The function of a Lambda Protection finding; checked where it is acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_details: Option<LambdaDetails>,
}

/// A Lambda function as GuardDuty describes it (`resource.lambdaDetails`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaDetails {
    #[serde(default)]
    pub function_arn: Option<String>,
    #[serde(default)]
    pub function_name: Option<String>,
    #[serde(default)]
    pub function_version: Option<String>,
    #[serde(default)]
    pub revision_id: Option<String>,
    /// The execution role's ARN, as it was when GuardDuty saw the activity.
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3BucketDetail {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arn: Option<String>,
    /// `Destination` or `Source`, as GuardDuty describes the bucket's part.
    #[serde(default, rename = "type")]
    pub bucket_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceDetails {
    pub instance_id: InstanceId,
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default)]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub instance_state: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    pub network_interface_id: NetworkInterfaceId,
    pub vpc_id: VpcId,
    #[serde(default)]
    pub subnet_id: Option<SubnetId>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupRef>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub public_ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupRef {
    pub group_id: SecurityGroupId,
    #[serde(default)]
    pub group_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamInstanceProfile {
    pub arn: String,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub detector_id: Option<String>,
    /// ACTOR when the resource did the activity, TARGET when it suffered it.
    #[serde(default)]
    pub resource_role: Option<ResourceRole>,
    #[serde(default)]
    pub additional_info: Option<AdditionalInfo>,
    #[serde(default)]
    pub event_first_seen: Option<String>,
    #[serde(default)]
    pub event_last_seen: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub archived: Option<bool>,
    #[serde(default)]
    pub count: Option<u64>,
    /// `RuntimeMonitoring`, `EbsMalwareProtection`, …: which GuardDuty feature saw it.
    #[serde(default)]
    pub feature_name: Option<String>,
    #[serde(default)]
    pub runtime_details: Option<crate::RuntimeDetails>,
    #[serde(default)]
    pub ebs_volume_scan_details: Option<crate::EbsVolumeScanDetails>,
    #[serde(default)]
    pub malware_scan_details: Option<crate::MalwareScanDetails>,
    #[serde(default)]
    pub detection: Option<crate::Detection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// What GuardDuty saw happen; only the API call is modelled (who switched what off).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    #[serde(default)]
    pub action_type: Option<String>,
    #[serde(default)]
    pub aws_api_call_action: Option<AwsApiCallAction>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsApiCallAction {
    #[serde(default)]
    pub api: Option<String>,
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub caller_type: Option<String>,
    #[serde(default)]
    pub remote_ip_details: Option<RemoteIpDetails>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteIpDetails {
    #[serde(default)]
    pub ip_address_v4: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ResourceRole {
    Actor,
    Target,
    /// A role this version does not know; triage treats it as "not proven an actor".
    #[serde(other)]
    Unknown,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalInfo {
    /// A boolean, though older exports carry it as the string `"True"`.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub sample: Option<bool>,
    /// Newer findings carry their additional info as a JSON document in a string.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, rename = "type")]
    pub info_type: Option<String>,
}

impl AdditionalInfo {
    /// GuardDuty sample findings say so in `sample`, and newer ones repeat it inside `value`.
    pub fn is_sample(&self) -> bool {
        self.sample == Some(true)
            || self
                .value
                .as_deref()
                .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
                .and_then(|v| v.get("sample").and_then(serde_json::Value::as_bool))
                == Some(true)
    }
}

impl GuardDutyFinding {
    /// The chain of signals of an attack-sequence finding.
    pub fn sequence(&self) -> Option<&crate::Sequence> {
        self.service.detection.as_ref()?.sequence.as_ref()
    }

    pub fn is_sample(&self) -> bool {
        self.service
            .additional_info
            .as_ref()
            .is_some_and(AdditionalInfo::is_sample)
    }

    /// Checks what serde cannot express: ranges and cross-field requirements.
    pub(crate) fn validate(&self) -> Result<(), crate::ParseError> {
        if !(0.0..=10.0).contains(&self.severity) {
            return Err(crate::ParseError::field(
                "detail.severity",
                format!("{} is outside GuardDuty's 0-10 range", self.severity),
            ));
        }
        if self.id.is_empty() {
            return Err(crate::ParseError::field("detail.id", "missing or empty"));
        }
        if self.finding_type.starts_with("AttackSequence:") {
            crate::sequence::validate(self.sequence())?;
        }
        if let Some(details) = &self.resource.lambda_details {
            crate::lambda::validate(details)?;
        }
        if self.resource.resource_type == "Instance" {
            let Some(details) = &self.resource.instance_details else {
                return Err(crate::ParseError::field(
                    "detail.resource.instanceDetails",
                    "required when resourceType is Instance",
                ));
            };
            if details.network_interfaces.is_empty() {
                return Err(crate::ParseError::field(
                    "detail.resource.instanceDetails.networkInterfaces",
                    "an instance finding must name at least one network interface",
                ));
            }
        }
        Ok(())
    }
}

/// Accepts `true`/`false` and their string forms in any case; rejects anything else.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrString {
        Bool(bool),
        String(String),
    }
    match Option::<BoolOrString>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrString::Bool(b)) => Ok(Some(b)),
        Some(BoolOrString::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(BoolOrString::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(BoolOrString::String(s)) => Err(serde::de::Error::custom(format!(
            "expected a boolean, found `{s}`"
        ))),
    }
}
