//! Runtime glue shared by every cordon function: typed configuration from the
//! environment, and the mapping from a handled event to a Lambda outcome.

mod config;
mod response;

pub use config::{ConfigError, FunctionConfig, Mode};
pub use response::{account_of_function_arn, emit_metrics, into_lambda_result};
