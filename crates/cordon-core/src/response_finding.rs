//! cordon's own Security Hub finding for one incident, as data: what was seen, what
//! was done, and what a human should do next. Pure, so it is tested without AWS; the
//! adapter maps it onto the AWS Security Finding Format types.

use crate::{Decision, InstanceIncident, Outcome};
use std::collections::BTreeMap;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const INSTANCE_PLAYBOOK: &str = "cordon/contain-instance";

#[derive(Clone, Debug, PartialEq)]
pub struct ResponseFinding {
    /// Derived from the source finding, so re-delivery updates one finding.
    pub id: String,
    pub product_arn: String,
    pub generator_id: String,
    pub account_id: String,
    pub region: String,
    pub types: Vec<String>,
    pub severity_label: &'static str,
    pub severity_original: String,
    pub title: String,
    pub description: String,
    /// The source finding's creation time: stable across re-imports.
    pub created_at: String,
    pub resources: Vec<FindingResource>,
    /// The GuardDuty finding answered; `None` for CloudTrail events.
    pub source: Option<SourceFinding>,
    pub product_fields: BTreeMap<String, String>,
    pub workflow_status: &'static str,
    pub remediation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FindingResource {
    Instance {
        arn: String,
        instance_id: String,
        vpc_id: String,
        interfaces: Vec<String>,
    },
    NetworkInterface {
        arn: String,
        interface_id: String,
    },
    AccessKey {
        access_key_id: String,
        principal_id: Option<String>,
        principal_name: Option<String>,
        principal_type: String,
    },
    IamUser {
        arn: String,
        name: String,
    },
    IamRole {
        arn: String,
        name: String,
    },
    /// Any other resource, by its ASFF type and id, without details.
    Named {
        resource_type: &'static str,
        id: String,
    },
}

/// The GuardDuty finding as Security Hub knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFinding {
    pub id: String,
    pub product_arn: String,
}

impl SourceFinding {
    /// GuardDuty findings appear in Security Hub under their ARN and the regional
    /// GuardDuty product.
    pub fn guardduty(finding_arn: &str, region: &str) -> Self {
        Self {
            id: finding_arn.to_owned(),
            product_arn: format!("arn:aws:securityhub:{region}::product/aws/guardduty"),
        }
    }
}

/// Security Hub's label for a GuardDuty severity (GuardDuty: low < 4 <= medium < 7 <=
/// high < 9 <= critical).
pub fn severity_label(severity: f64) -> &'static str {
    match severity {
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MEDIUM",
        s if s > 0.0 => "LOW",
        _ => "INFORMATIONAL",
    }
}

/// ASFF `Types` (namespace/category/classifier) for a GuardDuty finding type.
pub fn asff_types(finding_type: &str) -> Vec<String> {
    let family = finding_type.split(':').next().unwrap_or_default();
    let category = match family {
        "Backdoor" | "Trojan" => "TTPs/Command and Control",
        "CryptoCurrency" => "Effects/Resource Consumption",
        "UnauthorizedAccess" => "TTPs/Initial Access",
        "Recon" => "TTPs/Discovery",
        "Impact" => "Effects/Denial of Service",
        "CredentialAccess" => "TTPs/Credential Access",
        "Exfiltration" => "Effects/Data Exfiltration",
        "Persistence" => "TTPs/Persistence",
        "PenTest" => "TTPs/Discovery",
        "Policy" => "Software and Configuration Checks/AWS Security Best Practices",
        _ => "Unusual Behaviors/VM",
    };
    vec![format!("{category}/{finding_type}")]
}

/// The response finding for an instance incident and how handling it ended.
pub fn instance_response_finding(
    incident: &InstanceIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let instance = incident.instance_id.as_str();
    let instance_arn = format!("arn:aws:ec2:{region}:{account}:instance/{instance}");
    let mut interfaces: Vec<String> = incident
        .network_interfaces
        .iter()
        .map(|e| e.to_string())
        .collect();
    for step in &outcome.steps {
        if step.name == "isolate-network-interface" && !interfaces.contains(&step.target) {
            interfaces.push(step.target.clone());
        }
    }
    let mut resources = vec![FindingResource::Instance {
        arn: instance_arn,
        instance_id: instance.to_owned(),
        vpc_id: incident.vpc_id.to_string(),
        interfaces: interfaces.clone(),
    }];
    resources.extend(
        interfaces
            .iter()
            .map(|eni| FindingResource::NetworkInterface {
                arn: format!("arn:aws:ec2:{region}:{account}:network-interface/{eni}"),
                interface_id: eni.clone(),
            }),
    );

    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon isolated {instance}: {}", incident.finding_type),
            "NEW",
            format!(
                "{instance} is cut off the network, its profile taken and its role's older sessions denied, \
                 its disks snapshotted (see cordon/Snapshots) and it is out of service but kept. Next: capture \
                 memory, investigate how it was compromised ({}), check the other holders of its role, then \
                 rebuild it or release it (the pre-containment state is in its cordon:* tags).",
                incident.finding_type
            ),
        ),
        Decision::Failed => (
            format!(
                "cordon FAILED to isolate {instance}: {}",
                incident.finding_type
            ),
            "NEW",
            format!(
                "Automated isolation of {instance} did not verify. Isolate it by hand now (move every network \
                 interface to a security group with no rules), then investigate."
            ),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed {instance}: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether {instance} needs \
                 containment.",
                outcome.reason
            ),
        ),
    };
    let description = truncate(
        &format!(
            "GuardDuty reported {} on {instance} (severity {}). cordon: {} — {}.",
            incident.finding_type,
            incident.severity,
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );

    let product_fields = outcome_product_fields(outcome, INSTANCE_PLAYBOOK);

    ResponseFinding {
        id: format!(
            "{INSTANCE_PLAYBOOK}/{account}/{region}/{}",
            incident.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: INSTANCE_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(&incident.finding_type),
        severity_label: severity_label(incident.severity),
        severity_original: incident.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        resources,
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields,
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// cordon's summary and every step, as ProductFields (Security Hub keeps at most 50).
pub(crate) fn outcome_product_fields(
    outcome: &Outcome,
    playbook: &str,
) -> BTreeMap<String, String> {
    let mut product_fields = BTreeMap::new();
    product_fields.insert(
        "cordon/Decision".to_owned(),
        outcome.decision.as_str().to_owned(),
    );
    product_fields.insert("cordon/Reason".to_owned(), truncate(&outcome.reason, 2048));
    product_fields.insert("cordon/Playbook".to_owned(), playbook.to_owned());
    if outcome.decision == Decision::Failed {
        let retry = if outcome.needs_retry() {
            "yes: Lambda retries the event, then keeps it in the dead-letter queue"
        } else {
            "no: the error is permanent (access denied, not found, invalid); act by hand"
        };
        product_fields.insert("cordon/Retried".to_owned(), retry.to_owned());
    }
    if let Some(ms) = outcome.time_to_containment_ms {
        product_fields.insert("cordon/TimeToContainmentMs".to_owned(), ms.to_string());
    }
    let snapshots: Vec<&str> = outcome
        .steps
        .iter()
        .flat_map(|s| s.resources.iter().map(String::as_str))
        .filter(|r| r.starts_with("snap-"))
        .collect();
    if !snapshots.is_empty() {
        product_fields.insert(
            "cordon/Snapshots".to_owned(),
            truncate(&snapshots.join(", "), 2048),
        );
    }
    // Security Hub keeps at most 50 product fields; steps come after the summary.
    for (index, step) in outcome.steps.iter().take(40).enumerate() {
        let status = step.status.as_str();
        product_fields.insert(
            format!("cordon/Step{:02}", index + 1),
            truncate(
                &format!("{} {} {status}: {}", step.name, step.target, step.detail),
                2048,
            ),
        );
    }

    product_fields
}

/// ASFF namespaces a `Types` entry may start with.
const TYPE_NAMESPACES: &[&str] = &[
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];

/// The product ARN of findings an account imports itself ("default" product).
pub fn own_product_arn(account: &str, region: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:product/{account}/default")
}

impl ResponseFinding {
    /// The finding as the account cordon runs in imports it: Security Hub accepts an
    /// import only of the caller's own account and region, so a member account's
    /// incident is filed under the security account. The Id and the resources keep
    /// naming the member account, where the incident happened.
    pub fn filed_in(&self, account: &str, region: &str) -> Self {
        Self {
            product_arn: own_product_arn(account, region),
            account_id: account.to_owned(),
            region: region.to_owned(),
            ..self.clone()
        }
    }

    /// Checks the fields Security Hub requires, and their documented limits, before the
    /// finding is sent: a finding Security Hub would reject is a bug here, not there.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let required = [
            ("Id", &self.id),
            ("ProductArn", &self.product_arn),
            ("GeneratorId", &self.generator_id),
            ("Title", &self.title),
            ("Description", &self.description),
            ("CreatedAt", &self.created_at),
        ];
        for (name, value) in required {
            if value.is_empty() {
                problems.push(format!("{name} is empty"));
            }
        }
        if self.id.len() > 512 {
            problems.push("Id is longer than 512 characters".into());
        }
        if self.title.len() > 256 {
            problems.push("Title is longer than 256 characters".into());
        }
        if self.description.len() > 1024 {
            problems.push("Description is longer than 1024 characters".into());
        }
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!("AwsAccountId {} is not 12 digits", self.account_id));
        }
        if self.types.is_empty() || self.types.len() > 50 {
            problems.push("Types must hold 1 to 50 entries".into());
        }
        for kind in &self.types {
            let parts = kind.split('/').count();
            if !TYPE_NAMESPACES
                .iter()
                .any(|ns| kind.starts_with(&format!("{ns}/")))
                || parts < 2
            {
                problems.push(format!(
                    "Type {kind} is not namespace/category[/classifier]"
                ));
            }
        }
        if self.resources.is_empty() || self.resources.len() > 32 {
            problems.push("Resources must hold 1 to 32 entries".into());
        }
        if self.product_fields.len() > 50 {
            problems.push("ProductFields holds more than 50 entries".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    // Room for the ellipsis, which is three bytes.
    let mut cut = max - 3;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

#[cfg(test)]
#[path = "response_finding_tests.rs"]
mod tests;
