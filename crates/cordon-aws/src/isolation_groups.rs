//! Find-or-create of a VPC's isolation group pair, safe against concurrent invocations:
//! group names are deterministic per VPC and EC2 refuses duplicates, so a loser of the
//! creation race reads the winner's group. Rules are reconciled on every call, so a
//! group someone edited (or one caught half-made) is put right before it is used.

use crate::isolation::{filter, parse_id};
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, ResourceType, SecurityGroup, Tag, TagSpecification,
};
use cordon_core::names::{deny_group_name, open_group_name};
use cordon_core::ports::{IsolationGroups, PortError, PortResult};
use cordon_events::{SecurityGroupId, VpcId};

use crate::isolation_rules::{Rules, allow_all, change_rules, revoke_all};

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

/// A VPC's isolation groups as a read found them, before anything is changed.
#[derive(Clone, Debug)]
pub struct IsolationGroupsFound {
    open: Option<SecurityGroup>,
    deny: Option<SecurityGroup>,
}

/// Reads only, so it can run before the incident is claimed and the exemption known.
/// One call for both groups: on the emulator every call counts on the critical path.
pub(crate) async fn find_pair(client: &Client, vpc: &VpcId) -> PortResult<IsolationGroupsFound> {
    let roles = [Role::Open, Role::Deny];
    let found = client
        .describe_security_groups()
        .filters(filter("vpc-id", vpc.as_str()))
        .filters(
            Filter::builder()
                .name(format!("tag:{ISOLATION_ROLE_TAG}"))
                .set_values(Some(roles.map(|r| r.tag_value().to_owned()).to_vec()))
                .build(),
        )
        .filters(
            Filter::builder()
                .name("group-name")
                .set_values(Some(roles.map(|r| r.name(vpc)).to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| port_error("ec2:DescribeSecurityGroups", e))?;
    let groups = found.security_groups();
    Ok(IsolationGroupsFound {
        open: pick(groups, vpc, Role::Open),
        deny: pick(groups, vpc, Role::Deny),
    })
}

impl IsolationGroupsFound {
    fn take(self, role: Role) -> Option<SecurityGroup> {
        match role {
            Role::Open => self.open,
            Role::Deny => self.deny,
        }
    }
}

/// The group with the role's name that carries the role's tag: the filters above
/// would also match one group's name with the other's tag.
fn pick(groups: &[SecurityGroup], vpc: &VpcId, role: Role) -> Option<SecurityGroup> {
    let tagged = |g: &SecurityGroup| {
        g.tags()
            .iter()
            .any(|t| t.key() == Some(ISOLATION_ROLE_TAG) && t.value() == Some(role.tag_value()))
    };
    groups
        .iter()
        .find(|g| g.group_name() == Some(role.name(vpc).as_str()) && tagged(g))
        .cloned()
}

pub(crate) async fn ensure(
    client: &Client,
    vpc: &VpcId,
    found: IsolationGroupsFound,
) -> PortResult<IsolationGroups> {
    let (open, deny) = tokio::join!(
        Box::pin(ensure_group(client, vpc, Role::Open, found.open)),
        Box::pin(ensure_group(client, vpc, Role::Deny, found.deny))
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
    found: Option<SecurityGroup>,
) -> PortResult<(SecurityGroupId, bool)> {
    let group = match found {
        Some(group) => group,
        None => match create(client, vpc, role).await? {
            Created::New(id) => {
                set_up_new(client, &id, role).await?;
                return Ok((id, true));
            }
            Created::RaceLost(group) => group,
        },
    };
    let id: SecurityGroupId = parse_id("ec2:DescribeSecurityGroups", group.group_id())?;
    let corrected = match role {
        Role::Deny => revoke_all(client, &id, &group).await?,
        Role::Open => allow_all(client, &id, &group).await?,
    };
    Ok((id, corrected))
}

/// A group this call created has exactly EC2's defaults: no ingress, and all egress
/// (IPv4, and IPv6 when the VPC has it). Its rules are set from that knowledge, with
/// no read first: first use in a VPC is on the critical path. The read-back in
/// verification proves the deny-all group empty.
async fn set_up_new(client: &Client, id: &SecurityGroupId, role: Role) -> PortResult<()> {
    let all = || IpPermission::builder().ip_protocol("-1");
    let v4 = || IpRange::builder().cidr_ip("0.0.0.0/0").build();
    let v6 = || Ipv6Range::builder().cidr_ipv6("::/0").build();
    // For the deny-all group, one revoke per address family: EC2 refuses a revoke
    // naming a rule that is not there, and the IPv6 one exists only in a VPC with IPv6.
    let changes = match role {
        Role::Open => [
            (
                Rules::AllowIn,
                all().ip_ranges(v4()).ipv6_ranges(v6()).build(),
            ),
            (Rules::AllowOut, all().ipv6_ranges(v6()).build()),
        ],
        Role::Deny => [
            (Rules::RevokeOut, all().ip_ranges(v4()).build()),
            (Rules::RevokeOut, all().ipv6_ranges(v6()).build()),
        ],
    };
    let [first, second] = changes.map(|(change, rule)| {
        Box::pin(until_visible(move || {
            change_rules(client, id, change, vec![rule.clone()])
        }))
    });
    let (first, second) = tokio::join!(first, second);
    first.and(second)
}

/// EC2 is eventually consistent: a group just created can be unknown to the next
/// call for a moment, and the SDK does not retry `InvalidGroup.NotFound`.
pub(crate) async fn until_visible<F, Fut>(mut call: F) -> PortResult<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = PortResult<()>>,
{
    const ATTEMPTS: u32 = 6;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(err)
                if err.code.as_deref() == Some("InvalidGroup.NotFound") && attempt < ATTEMPTS =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

enum Created {
    New(SecurityGroupId),
    /// Another invocation created it first: its group, as found.
    RaceLost(SecurityGroup),
}

async fn create(client: &Client, vpc: &VpcId, role: Role) -> PortResult<Created> {
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
    match created {
        Ok(out) => Ok(Created::New(parse_id(
            "ec2:CreateSecurityGroup",
            out.group_id(),
        )?)),
        Err(e)
            if e.as_service_error()
                .and_then(|s| aws_sdk_ec2::error::ProvideErrorMetadata::code(s))
                == Some("InvalidGroup.Duplicate") =>
        {
            let found = find_pair(client, vpc)
                .await?
                .take(role)
                .ok_or_else(|| PortError {
                    operation: "ec2:CreateSecurityGroup",
                    code: Some("InvalidGroup.Duplicate".into()),
                    message: format!(
                        "{name} exists but is not tagged {ISOLATION_ROLE_TAG}={}",
                        role.tag_value()
                    ),
                    transient: false,
                })?;
            Ok(Created::RaceLost(found))
        }
        Err(e) => Err(port_error("ec2:CreateSecurityGroup", e)),
    }
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

#[cfg(test)]
mod tests {
    use super::until_visible;
    use cordon_core::ports::PortError;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn error(code: &str) -> PortError {
        PortError {
            operation: "ec2:RevokeSecurityGroupEgress",
            code: Some(code.to_owned()),
            message: String::new(),
            transient: false,
        }
    }

    /// Calls `until_visible` with a call failing with `code` the first `failures` times.
    async fn attempts(code: &str, failures: usize) -> (Result<(), PortError>, usize) {
        let calls = AtomicUsize::new(0);
        let result = until_visible(|| async {
            match calls.fetch_add(1, Ordering::SeqCst) < failures {
                true => Err(error(code)),
                false => Ok(()),
            }
        })
        .await;
        (result, calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn a_group_not_yet_visible_is_tried_again_and_other_errors_are_not() {
        let (result, calls) = attempts("InvalidGroup.NotFound", 2).await;
        assert!(result.is_ok());
        assert_eq!(calls, 3);
        let (result, calls) = attempts("UnauthorizedOperation", 2).await;
        assert_eq!(
            result.unwrap_err().code.as_deref(),
            Some("UnauthorizedOperation")
        );
        assert_eq!(calls, 1);
    }
}
