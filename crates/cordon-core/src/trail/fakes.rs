//! The CloudTrail responder's tests: the sample events, the settings, and in-memory
//! trails, recorders and security groups.

use super::*;
use crate::credential::CredentialSettings;
use crate::fake_iam::FakeIam;
use crate::ports::{
    AuditLogging, GroupRule, IngressRule, PortError, PortResult, SecurityGroupRules,
};
use crate::trail;
use cordon_events::{
    CloudTrailEvent, Envelope, Event, SecurityGroupId, SecurityGroupRuleId, VpcId, parse_event,
};
use std::sync::Mutex;

pub(super) const OWN_ROLE: &str =
    "arn:aws:iam::123456789012:role/cordon-RespondToCloudTrailFunctionRole-EXAMPLE";
pub(super) const NOW: &str = "2026-11-20T10:16:00Z";
/// The group the security-group samples name.
pub(super) const GROUP: &str = "sg-0a1b2c3d4e5f60009";

pub(super) fn sample(name: &str) -> (Envelope, CloudTrailEvent) {
    let path = format!(
        "{}/../../events/cloudtrail/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match parse_event(&raw).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Event::CloudTrail(envelope, event) => (envelope, *event),
        other => panic!("{name} is not a CloudTrail event: {other:?}"),
    }
}

pub(super) fn settings() -> TrailSettings {
    TrailSettings {
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        own_roles: vec![OWN_ROLE.to_owned()],
        admin_ports: DEFAULT_ADMIN_PORTS.to_vec(),
        internet: InternetShare::default(),
        exempt_tag: "cordon:exempt".into(),
        contain_principal: false,
        break_glass: vec![],
        credentials: CredentialSettings {
            exempt_tag: "cordon:exempt".into(),
            delete_login_profile: false,
        },
    }
}

pub(super) fn verdict_for(name: &str, settings: &TrailSettings) -> TrailVerdict {
    let (envelope, event) = sample(name);
    trail::triage(&envelope, &event, settings)
}

#[derive(Default)]
pub(super) struct FakeAudit {
    pub logging: Mutex<bool>,
    pub recording: Mutex<bool>,
    pub starts: Mutex<u32>,
    /// StartLogging "succeeds" but logging stays off.
    pub start_is_ignored: bool,
}

impl AuditLogging for FakeAudit {
    async fn trail_is_logging(&self, _: &str) -> PortResult<bool> {
        Ok(*self.logging.lock().unwrap())
    }
    async fn start_trail_logging(&self, _: &str) -> PortResult<()> {
        *self.starts.lock().unwrap() += 1;
        if !self.start_is_ignored {
            *self.logging.lock().unwrap() = true;
        }
        Ok(())
    }
    async fn recorder_is_recording(&self, _: &str) -> PortResult<bool> {
        Ok(*self.recording.lock().unwrap())
    }
    async fn start_recorder(&self, _: &str) -> PortResult<()> {
        *self.starts.lock().unwrap() += 1;
        *self.recording.lock().unwrap() = true;
        Ok(())
    }
}

/// Security groups in memory: their rules (each in a group, either way), the tags
/// every group shares, and the default VPC's groups by name.
#[derive(Default)]
pub(super) struct FakeGroups {
    pub rules: Mutex<Vec<GroupRule>>,
    pub default_vpc: Option<VpcId>,
    /// (name, VPC, group)
    pub named: Vec<(String, VpcId, SecurityGroupId)>,
    pub tags: Vec<(String, String)>,
    pub tags_unreadable: bool,
    pub revoked: Mutex<Vec<String>>,
}

/// An ingress rule of [`GROUP`]: id, protocol, ports, range.
pub(super) fn rule(id: &str, protocol: &str, ports: Option<(i32, i32)>, cidr: &str) -> GroupRule {
    GroupRule {
        group_id: GROUP.to_owned(),
        egress: false,
        rule: IngressRule {
            rule_id: id.to_owned(),
            protocol: protocol.to_owned(),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            cidr: Some(cidr.to_owned()),
        },
    }
}

impl FakeGroups {
    /// [`GROUP`] holding TCP ingress rules: id, range, port.
    pub fn with(rules: &[(&str, &str, i32)]) -> Self {
        Self::holding(
            rules
                .iter()
                .map(|(id, cidr, port)| rule(id, "tcp", Some((*port, *port)), cidr))
                .collect(),
        )
    }

    pub fn holding(rules: Vec<GroupRule>) -> Self {
        Self {
            rules: Mutex::new(rules),
            ..Self::default()
        }
    }

    pub fn rule_ids(&self) -> Vec<String> {
        let rules = self.rules.lock().unwrap();
        rules.iter().map(|r| r.rule.rule_id.clone()).collect()
    }
}

impl SecurityGroupRules for FakeGroups {
    async fn default_vpc(&self) -> PortResult<Option<VpcId>> {
        Ok(self.default_vpc.clone())
    }
    async fn groups_named(&self, name: &str, vpc: &VpcId) -> PortResult<Vec<SecurityGroupId>> {
        Ok(self
            .named
            .iter()
            .filter(|(n, v, _)| n == name && v == vpc)
            .map(|(_, _, group)| group.clone())
            .collect())
    }
    async fn group_tags(&self, _: &SecurityGroupId) -> PortResult<Vec<(String, String)>> {
        if self.tags_unreadable {
            return Err(PortError {
                operation: "ec2:DescribeSecurityGroups",
                code: Some("UnauthorizedOperation".into()),
                message: "no".into(),
                transient: false,
            });
        }
        Ok(self.tags.clone())
    }
    async fn ingress_rules(&self, group: &SecurityGroupId) -> PortResult<Vec<IngressRule>> {
        let rules = self.rules.lock().unwrap();
        Ok(rules
            .iter()
            .filter(|r| r.group_id == group.as_str() && !r.egress)
            .map(|r| r.rule.clone())
            .collect())
    }
    async fn rules_by_id(&self, ids: &[SecurityGroupRuleId]) -> PortResult<Vec<GroupRule>> {
        let rules = self.rules.lock().unwrap();
        Ok(rules
            .iter()
            .filter(|r| ids.iter().any(|id| id.as_str() == r.rule.rule_id))
            .cloned()
            .collect())
    }
    async fn revoke_ingress_rules(&self, _: &SecurityGroupId, ids: &[String]) -> PortResult<()> {
        self.revoked.lock().unwrap().extend(ids.iter().cloned());
        self.rules
            .lock()
            .unwrap()
            .retain(|r| !ids.contains(&r.rule.rule_id));
        Ok(())
    }
}

pub(super) async fn respond(
    name: &str,
    settings: &TrailSettings,
    audit: &FakeAudit,
    groups: &FakeGroups,
    iam: &FakeIam,
) -> TrailRun {
    let (envelope, event) = sample(name);
    respond_to(&envelope, &event, settings, audit, groups, iam).await
}

pub(super) async fn respond_to(
    envelope: &Envelope,
    event: &CloudTrailEvent,
    settings: &TrailSettings,
    audit: &FakeAudit,
    groups: &FakeGroups,
    iam: &FakeIam,
) -> TrailRun {
    let verdict = trail::triage(envelope, event, settings);
    let plan = trail::plan(&envelope.account, event, &verdict, settings);
    let ports = TrailPorts {
        audit,
        groups,
        principals: iam,
    };
    trail::execute(&ports, &plan, settings, NOW).await
}
