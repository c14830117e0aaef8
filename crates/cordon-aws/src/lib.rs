//! Adapters: cordon-core's ports implemented on the AWS SDK. Thin by design — the
//! decisions live in the domain; this crate only speaks EC2/STS and maps their errors.

mod clients;
mod config;
mod error;
mod identity;
mod isolation;
mod isolation_groups;
mod notifier;
mod security_hub;

pub use clients::{CallCounter, Clients};
pub use config::load_sdk_config;
pub use error::port_error;
pub use identity::current_account;
pub use isolation::Ec2Isolation;
pub use notifier::SnsNotifier;
pub use security_hub::{FindingSummary, SecurityHubRecorder, list_response_findings};
