//! [`FindingRecorder`] on Security Hub: `BatchImportFindings` for cordon's finding (the
//! deterministic Id makes a re-import an update) and `BatchUpdateFindings` for the note
//! on the source finding. Both answer 200 with per-finding failures, which are errors.

use crate::findings_filter::FindingsFilter;
use crate::port_error;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AwsEc2InstanceDetails, AwsEc2InstanceNetworkInterfacesDetails, AwsEc2NetworkInterfaceDetails,
    AwsIamAccessKeyDetails, AwsIamRoleDetails, AwsIamUserDetails, AwsSecurityFinding,
    AwsSecurityFindingIdentifier, NoteUpdate, Recommendation, RelatedFinding, Remediation,
    Resource, ResourceDetails, Severity, SeverityLabel, Workflow, WorkflowStatus, WorkflowUpdate,
};
use cordon_core::ports::{FindingRecorder, PortError, PortResult, SourceUpdate};
use cordon_core::recording::{FindingResource, ResponseFinding, SourceFinding};
use cordon_events::AccountId;
use std::time::SystemTime;

/// Who wrote a note, as Security Hub shows it.
const UPDATED_BY: &str = "cordon";

#[derive(Clone, Debug)]
pub struct SecurityHubRecorder {
    client: Client,
    /// The account the client's credentials belong to, where findings are filed.
    /// `None` files each finding in the account it names.
    account: Option<String>,
}

impl SecurityHubRecorder {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            account: None,
        }
    }

    /// Files every finding in `account` and the client's region: the only ones an
    /// import may carry, whichever member account the incident was in.
    pub fn filing_in(client: Client, account: &AccountId) -> Self {
        Self {
            client,
            account: Some(account.as_str().to_owned()),
        }
    }
}

impl FindingRecorder for SecurityHubRecorder {
    async fn import_finding(&self, finding: &ResponseFinding) -> PortResult<()> {
        let region = self.client.config().region().map(|r| r.as_ref().to_owned());
        let filed = match (&self.account, region) {
            (Some(account), Some(region)) => finding.filed_in(account, &region),
            _ => finding.clone(),
        };
        let request = self
            .client
            .batch_import_findings()
            .findings(to_asff(&filed, &now()));
        let out = Box::pin(request.send())
            .await
            .map_err(|e| port_error("securityhub:BatchImportFindings", e))?;
        match out.failed_findings().first() {
            None => Ok(()),
            Some(failed) => Err(PortError {
                operation: "securityhub:BatchImportFindings",
                code: failed.error_code().map(str::to_owned),
                message: format!(
                    "Security Hub rejected {}: {}",
                    finding.id,
                    failed.error_message().unwrap_or("no message")
                ),
                transient: false,
            }),
        }
    }

    async fn resolve_findings(&self, findings: &[(String, String)], note: &str) -> PortResult<()> {
        let identifiers = findings.iter().map(|(id, product_arn)| {
            AwsSecurityFindingIdentifier::builder()
                .id(id)
                .product_arn(product_arn)
                .build()
        });
        let request = self
            .client
            .batch_update_findings()
            .set_finding_identifiers(Some(identifiers.collect()))
            .note(
                NoteUpdate::builder()
                    .text(note.chars().take(512).collect::<String>())
                    .updated_by(UPDATED_BY)
                    .build(),
            )
            .workflow(
                WorkflowUpdate::builder()
                    .status(WorkflowStatus::Resolved)
                    .build(),
            );
        let out = Box::pin(request.send())
            .await
            .map_err(|e| port_error("securityhub:BatchUpdateFindings", e))?;
        let failed = out
            .unprocessed_findings()
            .iter()
            .find(|u| !u.error_code().is_some_and(|c| c.contains("NotFound")));
        match failed {
            None => Ok(()),
            Some(unprocessed) => Err(PortError {
                operation: "securityhub:BatchUpdateFindings",
                code: unprocessed.error_code().map(str::to_owned),
                message: unprocessed
                    .error_message()
                    .unwrap_or("not processed")
                    .to_owned(),
                transient: false,
            }),
        }
    }

    async fn update_source_finding(
        &self,
        source: &SourceFinding,
        note: &str,
        response_finding_id: &str,
    ) -> PortResult<SourceUpdate> {
        let request = self
            .client
            .batch_update_findings()
            .finding_identifiers(
                AwsSecurityFindingIdentifier::builder()
                    .id(&source.id)
                    .product_arn(&source.product_arn)
                    .build(),
            )
            .note(
                NoteUpdate::builder()
                    .text(note)
                    .updated_by(UPDATED_BY)
                    .build(),
            )
            .workflow(
                WorkflowUpdate::builder()
                    .status(WorkflowStatus::Notified)
                    .build(),
            )
            .user_defined_fields("cordon/ResponseFindingId", response_finding_id);
        let out = Box::pin(request.send())
            .await
            .map_err(|e| port_error("securityhub:BatchUpdateFindings", e))?;
        match out.unprocessed_findings().first() {
            None => Ok(SourceUpdate::Updated),
            Some(unprocessed)
                if unprocessed
                    .error_code()
                    .is_some_and(|c| c.contains("NotFound")) =>
            {
                Ok(SourceUpdate::NotInSecurityHub)
            }
            Some(unprocessed) => Err(PortError {
                operation: "securityhub:BatchUpdateFindings",
                code: unprocessed.error_code().map(str::to_owned),
                message: unprocessed
                    .error_message()
                    .unwrap_or("not processed")
                    .to_owned(),
                transient: false,
            }),
        }
    }
}

/// ISO 8601 with milliseconds, as Security Hub expects its timestamps.
fn now() -> String {
    aws_sdk_securityhub::primitives::DateTime::from(SystemTime::now())
        .fmt(aws_sdk_securityhub::primitives::DateTimeFormat::DateTime)
        .unwrap_or_default()
}

pub(crate) fn to_asff(finding: &ResponseFinding, updated_at: &str) -> AwsSecurityFinding {
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(&finding.id)
        .product_arn(&finding.product_arn)
        .generator_id(&finding.generator_id)
        .aws_account_id(&finding.account_id)
        .region(&finding.region)
        .set_types(Some(finding.types.clone()))
        .created_at(&finding.created_at)
        .updated_at(updated_at)
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(finding.severity_label))
                .original(&finding.severity_original)
                .build(),
        )
        .title(&finding.title)
        .description(&finding.description)
        .set_resources(Some(
            finding
                .resources
                .iter()
                .map(|r| to_resource(r, &finding.region))
                .collect(),
        ))
        .set_related_findings(finding.source.as_ref().map(|source| {
            vec![
                RelatedFinding::builder()
                    .product_arn(&source.product_arn)
                    .id(&source.id)
                    .build(),
            ]
        }))
        .set_product_fields(Some(finding.product_fields.clone().into_iter().collect()))
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(finding.workflow_status))
                .build(),
        )
        .remediation(
            Remediation::builder()
                .recommendation(Recommendation::builder().text(&finding.remediation).build())
                .build(),
        )
        .build()
}

fn to_resource(resource: &FindingResource, region: &str) -> Resource {
    match resource {
        FindingResource::Instance {
            arn,
            vpc_id,
            interfaces,
            ..
        } => Resource::builder()
            .r#type("AwsEc2Instance")
            .id(arn)
            .region(region)
            .details(
                ResourceDetails::builder()
                    .aws_ec2_instance(
                        AwsEc2InstanceDetails::builder()
                            .vpc_id(vpc_id)
                            .set_network_interfaces(Some(
                                interfaces
                                    .iter()
                                    .map(|eni| {
                                        AwsEc2InstanceNetworkInterfacesDetails::builder()
                                            .network_interface_id(eni)
                                            .build()
                                    })
                                    .collect(),
                            ))
                            .build(),
                    )
                    .build(),
            )
            .build(),
        FindingResource::NetworkInterface { arn, interface_id } => Resource::builder()
            .r#type("AwsEc2NetworkInterface")
            .id(arn)
            .region(region)
            .details(
                ResourceDetails::builder()
                    .aws_ec2_network_interface(
                        AwsEc2NetworkInterfaceDetails::builder()
                            .network_interface_id(interface_id)
                            .build(),
                    )
                    .build(),
            )
            .build(),
        FindingResource::AccessKey {
            access_key_id,
            principal_id,
            principal_name,
            principal_type,
        } => Resource::builder()
            .r#type("AwsIamAccessKey")
            // The form GuardDuty's own findings use in Security Hub.
            .id(format!("AWS::IAM::AccessKey:{access_key_id}"))
            .region(region)
            .details(
                ResourceDetails::builder()
                    .aws_iam_access_key(
                        AwsIamAccessKeyDetails::builder()
                            .set_principal_id(principal_id.clone())
                            .set_principal_name(principal_name.clone())
                            .principal_type(principal_type)
                            .build(),
                    )
                    .build(),
            )
            .build(),
        FindingResource::IamUser { arn, name } => Resource::builder()
            .r#type("AwsIamUser")
            .id(arn)
            .region(region)
            .details(
                ResourceDetails::builder()
                    .aws_iam_user(AwsIamUserDetails::builder().user_name(name).build())
                    .build(),
            )
            .build(),
        FindingResource::Named { resource_type, id } => Resource::builder()
            .r#type(*resource_type)
            .id(id)
            .region(region)
            .build(),
        FindingResource::IamRole { arn, name } => Resource::builder()
            .r#type("AwsIamRole")
            .id(arn)
            .region(region)
            .details(
                ResourceDetails::builder()
                    .aws_iam_role(AwsIamRoleDetails::builder().role_name(name).build())
                    .build(),
            )
            .build(),
    }
}

#[cfg(test)]
#[path = "security_hub_tests.rs"]
mod tests;

/// One of cordon's findings as `cordon findings` lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FindingSummary {
    pub id: String,
    pub severity: String,
    pub resource: String,
    pub workflow_status: String,
    pub decision: String,
    pub time_to_containment_ms: Option<u64>,
    pub updated_at: String,
    pub title: String,
}

/// cordon's findings in Security Hub that pass `filter`, newest first, every page.
/// Filtered by Security Hub and again here, since not every endpoint honours filters.
pub async fn list_response_findings(
    client: &Client,
    filter: &FindingsFilter,
) -> PortResult<Vec<FindingSummary>> {
    let mut summaries = Vec::new();
    let mut pages = client
        .get_findings()
        .filters(filter.to_security_hub())
        .into_paginator()
        .send();
    while let Some(page) = Box::pin(pages.next()).await {
        let page = page.map_err(|e| port_error("securityhub:GetFindings", e))?;
        summaries.extend(
            page.findings()
                .iter()
                .filter(|f| f.generator_id().is_some_and(|g| g.starts_with("cordon/")))
                .map(summarise)
                .filter(|s| filter.matches(s)),
        );
    }
    summaries.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    Ok(summaries)
}

fn summarise(finding: &AwsSecurityFinding) -> FindingSummary {
    let field = |name: &str| finding.product_fields().and_then(|f| f.get(name)).cloned();
    FindingSummary {
        id: finding.id().unwrap_or_default().to_owned(),
        severity: finding
            .severity()
            .and_then(|s| s.label())
            .map_or("", |l| l.as_str())
            .to_owned(),
        resource: finding
            .resources()
            .first()
            .and_then(|r| r.id())
            .unwrap_or_default()
            .to_owned(),
        workflow_status: finding
            .workflow()
            .and_then(|w| w.status())
            .map_or("", |s| s.as_str())
            .to_owned(),
        decision: field("cordon/Decision").unwrap_or_default(),
        time_to_containment_ms: field("cordon/TimeToContainmentMs").and_then(|v| v.parse().ok()),
        updated_at: finding.updated_at().unwrap_or_default().to_owned(),
        title: finding.title().unwrap_or_default().to_owned(),
    }
}
