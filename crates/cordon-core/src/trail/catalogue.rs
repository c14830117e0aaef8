//! Every CloudTrail event cordon answers, and how: the single table triage, the
//! template's rules and the README's playbook catalogue are checked against.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Blinding the audit trail or the detectors: repaired where one call restores it.
    AuditTampering,
    /// Admin ports opened to the internet: the added or rewritten rules are revoked.
    ExposedAdminPorts,
    /// Changes the CIS benchmark asks to be watched: recorded for people.
    RiskyChange,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuditTampering => "audit-tampering",
            Self::ExposedAdminPorts => "exposed-admin-ports",
            Self::RiskyChange => "risky-change",
        }
    }
}

/// What cordon does about a successful call, beyond recording it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Repair {
    /// `StartLogging` on the trail, verified with `GetTrailStatus`.
    StartLogging,
    /// `StartConfigurationRecorder`, verified with the recorder's status.
    StartRecorder,
    /// Revoke the rules the call added or rewrote that expose admin ports, verified.
    RevokeExposedIngress,
    /// No single safe call restores the previous state: record and tell people.
    RecordOnly,
}

/// One kind of event cordon watches.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Watched {
    /// CloudTrail's `eventSource`, e.g. `cloudtrail.amazonaws.com`.
    pub event_source: &'static str,
    pub event_names: &'static [&'static str],
    pub family: Family,
    pub repair: Repair,
    /// The ASFF severity label of the response finding.
    pub severity: &'static str,
    /// What the call did, for titles: "stopped CloudTrail logging".
    pub what: &'static str,
    /// The benchmark controls the event falls under.
    pub controls: &'static str,
}

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
const GUARDDUTY: &str = "guardduty.amazonaws.com";
const SECURITYHUB: &str = "securityhub.amazonaws.com";
const CONFIG: &str = "config.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";
const IAM: &str = "iam.amazonaws.com";
const KMS: &str = "kms.amazonaws.com";
const S3: &str = "s3.amazonaws.com";
const ORGANIZATIONS: &str = "organizations.amazonaws.com";
pub(crate) const SIGNIN: &str = "signin.amazonaws.com";

const CIS_TRAIL: &str =
    "CIS AWS Foundations 1.2.0 2.1, 3.5; Security Hub CloudTrail.1, CloudWatch.5";

pub const CATALOGUE: &[Watched] = &[
    Watched {
        event_source: CLOUDTRAIL,
        event_names: &["StopLogging"],
        family: Family::AuditTampering,
        repair: Repair::StartLogging,
        severity: "CRITICAL",
        what: "stopped CloudTrail logging",
        controls: CIS_TRAIL,
    },
    Watched {
        event_source: CLOUDTRAIL,
        event_names: &["DeleteTrail"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "CRITICAL",
        what: "deleted a CloudTrail trail",
        controls: CIS_TRAIL,
    },
    Watched {
        event_source: CLOUDTRAIL,
        event_names: &["UpdateTrail", "PutEventSelectors", "PutInsightSelectors"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "HIGH",
        what: "changed what a CloudTrail trail records",
        controls: CIS_TRAIL,
    },
    Watched {
        event_source: GUARDDUTY,
        event_names: &["DeleteDetector"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "CRITICAL",
        what: "deleted the GuardDuty detector",
        controls: "Security Hub GuardDuty.1",
    },
    // Only when the update disables the detector; triage checks `enable: false`.
    Watched {
        event_source: GUARDDUTY,
        event_names: &["UpdateDetector"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "CRITICAL",
        what: "disabled the GuardDuty detector",
        controls: "Security Hub GuardDuty.1",
    },
    Watched {
        event_source: SECURITYHUB,
        event_names: &["DisableSecurityHub"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "CRITICAL",
        what: "disabled Security Hub",
        controls: "CIS AWS Foundations 1.5.0 4.16",
    },
    Watched {
        event_source: CONFIG,
        event_names: &["StopConfigurationRecorder"],
        family: Family::AuditTampering,
        repair: Repair::StartRecorder,
        severity: "HIGH",
        what: "stopped the AWS Config recorder",
        controls: "CIS AWS Foundations 1.2.0 2.5, 3.9; Security Hub Config.1, CloudWatch.9",
    },
    Watched {
        event_source: CONFIG,
        event_names: &["DeleteConfigurationRecorder", "DeleteDeliveryChannel"],
        family: Family::AuditTampering,
        repair: Repair::RecordOnly,
        severity: "HIGH",
        what: "deleted AWS Config recording",
        controls: "CIS AWS Foundations 1.2.0 2.5, 3.9; Security Hub Config.1, CloudWatch.9",
    },
    Watched {
        event_source: EC2,
        event_names: &["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"],
        family: Family::ExposedAdminPorts,
        repair: Repair::RevokeExposedIngress,
        severity: "HIGH",
        what: "opened admin ports to the internet",
        controls: "CIS AWS Foundations 3.0.0 5.2, 5.3; Security Hub EC2.13, EC2.14, EC2.53, EC2.54",
    },
    Watched {
        event_source: CLOUDTRAIL,
        event_names: &["CreateTrail", "StartLogging"],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "LOW",
        what: "changed CloudTrail configuration",
        controls: "CIS AWS Foundations 1.2.0 3.5; Security Hub CloudWatch.5",
    },
    Watched {
        event_source: CONFIG,
        event_names: &["PutConfigurationRecorder", "PutDeliveryChannel"],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "LOW",
        what: "changed AWS Config configuration",
        controls: "CIS AWS Foundations 1.2.0 3.9; Security Hub CloudWatch.9",
    },
    Watched {
        event_source: IAM,
        event_names: &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "SetDefaultPolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed an IAM policy",
        controls: "CIS AWS Foundations 1.2.0 3.4; Security Hub CloudWatch.4",
    },
    Watched {
        event_source: KMS,
        event_names: &["DisableKey", "ScheduleKeyDeletion"],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "HIGH",
        what: "disabled or scheduled the deletion of a KMS key",
        controls: "CIS AWS Foundations 1.2.0 3.7; Security Hub CloudWatch.7",
    },
    Watched {
        event_source: S3,
        event_names: &[
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed an S3 bucket's policy or ACL",
        controls: "CIS AWS Foundations 1.2.0 3.8; Security Hub CloudWatch.8",
    },
    Watched {
        event_source: EC2,
        event_names: &[
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed a network ACL",
        controls: "CIS AWS Foundations 1.2.0 3.11; Security Hub CloudWatch.11",
    },
    Watched {
        event_source: EC2,
        event_names: &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
            "CreateNatGateway",
            "DeleteNatGateway",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed a network gateway",
        controls: "CIS AWS Foundations 1.2.0 3.12; Security Hub CloudWatch.12",
    },
    Watched {
        event_source: EC2,
        event_names: &[
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed a route table",
        controls: "CIS AWS Foundations 1.2.0 3.13; Security Hub CloudWatch.13",
    },
    Watched {
        event_source: EC2,
        event_names: &[
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "MEDIUM",
        what: "changed a VPC",
        controls: "CIS AWS Foundations 1.2.0 3.14; Security Hub CloudWatch.14",
    },
    Watched {
        event_source: ORGANIZATIONS,
        event_names: &[
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ],
        family: Family::RiskyChange,
        repair: Repair::RecordOnly,
        severity: "HIGH",
        what: "changed the AWS Organization",
        controls: "CIS AWS Foundations 1.4.0 4.15",
    },
];

/// Any call made with root credentials (the benchmark's "root account usage").
pub const ROOT_ACTIVITY: Watched = Watched {
    event_source: "*",
    event_names: &["*"],
    family: Family::RiskyChange,
    repair: Repair::RecordOnly,
    severity: "CRITICAL",
    what: "made an API call",
    controls: "CIS AWS Foundations 1.2.0 1.1, 3.3; Security Hub CloudWatch.1",
};

/// A successful console sign-in without MFA.
pub const CONSOLE_SIGN_IN_WITHOUT_MFA: Watched = Watched {
    event_source: SIGNIN,
    event_names: &["ConsoleLogin"],
    family: Family::RiskyChange,
    repair: Repair::RecordOnly,
    severity: "MEDIUM",
    what: "signed in to the console without MFA",
    controls: "CIS AWS Foundations 1.2.0 3.2; Security Hub CloudWatch.3",
};

/// A failed console sign-in.
pub const CONSOLE_SIGN_IN_FAILURE: Watched = Watched {
    event_source: SIGNIN,
    event_names: &["ConsoleLogin"],
    family: Family::RiskyChange,
    repair: Repair::RecordOnly,
    severity: "LOW",
    what: "failed to sign in to the console",
    controls: "CIS AWS Foundations 1.2.0 3.6; Security Hub CloudWatch.6",
};

/// The table's entry for an API call, if cordon watches it.
pub fn watched_call(event_source: &str, event_name: &str) -> Option<&'static Watched> {
    CATALOGUE
        .iter()
        .find(|w| w.event_source == event_source && w.event_names.contains(&event_name))
}
