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

pub use compromised::*;

mod compromised;
mod credentials;
mod evidence;
mod network;
mod rotation;

pub const TWO_ENIS: &str = include_str!("../../../../events/guardduty/backdoor-c2-two-enis.json");
pub const ONE_ENI: &str = include_str!("../../../../events/guardduty/backdoor-c2-actor.json");

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

    /// Sets (or with `None` removes) a tag on an interface or the instance, as anyone
    /// with `ec2:CreateTags` could.
    pub fn retag(&self, resource: &str, key: &str, value: Option<&str>) {
        let mut state = self.state();
        let tags = match state.enis.get_mut(resource) {
            Some(eni) => &mut eni.tags,
            None => state.resource_tags.entry(resource.to_owned()).or_default(),
        };
        match value {
            Some(value) => tags.insert(key.to_owned(), value.to_owned()),
            None => tags.remove(key),
        };
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

/// The tag key tests use for exemptions, and no break-glass principal.
pub fn hands_off() -> crate::HandsOff {
    crate::HandsOff {
        exempt_tag: "cordon:exempt".into(),
        break_glass: Vec::new(),
    }
}
