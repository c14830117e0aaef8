use crate::sample_event;
use cordon_aws::Clients;
use cordon_core::Outcome;
use cordon_events::AccountId;
use cordon_fixtures::{Placeholders, sdk_config};
use cordon_lambda::{
    AwsCloudTrailPorts, CloudTrailResponder, Connect, ContainmentClock, Context, handle_event,
};
use std::sync::atomic::{AtomicU32, Ordering};

/// cordon's own role in the CloudTrail samples.
pub const CORDON_ROLE: &str =
    "arn:aws:iam::123456789012:role/cordon-RespondToCloudTrailFunctionRole-EXAMPLE";

/// The CloudTrail function's real adapters against an emulator, and a name unique to
/// this world so tests can share the emulator.
pub struct TrailWorld {
    pub clients: Clients,
    pub ports: AwsCloudTrailPorts,
    pub suffix: String,
}

impl TrailWorld {
    pub async fn at(endpoint: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let clients = Clients::new(&sdk_config(endpoint).await);
        Self {
            ports: AwsCloudTrailPorts::on_aws(&clients, None, None),
            clients,
            suffix: format!(
                "{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }

    /// `events/cloudtrail/<name>` with each `(placeholder, real)` pair replaced.
    pub fn event(&self, name: &str, replacements: &[(&str, &str)]) -> serde_json::Value {
        sample_event("cloudtrail", name, replacements)
    }

    /// Handles the event as the deployed function would, with cordon's own role
    /// configured as the template configures it.
    pub async fn replay(&self, event: serde_json::Value) -> Outcome {
        let config = crate::enforcing(|name| {
            (name == "CORDON_OWN_ROLE_ARNS").then(|| CORDON_ROLE.to_owned())
        })
        .unwrap();
        let account: AccountId = Placeholders::ACCOUNT.parse().unwrap();
        let clock = ContainmentClock::HandlingStart;
        handle_event::<CloudTrailResponder>(
            event,
            &Context::new(&config, &account, clock),
            &self.ports,
        )
        .await
        .expect("well-formed event")
    }
}
