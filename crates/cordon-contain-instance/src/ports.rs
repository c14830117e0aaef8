use cordon_core::PlaybookPorts;

/// What the instance playbook acts through: each adapter behind its own small trait,
/// so tests and the IAM policy see exactly these capabilities.
pub struct InstancePorts<N, C, E, S, R, T, L> {
    /// Security groups, interfaces, tags, connection tracking (EC2).
    pub network: N,
    /// The instance profile and its role (EC2, IAM).
    pub credentials: C,
    /// Protection attributes and snapshots (EC2).
    pub evidence: E,
    /// Auto Scaling group and target groups.
    pub rotation: S,
    pub recorder: R,
    pub notifier: T,
    /// Exactly-once claims and the blast-radius budget (DynamoDB).
    pub ledger: L,
}

impl<N, C, E, S, R, T, L> InstancePorts<N, C, E, S, R, T, L> {
    pub fn playbook(&self) -> PlaybookPorts<'_, N, C, E, S> {
        PlaybookPorts {
            network: &self.network,
            credentials: &self.credentials,
            evidence: &self.evidence,
            rotation: &self.rotation,
        }
    }
}

/// The ports on the AWS SDK, as the Lambda function and `cordon replay` use them.
pub type AwsInstancePorts = InstancePorts<
    cordon_aws::Ec2Isolation,
    cordon_aws::InstanceProfileCredentials,
    cordon_aws::Ec2Evidence,
    cordon_aws::AwsServiceRotation,
    cordon_aws::SecurityHubRecorder,
    cordon_aws::SnsNotifier,
    cordon_aws::AwsLedger,
>;

impl AwsInstancePorts {
    /// Every adapter on one set of clients, so one counter sees every call.
    pub fn on_aws(
        clients: &cordon_aws::Clients,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        let recorder = cordon_aws::SecurityHubRecorder::new(clients.securityhub.clone());
        Self::acting_with(clients, clients, recorder, topic_arn, ledger_table)
    }

    /// Acting with `acting` (the incident's account and region), recording,
    /// notifying and claiming with `home` (the account cordon runs in).
    pub fn across(
        home: &cordon_aws::Clients,
        home_account: &cordon_events::AccountId,
        acting: &cordon_aws::Clients,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        let recorder =
            cordon_aws::SecurityHubRecorder::filing_in(home.securityhub.clone(), home_account);
        Self::acting_with(home, acting, recorder, topic_arn, ledger_table)
    }

    fn acting_with(
        home: &cordon_aws::Clients,
        acting: &cordon_aws::Clients,
        recorder: cordon_aws::SecurityHubRecorder,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        use cordon_aws::*;
        Self {
            network: Ec2Isolation::new(acting.ec2.clone()),
            credentials: InstanceProfileCredentials::new(acting.ec2.clone(), acting.iam.clone()),
            evidence: Ec2Evidence::new(acting.ec2.clone()),
            rotation: AwsServiceRotation::new(acting.autoscaling.clone(), acting.elbv2.clone()),
            recorder,
            notifier: SnsNotifier::new(home.sns.clone(), topic_arn),
            ledger: ledger_on(home, ledger_table),
        }
    }
}
