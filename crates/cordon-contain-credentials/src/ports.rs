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
        let recorder = cordon_aws::SecurityHubRecorder::new(clients.securityhub.clone());
        Self::acting_with(clients, clients, recorder, topic_arn, ledger_table)
    }

    /// Acting with `acting` (the incident's account), recording, notifying and
    /// claiming with `home` (the account cordon runs in).
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
        Self {
            principals: cordon_aws::IamPrincipals::new(acting.iam.clone()),
            recorder,
            notifier: cordon_aws::SnsNotifier::new(home.sns.clone(), topic_arn),
            ledger: cordon_aws::ledger_on(home, ledger_table),
        }
    }
}
