/// What the credential playbook acts through.
pub struct CredentialPorts<P, R, T, L> {
    /// Keys, inline policies, tags and login profiles (IAM).
    pub principals: P,
    pub recorder: R,
    pub notifier: T,
    /// Exactly-once claims and the blast-radius budget (DynamoDB).
    pub ledger: L,
}

/// The ports on the AWS SDK, as the Lambda function and `cordon replay` use them.
pub type AwsCredentialPorts = CredentialPorts<
    cordon_aws::IamPrincipals,
    cordon_aws::SecurityHubRecorder,
    cordon_aws::SnsNotifier,
    cordon_aws::AwsLedger,
>;

impl AwsCredentialPorts {
    /// Every adapter on one set of clients, so one counter sees every call.
    pub fn on_aws(
        clients: &cordon_aws::Clients,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        Self {
            principals: cordon_aws::IamPrincipals::new(clients.iam.clone()),
            recorder: cordon_aws::SecurityHubRecorder::new(clients.securityhub.clone()),
            notifier: cordon_aws::SnsNotifier::new(clients.sns.clone(), topic_arn),
            ledger: cordon_aws::ledger_on(clients, ledger_table),
        }
    }
}
