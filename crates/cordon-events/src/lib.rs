//! Typed models of the events cordon answers, and the strict parser that turns raw
//! EventBridge JSON into them. A malformed event is a [`ParseError`] naming the field;
//! nothing downstream ever sees half-parsed input.

mod access_key;
mod cloudtrail;
mod custom_action;
mod envelope;
mod error;
mod guardduty;
mod host;
mod ids;
mod ingress;
mod lambda;
mod parse;
mod rule_modification;
mod sample;
mod scope;
mod sequence;

pub use access_key::{AccessKeyDetails, AccessKeyId, AccessKeyKind};
pub use cloudtrail::{
    CallError, CallerIdentity, CloudTrailApiCall, CloudTrailEvent, CloudTrailEventKind,
};
pub use custom_action::{CustomAction, HumanDecision};
pub use envelope::Envelope;
pub use error::ParseError;
pub use guardduty::{
    Action, AdditionalInfo, AwsApiCallAction, GuardDutyFinding, IamInstanceProfile,
    InstanceDetails, LambdaDetails, NetworkInterface, RemoteIpDetails, Resource, ResourceRole,
    S3BucketDetail, SecurityGroupRef, Service, Tag,
};
pub use host::{
    EbsVolumeScanDetails, ItemPath, MalwareScanDetails, ProcessDetails, RuntimeContext,
    RuntimeDetails, ScanDetections, ScanFilePath, ScanThreatName, Threat, ThreatDetectedByName,
};
pub use ids::{
    AccountId, InstanceId, NetworkInterfaceId, SecurityGroupId, SecurityGroupRuleId, SubnetId,
    VpcId,
};
pub use ingress::{AddedRule, IngressChange, IngressPermission};
pub use lambda::{FunctionHome, FunctionName};
pub use parse::{Event, parse_event, parse_event_value};
pub use rule_modification::{ModifiedRule, RuleModification, RuleSource};
pub use sample::SampleFinding;
pub use scope::ActionScope;
pub use sequence::{Actor, Detection, Sequence, SequenceUser, Signal};
