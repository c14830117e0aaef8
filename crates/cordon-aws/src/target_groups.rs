//! Where the instance is registered behind a load balancer. ELBv2 has no "groups this
//! target is in" query, so every target group is listed (paginated) and each one's
//! targets are read, a few groups at a time.

use crate::error::has_code;
use crate::port_error;
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{TargetGroup, TargetTypeEnum};
use cordon_core::ports::{PortResult, TargetRegistration};
use futures_util::stream::{self, StreamExt, TryStreamExt};

/// Concurrent `DescribeTargetHealth` calls: quick on an account with many groups,
/// without tripping ELBv2's request rate.
const CONCURRENCY: usize = 8;

pub(crate) async fn registrations(
    client: &Client,
    targets: &[String],
) -> PortResult<Vec<TargetRegistration>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let groups = target_groups(client).await?;
    registrations_in_groups(client, groups, targets).await
}

/// The registrations of `targets` in the given groups, a few groups at a time.
pub(crate) async fn registrations_in_groups(
    client: &Client,
    groups: Vec<String>,
    targets: &[String],
) -> PortResult<Vec<TargetRegistration>> {
    let mut found: Vec<TargetRegistration> = stream::iter(groups)
        .map(|arn| registrations_in(client, arn, targets))
        .buffer_unordered(CONCURRENCY)
        .try_concat()
        .await?;
    found.sort_by(|a, b| {
        (&a.target_group_arn, &a.target_id, a.port).cmp(&(
            &b.target_group_arn,
            &b.target_id,
            b.port,
        ))
    });
    Ok(found)
}

/// ARNs of the groups that can hold an instance or its IPs: `lambda` and `alb` groups
/// hold functions and load balancers.
async fn target_groups(client: &Client) -> PortResult<Vec<String>> {
    let pages = client
        .describe_target_groups()
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    let groups = pages
        .into_iter()
        .collect::<Result<Vec<TargetGroup>, _>>()
        .map_err(|e| port_error("elasticloadbalancing:DescribeTargetGroups", e))?;
    Ok(groups
        .iter()
        .filter(|g| {
            !matches!(
                g.target_type(),
                Some(TargetTypeEnum::Lambda | TargetTypeEnum::Alb)
            )
        })
        .filter_map(|g| g.target_group_arn().map(str::to_owned))
        .collect())
}

async fn registrations_in(
    client: &Client,
    arn: String,
    targets: &[String],
) -> PortResult<Vec<TargetRegistration>> {
    let health = match client
        .describe_target_health()
        .target_group_arn(&arn)
        .send()
        .await
    {
        Ok(health) => health,
        // Deleted since it was listed: it holds nothing now.
        Err(e) if has_code(&e, &["TargetGroupNotFound"]) => return Ok(Vec::new()),
        Err(e) => return Err(port_error("elasticloadbalancing:DescribeTargetHealth", e)),
    };
    Ok(health
        .target_health_descriptions()
        .iter()
        .filter_map(|description| {
            let target = description.target()?;
            let id = target.id().filter(|id| targets.iter().any(|t| t == id))?;
            Some(TargetRegistration {
                target_group_arn: arn.clone(),
                target_id: id.to_owned(),
                port: target.port(),
                state: description
                    .target_health()
                    .and_then(|h| h.state())
                    .map(|s| s.as_str().to_ascii_lowercase()),
            })
        })
        .collect())
}
