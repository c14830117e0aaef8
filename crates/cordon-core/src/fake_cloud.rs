//! An in-memory cloud for the instance playbook's tests: every port, a log of every
//! call, and switchable failures. No AWS here.

use crate::instance::InstanceIncident;
use crate::names::{CONNECTION_TRACKING_TAG, INCIDENT_TAG, ORIGINAL_GROUPS_TAG};
use crate::ports::{
    AttachedVolume, AutoScalingMembership, ConnectionTrackingTimeouts, EvidencePreservation,
    HeldInterface, InstanceCredentials, InstanceProtection, IsolationGroups, NetworkInterfaceState,
    NetworkIsolation, PortError, PortResult, ProfileAssociation, ProtectionChange, ServiceRotation,
    Snapshot, TargetRegistration,
};
use cordon_events::{Event, InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId, parse_event};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

pub const TWO_ENIS: &str = include_str!("../../../events/guardduty/backdoor-c2-two-enis.json");
pub const ONE_ENI: &str = include_str!("../../../events/guardduty/backdoor-c2-actor.json");

/// When the test's containment runs: after the fixtures' `updatedAt`.
pub const NOW: &str = "2026-11-23T10:00:00Z";
pub const INSTANCE: &str = "i-0a1b2c3d4e5f60001";
pub const ENI1: &str = "eni-0a1b2c3d4e5f60001";
pub const ENI2: &str = "eni-0a1b2c3d4e5f60002";
/// Attached after the finding was generated.
pub const ENI3: &str = "eni-0a1b2c3d4e5f60003";
pub const WEB: &str = "sg-0a1b2c3d4e5f60001";
pub const ADMIN: &str = "sg-0a1b2c3d4e5f60002";
pub const OPEN: &str = "sg-0000aaaa";
pub const DENY: &str = "sg-0000dddd";

pub fn sg(id: &str) -> SecurityGroupId {
    id.parse().unwrap()
}

pub fn sgs(ids: &[&str]) -> Vec<SecurityGroupId> {
    ids.iter().map(|id| sg(id)).collect()
}

pub fn names(groups: &[SecurityGroupId]) -> Vec<String> {
    groups.iter().map(ToString::to_string).collect()
}

/// One call the playbook made, with its arguments as strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    EnsureGroups(String),
    ListInterfaces(String),
    Record(String, Vec<String>),
    SetGroups(String, Vec<String>),
    /// One membership read, of these groups.
    InGroups(Vec<String>),
    RuleCounts(String),
    Tag(Vec<String>, Vec<(String, String)>),
    ReadTimeouts(String),
    SetTimeouts(String),
    ReadAssociation,
    Disassociate(String),
    ProfileRoles,
    InstancesUsingProfile,
    ReadRolePolicy(String),
    ReadRoleTags(String),
    PutRolePolicy(String, String),
    ReadProtection,
    Protect(ProtectionChange),
    ReadSnapshots,
    SnapshotInstance,
    SnapshotVolume(String),
    ReadMembership,
    ReadDesired,
    Detach(String),
    ReadRegistrations,
    Deregister(String),
    Associate(String),
    DeleteRolePolicy(String, String),
    Attach(String),
}

impl Call {
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Self::Record(..)
                | Self::SetGroups(..)
                | Self::Tag(..)
                | Self::SetTimeouts(..)
                | Self::Disassociate(..)
                | Self::PutRolePolicy(..)
                | Self::Protect(..)
                | Self::Associate(..)
                | Self::DeleteRolePolicy(..)
                | Self::Attach(..)
                | Self::SnapshotInstance
                | Self::SnapshotVolume(..)
                | Self::Detach(..)
                | Self::Deregister(..)
        )
    }

    pub fn eni(&self) -> Option<&str> {
        match self {
            Self::Record(eni, _) | Self::SetGroups(eni, _) => Some(eni),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FakeEni {
    pub instance: String,
    pub groups: Vec<SecurityGroupId>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
pub struct State {
    pub enis: BTreeMap<String, FakeEni>,
    pub rules: BTreeMap<String, (usize, usize)>,
    /// Tags on instances, groups and snapshots, by resource id.
    pub resource_tags: BTreeMap<String, BTreeMap<String, String>>,
    pub log: Vec<Call>,
    /// Set once the group pair exists, as the real adapter would find it next time.
    pub groups_exist: bool,
    /// Connection-tracking timeouts by interface, when the endpoint reports them.
    pub timeouts: BTreeMap<String, ConnectionTrackingTimeouts>,
    /// Like moto: accepts timeouts but never reports them.
    pub timeouts_unreported: bool,
    pub association: Option<ProfileAssociation>,
    /// Roles of each profile.
    pub profile_roles: BTreeMap<String, Vec<String>>,
    /// Other instances using each profile.
    pub profile_users: BTreeMap<String, Vec<String>>,
    /// Inline role policies by (role, policy name).
    pub role_policies: BTreeMap<(String, String), String>,
    /// Tags of each role.
    pub role_tags: BTreeMap<String, Vec<(String, String)>>,
    pub fail_role_tags: bool,
    pub protection: Option<InstanceProtection>,
    pub snapshots: Vec<Snapshot>,
    pub membership: Option<AutoScalingMembership>,
    /// Desired capacity by group.
    pub desired: BTreeMap<String, i32>,
    pub registrations: Vec<TargetRegistration>,
    // Failure injection.
    pub fail_ensure: bool,
    pub fail_instance_tags: bool,
    pub fail_set_groups: Vec<String>,
    /// Recording an interface's original groups fails for these interfaces.
    pub fail_record: Vec<String>,
    /// Reads of the deny group leave these interfaces out (a lying or stale read).
    pub deny_read_omits: Vec<String>,
    /// Reads of a group add these interfaces (a lying or stale read).
    pub extra_members: BTreeMap<String, Vec<String>>,
    pub fail_disassociate: bool,
    /// Tagging fails whenever the tags include one of these keys (a record that fails).
    pub fail_tag_keys: Vec<&'static str>,
    pub fail_snapshots: bool,
    /// The group ignores detach calls (a broken or lying endpoint).
    pub detach_ignored: bool,
    /// Calls yield to the executor once, so concurrent steps interleave as on a network.
    pub yield_on_calls: bool,
    /// Advanced by a test each time it polls the playbook: with `yield_on_calls`, one
    /// poll is one round trip of every call in flight.
    pub round: usize,
    /// The round each call of `log` was made in.
    pub log_rounds: Vec<usize>,
}

/// An in-memory EC2: interfaces with their groups and tags, group rule counts, instance
/// tags, a log of every call, and switchable failures.
#[derive(Debug, Default)]
pub struct FakeCloud {
    state: Mutex<State>,
}

impl FakeCloud {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn attach(self, eni: &str, groups: &[&str]) -> Self {
        self.state().enis.insert(
            eni.to_owned(),
            FakeEni {
                instance: INSTANCE.to_owned(),
                groups: sgs(groups),
                tags: BTreeMap::new(),
            },
        );
        self
    }

    pub fn tagged(self, eni: &str, key: &str, value: &str) -> Self {
        self.state()
            .enis
            .get_mut(eni)
            .unwrap()
            .tags
            .insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn groups_of(&self, eni: &str) -> Vec<String> {
        names(&self.state().enis[eni].groups)
    }

    pub fn recorded(&self, eni: &str) -> Option<String> {
        self.state().enis[eni]
            .tags
            .get(ORIGINAL_GROUPS_TAG)
            .cloned()
    }

    pub fn instance_tag(&self, key: &str) -> Option<String> {
        self.state()
            .resource_tags
            .get(INSTANCE)
            .and_then(|tags| tags.get(key))
            .cloned()
    }

    pub fn log(&self) -> Vec<Call> {
        self.state().log.clone()
    }

    pub fn clear_log(&self) {
        self.state().log.clear();
        self.state().log_rounds.clear();
    }

    pub fn writes(&self) -> Vec<Call> {
        self.log().into_iter().filter(Call::is_write).collect()
    }

    /// Record and set calls for one interface, in order.
    pub fn writes_to(&self, eni: &str) -> Vec<Call> {
        self.log()
            .into_iter()
            .filter(|c| c.eni() == Some(eni))
            .collect()
    }

    pub fn log_call(&self, call: Call) {
        let mut state = self.state();
        let round = state.round;
        state.log_rounds.push(round);
        state.log.push(call);
    }

    /// Logs the call and, when asked, yields once as a network call would.
    async fn call(&self, call: Call) {
        let yield_now = {
            let mut state = self.state();
            let round = state.round;
            state.log_rounds.push(round);
            state.log.push(call);
            state.yield_on_calls
        };
        if yield_now {
            tokio::task::yield_now().await;
        }
    }
}

pub fn incident(raw: &str) -> InstanceIncident {
    match parse_event(raw.as_bytes()).expect("fixture parses") {
        Event::GuardDuty(_, finding) => {
            InstanceIncident::from_finding(&finding).expect("an instance finding")
        }
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

pub fn transient(operation: &'static str, message: &str) -> PortError {
    PortError {
        operation,
        code: Some("RequestLimitExceeded".to_owned()),
        message: message.to_owned(),
        transient: true,
    }
}

pub fn not_found(operation: &'static str, what: &str) -> PortError {
    PortError {
        operation,
        code: Some("InvalidNetworkInterfaceID.NotFound".to_owned()),
        message: format!("{what} does not exist"),
        transient: false,
    }
}

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

impl InstanceCredentials for FakeCloud {
    async fn profile_association(
        &self,
        _instance: &InstanceId,
    ) -> PortResult<Option<ProfileAssociation>> {
        self.call(Call::ReadAssociation).await;
        Ok(self.state().association.clone())
    }

    async fn associate_profile(&self, _instance: &InstanceId, profile_arn: &str) -> PortResult<()> {
        self.call(Call::Associate(profile_arn.to_owned())).await;
        self.state().association = Some(ProfileAssociation {
            association_id: "iip-assoc-released".into(),
            profile_arn: profile_arn.to_owned(),
        });
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy_name: &str) -> PortResult<()> {
        self.call(Call::DeleteRolePolicy(
            role.to_owned(),
            policy_name.to_owned(),
        ))
        .await;
        self.state()
            .role_policies
            .remove(&(role.to_owned(), policy_name.to_owned()));
        Ok(())
    }

    async fn disassociate_profile(&self, association_id: &str) -> PortResult<()> {
        self.call(Call::Disassociate(association_id.to_owned()))
            .await;
        let mut state = self.state();
        if state.fail_disassociate {
            return Err(transient("DisassociateIamInstanceProfile", "throttled"));
        }
        state.association = None;
        Ok(())
    }

    async fn profile_roles(&self, profile_arn: &str) -> PortResult<Vec<String>> {
        self.call(Call::ProfileRoles).await;
        Ok(self
            .state()
            .profile_roles
            .get(profile_arn)
            .cloned()
            .unwrap_or_default())
    }

    async fn instances_using_profile(&self, profile_arn: &str) -> PortResult<Vec<InstanceId>> {
        self.call(Call::InstancesUsingProfile).await;
        let state = self.state();
        let mut users: Vec<InstanceId> = state
            .profile_users
            .get(profile_arn)
            .into_iter()
            .flatten()
            .map(|i| i.parse().unwrap())
            .collect();
        if state.association.is_some() {
            users.push(INSTANCE.parse().unwrap());
        }
        Ok(users)
    }

    async fn role_policy(&self, role: &str, policy_name: &str) -> PortResult<Option<String>> {
        self.call(Call::ReadRolePolicy(role.to_owned())).await;
        Ok(self
            .state()
            .role_policies
            .get(&(role.to_owned(), policy_name.to_owned()))
            .cloned())
    }

    async fn role_tags(&self, role: &str) -> PortResult<Vec<(String, String)>> {
        self.call(Call::ReadRoleTags(role.to_owned())).await;
        let state = self.state();
        if state.fail_role_tags {
            return Err(transient("ListRoleTags", "throttled"));
        }
        Ok(state.role_tags.get(role).cloned().unwrap_or_default())
    }

    async fn put_role_policy(
        &self,
        role: &str,
        policy_name: &str,
        document: &str,
    ) -> PortResult<()> {
        self.call(Call::PutRolePolicy(role.to_owned(), document.to_owned()))
            .await;
        self.state().role_policies.insert(
            (role.to_owned(), policy_name.to_owned()),
            document.to_owned(),
        );
        Ok(())
    }
}

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

/// The tag key tests use for exemptions, and no break-glass principal.
pub fn hands_off() -> crate::HandsOff {
    crate::HandsOff {
        exempt_tag: "cordon:exempt".into(),
        break_glass: Vec::new(),
    }
}
