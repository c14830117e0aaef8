//! Lambda entry point: wiring only.

// The SDK futures nested in the handler are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

use cordon_aws::{Clients, load_sdk_config};
use cordon_contain_instance::{AwsInstancePorts, ContainmentClock, FUNCTION_NAME, handle_event};
use cordon_core::{Decision, Outcome};
use cordon_events::AccountId;
use cordon_lambda::{FunctionConfig, account_of_function_arn, emit_metrics, into_lambda_result};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = FunctionConfig::from_env()?;
    let clients = Clients::new(&load_sdk_config(None, None).await);
    let ports = AwsInstancePorts::on_aws(&clients, config.topic_arn.clone());
    let (config, ports, calls) = (&config, &ports, &clients.calls);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let account = account_of_function_arn(&event.context.invoked_function_arn)
            .and_then(|a| a.parse::<AccountId>().ok())
            .ok_or_else(|| Diagnostic {
                error_type: "BadContext".into(),
                error_message: "cannot read the account from the function ARN".into(),
            })?;
        let clock = ContainmentClock::FindingUpdatedAt;
        let calls_before = calls.count();
        let outcome = match handle_event(event.payload, config, &account, ports, clock).await {
            Ok(outcome) => outcome,
            Err(rejected) => {
                lambda_runtime::tracing::error!(error = %rejected, "rejected malformed event; nothing touched");
                Outcome::without_steps(Decision::Ignored, format!("rejected: {rejected}"))
            }
        };
        emit_metrics(FUNCTION_NAME, &outcome, calls.count() - calls_before);
        into_lambda_result(&outcome)
    }))
    .await
}
