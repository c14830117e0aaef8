//! The Lambda loop every function runs: account from the invoked ARN, the handler,
//! then metrics and the outcome mapped to a Lambda result.

use crate::{account_of_function_arn, emit_metrics, into_lambda_result};
use cordon_core::{Decision, Outcome};
use cordon_events::{AccountId, ParseError};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;
use std::future::Future;

/// Serves `handle` until the runtime stops. `calls` reads the AWS request counter.
pub async fn serve<H, Fut>(
    function: &'static str,
    calls: impl Fn() -> u64,
    handle: H,
) -> Result<(), lambda_runtime::Error>
where
    H: Fn(Value, AccountId) -> Fut,
    Fut: Future<Output = Result<Outcome, ParseError>>,
{
    let (calls, handle) = (&calls, &handle);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let account = account_of_function_arn(&event.context.invoked_function_arn)
            .and_then(|a| a.parse::<AccountId>().ok())
            .ok_or_else(|| Diagnostic {
                error_type: "BadContext".into(),
                error_message: "cannot read the account from the function ARN".into(),
            })?;
        let calls_before = calls();
        let outcome = match handle(event.payload, account).await {
            Ok(outcome) => outcome,
            Err(rejected) => {
                tracing::error!(error = %rejected, "rejected malformed event; nothing touched");
                Outcome::without_steps(Decision::Ignored, format!("rejected: {rejected}"))
            }
        };
        emit_metrics(function, &outcome, calls() - calls_before);
        into_lambda_result(&outcome)
    }))
    .await
}
