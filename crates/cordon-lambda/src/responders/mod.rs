//! The responders, one per function, and the table that finds one by the function's
//! logical id in template.yaml (as `cordon replay` routes).

mod bucket;
mod cloudtrail;
mod credentials;
mod decided;
mod finding;
mod function;
mod instance;

pub use bucket::{AwsBucketPorts, BucketPorts, BucketResponder};
pub use cloudtrail::{AwsCloudTrailPorts, CloudTrailPorts, CloudTrailResponder, TrailIncident};
pub use credentials::{AwsCredentialPorts, CredentialPorts, CredentialResponder};
pub use finding::{Reported, remembered_subject};
pub use function::{AwsFunctionPorts, FunctionPorts, FunctionResponder};
pub use instance::{AwsInstancePorts, InstancePorts, InstanceResponder};

use crate::adapters::Connect;
use crate::responder::{Context, Responder};
use cordon_aws::{Reach, ledger_on};
use cordon_core::Outcome;
use cordon_events::Event;

/// Responds to `event` as `function` would, on AWS through `reach`; `None` when this
/// build has no such function.
pub async fn respond_as(
    function: &str,
    event: Event,
    ctx: &Context<'_>,
    reach: &Reach,
) -> Option<Outcome> {
    Some(match function {
        InstanceResponder::<crate::Aws>::FUNCTION => {
            Box::pin(respond_on_aws::<InstanceResponder>(event, ctx, reach)).await
        }
        CredentialResponder::<crate::Aws>::FUNCTION => {
            Box::pin(respond_on_aws::<CredentialResponder>(event, ctx, reach)).await
        }
        CloudTrailResponder::<crate::Aws>::FUNCTION => {
            Box::pin(respond_on_aws::<CloudTrailResponder>(event, ctx, reach)).await
        }
        BucketResponder::<crate::Aws>::FUNCTION => {
            Box::pin(respond_on_aws::<BucketResponder>(event, ctx, reach)).await
        }
        FunctionResponder::<crate::Aws>::FUNCTION => {
            Box::pin(respond_on_aws::<FunctionResponder>(event, ctx, reach)).await
        }
        _ => return None,
    })
}

/// Each step as it ended, one structured line per step.
fn log_steps(incident_id: &str, steps: &[cordon_core::StepReport]) {
    for step in steps {
        tracing::info!(
            incident_id,
            step = %step.name,
            target = %step.target,
            status = step.status.as_str(),
            detail = %step.detail,
            "response step"
        );
    }
}

/// The outcome the steps came to.
fn concluded(
    decision: cordon_core::Decision,
    reason: String,
    steps: Vec<cordon_core::StepReport>,
) -> Outcome {
    Outcome {
        steps,
        ..Outcome::without_steps(decision, reason)
    }
}

/// Acts in the account and region the event names (through the member role for
/// another account), records and claims in the account cordon runs in. A person's
/// custom action runs the finding's remembered event again, with their decision.
pub async fn respond_on_aws<R: Responder>(event: Event, ctx: &Context<'_>, reach: &Reach) -> Outcome
where
    R::Ports: Connect,
{
    let config = ctx.config;
    let (event, trigger) = match event {
        Event::CustomAction(envelope, action) => {
            let ledger = ledger_on(reach.home(), config.ledger_table.clone());
            match decided::recall(&ledger, &envelope, &action).await {
                Ok(recalled) => recalled,
                Err(refused) => return Outcome::without_steps(refused.decision, refused.reason),
            }
        }
        event => (event, crate::Trigger::Event),
    };
    let ctx = Context {
        trigger: &trigger,
        ..*ctx
    };
    let scope = event.action_scope();
    let acting = reach.acting_in(ctx.home_account, scope.as_ref()).await;
    let ports = R::Ports::across(
        reach.home(),
        ctx.home_account,
        &acting,
        config.topic_arn.clone(),
        config.ledger_table.clone(),
    );
    crate::respond::<R>(event, &ctx, &ports).await
}
