/// What the CloudTrail responder acts through.
pub struct TrailResponderPorts<A, G, P, R, T, L> {
    /// CloudTrail trails and the AWS Config recorder.
    pub audit: A,
    /// Security group ingress rules (EC2).
    pub groups: G,
    /// The tampering principal's credentials (IAM), when configured.
    pub principals: P,
    pub recorder: R,
    pub notifier: T,
    /// Exactly-once claims and the blast-radius budget (DynamoDB).
    pub ledger: L,
}

/// The ports on the AWS SDK, as the Lambda function and `cordon replay` use them.
pub type AwsTrailPorts = TrailResponderPorts<
    cordon_aws::AwsAuditLogging,
    cordon_aws::Ec2SecurityGroupRules,
    cordon_aws::IamPrincipals,
    cordon_aws::SecurityHubRecorder,
    cordon_aws::SnsNotifier,
    cordon_aws::AwsLedger,
>;

impl AwsTrailPorts {
    /// Every adapter on one set of clients, so one counter sees every call.
    pub fn on_aws(
        clients: &cordon_aws::Clients,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        Self {
            audit: cordon_aws::AwsAuditLogging::new(
                clients.cloudtrail.clone(),
                clients.config.clone(),
            ),
            groups: cordon_aws::Ec2SecurityGroupRules::new(clients.ec2.clone()),
            principals: cordon_aws::IamPrincipals::new(clients.iam.clone()),
            recorder: cordon_aws::SecurityHubRecorder::new(clients.securityhub.clone()),
            notifier: cordon_aws::SnsNotifier::new(clients.sns.clone(), topic_arn),
            ledger: cordon_aws::ledger_on(clients, ledger_table),
        }
    }
}
