//! The ports a responder acts, records, notifies and claims through, as one family of
//! implementations: [`Aws`] in production, in-memory fakes in tests. Each responder's
//! bundle holds only the ports it uses, so its IAM policy can be read off the bundle.

use cordon_aws::{Clients, SecurityHubRecorder};
use cordon_core::ports::{
    AccountPublicAccess, AuditLogging, BucketAccess, EvidencePreservation, FindingRecorder,
    FindingSource, FunctionControls, IncidentLedger, InstanceCredentials, NetworkIsolation,
    Notifier, PrincipalCredentials, SecurityGroupRules, ServiceRotation,
};
use cordon_events::AccountId;

/// One implementation of every port.
pub trait Adapters {
    /// GuardDuty's own record of a finding.
    type Findings: FindingSource;
    type Network: NetworkIsolation;
    type InstanceCredentials: InstanceCredentials;
    type Evidence: EvidencePreservation;
    type Rotation: ServiceRotation;
    type Principals: PrincipalCredentials;
    type Audit: AuditLogging;
    type Groups: SecurityGroupRules;
    type Buckets: BucketAccess;
    type Functions: FunctionControls;
    /// An account's own S3 Block Public Access (S3 Control).
    type AccountBlock: AccountPublicAccess;
    type Recorder: FindingRecorder;
    type Notifier: Notifier;
    type Ledger: IncidentLedger;
}

/// The ports on the AWS SDK.
pub struct Aws;

impl Adapters for Aws {
    type Findings = cordon_aws::GuardDutyFindings;
    type Network = cordon_aws::Ec2Isolation;
    type InstanceCredentials = cordon_aws::InstanceProfileCredentials;
    type Evidence = cordon_aws::Ec2Evidence;
    type Rotation = cordon_aws::AwsServiceRotation;
    type Principals = cordon_aws::IamPrincipals;
    type Audit = cordon_aws::AwsAuditLogging;
    type Groups = cordon_aws::Ec2SecurityGroupRules;
    type Buckets = cordon_aws::S3Buckets;
    type Functions = cordon_aws::LambdaFunctions;
    type AccountBlock = cordon_aws::S3AccountBlock;
    type Recorder = SecurityHubRecorder;
    type Notifier = cordon_aws::SnsNotifier;
    type Ledger = cordon_aws::AwsLedger;
}

/// What every responder does in the account cordon runs in, whichever account the
/// incident is in: record in Security Hub, tell people, claim in the ledger.
pub struct Home<A: Adapters> {
    pub recorder: A::Recorder,
    pub notifier: A::Notifier,
    /// Exactly-once claims and the blast-radius budget (DynamoDB).
    pub ledger: A::Ledger,
}

/// A responder's bundle of ports, as the shared stages of the pipeline see it.
pub trait Ports {
    type Adapters: Adapters;
    fn home(&self) -> &Home<Self::Adapters>;
}

/// A bundle of AWS ports: acting with one set of clients, recording with another.
pub trait Connect: Sized {
    /// Acting with `acting` (the incident's account and region).
    fn connect(acting: &Clients, home: Home<Aws>) -> Self;

    /// Every adapter on one set of clients, so one counter sees every call.
    fn on_aws(clients: &Clients, topic_arn: Option<String>, ledger_table: Option<String>) -> Self {
        let recorder = SecurityHubRecorder::new(clients.securityhub.clone());
        Self::connect(
            clients,
            Home::on(clients, recorder, topic_arn, ledger_table),
        )
    }

    /// Acting with `acting`, recording, notifying and claiming with `home` (the
    /// account cordon runs in, `home_account`).
    fn across(
        home: &Clients,
        home_account: &AccountId,
        acting: &Clients,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        let recorder = SecurityHubRecorder::filing_in(home.securityhub.clone(), home_account);
        Self::connect(acting, Home::on(home, recorder, topic_arn, ledger_table))
    }
}

impl Home<Aws> {
    fn on(
        clients: &Clients,
        recorder: SecurityHubRecorder,
        topic_arn: Option<String>,
        ledger_table: Option<String>,
    ) -> Self {
        Self {
            recorder,
            notifier: cordon_aws::SnsNotifier::new(clients.sns.clone(), topic_arn),
            ledger: cordon_aws::ledger_on(clients, ledger_table),
        }
    }
}
