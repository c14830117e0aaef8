//! Lambda entry point: wiring only.

// The SDK futures nested in the handler are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

use cordon_aws::{Clients, load_sdk_config};
use cordon_contain_instance::{AwsInstancePorts, ContainmentClock, FUNCTION_NAME, handle_event};
use cordon_lambda::{FunctionConfig, serve};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = FunctionConfig::from_env()?;
    let clients = Clients::new(&load_sdk_config(None, None).await);
    let ports = AwsInstancePorts::on_aws(
        &clients,
        config.topic_arn.clone(),
        config.ledger_table.clone(),
    );
    let clock = ContainmentClock::FindingUpdatedAt;
    let handle = |event, account| {
        let (config, ports) = (&config, &ports);
        async move { handle_event(event, config, &account, ports, clock).await }
    };
    serve(FUNCTION_NAME, || clients.calls.count(), handle).await
}
