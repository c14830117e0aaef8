//! Proof that isolation holds, read back with exact group filters: deny-all holds every
//! interface of the instance, no other group holds any, and deny-all has no rules.

use super::isolation::join;
use crate::instance::InstanceIncident;
use crate::ports::{IsolationGroups, NetworkIsolation};
use cordon_events::{NetworkInterfaceId, SecurityGroupId};
use std::collections::BTreeSet;

/// Reads the result back with exact group filters: the deny-all group holds every
/// interface of the instance, no original or open group holds any (one read for all of
/// them), and deny-all is empty.
pub(super) async fn verify_isolation<P: NetworkIsolation>(
    port: &P,
    incident: &InstanceIncident,
    groups: &IsolationGroups,
    originals: &[SecurityGroupId],
) -> Result<String, String> {
    let instance = &incident.instance_id;
    let others: Vec<SecurityGroupId> = originals.iter().chain([&groups.open]).cloned().collect();
    let (live, held, rules, elsewhere) = futures_util::join!(
        port.instance_network_interfaces(instance),
        port.instance_interfaces_in_groups(instance, std::slice::from_ref(&groups.deny)),
        port.group_rule_counts(&groups.deny),
        port.instance_interfaces_in_groups(instance, &others)
    );
    let live = live.map_err(|e| e.to_string())?;
    let held: BTreeSet<NetworkInterfaceId> = held
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|eni| eni.id)
        .collect();
    let mut problems = Vec::new();
    for eni in &live {
        if !held.contains(&eni.id) {
            problems.push(format!("{} is not in {}", eni.id, groups.deny));
        }
    }
    for eni in elsewhere.map_err(|e| e.to_string())? {
        if live.iter().any(|l| l.id == eni.id) {
            // The filter matched, so one of `others` holds it even if none is listed.
            match eni.groups.is_empty() {
                true => problems.push(format!("one of [{}] still holds {}", join(&others), eni.id)),
                false => problems.extend(
                    eni.groups
                        .iter()
                        .map(|group| format!("{group} still holds {}", eni.id)),
                ),
            }
        }
    }
    match rules.map_err(|e| e.to_string())? {
        (0, 0) => {}
        (ingress, egress) => problems.push(format!(
            "{} has {ingress} ingress and {egress} egress rules",
            groups.deny
        )),
    }
    if live.is_empty() {
        problems.push(format!("{instance} has no network interfaces to verify"));
    }
    if problems.is_empty() {
        Ok(format!(
            "{} interface(s) only in {}; {} has no rules",
            live.len(),
            groups.deny,
            groups.deny
        ))
    } else {
        Err(problems.join("; "))
    }
}
