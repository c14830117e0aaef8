//! The fake's Auto Scaling group and target groups.

use super::*;

impl ServiceRotation for FakeCloud {
    async fn auto_scaling_membership(
        &self,
        _instance: &InstanceId,
    ) -> PortResult<Option<AutoScalingMembership>> {
        self.call(Call::ReadMembership).await;
        let state = self.state();
        Ok(state.membership.clone().map(|m| AutoScalingMembership {
            desired_capacity: state.desired.get(&m.group).copied().unwrap_or(0),
            ..m
        }))
    }

    async fn desired_capacity(&self, group: &str) -> PortResult<i32> {
        self.call(Call::ReadDesired).await;
        Ok(self.state().desired.get(group).copied().unwrap_or(0))
    }

    async fn attach_to_auto_scaling_group(
        &self,
        _instance: &InstanceId,
        group: &str,
    ) -> PortResult<()> {
        self.call(Call::Attach(group.to_owned())).await;
        let mut state = self.state();
        *state.desired.entry(group.to_owned()).or_default() += 1;
        let desired = state.desired[group];
        state.membership = Some(AutoScalingMembership {
            group: group.to_owned(),
            desired_capacity: desired,
        });
        Ok(())
    }

    async fn detach_from_auto_scaling_group(
        &self,
        _instance: &InstanceId,
        group: &str,
    ) -> PortResult<()> {
        self.call(Call::Detach(group.to_owned())).await;
        let mut state = self.state();
        if !state.detach_ignored {
            state.membership = None;
        }
        Ok(())
    }

    async fn target_registrations(
        &self,
        targets: &[String],
    ) -> PortResult<Vec<TargetRegistration>> {
        self.call(Call::ReadRegistrations).await;
        Ok(self
            .state()
            .registrations
            .iter()
            .filter(|r| targets.contains(&r.target_id))
            .cloned()
            .collect())
    }

    async fn registrations_in(
        &self,
        target_groups: &[String],
        targets: &[String],
    ) -> PortResult<Vec<TargetRegistration>> {
        self.call(Call::ReadRegistrations).await;
        Ok(self
            .state()
            .registrations
            .iter()
            .filter(|r| targets.contains(&r.target_id))
            .filter(|r| target_groups.contains(&r.target_group_arn))
            .cloned()
            .collect())
    }

    async fn deregister_target(&self, registration: &TargetRegistration) -> PortResult<()> {
        self.call(Call::Deregister(registration.target_group_arn.clone()))
            .await;
        for r in self.state().registrations.iter_mut() {
            if r.target_group_arn == registration.target_group_arn
                && r.target_id == registration.target_id
            {
                r.state = Some("draining".into());
            }
        }
        Ok(())
    }
}
