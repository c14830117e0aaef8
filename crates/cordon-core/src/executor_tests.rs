use super::*;
use crate::plan::{ORIGINAL_GROUPS_TAG, plan_isolation};
use cordon_events::{Event, InstanceId, VpcId, parse_event};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

const TWO_ENIS: &str = include_str!("../../../events/guardduty/backdoor-c2-two-enis.json");
const ONE_ENI: &str = include_str!("../../../events/guardduty/backdoor-c2-actor.json");

const INSTANCE: &str = "i-0a1b2c3d4e5f60001";
const ENI1: &str = "eni-0a1b2c3d4e5f60001";
const ENI2: &str = "eni-0a1b2c3d4e5f60002";
/// Attached after the finding was generated.
const ENI3: &str = "eni-0a1b2c3d4e5f60003";
const WEB: &str = "sg-0a1b2c3d4e5f60001";
const ADMIN: &str = "sg-0a1b2c3d4e5f60002";
const OPEN: &str = "sg-0000aaaa";
const DENY: &str = "sg-0000dddd";

fn sg(id: &str) -> SecurityGroupId {
    id.parse().unwrap()
}

fn sgs(ids: &[&str]) -> Vec<SecurityGroupId> {
    ids.iter().map(|id| sg(id)).collect()
}

fn names(groups: &[SecurityGroupId]) -> Vec<String> {
    groups.iter().map(ToString::to_string).collect()
}

/// One call the executor made, with its arguments as strings.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    EnsureGroups(String),
    ListInterfaces(String),
    Record(String, Vec<String>),
    SetGroups(String, Vec<String>),
    InGroup(String),
    RuleCounts(String),
    TagInstance(String, Vec<(String, String)>),
}

impl Call {
    fn is_write(&self) -> bool {
        matches!(
            self,
            Self::Record(..) | Self::SetGroups(..) | Self::TagInstance(..)
        )
    }

    fn eni(&self) -> Option<&str> {
        match self {
            Self::Record(eni, _) | Self::SetGroups(eni, _) => Some(eni),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
struct FakeEni {
    instance: String,
    groups: Vec<SecurityGroupId>,
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct State {
    enis: BTreeMap<String, FakeEni>,
    rules: BTreeMap<String, (usize, usize)>,
    instance_tags: BTreeMap<String, BTreeMap<String, String>>,
    log: Vec<Call>,
    /// Set once the group pair exists, as the real adapter would find it next time.
    groups_exist: bool,
    // Failure injection.
    fail_ensure: bool,
    fail_set_groups: Vec<String>,
    /// Reads of the deny group leave these interfaces out (a lying or stale read).
    deny_read_omits: Vec<String>,
    /// Reads of a group add these interfaces (a lying or stale read).
    extra_members: BTreeMap<String, Vec<String>>,
}

/// An in-memory EC2: interfaces with their groups and tags, group rule counts, instance
/// tags, a log of every call, and switchable failures.
#[derive(Debug, Default)]
struct FakeCloud {
    state: Mutex<State>,
}

impl FakeCloud {
    fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    fn attach(self, eni: &str, groups: &[&str]) -> Self {
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

    fn tagged(self, eni: &str, key: &str, value: &str) -> Self {
        self.state()
            .enis
            .get_mut(eni)
            .unwrap()
            .tags
            .insert(key.to_owned(), value.to_owned());
        self
    }

    fn groups_of(&self, eni: &str) -> Vec<String> {
        names(&self.state().enis[eni].groups)
    }

    fn recorded(&self, eni: &str) -> Option<String> {
        self.state().enis[eni]
            .tags
            .get(ORIGINAL_GROUPS_TAG)
            .cloned()
    }

    fn instance_tag(&self, key: &str) -> Option<String> {
        self.state()
            .instance_tags
            .get(INSTANCE)
            .and_then(|tags| tags.get(key))
            .cloned()
    }

    fn log(&self) -> Vec<Call> {
        self.state().log.clone()
    }

    fn clear_log(&self) {
        self.state().log.clear();
    }

    fn writes(&self) -> Vec<Call> {
        self.log().into_iter().filter(Call::is_write).collect()
    }

    /// Record and set calls for one interface, in order.
    fn writes_to(&self, eni: &str) -> Vec<Call> {
        self.log()
            .into_iter()
            .filter(|c| c.eni() == Some(eni))
            .collect()
    }

    fn log_call(&self, call: Call) {
        self.state().log.push(call);
    }
}

fn transient(operation: &'static str, message: &str) -> PortError {
    PortError {
        operation,
        code: Some("RequestLimitExceeded".to_owned()),
        message: message.to_owned(),
        transient: true,
    }
}

fn not_found(operation: &'static str, what: &str) -> PortError {
    PortError {
        operation,
        code: Some("InvalidNetworkInterfaceID.NotFound".to_owned()),
        message: format!("{what} does not exist"),
        transient: false,
    }
}

impl NetworkIsolation for FakeCloud {
    async fn ensure_isolation_groups(&self, vpc: &VpcId) -> Result<IsolationGroups, PortError> {
        self.log_call(Call::EnsureGroups(vpc.to_string()));
        if self.state().fail_ensure {
            return Err(transient("CreateSecurityGroup", "throttled"));
        }
        let created = !std::mem::replace(&mut self.state().groups_exist, true);
        Ok(IsolationGroups {
            open: sg(OPEN),
            deny: sg(DENY),
            changed: created,
        })
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

    async fn instance_interfaces_in_group(
        &self,
        instance: &InstanceId,
        group: &SecurityGroupId,
    ) -> Result<Vec<NetworkInterfaceId>, PortError> {
        self.log_call(Call::InGroup(group.to_string()));
        let state = self.state();
        let mut held: Vec<String> = state
            .enis
            .iter()
            .filter(|(_, eni)| eni.instance == instance.as_str() && eni.groups.contains(group))
            .map(|(id, _)| id.clone())
            .filter(|id| !(group.as_str() == DENY && state.deny_read_omits.contains(id)))
            .collect();
        held.extend(
            state
                .extra_members
                .get(group.as_str())
                .into_iter()
                .flatten()
                .cloned(),
        );
        Ok(held.iter().map(|id| id.parse().unwrap()).collect())
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

    async fn tag_instance(
        &self,
        instance: &InstanceId,
        tags: &[(String, String)],
    ) -> Result<(), PortError> {
        self.log_call(Call::TagInstance(instance.to_string(), tags.to_vec()));
        self.state()
            .instance_tags
            .entry(instance.to_string())
            .or_default()
            .extend(tags.iter().cloned());
        Ok(())
    }
}

fn incident(raw: &str) -> InstanceIncident {
    match parse_event(raw.as_bytes()).expect("fixture parses") {
        Event::GuardDuty(_, finding) => {
            InstanceIncident::from_finding(&finding).expect("an instance finding")
        }
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

async fn run(cloud: &FakeCloud, incident: &InstanceIncident) -> Vec<StepReport> {
    let plan = plan_isolation(incident);
    let reports = execute_isolation(cloud, incident, &plan).await;
    let expected: Vec<(&str, String)> = plan
        .steps
        .iter()
        .map(|s| (s.name(), s.target.clone()))
        .collect();
    let got: Vec<(&str, String)> = reports
        .iter()
        .map(|r| (r.name.as_str(), r.target.clone()))
        .collect();
    assert_eq!(got, expected, "one report per step, in plan order");
    reports
}

fn report<'a>(reports: &'a [StepReport], name: &str, target: &str) -> &'a StepReport {
    reports
        .iter()
        .find(|r| r.name == name && r.target == target)
        .unwrap_or_else(|| panic!("no {name} report for {target} in {reports:#?}"))
}

fn statuses(reports: &[StepReport]) -> Vec<StepStatus> {
    reports.iter().map(|r| r.status).collect()
}

fn isolated_sequence(eni: &str, originals: &[&str]) -> Vec<Call> {
    vec![
        Call::Record(
            eni.to_owned(),
            originals.iter().map(|g| (*g).to_owned()).collect(),
        ),
        Call::SetGroups(eni.to_owned(), vec![OPEN.to_owned()]),
        Call::SetGroups(eni.to_owned(), vec![DENY.to_owned()]),
    ]
}

#[tokio::test]
async fn two_interfaces_end_only_in_deny_after_passing_through_open() {
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .attach(ENI2, &[WEB, ADMIN]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    use StepStatus::{AlreadyDone, Done};
    assert_eq!(
        statuses(&reports),
        [Done, Done, Done, AlreadyDone, Done, Done],
        "{reports:#?}"
    );
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(cloud.groups_of(ENI2), [DENY]);
    assert_eq!(cloud.recorded(ENI1).as_deref(), Some(WEB));
    assert_eq!(
        cloud.recorded(ENI2).as_deref(),
        Some(format!("{WEB},{ADMIN}").as_str())
    );

    // Per interface: originals recorded first, then open, then deny; nothing else.
    assert_eq!(cloud.writes_to(ENI1), isolated_sequence(ENI1, &[WEB]));
    assert_eq!(
        cloud.writes_to(ENI2),
        isolated_sequence(ENI2, &[WEB, ADMIN])
    );

    let detail = &report(&reports, "isolate-network-interface", ENI2).detail;
    assert!(detail.contains(WEB) && detail.contains(ADMIN), "{detail}");
    assert!(detail.contains(OPEN) && detail.contains(DENY), "{detail}");
    assert_eq!(
        report(&reports, "isolate-other-network-interfaces", INSTANCE).detail,
        "none attached since the finding"
    );

    // Groups ensured in the finding's VPC, and the result read back after the last move.
    let log = cloud.log();
    let ensured: Vec<&Call> = log
        .iter()
        .filter(|c| matches!(c, Call::EnsureGroups(_)))
        .collect();
    assert_eq!(ensured, [&Call::EnsureGroups(incident.vpc_id.to_string())]);
    assert_eq!(incident.vpc_id.as_str(), "vpc-0a1b2c3d4e5f60001");
    let last_move = log
        .iter()
        .rposition(|c| matches!(c, Call::SetGroups(..)))
        .unwrap();
    for read in [
        Call::InGroup(DENY.to_owned()),
        Call::InGroup(OPEN.to_owned()),
        Call::InGroup(WEB.to_owned()),
        Call::InGroup(ADMIN.to_owned()),
        Call::RuleCounts(DENY.to_owned()),
        Call::ListInterfaces(INSTANCE.to_owned()),
    ] {
        assert!(
            log[last_move..].contains(&read),
            "{read:?} not read after the moves: {log:#?}"
        );
    }

    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
    assert_eq!(
        cloud.instance_tag("cordon:incident").as_deref(),
        Some(incident.finding_id.as_str())
    );
    assert_eq!(
        cloud.instance_tag("cordon:finding-type").as_deref(),
        Some("Backdoor:EC2/C&CActivity.B")
    );
    assert_eq!(
        cloud.instance_tag("cordon:finding-updated-at").as_deref(),
        Some(incident.updated_at.as_str())
    );
    assert!(
        matches!(log.last(), Some(Call::TagInstance(..))),
        "tags last"
    );
}

#[tokio::test]
async fn a_rerun_on_isolated_state_writes_nothing_and_reports_already_done() {
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .attach(ENI2, &[WEB, ADMIN]);
    let incident = incident(TWO_ENIS);
    run(&cloud, &incident).await;
    let first_tags = cloud.state().instance_tags.clone();
    let first_writes = cloud.writes();
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    let writes = cloud.writes();
    assert!(
        writes.iter().all(|c| matches!(c, Call::TagInstance(..))),
        "only the deterministic instance tags may be rewritten: {writes:#?}"
    );
    // The same incident stamps the same tags again.
    assert_eq!(writes.last(), first_writes.last());
    assert_eq!(cloud.state().instance_tags, first_tags);

    for eni in [ENI1, ENI2] {
        let r = report(&reports, "isolate-network-interface", eni);
        assert_eq!(r.status, StepStatus::AlreadyDone, "{r:?}");
        assert!(r.detail.contains("already only in"), "{r:?}");
        assert_eq!(cloud.groups_of(eni), [DENY]);
    }
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
    assert_eq!(
        cloud.recorded(ENI2).as_deref(),
        Some(format!("{WEB},{ADMIN}").as_str())
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn an_interface_attached_since_the_finding_is_isolated_too() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    let incident = incident(ONE_ENI);
    let reports = run(&cloud, &incident).await;

    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::Done, "{other:?}");
    assert!(other.detail.starts_with(&format!("{ENI3}: ")), "{other:?}");
    assert!(
        !reports.iter().any(|r| r.target == ENI3),
        "ENI3 has no step of its own"
    );
    assert_eq!(cloud.groups_of(ENI3), [DENY]);
    assert_eq!(cloud.writes_to(ENI3), isolated_sequence(ENI3, &[ADMIN]));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
    // Verification also proves ENI3 left its own original group.
    assert!(cloud.log().contains(&Call::InGroup(ADMIN.to_owned())));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn a_rerun_with_an_already_isolated_extra_interface_reports_already_done() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    let incident = incident(ONE_ENI);
    run(&cloud, &incident).await;
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    assert!(
        cloud
            .writes()
            .iter()
            .all(|c| matches!(c, Call::TagInstance(..)))
    );
    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::AlreadyDone, "{other:?}");
}

#[tokio::test]
async fn an_interface_no_longer_attached_is_skipped() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    let gone = report(&reports, "isolate-network-interface", ENI2);
    assert_eq!(gone.status, StepStatus::Skipped, "{gone:?}");
    assert!(gone.detail.contains("no longer attached"), "{gone:?}");
    assert!(cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Done, "{verify:?}");
    assert!(verify.detail.starts_with("1 interface(s)"), "{verify:?}");
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn a_failure_on_one_interface_does_not_stop_the_other() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().fail_set_groups.push(ENI1.to_owned());
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    let failed = report(&reports, "isolate-network-interface", ENI1);
    assert_eq!(failed.status, StepStatus::Failed, "{failed:?}");
    assert!(
        failed.detail.contains("ModifyNetworkInterfaceAttribute"),
        "{failed:?}"
    );
    assert!(failed.detail.contains("RequestLimitExceeded"), "{failed:?}");
    // ENI1: recorded, one failed move to open, no attempt at deny; its groups unchanged.
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[WEB])[..2].to_vec()
    );
    assert_eq!(cloud.groups_of(ENI1), [WEB]);

    let done = report(&reports, "isolate-network-interface", ENI2);
    assert_eq!(done.status, StepStatus::Done, "{done:?}");
    assert_eq!(cloud.writes_to(ENI2), isolated_sequence(ENI2, &[WEB]));
    assert_eq!(cloud.groups_of(ENI2), [DENY]);

    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify.detail.contains(&format!("{ENI1} is not in {DENY}")),
        "{verify:?}"
    );
    assert!(
        verify.detail.contains(&format!("{WEB} still holds {ENI1}")),
        "{verify:?}"
    );
    assert!(!verify.detail.contains(ENI2), "{verify:?}");

    // The instance is still tagged, as unverified.
    assert_eq!(
        report(&reports, "tag-instance", INSTANCE).status,
        StepStatus::Done
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn a_retry_after_a_failure_reuses_the_recorded_groups() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().fail_set_groups.push(ENI1.to_owned());
    let incident = incident(TWO_ENIS);
    run(&cloud, &incident).await;
    cloud.state().fail_set_groups.clear();
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    assert!(statuses(&reports).iter().all(|s| s.is_ok()), "{reports:#?}");
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[WEB])[1..].to_vec()
    );
    assert!(cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn verification_that_finds_an_original_group_still_holding_an_interface_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[ADMIN]);
    cloud
        .state()
        .extra_members
        .insert(ADMIN.to_owned(), vec![ENI2.to_owned()]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    for eni in [ENI1, ENI2] {
        assert_eq!(
            report(&reports, "isolate-network-interface", eni).status,
            StepStatus::Done
        );
    }
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{ADMIN} still holds {ENI2}"));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn verification_that_finds_the_open_group_still_holding_an_interface_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud
        .state()
        .extra_members
        .insert(OPEN.to_owned(), vec![ENI1.to_owned()]);
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{OPEN} still holds {ENI1}"));
}

#[tokio::test]
async fn verification_that_finds_deny_holding_only_some_interfaces_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().deny_read_omits.push(ENI2.to_owned());
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    assert_eq!(cloud.groups_of(ENI2), [DENY], "the write itself happened");
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{ENI2} is not in {DENY}"));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn a_deny_group_with_rules_fails_verification() {
    for rules in [(1, 0), (0, 1), (2, 3)] {
        let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
        cloud.state().rules.insert(DENY.to_owned(), rules);
        let reports = run(&cloud, &incident(ONE_ENI)).await;

        assert_eq!(cloud.groups_of(ENI1), [DENY]);
        let verify = report(&reports, "verify-isolation", INSTANCE);
        assert_eq!(verify.status, StepStatus::Failed, "{rules:?}: {verify:?}");
        assert_eq!(
            verify.detail,
            format!(
                "{DENY} has {} ingress and {} egress rules",
                rules.0, rules.1
            )
        );
        assert_eq!(
            cloud.instance_tag("cordon:status").as_deref(),
            Some("containment-unverified")
        );
    }
    // Rules on the open group are expected and do not matter.
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud.state().rules.insert(OPEN.to_owned(), (1, 1));
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn recorded_original_groups_from_an_earlier_run_are_reused() {
    // An earlier run recorded WEB and ADMIN, moved the interface to open, and stopped.
    let cloud = FakeCloud::new().attach(ENI1, &[OPEN]).tagged(
        ENI1,
        ORIGINAL_GROUPS_TAG,
        &format!("{WEB},{ADMIN}"),
    );
    let reports = run(&cloud, &incident(ONE_ENI)).await;

    let r = report(&reports, "isolate-network-interface", ENI1);
    assert_eq!(r.status, StepStatus::Done, "{r:?}");
    assert!(
        r.detail.contains(&format!("was in [{WEB}, {ADMIN}]")),
        "{r:?}"
    );
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[])[1..].to_vec()
    );
    assert_eq!(cloud.recorded(ENI1), Some(format!("{WEB},{ADMIN}")));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    // Verification checks the recorded originals, not the interface's current groups.
    let log = cloud.log();
    assert!(log.contains(&Call::InGroup(WEB.to_owned())), "{log:#?}");
    assert!(log.contains(&Call::InGroup(ADMIN.to_owned())), "{log:#?}");
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn isolation_groups_are_never_recorded_as_originals() {
    // Someone added deny-all (and open) by hand next to the real group.
    let cloud = FakeCloud::new().attach(ENI1, &[WEB, OPEN, DENY]);
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    assert_eq!(cloud.writes_to(ENI1), isolated_sequence(ENI1, &[WEB]));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn failing_to_ensure_the_groups_fails_every_step_and_writes_nothing() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud.state().fail_ensure = true;
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    assert!(
        reports
            .iter()
            .all(|r| r.status == StepStatus::Failed && r.detail.contains("throttled")),
        "{reports:#?}"
    );
    assert!(cloud.writes().is_empty(), "{:#?}", cloud.log());
    assert_eq!(cloud.groups_of(ENI1), [WEB]);
}

#[tokio::test]
async fn a_failure_on_an_interface_attached_since_fails_that_step_only() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    cloud.state().fail_set_groups.push(ENI3.to_owned());
    let reports = run(&cloud, &incident(ONE_ENI)).await;

    assert_eq!(
        report(&reports, "isolate-network-interface", ENI1).status,
        StepStatus::Done
    );
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::Failed, "{other:?}");
    assert!(
        other
            .detail
            .starts_with(&format!("{ENI3}: ModifyNetworkInterfaceAttribute failed")),
        "{other:?}"
    );
    assert_eq!(cloud.groups_of(ENI3), [ADMIN]);
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify
            .detail
            .contains(&format!("{ADMIN} still holds {ENI3}")),
        "{verify:?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn an_instance_with_no_interfaces_left_cannot_be_verified() {
    let cloud = FakeCloud::new();
    let reports = run(&cloud, &incident(TWO_ENIS)).await;
    for eni in [ENI1, ENI2] {
        assert_eq!(
            report(&reports, "isolate-network-interface", eni).status,
            StepStatus::Skipped
        );
    }
    assert!(
        cloud
            .writes()
            .iter()
            .all(|c| matches!(c, Call::TagInstance(..)))
    );
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify.detail.contains("no network interfaces to verify"),
        "{verify:?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}
