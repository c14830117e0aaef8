//! The Lambda loop every function runs: account from the invoked ARN, the handler,
//! then metrics and the outcome mapped to a Lambda result.

use crate::{account_of_function_arn, emit_metrics, into_lambda_result};
use cordon_core::{Decision, Outcome};
use cordon_events::{AccountId, ParseError};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;
use std::future::Future;

/// Serves `handle` until the runtime stops. `calls` reads the AWS request counter;
/// `own_account` answers which account the credentials belong to, asked only when the
/// invoked ARN names none (local runtimes such as `cargo lambda watch` send a
/// placeholder; AWS always sends the real ARN).
pub async fn serve<H, Fut, A, AFut>(
    function: &'static str,
    calls: impl Fn() -> u64,
    own_account: A,
    handle: H,
) -> Result<(), lambda_runtime::Error>
where
    H: Fn(Value, AccountId) -> Fut,
    Fut: Future<Output = Result<Outcome, ParseError>>,
    A: Fn() -> AFut,
    AFut: Future<Output = Result<AccountId, String>>,
{
    let (calls, own_account, handle) = (&calls, &own_account, &handle);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let arn = &event.context.invoked_function_arn;
        let account = match account_of_function_arn(arn).and_then(|a| a.parse::<AccountId>().ok())
        {
            Some(account) => account,
            None => {
                let account = own_account().await.map_err(|reason| Diagnostic {
                    error_type: "BadContext".into(),
                    error_message: format!(
                        "the function ARN {arn:?} names no account, and asking STS failed: {reason}"
                    ),
                })?;
                tracing::warn!(invoked_function_arn = %arn, account = %account, "the function ARN names no account; using the credentials' account");
                account
            }
        };
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
