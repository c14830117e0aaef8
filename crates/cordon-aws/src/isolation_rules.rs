//! The rules of cordon's isolation groups: the deny group holds none, the open group
//! allows all traffic both ways. Each change tolerates the error that means it is
//! already so, since concurrent invocations reconcile the same groups.

use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, SecurityGroup};
use cordon_core::ports::PortResult;
use cordon_events::SecurityGroupId;

/// Deny-all: every rule goes, including the allow-all egress a new group starts with.
pub(crate) async fn revoke_all(
    client: &Client,
    id: &SecurityGroupId,
    group: &SecurityGroup,
) -> PortResult<bool> {
    let (ingress, egress) = (group.ip_permissions(), group.ip_permissions_egress());
    // A concurrent invocation may have revoked a rule first: NotFound means gone, and
    // the read-back in verification proves the group is empty. Both directions at
    // once: a half-made group is put right on the critical path.
    let revoke = |change, rules: &[IpPermission]| {
        let rules = rules.to_vec();
        Box::pin(async move {
            match rules.is_empty() {
                true => Ok(()),
                false => change_rules(client, id, change, rules).await,
            }
        })
    };
    let (revoked_in, revoked_out) = tokio::join!(
        revoke(Rules::RevokeIn, ingress),
        revoke(Rules::RevokeOut, egress)
    );
    revoked_in.and(revoked_out)?;
    Ok(!ingress.is_empty() || !egress.is_empty())
}

/// Open: all protocols from and to anywhere, IPv4 and IPv6, in both directions.
pub(crate) async fn allow_all(
    client: &Client,
    id: &SecurityGroupId,
    group: &SecurityGroup,
) -> PortResult<bool> {
    let ingress = missing_allow_all(group.ip_permissions());
    let egress = missing_allow_all(group.ip_permissions_egress());
    let changed = ingress.is_some() || egress.is_some();
    let allow = |change, missing: Option<IpPermission>| {
        Box::pin(async move {
            match missing {
                None => Ok(()),
                Some(rule) => change_rules(client, id, change, vec![rule]).await,
            }
        })
    };
    let (allowed_in, allowed_out) = tokio::join!(
        allow(Rules::AllowIn, ingress),
        allow(Rules::AllowOut, egress)
    );
    allowed_in.and(allowed_out)?;
    Ok(changed)
}

/// One change to a group's rules.
#[derive(Clone, Copy)]
pub(crate) enum Rules {
    AllowIn,
    AllowOut,
    RevokeIn,
    RevokeOut,
}

/// Sends one change of `rules`. The code a concurrent invocation's identical change
/// gets back (the rule is already there, or already gone) counts as done.
pub(crate) async fn change_rules(
    client: &Client,
    id: &SecurityGroupId,
    change: Rules,
    rules: Vec<IpPermission>,
) -> PortResult<()> {
    let (group, rules) = (id.as_str(), Some(rules));
    match change {
        Rules::AllowIn => ignore(
            client
                .authorize_security_group_ingress()
                .group_id(group)
                .set_ip_permissions(rules)
                .send()
                .await
                .map(drop),
            "ec2:AuthorizeSecurityGroupIngress",
            DUPLICATE,
        ),
        Rules::AllowOut => ignore(
            client
                .authorize_security_group_egress()
                .group_id(group)
                .set_ip_permissions(rules)
                .send()
                .await
                .map(drop),
            "ec2:AuthorizeSecurityGroupEgress",
            DUPLICATE,
        ),
        Rules::RevokeIn => ignore(
            client
                .revoke_security_group_ingress()
                .group_id(group)
                .set_ip_permissions(rules)
                .send()
                .await
                .map(drop),
            "ec2:RevokeSecurityGroupIngress",
            NOT_FOUND,
        ),
        Rules::RevokeOut => ignore(
            client
                .revoke_security_group_egress()
                .group_id(group)
                .set_ip_permissions(rules)
                .send()
                .await
                .map(drop),
            "ec2:RevokeSecurityGroupEgress",
            NOT_FOUND,
        ),
    }
}

/// The all-traffic rule for whichever of 0.0.0.0/0 and ::/0 is not yet allowed.
fn missing_allow_all(rules: &[IpPermission]) -> Option<IpPermission> {
    let all = |r: &&IpPermission| r.ip_protocol() == Some("-1");
    let has_v4 = rules.iter().filter(all).any(|r| {
        r.ip_ranges()
            .iter()
            .any(|x| x.cidr_ip() == Some("0.0.0.0/0"))
    });
    let has_v6 = rules.iter().filter(all).any(|r| {
        r.ipv6_ranges()
            .iter()
            .any(|x| x.cidr_ipv6() == Some("::/0"))
    });
    if has_v4 && has_v6 {
        return None;
    }
    let mut rule = IpPermission::builder().ip_protocol("-1");
    if !has_v4 {
        rule = rule.ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build());
    }
    if !has_v6 {
        rule = rule.ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build());
    }
    Some(rule.build())
}

/// What a concurrent invocation's identical change looks like.
const DUPLICATE: &str = "InvalidPermission.Duplicate";
const NOT_FOUND: &str = "InvalidPermission.NotFound";

/// The call's result, with `code` (another invocation got there first) counted as done.
fn ignore<E, R>(
    result: Result<(), aws_sdk_ec2::error::SdkError<E, R>>,
    operation: &'static str,
    code: &str,
) -> PortResult<()>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match result {
        Err(e) if aws_sdk_ec2::error::ProvideErrorMetadata::code(&e) == Some(code) => Ok(()),
        other => other.map_err(|e| port_error(operation, e)),
    }
}
