//! The fake's protection attributes, volumes and snapshots.

use super::*;

impl EvidencePreservation for FakeCloud {
    async fn protection(&self, _instance: &InstanceId) -> PortResult<InstanceProtection> {
        self.call(Call::ReadProtection).await;
        Ok(self
            .state()
            .protection
            .clone()
            .unwrap_or(InstanceProtection {
                termination_protection: true,
                stop_protection: true,
                shutdown_behavior: "stop".into(),
                volumes: Vec::new(),
            }))
    }

    async fn apply_protection(
        &self,
        _instance: &InstanceId,
        change: &ProtectionChange,
    ) -> PortResult<()> {
        self.call(Call::Protect(change.clone())).await;
        let mut state = self.state();
        let Some(protection) = state.protection.as_mut() else {
            return Ok(());
        };
        match change {
            ProtectionChange::TerminationProtection(on) => protection.termination_protection = *on,
            ProtectionChange::StopProtection(on) => protection.stop_protection = *on,
            ProtectionChange::ShutdownBehavior(behavior) => {
                protection.shutdown_behavior = behavior.clone()
            }
            ProtectionChange::KeepVolume { device } => {
                for volume in protection
                    .volumes
                    .iter_mut()
                    .filter(|v| v.device == *device)
                {
                    volume.delete_on_termination = false;
                }
            }
        }
        Ok(())
    }

    async fn incident_snapshots(
        &self,
        _instance: &InstanceId,
        _incident: &str,
    ) -> PortResult<Vec<Snapshot>> {
        self.call(Call::ReadSnapshots).await;
        Ok(self.state().snapshots.clone())
    }

    async fn snapshot_instance(
        &self,
        _instance: &InstanceId,
        tags: &[(String, String)],
    ) -> PortResult<Vec<Snapshot>> {
        self.call(Call::SnapshotInstance).await;
        let mut state = self.state();
        if state.fail_snapshots {
            return Err(transient("CreateSnapshots", "throttled"));
        }
        let volumes: Vec<AttachedVolume> = state
            .protection
            .as_ref()
            .map(|p| p.volumes.clone())
            .unwrap_or_default();
        let created: Vec<Snapshot> = volumes
            .iter()
            .map(|v| new_snapshot(&mut state, &v.volume_id, tags))
            .collect();
        Ok(created)
    }

    async fn snapshot_volume(
        &self,
        volume_id: &str,
        tags: &[(String, String)],
    ) -> PortResult<Snapshot> {
        self.call(Call::SnapshotVolume(volume_id.to_owned())).await;
        let mut state = self.state();
        Ok(new_snapshot(&mut state, volume_id, tags))
    }
}

fn new_snapshot(state: &mut State, volume_id: &str, tags: &[(String, String)]) -> Snapshot {
    let snapshot = Snapshot {
        snapshot_id: format!("snap-{:04}", state.snapshots.len() + 1),
        volume_id: volume_id.to_owned(),
        state: "pending".into(),
    };
    state
        .resource_tags
        .entry(snapshot.snapshot_id.clone())
        .or_default()
        .extend(tags.iter().cloned());
    state.snapshots.push(snapshot.clone());
    snapshot
}
