//! The fake's EC2 networking: interfaces, groups, tags, connection tracking.

use super::*;

impl NetworkIsolation for FakeCloud {
    /// Whether the groups existed when read.
    type GroupsFound = bool;

    async fn find_isolation_groups(&self, _vpc: &VpcId) -> PortResult<bool> {
        Ok(self.state().groups_exist)
    }

    async fn ensure_isolation_groups(
        &self,
        vpc: &VpcId,
        found: bool,
    ) -> Result<IsolationGroups, PortError> {
        self.log_call(Call::EnsureGroups(vpc.to_string()));
        if self.state().fail_ensure {
            return Err(transient("CreateSecurityGroup", "throttled"));
        }
        let created = !std::mem::replace(&mut self.state().groups_exist, true) && !found;
        Ok(IsolationGroups {
            open: sg(OPEN),
            deny: sg(DENY),
            changed: created,
        })
    }

    async fn untag_resources(&self, resources: &[String], keys: &[&str]) -> PortResult<()> {
        let mut state = self.state();
        for resource in resources {
            if let Some(tags) = state.resource_tags.get_mut(resource) {
                tags.retain(|k, _| !keys.contains(&k.as_str()));
            }
            if let Some(eni) = state.enis.get_mut(resource) {
                eni.tags.retain(|k, _| !keys.contains(&k.as_str()));
            }
        }
        Ok(())
    }

    async fn incident_instances(&self, incident: &str) -> Result<Vec<InstanceId>, PortError> {
        let state = self.state();
        Ok(state
            .resource_tags
            .iter()
            .filter(|(id, tags)| {
                id.starts_with("i-") && tags.get(INCIDENT_TAG).map(String::as_str) == Some(incident)
            })
            .filter_map(|(id, _)| id.parse().ok())
            .collect())
    }

    async fn instance_tags(
        &self,
        instance: &InstanceId,
    ) -> Result<Vec<(String, String)>, PortError> {
        let state = self.state();
        if state.fail_instance_tags {
            return Err(PortError {
                operation: "ec2:DescribeTags",
                code: Some("UnauthorizedOperation".into()),
                message: "not allowed".into(),
                transient: false,
            });
        }
        Ok(state
            .resource_tags
            .get(instance.as_str())
            .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn instance_network_interfaces(
        &self,
        instance: &InstanceId,
    ) -> Result<Vec<NetworkInterfaceState>, PortError> {
        self.log_call(Call::ListInterfaces(instance.to_string()));
        let state = self.state();
        Ok(state
            .enis
            .iter()
            .filter(|(_, eni)| eni.instance == instance.as_str())
            .map(|(id, eni)| NetworkInterfaceState {
                id: id.parse().unwrap(),
                groups: eni.groups.clone(),
                private_ips: eni.tags.get("ip").cloned().into_iter().collect(),
                connection_tracking_requested: eni.tags.contains_key(CONNECTION_TRACKING_TAG),
                recorded_original_groups: eni
                    .tags
                    .get(ORIGINAL_GROUPS_TAG)
                    .map(|v| v.split(',').filter(|g| !g.is_empty()).map(sg).collect()),
            })
            .collect())
    }

    async fn record_original_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> Result<(), PortError> {
        self.log_call(Call::Record(eni.to_string(), names(groups)));
        let mut state = self.state();
        if state.fail_record.iter().any(|e| e == eni.as_str()) {
            return Err(not_found("CreateTags", eni.as_str()));
        }
        let Some(fake) = state.enis.get_mut(eni.as_str()) else {
            return Err(not_found("CreateTags", eni.as_str()));
        };
        fake.tags
            .insert(ORIGINAL_GROUPS_TAG.to_owned(), names(groups).join(","));
        Ok(())
    }

    async fn set_network_interface_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> Result<(), PortError> {
        self.log_call(Call::SetGroups(eni.to_string(), names(groups)));
        let mut state = self.state();
        if state.fail_set_groups.iter().any(|e| e == eni.as_str()) {
            return Err(transient(
                "ModifyNetworkInterfaceAttribute",
                "Request limit exceeded.",
            ));
        }
        let Some(fake) = state.enis.get_mut(eni.as_str()) else {
            return Err(not_found("ModifyNetworkInterfaceAttribute", eni.as_str()));
        };
        fake.groups = groups.to_vec();
        Ok(())
    }

    async fn instance_interfaces_in_groups(
        &self,
        instance: &InstanceId,
        groups: &[SecurityGroupId],
    ) -> Result<Vec<HeldInterface>, PortError> {
        self.log_call(Call::InGroups(names(groups)));
        let state = self.state();
        let mut held: Vec<HeldInterface> = Vec::new();
        for group in groups {
            let members = state
                .enis
                .iter()
                .filter(|(_, eni)| eni.instance == instance.as_str() && eni.groups.contains(group))
                .map(|(id, _)| id.clone())
                .filter(|id| !(group.as_str() == DENY && state.deny_read_omits.contains(id)));
            let extra = state
                .extra_members
                .get(group.as_str())
                .into_iter()
                .flatten()
                .cloned();
            for id in members.chain(extra) {
                let id: NetworkInterfaceId = id.parse().unwrap();
                match held.iter_mut().find(|h| h.id == id) {
                    Some(h) => h.groups.push(group.clone()),
                    None => held.push(HeldInterface {
                        id,
                        groups: vec![group.clone()],
                    }),
                }
            }
        }
        Ok(held)
    }

    async fn group_rule_counts(
        &self,
        group: &SecurityGroupId,
    ) -> Result<(usize, usize), PortError> {
        self.log_call(Call::RuleCounts(group.to_string()));
        Ok(self
            .state()
            .rules
            .get(group.as_str())
            .copied()
            .unwrap_or((0, 0)))
    }

    async fn tag_resources(
        &self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> Result<(), PortError> {
        if resources.is_empty() {
            return Ok(());
        }
        self.call(Call::Tag(resources.to_vec(), tags.to_vec()))
            .await;
        let mut state = self.state();
        if tags
            .iter()
            .any(|(k, _)| state.fail_tag_keys.contains(&k.as_str()))
        {
            return Err(transient("CreateTags", "Request limit exceeded."));
        }
        for resource in resources {
            if let Some(eni) = state.enis.get_mut(resource) {
                eni.tags.extend(tags.iter().cloned());
            }
            state
                .resource_tags
                .entry(resource.clone())
                .or_default()
                .extend(tags.iter().cloned());
        }
        Ok(())
    }

    async fn set_connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
        timeouts: &ConnectionTrackingTimeouts,
    ) -> PortResult<()> {
        self.call(Call::SetTimeouts(eni.to_string())).await;
        self.state().timeouts.insert(eni.to_string(), *timeouts);
        Ok(())
    }

    async fn connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
    ) -> PortResult<Option<ConnectionTrackingTimeouts>> {
        self.call(Call::ReadTimeouts(eni.to_string())).await;
        let state = self.state();
        if state.timeouts_unreported {
            return Ok(None);
        }
        Ok(state.timeouts.get(eni.as_str()).copied())
    }
}
