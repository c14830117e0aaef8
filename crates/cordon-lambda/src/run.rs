//! The Lambda loop every function runs: the account from the invoked ARN, the event
//! parsed once, the responder's pipeline, then metrics and the outcome mapped to a
//! Lambda result — each invocation in one span naming its request and its incident.

use crate::adapters::Connect;
use crate::into_lambda_result;
use crate::metrics::{cold_start, emit_metrics};
use crate::responder::{Context, Responder};
use crate::responders::respond_on_aws;
use crate::{ContainmentClock, FunctionConfig, account_of_function_arn};
use cordon_aws::Reach;
use cordon_core::{Decision, Outcome};
use cordon_events::{AccountId, Event, parse_event_value};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;
use tracing::{Instrument, Span, field, info_span};

/// A function's whole `main`: tracing, typed configuration, the AWS clients built
/// once, and `R` serving every invocation until the runtime stops.
pub async fn run<R: Responder>() -> Result<(), lambda_runtime::Error>
where
    R::Ports: Connect,
{
    lambda_runtime::tracing::init_default_subscriber();
    let config = FunctionConfig::from_env()?;
    let reach = Reach::load(config.member_role()).await;
    let (config, reach) = (&config, &reach);
    let function = config.metrics_function(R::FUNCTION);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let span = invocation_span(&event.context.request_id);
        invoke::<R>(event, config, reach, function).instrument(span)
    }))
    .await
}

/// Every log line of an invocation carries its Lambda request id and, once the event
/// has parsed, its incident's id.
fn invocation_span(request_id: &str) -> Span {
    info_span!("invocation", request_id, incident_id = field::Empty)
}

/// Names the incident in the current invocation's span.
fn name_incident(event: &Event) {
    if let Some(id) = event.incident_id() {
        Span::current().record("incident_id", id);
    }
}

async fn invoke<R: Responder>(
    event: LambdaEvent<Value>,
    config: &FunctionConfig,
    reach: &Reach,
    function: &str,
) -> Result<Value, Diagnostic>
where
    R::Ports: Connect,
{
    let cold_start = cold_start();
    let account = invoked_account(&event.context.invoked_function_arn, reach).await?;
    let ctx = Context {
        config,
        home_account: &account,
        clock: ContainmentClock::FindingUpdatedAt,
        trigger: &crate::BY_EVENT,
    };
    let calls_before = reach.home().calls.count();
    let outcome = match parse_event_value(event.payload) {
        Ok(event) => {
            name_incident(&event);
            Box::pin(respond_on_aws::<R>(event, &ctx, reach)).await
        }
        Err(rejected) => {
            tracing::error!(error = %rejected, "rejected malformed event; nothing touched");
            Outcome::without_steps(Decision::Ignored, format!("rejected: {rejected}"))
        }
    };
    let aws_calls = reach.home().calls.count() - calls_before;
    emit_metrics(function, &outcome, aws_calls, cold_start);
    into_lambda_result(&outcome)
}

/// The account in the invoked ARN. Local runtimes such as `cargo lambda watch` send a
/// placeholder, so then the credentials' account is asked of STS (AWS always sends
/// the real ARN).
async fn invoked_account(arn: &str, reach: &Reach) -> Result<AccountId, Diagnostic> {
    if let Some(account) = account_of_function_arn(arn).and_then(|a| a.parse().ok()) {
        return Ok(account);
    }
    let account = reach.own_account().await.map_err(|reason| Diagnostic {
        error_type: "BadContext".into(),
        error_message: format!(
            "the function ARN {arn:?} names no account, and asking STS failed: {reason}"
        ),
    })?;
    tracing::warn!(invoked_function_arn = %arn, account = %account, "the function ARN names no account; using the credentials' account");
    Ok(account)
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
