//! Find-or-create of a VPC's isolation group pair, safe against concurrent invocations:
//! group names are deterministic per VPC and EC2 refuses duplicates, so a loser of the
//! creation race reads the winner's group. Rules are reconciled on every call, so a
//! group someone edited (or one caught half-made) is put right before it is used.

use crate::isolation::{filter, parse_id};
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, ResourceType, SecurityGroup, Tag, TagSpecification,
};
use cordon_core::plan::{deny_group_name, open_group_name};
use cordon_core::ports::PortResult;
use cordon_core::{IsolationGroups, PortError};
use cordon_events::{SecurityGroupId, VpcId};

/// Tag that marks a group as cordon's, with its role. Set at creation, in the same
/// call: the IAM policy only lets cordon edit groups that carry it.
pub const ISOLATION_ROLE_TAG: &str = "cordon:role";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Deny,
}

impl Role {
    fn tag_value(self) -> &'static str {
        match self {
            Role::Open => "isolation-open",
            Role::Deny => "isolation-deny",
        }
    }

    fn name(self, vpc: &VpcId) -> String {
        match self {
            Role::Open => open_group_name(vpc.as_str()),
            Role::Deny => deny_group_name(vpc.as_str()),
        }
    }
}

pub(crate) async fn ensure(client: &Client, vpc: &VpcId) -> PortResult<IsolationGroups> {
    let (open, deny) = tokio::join!(
        ensure_group(client, vpc, Role::Open),
        ensure_group(client, vpc, Role::Deny)
    );
    let ((open, open_changed), (deny, deny_changed)) = (open?, deny?);
    Ok(IsolationGroups {
        open,
        deny,
        changed: open_changed || deny_changed,
    })
}

/// The group's id, and whether it had to be created or corrected.
async fn ensure_group(
    client: &Client,
    vpc: &VpcId,
    role: Role,
) -> PortResult<(SecurityGroupId, bool)> {
    let (group, created) = match find(client, vpc, role).await? {
        Some(group) => (group, false),
        None => (create(client, vpc, role).await?, true),
    };
    let id: SecurityGroupId = parse_id("ec2:DescribeSecurityGroups", group.group_id())?;
    let corrected = match role {
        Role::Deny => revoke_all(client, &id, &group).await?,
        Role::Open => allow_all(client, &id, &group).await?,
    };
    Ok((id, created || corrected))
}

async fn find(client: &Client, vpc: &VpcId, role: Role) -> PortResult<Option<SecurityGroup>> {
    let found = client
        .describe_security_groups()
        .filters(filter("vpc-id", vpc.as_str()))
        .filters(filter(
            &format!("tag:{ISOLATION_ROLE_TAG}"),
            role.tag_value(),
        ))
        .filters(filter("group-name", &role.name(vpc)))
        .send()
        .await
        .map_err(|e| port_error("ec2:DescribeSecurityGroups", e))?;
    Ok(found.security_groups().first().cloned())
}

async fn create(client: &Client, vpc: &VpcId, role: Role) -> PortResult<SecurityGroup> {
    let description = match role {
        Role::Open => "cordon isolation: allows all traffic so tracked flows become untracked",
        Role::Deny => "cordon isolation: no rules, nothing in or out",
    };
    let name = role.name(vpc);
    let created = client
        .create_security_group()
        .group_name(&name)
        .description(description)
        .vpc_id(vpc.as_str())
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .tags(
                    Tag::builder()
                        .key(ISOLATION_ROLE_TAG)
                        .value(role.tag_value())
                        .build(),
                )
                .tags(Tag::builder().key("Name").value(&name).build())
                .build(),
        )
        .send()
        .await;
    let id = match created {
        Ok(out) => out.group_id().unwrap_or_default().to_owned(),
        // Another invocation won the race: use its group.
        Err(e)
            if e.as_service_error()
                .and_then(|s| aws_sdk_ec2::error::ProvideErrorMetadata::code(s))
                == Some("InvalidGroup.Duplicate") =>
        {
            return find(client, vpc, role).await?.ok_or_else(|| PortError {
                operation: "ec2:CreateSecurityGroup",
                code: Some("InvalidGroup.Duplicate".into()),
                message: format!(
                    "{name} exists but is not tagged {ISOLATION_ROLE_TAG}={}",
                    role.tag_value()
                ),
                transient: false,
            });
        }
        Err(e) => return Err(port_error("ec2:CreateSecurityGroup", e)),
    };
    let id: SecurityGroupId = parse_id("ec2:CreateSecurityGroup", Some(&id))?;
    describe_by_id(client, &id).await
}

pub(crate) async fn describe_by_id(
    client: &Client,
    id: &SecurityGroupId,
) -> PortResult<SecurityGroup> {
    let found = client
        .describe_security_groups()
        .group_ids(id.as_str())
        .send()
        .await
        .map_err(|e| port_error("ec2:DescribeSecurityGroups", e))?;
    found
        .security_groups()
        .first()
        .cloned()
        .ok_or_else(|| PortError {
            operation: "ec2:DescribeSecurityGroups",
            code: None,
            message: format!("{id} not found"),
            transient: true,
        })
}

/// Deny-all: every rule goes, including the allow-all egress a new group starts with.
async fn revoke_all(
    client: &Client,
    id: &SecurityGroupId,
    group: &SecurityGroup,
) -> PortResult<bool> {
    let changed = !group.ip_permissions().is_empty() || !group.ip_permissions_egress().is_empty();
    // A concurrent invocation may have revoked a rule first: NotFound means gone, and
    // the read-back in verification proves the group is empty. Both directions at
    // once: first use in a VPC is on the critical path.
    let ingress = async {
        if group.ip_permissions().is_empty() {
            return Ok(());
        }
        let sent = client
            .revoke_security_group_ingress()
            .group_id(id.as_str())
            .set_ip_permissions(Some(group.ip_permissions().to_vec()))
            .send()
            .await;
        ignore(sent.map(drop), "ec2:RevokeSecurityGroupIngress", NOT_FOUND)
    };
    let egress = async {
        if group.ip_permissions_egress().is_empty() {
            return Ok(());
        }
        let sent = client
            .revoke_security_group_egress()
            .group_id(id.as_str())
            .set_ip_permissions(Some(group.ip_permissions_egress().to_vec()))
            .send()
            .await;
        ignore(sent.map(drop), "ec2:RevokeSecurityGroupEgress", NOT_FOUND)
    };
    let (ingress, egress) = tokio::join!(Box::pin(ingress), Box::pin(egress));
    ingress.and(egress)?;
    Ok(changed)
}

/// Open: all protocols from and to anywhere, IPv4 and IPv6, in both directions.
async fn allow_all(
    client: &Client,
    id: &SecurityGroupId,
    group: &SecurityGroup,
) -> PortResult<bool> {
    let ingress = missing_allow_all(group.ip_permissions());
    let egress = missing_allow_all(group.ip_permissions_egress());
    let changed = ingress.is_some() || egress.is_some();
    let ingress = async {
        let Some(missing) = ingress else {
            return Ok(());
        };
        let sent = client
            .authorize_security_group_ingress()
            .group_id(id.as_str())
            .ip_permissions(missing)
            .send()
            .await;
        ignore(
            sent.map(drop),
            "ec2:AuthorizeSecurityGroupIngress",
            DUPLICATE,
        )
    };
    let egress = async {
        let Some(missing) = egress else {
            return Ok(());
        };
        let sent = client
            .authorize_security_group_egress()
            .group_id(id.as_str())
            .ip_permissions(missing)
            .send()
            .await;
        ignore(
            sent.map(drop),
            "ec2:AuthorizeSecurityGroupEgress",
            DUPLICATE,
        )
    };
    let (ingress, egress) = tokio::join!(Box::pin(ingress), Box::pin(egress));
    ingress.and(egress)?;
    Ok(changed)
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
    R: std::fmt::Debug,
{
    match result {
        Err(e) if aws_sdk_ec2::error::ProvideErrorMetadata::code(&e) == Some(code) => Ok(()),
        other => other.map_err(|e| port_error(operation, e)),
    }
}
