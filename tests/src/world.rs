use aws_sdk_ec2::types::{NetworkInterface, SecurityGroup};
use cordon_aws::{Clients, SecurityHubRecorder};
use cordon_core::Outcome;
use cordon_emulators::{publish_finding, shared_moto, workspace_root};
use cordon_events::AccountId;
use cordon_fixtures::{Estate, EstateClients, Placeholders, sdk_config};
use cordon_lambda::{
    AwsInstancePorts, Connect, ContainmentClock, Context, FunctionConfig, InstanceResponder,
    handle_event,
};
use std::collections::BTreeSet;

/// A fresh VPC, instance and SNS topic per test, and finding ids of its own, so tests
/// share one emulator safely.
pub struct World {
    pub ec2: aws_sdk_ec2::Client,
    pub securityhub: aws_sdk_securityhub::Client,
    pub estate: Estate,
    pub topic_arn: String,
    /// The emulator, where findings are published as GuardDuty would report them.
    pub endpoint: String,
    pub ports: AwsInstancePorts,
    /// Clients for reading the estate back.
    pub clients: EstateClients,
}

impl World {
    pub async fn new() -> Self {
        Self::at(&shared_moto().endpoint()).await
    }

    /// The instance also has a profile and role, a data volume, an Auto Scaling group
    /// and two target groups: everything the playbook acts on.
    pub async fn with_workload() -> Self {
        let endpoint = shared_moto().endpoint();
        Self::build(&endpoint, &endpoint, true).await
    }

    /// Every adapter at `endpoint`; `securityhub_endpoint` lets a test break one.
    pub async fn at(endpoint: &str) -> Self {
        Self::with_securityhub_at(endpoint, endpoint).await
    }

    pub async fn with_securityhub_at(endpoint: &str, securityhub_endpoint: &str) -> Self {
        Self::build(endpoint, securityhub_endpoint, false).await
    }

    async fn build(endpoint: &str, securityhub_endpoint: &str, workload: bool) -> Self {
        let sdk = sdk_config(endpoint).await;
        let clients = Clients::new(&sdk);
        let ec2 = clients.ec2.clone();
        let sns = clients.sns.clone();
        let estate_clients = EstateClients::new(&sdk);
        let estate = if workload {
            Estate::build_full(&estate_clients).await
        } else {
            Estate::build(&ec2).await
        }
        .expect("estate");
        let topic = sns
            .create_topic()
            .name(format!("cordon-{}", estate.instance))
            .send()
            .await
            .expect("topic");
        let topic_arn = topic.topic_arn().expect("topic arn").to_owned();
        let securityhub = aws_sdk_securityhub::Client::new(&sdk);
        let recorder_hub =
            aws_sdk_securityhub::Client::new(&sdk_config(securityhub_endpoint).await);
        let mut ports = AwsInstancePorts::on_aws(&clients, Some(topic_arn.clone()), None);
        ports.home.recorder = SecurityHubRecorder::new(recorder_hub);
        Self {
            ports,
            clients: estate_clients,
            ec2,
            securityhub,
            estate,
            topic_arn,
            endpoint: endpoint.to_owned(),
        }
    }

    /// `events/guardduty/<name>` rewritten to this world's resources, under a finding
    /// id of this world's own: Security Hub keeps one finding per id, and tests that
    /// replay the same sample share the emulator.
    pub fn event(&self, name: &str) -> serde_json::Value {
        let path = workspace_root().join("events/guardduty").join(name);
        let raw = self
            .estate
            .rewrite(&std::fs::read_to_string(&path).unwrap());
        let sample: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let id = sample["detail"]["id"].as_str().expect("a finding id");
        // The id and the finding ARN that ends in it.
        let raw = raw.replace(id, &format!("{id}-{}", self.estate.instance));
        serde_json::from_str(&raw).unwrap()
    }

    pub async fn replay(&self, name: &str) -> Outcome {
        self.replay_value(self.event(name)).await
    }

    pub async fn replay_value(&self, event: serde_json::Value) -> Outcome {
        let config = crate::enforcing(|_| None).unwrap();
        self.replay_with(event, &config).await
    }

    /// As [`Self::replay_value`], under `config`.
    pub async fn replay_with(&self, event: serde_json::Value, config: &FunctionConfig) -> Outcome {
        publish_finding(&self.endpoint, &event).expect("published");
        let account: AccountId = Placeholders::ACCOUNT.parse().unwrap();
        let clock = ContainmentClock::HandlingStart;
        handle_event::<InstanceResponder>(
            event,
            &Context::new(config, &account, clock),
            &self.ports,
        )
        .await
        .expect("well-formed event")
    }

    /// The isolation groups' names and ids, in the order EC2 lists them.
    pub async fn isolation_groups(&self) -> Vec<(String, String)> {
        let groups = self.estate.isolation_groups(&self.ec2).await.unwrap();
        groups
            .iter()
            .map(|g| {
                (
                    g.group_name().unwrap().to_owned(),
                    g.group_id().unwrap().to_owned(),
                )
            })
            .collect()
    }

    pub async fn deny_group(&self) -> SecurityGroup {
        let deny = self.estate.deny_group(&self.ec2).await.unwrap();
        deny.expect("the deny-all group exists")
    }

    /// The instance's interfaces that `group` holds.
    pub async fn interfaces_in(&self, group: &str) -> BTreeSet<String> {
        self.estate
            .interfaces_held_by(&self.ec2, group)
            .await
            .unwrap()
    }

    pub async fn instance_interfaces(&self) -> Vec<NetworkInterface> {
        self.estate.instance_interfaces(&self.ec2).await.unwrap()
    }

    pub async fn instance_tags(&self) -> Vec<(String, String)> {
        self.estate.instance_tags(&self.ec2).await.unwrap()
    }

    /// Every finding in the emulator's Security Hub with this Id.
    pub async fn findings_with_id(
        &self,
        id: &str,
    ) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
        let found = Box::pin(self.securityhub.get_findings().send())
            .await
            .unwrap();
        found
            .findings()
            .iter()
            .filter(|f| f.id() == Some(id))
            .cloned()
            .collect()
    }
}
