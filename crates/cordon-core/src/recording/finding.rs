//! cordon's own Security Hub finding, as data every domain fills in: what was seen, what
//! was done, what a human should do next. The adapter maps it onto ASFF.

use crate::{Decision, Outcome};
use std::collections::BTreeMap;

/// One finding in the AWS Security Finding Format, before the adapter's types.
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

impl FindingResource {
    /// What names the resource to a person: its ARN, its id, or the access key id.
    pub fn id(&self) -> &str {
        match self {
            Self::Instance { arn, .. }
            | Self::NetworkInterface { arn, .. }
            | Self::IamUser { arn, .. }
            | Self::IamRole { arn, .. } => arn,
            Self::AccessKey { access_key_id, .. } => access_key_id,
            Self::Named { id, .. } => id,
        }
    }
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
#[path = "finding_tests.rs"]
mod tests;
