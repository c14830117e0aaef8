//! Adapters: cordon-core's ports implemented on the AWS SDK. Thin by design — the
//! decisions live in the domain; this crate only speaks EC2, IAM, Auto Scaling, ELBv2,
//! Security Hub, SNS, STS, CloudTrail, Config, DynamoDB, GuardDuty, S3, S3 Control and Lambda, and
//! maps their errors.

mod account_block;
mod audit;
mod buckets;
mod clients;
mod config;
mod connection_tracking;
mod credentials;
mod error;
mod evidence;
mod finding_host;
mod finding_source;
mod findings_filter;
mod functions;
mod iam_policy;
mod identity;
mod isolation;
mod isolation_groups;
mod isolation_rules;
mod ledger;
mod notifier;
mod principals;
mod reach;
mod resolve;
mod rotation;
mod s3control_endpoint;
mod security_groups;
mod security_hub;
mod snapshots;
mod target_groups;

pub use account_block::S3AccountBlock;
pub use audit::AwsAuditLogging;
pub use buckets::S3Buckets;
pub use clients::{CallCounter, Clients};
pub use config::{load_sdk_config, retry_config};
pub use credentials::InstanceProfileCredentials;
pub use error::port_error;
pub use evidence::Ec2Evidence;
pub use finding_source::GuardDutyFindings;
pub use findings_filter::{FindingsFilter, MinSeverity};
pub use functions::LambdaFunctions;
pub use identity::current_account;
pub use isolation::Ec2Isolation;
pub use ledger::{AwsLedger, DynamoLedger, ledger_on};
pub use notifier::SnsNotifier;
pub use principals::IamPrincipals;
pub use reach::{MemberRole, Reach, session_name};
pub use resolve::{incident_functions, incident_principals, resolve_incident_findings};
pub use rotation::AwsServiceRotation;
pub use security_groups::Ec2SecurityGroupRules;
pub use security_hub::{FindingSummary, SecurityHubRecorder, list_response_findings};
