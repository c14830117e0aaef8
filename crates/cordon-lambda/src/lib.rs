//! Runtime glue shared by every cordon function: typed configuration from the
//! environment, and the mapping from a handled event to a Lambda outcome.

mod clock;
mod config;
mod intake;
mod ledger;
mod recording;
mod response;
mod serve;

pub use clock::{ContainmentClock, utc_now};
pub use config::{ConfigError, FunctionConfig, Mode};
pub use intake::{Intake, guardduty_finding, log_triage};
pub use ledger::{admit_incident, settle_incident};
pub use recording::record_outcome;
pub use response::{account_of_function_arn, emit_metrics, into_lambda_result};
pub use serve::serve;
