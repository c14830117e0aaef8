//! A Lambda function GuardDuty saw talking to a command-and-control server, a mining
//! pool or Tor (`…:Lambda/…` findings): its reserved concurrency set to 0 (nothing runs,
//! nothing is deleted), its execution role's older sessions denied, the function tagged;
//! each read back. `plan.rs` says what cordon does; `release.rs` undoes it.

mod execute;
mod incident;
mod plan;
mod record;
mod release;
#[cfg(test)]
mod tests;
mod triage;

pub use cordon_events::FunctionName;
pub use execute::{FunctionRun, execute};
pub use incident::LambdaIncident;
pub use plan::plan;
pub use record::{LAMBDA_PLAYBOOK, notification, response_finding};
pub use release::{Released, release};
pub use triage::{CONTAINED_FAMILIES, triage};

/// The ledger subject of a function's record: `function:` keeps it apart from
/// instances (`i-…`), as a function name holds no colon.
pub fn record_subject(account: &str, function: &FunctionName) -> String {
    crate::instance::PreIncident::subject(account, &format!("function:{function}"))
}

/// The value the record and the `cordon:original-concurrency` tag hold: the reserved
/// concurrency, or `unreserved`.
pub fn concurrency_value(reserved: Option<i32>) -> String {
    reserved.map_or_else(|| UNRESERVED.to_owned(), |n| n.to_string())
}

/// The reserved concurrency a recorded value names; `Ok(None)` is unreserved.
pub fn parse_concurrency(value: &str) -> Result<Option<i32>, String> {
    match value {
        UNRESERVED => Ok(None),
        n => n
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| format!("{value:?} is not a reserved concurrency")),
    }
}

const UNRESERVED: &str = "unreserved";
