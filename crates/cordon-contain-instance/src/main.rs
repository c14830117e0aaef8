//! Lambda entry point: wiring only.

// The SDK futures nested in the handler are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

use cordon_aws::{Ec2Isolation, load_sdk_config};
use cordon_contain_instance::handle_event;
use cordon_core::{Decision, Outcome};
use cordon_events::AccountId;
use cordon_lambda::{FunctionConfig, account_of_function_arn, into_lambda_result};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = FunctionConfig::from_env()?;
    let sdk_config = load_sdk_config(None, None).await;
    let port = Ec2Isolation::new(aws_sdk_ec2::Client::new(&sdk_config));
    let (config, port) = (&config, &port);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let account = account_of_function_arn(&event.context.invoked_function_arn)
            .and_then(|a| a.parse::<AccountId>().ok())
            .ok_or_else(|| Diagnostic {
                error_type: "BadContext".into(),
                error_message: "cannot read the account from the function ARN".into(),
            })?;
        let outcome = match handle_event(event.payload, config, &account, port).await {
            Ok(outcome) => outcome,
            Err(rejected) => {
                lambda_runtime::tracing::error!(error = %rejected, "rejected malformed event; nothing touched");
                Outcome::without_steps(Decision::Ignored, format!("rejected: {rejected}"))
            }
        };
        into_lambda_result(&outcome)
    }))
    .await
}
