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
        use cordon_aws::*;
        Self {
            network: Ec2Isolation::new(clients.ec2.clone()),
            credentials: InstanceProfileCredentials::new(clients.ec2.clone(), clients.iam.clone()),
            evidence: Ec2Evidence::new(clients.ec2.clone()),
            rotation: AwsServiceRotation::new(clients.autoscaling.clone(), clients.elbv2.clone()),
            recorder: SecurityHubRecorder::new(clients.securityhub.clone()),
            notifier: SnsNotifier::new(clients.sns.clone(), topic_arn),
            ledger: ledger_on(clients, ledger_table),
        }
    }
}
