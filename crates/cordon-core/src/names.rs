//! The names cordon gives what it writes in an account (tag keys, the session-deny
//! policy, the isolation groups), in one place: release, adapters and tests read them back.

/// Default tag that exempts a resource from automated containment.
pub const DEFAULT_EXEMPT_TAG: &str = "cordon:exempt";

/// Group names are derived from the VPC so that concurrent invocations converge on one
/// pair: EC2 refuses a second group of the same name in a VPC.
pub fn open_group_name(vpc: &str) -> String {
    format!("cordon-isolation-open-{vpc}")
}

pub fn deny_group_name(vpc: &str) -> String {
    format!("cordon-isolation-deny-{vpc}")
}

/// Tag on each interface with its groups before isolation, for release.
pub const ORIGINAL_GROUPS_TAG: &str = "cordon:original-groups";
/// Tag on each interface once its connection-tracking timeouts were shortened: the
/// record for release, and for retries where the endpoint cannot report them.
pub const CONNECTION_TRACKING_TAG: &str = "cordon:connection-tracking";
/// Tags on the instance.
pub const INCIDENT_TAG: &str = "cordon:incident";
pub const STATUS_TAG: &str = "cordon:status";
pub const SEEN_TAG: &str = "cordon:finding-updated-at";
pub const FINDING_TYPE_TAG: &str = "cordon:finding-type";
/// The instance profile cordon disassociated, for release.
pub const INSTANCE_PROFILE_TAG: &str = "cordon:instance-profile";
/// Termination/stop protection and shutdown behaviour before containment, for
/// release: `termination=off,stop=off,shutdown=terminate`. Written once, before the
/// first change, and never overwritten.
pub const PROTECTION_BEFORE_TAG: &str = "cordon:protection-before";
/// The Auto Scaling group cordon detached the instance from, for release.
pub const AUTO_SCALING_GROUP_TAG: &str = "cordon:auto-scaling-group";
/// A Lambda function's reserved concurrency before containment (`unreserved` or a
/// number), for release: written once, before the throttle.
pub const ORIGINAL_CONCURRENCY_TAG: &str = "cordon:original-concurrency";
/// On the isolation groups, which many incidents share: the latest one.
pub const LAST_INCIDENT_TAG: &str = "cordon:last-incident";
/// On evidence snapshots, with [`INCIDENT_TAG`] and [`FINDING_TYPE_TAG`].
pub const INSTANCE_TAG: &str = "cordon:instance";
pub const VOLUME_TAG: &str = "cordon:volume";
pub const FINDING_TAG: &str = "cordon:finding";
/// The inline policy that denies sessions issued before the incident.
pub const REVOKE_SESSIONS_POLICY: &str = "cordon-revoke-older-sessions";
