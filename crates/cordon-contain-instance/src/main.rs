//! Lambda entry point: wiring only.

// The SDK futures nested in the handler are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

use cordon_aws::{MemberRole, Reach};
use cordon_contain_instance::{AwsInstancePorts, ContainmentClock, FUNCTION_NAME, handle_event};
use cordon_lambda::{FunctionConfig, serve};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = FunctionConfig::from_env()?;
    let member_role = MemberRole::new(
        &config.member_role_name,
        config.member_role_external_id.as_deref(),
    );
    let reach = Reach::load(member_role).await;
    let clock = ContainmentClock::FindingUpdatedAt;
    let handle = |event, account| {
        let (config, reach) = (&config, &reach);
        async move {
            let acting = reach.acting_for(&account, &event).await;
            let ports = AwsInstancePorts::across(
                reach.home(),
                &account,
                &acting,
                config.topic_arn.clone(),
                config.ledger_table.clone(),
            );
            handle_event(event, config, &account, &ports, clock).await
        }
    };
    serve(
        FUNCTION_NAME,
        || reach.home().calls.count(),
        || reach.own_account(),
        handle,
    )
    .await
}
