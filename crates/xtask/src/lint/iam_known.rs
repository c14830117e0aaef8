//! The linters' findings accepted on purpose, each on the roles it is accepted for and
//! with the reason a reviewer needs; the reasons repeat the template's comments.

const FUNCTION_ROLES: &[&str] = &[
    "ContainInstanceFunctionRole",
    "ContainCredentialsFunctionRole",
    "RespondToCloudTrailFunctionRole",
    "ContainBucketFunctionRole",
    "ContainLambdaFunctionRole",
];
/// Roles that contain credentials: the credential function's, and the CloudTrail
/// function's with ContainTamperingPrincipal, in the security account and in members.
const CREDENTIAL_ROLES: &[&str] = &[
    "ContainCredentialsFunctionRole",
    "RespondToCloudTrailFunctionRole",
    "ContainCredentialsMemberRole",
    "RespondToCloudTrailMemberRole",
];
/// Roles that deny a role's older sessions: the credential roles, the instance's and
/// the Lambda function's (its execution role).
const SESSION_ROLES: &[&str] = &[
    "ContainInstanceFunctionRole",
    "ContainCredentialsFunctionRole",
    "RespondToCloudTrailFunctionRole",
    "ContainInstanceMemberRole",
    "ContainCredentialsMemberRole",
    "RespondToCloudTrailMemberRole",
    "ContainLambdaFunctionRole",
    "ContainLambdaMemberRole",
];
/// Roles that turn a bucket's S3 Block Public Access on.
const BUCKET_ROLES: &[&str] = &["ContainBucketFunctionRole", "ContainBucketMemberRole"];
const INSTANCE_ROLES: &[&str] = &["ContainInstanceFunctionRole", "ContainInstanceMemberRole"];
/// Roles that lift session denies on release, with ReleaseFromSecurityHub.
const RELEASE_ROLES: &[&str] = &[
    "ContainInstanceFunctionRole",
    "ContainCredentialsFunctionRole",
    "ContainLambdaFunctionRole",
    "ContainInstanceMemberRole",
    "ContainCredentialsMemberRole",
    "ContainLambdaMemberRole",
];
const USER_RELEASE_ROLES: &[&str] = &[
    "ContainCredentialsFunctionRole",
    "ContainCredentialsMemberRole",
];

const SESSION_DENY: &str = "the deny of older sessions goes onto a role known only at run time, \
     and IAM has no condition key for an inline policy's name or content; ProtectedPrincipalsPolicy \
     and ExemptResourcesPolicy keep it off cordon's own, the organisation's access, break-glass \
     and exempt roles (comment at RevokeInstanceRoleSessions / RevokeRoleSessions / RevokeExecutionRoleSessions / ContainPrincipals)";
const RELEASE_DENY: &str = "only with ReleaseFromSecurityHub: release deletes the session deny \
     cordon wrote on a principal known only at run time, and IAM has no condition key for an inline \
     policy's name; the guardrail policies keep it off break-glass and exempt principals (comment \
     at LiftRoleSessionDeny / LiftSessionDeny)";
const RELEASE_PROFILE: &str = "only with ReleaseFromSecurityHub: release re-associates the instance \
     profile EC2 reported before containment, as cordon recorded it in its ledger; PassRole is \
     limited to EC2 (iam:PassedToService) and the role is known only at run time (comment at \
     PassRecordedProfileRoleToEc2)";
const BUCKET_BLOCK: &str = "the bucket is known only at run time, and S3 has no condition key for \
     the settings PutBucketPublicAccessBlock writes; the code only turns all four on, which closes \
     the bucket, never opens it (comment at BlockBucketPublicAccess)";
const ACCOUNT_BLOCK: &str = "S3 Control's account-level block actions have no resource type (the \
     block belongs to the account, not to a bucket), so `*` is the only resource IAM accepts, and S3 \
     has no condition key for the settings PutAccountPublicAccessBlock writes; the code only turns all \
     four on, which closes the account's buckets, never opens them (comment at BlockAccountPublicAccess)";
const USER_CONTAINMENT: &str = "the user is known only at run time, and IAM has no condition key for \
     an inline policy's content or for the status UpdateAccessKey sets; the guardrail policies keep \
     it off break-glass and exempt users (comment at ContainUsers / ContainPrincipals)";

/// A finding accepted on purpose.
#[derive(Debug)]
pub struct Known {
    pub tool: &'static str,
    pub finding: &'static str,
    /// The action, escalation method or value the tool names (actions in any case).
    pub details: &'static [&'static str],
    /// Every role, policy or key (logical id) the finding is accepted on.
    pub subjects: &'static [&'static str],
    pub reason: &'static str,
}

pub const KNOWN: &[Known] = &[
    // parliament
    Known {
        tool: "parliament",
        finding: "PRIVILEGE_ESCALATION",
        details: &["PutRolePolicy"],
        subjects: &[
            "ContainInstanceFunctionRole",
            "ContainCredentialsFunctionRole",
            "ContainLambdaFunctionRole",
        ],
        reason: SESSION_DENY,
    },
    Known {
        tool: "parliament",
        finding: "PRIVILEGE_ESCALATION",
        details: &["PutUserPolicy"],
        subjects: CREDENTIAL_ROLES,
        reason: USER_CONTAINMENT,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["iam:PutRolePolicy"],
        subjects: SESSION_ROLES,
        reason: SESSION_DENY,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &[
            "iam:PutUserPolicy",
            "iam:UpdateAccessKey",
            "iam:DeleteLoginProfile",
        ],
        subjects: CREDENTIAL_ROLES,
        reason: USER_CONTAINMENT,
    },
    Known {
        tool: "parliament",
        finding: "CREDENTIALS_EXPOSURE",
        details: &["sts:AssumeRole"],
        subjects: FUNCTION_ROLES,
        reason: "each function assumes only its own member role, and only with the external id; \
                 that role trusts this function's role alone",
    },
    Known {
        tool: "parliament",
        finding: "CREDENTIALS_EXPOSURE",
        details: &["iam:UpdateAccessKey"],
        subjects: CREDENTIAL_ROLES,
        reason: "UpdateAccessKey returns no credential: cordon sets the stolen key Inactive",
    },
    Known {
        tool: "parliament",
        finding: "NO_VERSION",
        details: &[""],
        subjects: FUNCTION_ROLES,
        reason: "SAM writes the on-failure destination's policy (sqs:SendMessage to the \
                 function's own dead-letter queue) without a Version; it uses no policy \
                 variables, the only thing the older grammar lacks",
    },
    Known {
        tool: "parliament",
        finding: "RESOURCE_MISMATCH",
        details: &[
            "ec2:CreateSecurityGroup",
            "ec2:ModifyNetworkInterfaceAttribute",
            "ec2:CreateSnapshot",
            "ec2:CreateSnapshots",
        ],
        subjects: INSTANCE_ROLES,
        reason: "one action in two statements on purpose: the tag condition holds only for the \
                 group or snapshot being created, or the group being moved into, so the VPC, \
                 interface, instance and volumes are granted apart; parliament checks each \
                 statement alone",
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["kms:PutKeyPolicy"],
        subjects: &["IncidentTopicKey"],
        reason: "the account administers its own key (KMS refuses a key policy that would lock \
                 its creator out)",
    },
    // cloudsplaining, flagging risky actions even where ARNs or conditions limit them
    Known {
        tool: "cloudsplaining",
        finding: "PrivilegeEscalation",
        details: &["PutRolePolicy"],
        subjects: SESSION_ROLES,
        reason: SESSION_DENY,
    },
    Known {
        tool: "cloudsplaining",
        finding: "PrivilegeEscalation",
        details: &["PutUserPolicy"],
        subjects: CREDENTIAL_ROLES,
        reason: USER_CONTAINMENT,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &["iam:PutRolePolicy"],
        subjects: SESSION_ROLES,
        reason: SESSION_DENY,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &[
            "iam:PutUserPolicy",
            "iam:UpdateAccessKey",
            "iam:DeleteLoginProfile",
        ],
        subjects: CREDENTIAL_ROLES,
        reason: USER_CONTAINMENT,
    },
    Known {
        tool: "cloudsplaining",
        finding: "CredentialsExposure",
        details: &["sts:AssumeRole"],
        subjects: FUNCTION_ROLES,
        reason: "each function assumes only its own member role, and only with the external id; \
                 that role trusts this function's role alone",
    },
    Known {
        tool: "cloudsplaining",
        finding: "CredentialsExposure",
        details: &["iam:UpdateAccessKey"],
        subjects: CREDENTIAL_ROLES,
        reason: "UpdateAccessKey returns no credential: cordon sets the stolen key Inactive",
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["iam:DeleteRolePolicy"],
        subjects: RELEASE_ROLES,
        reason: RELEASE_DENY,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["iam:DeleteUserPolicy"],
        subjects: USER_RELEASE_ROLES,
        reason: RELEASE_DENY,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["iam:PassRole"],
        subjects: INSTANCE_ROLES,
        reason: RELEASE_PROFILE,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &["iam:DeleteRolePolicy"],
        subjects: RELEASE_ROLES,
        reason: RELEASE_DENY,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &["iam:DeleteUserPolicy"],
        subjects: USER_RELEASE_ROLES,
        reason: RELEASE_DENY,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &["iam:PassRole"],
        subjects: INSTANCE_ROLES,
        reason: RELEASE_PROFILE,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["s3:PutBucketPublicAccessBlock"],
        subjects: BUCKET_ROLES,
        reason: BUCKET_BLOCK,
    },
    Known {
        tool: "cloudsplaining",
        finding: "ResourceExposure",
        details: &["s3:PutBucketPublicAccessBlock"],
        subjects: BUCKET_ROLES,
        reason: BUCKET_BLOCK,
    },
    Known {
        tool: "parliament",
        finding: "PERMISSIONS_MANAGEMENT_ACTIONS",
        details: &["s3:PutAccountPublicAccessBlock"],
        subjects: BUCKET_ROLES,
        reason: ACCOUNT_BLOCK,
    },
];
