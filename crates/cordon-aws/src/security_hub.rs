//! [`FindingRecorder`] on Security Hub: `BatchImportFindings` for cordon's finding (the
//! deterministic Id makes a re-import an update) and `BatchUpdateFindings` for the note
//! on the source finding. Both answer 200 with per-finding failures, which are errors.

use crate::port_error;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AwsEc2InstanceDetails, AwsEc2InstanceNetworkInterfacesDetails, AwsEc2NetworkInterfaceDetails,
    AwsSecurityFinding, AwsSecurityFindingIdentifier, NoteUpdate, Recommendation, RelatedFinding,
    Remediation, Resource, ResourceDetails, Severity, SeverityLabel, Workflow, WorkflowStatus,
    WorkflowUpdate,
};
use cordon_core::ports::PortResult;
use cordon_core::response_finding::{FindingResource, SourceFinding};
use cordon_core::{FindingRecorder, PortError, ResponseFinding, SourceUpdate};
use std::time::SystemTime;

/// Who wrote a note, as Security Hub shows it.
const UPDATED_BY: &str = "cordon";

#[derive(Clone, Debug)]
pub struct SecurityHubRecorder {
    client: Client,
}

impl SecurityHubRecorder {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

impl FindingRecorder for SecurityHubRecorder {
    async fn import_finding(&self, finding: &ResponseFinding) -> PortResult<()> {
        let request = self
            .client
            .batch_import_findings()
            .findings(to_asff(finding, &now()));
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
        .related_findings(
            RelatedFinding::builder()
                .product_arn(&finding.source.product_arn)
                .id(&finding.source.id)
                .build(),
        )
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
    }
}

#[cfg(test)]
#[path = "security_hub_tests.rs"]
mod tests;
