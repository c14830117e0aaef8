use cordon_aws::Clients;
use cordon_core::Outcome;
use cordon_emulators::publish_finding;
use cordon_events::AccountId;
use cordon_fixtures::{Placeholders, sdk_config};
use cordon_lambda::{
    AwsCredentialPorts, Connect, ContainmentClock, Context, CredentialResponder, handle_event,
};
use std::sync::atomic::{AtomicU32, Ordering};

/// The credential function's real adapters against an emulator, and a name unique to
/// this world so tests can share the emulator.
pub struct IdentityWorld {
    pub iam: aws_sdk_iam::Client,
    pub securityhub: aws_sdk_securityhub::Client,
    pub ports: AwsCredentialPorts,
    pub suffix: String,
    /// The emulator, where findings are published as GuardDuty would report them.
    pub endpoint: String,
}

impl IdentityWorld {
    pub async fn at(endpoint: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let sdk = sdk_config(endpoint).await;
        let clients = Clients::new(&sdk);
        Self {
            iam: clients.iam.clone(),
            securityhub: clients.securityhub.clone(),
            ports: AwsCredentialPorts::on_aws(&clients, None, None),
            suffix: format!(
                "{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
            endpoint: endpoint.to_owned(),
        }
    }

    /// `events/guardduty/<name>` with each `(placeholder, real)` pair replaced.
    pub fn event(&self, name: &str, replacements: &[(&str, &str)]) -> serde_json::Value {
        let detector = format!("detector-{}", self.suffix);
        let mut replacements = replacements.to_vec();
        replacements.push((Placeholders::DETECTOR, &detector));
        crate::sample_event("guardduty", name, &replacements)
    }

    pub async fn replay(&self, event: serde_json::Value) -> Outcome {
        publish_finding(&self.endpoint, &event).expect("published");
        self.replay_unpublished(event).await
    }

    /// As [`Self::replay`], without publishing: GuardDuty keeps what it had.
    pub async fn replay_unpublished(&self, event: serde_json::Value) -> Outcome {
        let config = crate::enforcing(|name| {
            (name == "CORDON_BREAK_GLASS_PRINCIPALS").then(|| "cordon-break-glass".to_owned())
        })
        .unwrap();
        let account: AccountId = Placeholders::ACCOUNT.parse().unwrap();
        let clock = ContainmentClock::HandlingStart;
        handle_event::<CredentialResponder>(
            event,
            &Context::new(&config, &account, clock),
            &self.ports,
        )
        .await
        .expect("well-formed event")
    }
}
