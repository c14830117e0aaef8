//! The burst's read-back: each emulator read directly, without the proxies, for
//! instances lost or acted on twice and the messages people were sent.

use crate::Why;
use crate::world::World;
use cordon_fixtures::Estate;
use std::collections::BTreeMap;

/// The emulators' state after the burst, per instance.
#[derive(Default)]
pub(super) struct ReadBack {
    pub(super) lost: Vec<String>,
    /// Instances with more snapshots than volumes.
    pub(super) extra_snapshots: Vec<String>,
    /// Response findings per instance.
    pub(super) response_findings: Vec<usize>,
    /// The subjects of the on-call messages about each instance.
    pub(super) notifications: Vec<(String, Vec<String>)>,
}

impl ReadBack {
    /// Another shard's read-back added to this one.
    pub(super) fn absorb(&mut self, other: Self) {
        self.lost.extend(other.lost);
        self.extra_snapshots.extend(other.extra_snapshots);
        self.response_findings.extend(other.response_findings);
        self.notifications.extend(other.notifications);
    }

    /// One shard's emulator, about its part of the fleet.
    pub(super) async fn of(world: &World, fleet: &[Estate]) -> Result<Self, String> {
        let ec2 = &world.direct.ec2;
        let deny = fleet[0]
            .deny_group(ec2)
            .await
            .why("reading the deny-all group")?
            .and_then(|g| g.group_id().map(str::to_owned));
        let mut lost = Vec::new();
        let mut extra_snapshots = Vec::new();
        for estate in fleet {
            let held = match &deny {
                Some(deny) => estate
                    .interfaces_held_by(ec2, deny)
                    .await
                    .why("reading interfaces")?
                    .len(),
                None => 0,
            };
            if held != estate.interfaces.len() {
                lost.push(estate.instance.clone());
            }
            let snapshots = estate.snapshots(ec2).await.why("reading snapshots")?;
            if snapshots.len() > estate.volumes.len() {
                extra_snapshots.push(estate.instance.clone());
            }
        }
        let mut findings = BTreeMap::<String, usize>::new();
        let mut pages = world
            .direct
            .securityhub
            .get_findings()
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.why("reading Security Hub")?;
            for finding in page.findings() {
                if !finding.id().unwrap_or_default().starts_with("cordon/") {
                    continue;
                }
                if let Some(estate) = fleet.iter().find(|e| {
                    finding
                        .resources()
                        .iter()
                        .any(|r| r.id().unwrap_or_default().ends_with(&e.instance))
                }) {
                    *findings.entry(estate.instance.clone()).or_default() += 1;
                }
            }
        }
        let published = world
            .moto
            .recorded_calls("sns:Publish")
            .why("reading SNS messages")?;
        Ok(Self {
            lost,
            extra_snapshots,
            response_findings: fleet
                .iter()
                .map(|e| findings.get(&e.instance).copied().unwrap_or(0))
                .collect(),
            notifications: fleet
                .iter()
                .map(|e| {
                    let subjects = published
                        .iter()
                        .filter(|p| p.get("Message").is_some_and(|m| m.contains(&e.instance)))
                        .map(|p| p.get("Subject").cloned().unwrap_or_default())
                        .collect();
                    (e.instance.clone(), subjects)
                })
                .collect(),
        })
    }
}
