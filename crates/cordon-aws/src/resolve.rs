//! Marking an incident's findings RESOLVED once it is released: cordon's own response
//! finding and the findings it answered (its `RelatedFindings`).

use crate::port_error;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, AwsSecurityFindingIdentifier, NoteUpdate, StringFilter,
    StringFilterComparison, WorkflowStatus, WorkflowUpdate,
};
use cordon_core::ports::PortResult;

/// Resolves the response finding `id` and its related findings with `note`; returns
/// the ids resolved. A response finding Security Hub does not have resolves nothing.
pub async fn resolve_incident_findings(
    client: &Client,
    id: &str,
    note: &str,
) -> PortResult<Vec<String>> {
    let filters = AwsSecurityFindingFilters::builder()
        .id(StringFilter::builder()
            .comparison(StringFilterComparison::Equals)
            .value(id)
            .build())
        .build();
    let found = Box::pin(client.get_findings().filters(filters).send())
        .await
        .map_err(|e| port_error("securityhub:GetFindings", e))?;
    // Filtered again: some endpoints (the emulator) ignore the filter.
    let Some(response) = found.findings().iter().find(|f| f.id() == Some(id)) else {
        return Ok(Vec::new());
    };
    let mut identifiers = vec![(
        id.to_owned(),
        response.product_arn().unwrap_or_default().to_owned(),
    )];
    identifiers.extend(response.related_findings().iter().map(|r| {
        (
            r.id().unwrap_or_default().to_owned(),
            r.product_arn().unwrap_or_default().to_owned(),
        )
    }));
    let mut request = client
        .batch_update_findings()
        .note(
            NoteUpdate::builder()
                .text(note)
                .updated_by("cordon")
                .build(),
        )
        .workflow(
            WorkflowUpdate::builder()
                .status(WorkflowStatus::Resolved)
                .build(),
        );
    for (id, product_arn) in &identifiers {
        request = request.finding_identifiers(
            AwsSecurityFindingIdentifier::builder()
                .id(id)
                .product_arn(product_arn)
                .build(),
        );
    }
    let out = Box::pin(request.send())
        .await
        .map_err(|e| port_error("securityhub:BatchUpdateFindings", e))?;
    Ok(out
        .processed_findings()
        .iter()
        .filter_map(|f| f.id().map(str::to_owned))
        .collect())
}

/// The resources a response finding names, as `(type, id)`: what release acts on.
async fn response_resources(client: &Client, id: &str) -> PortResult<Vec<(String, String)>> {
    let found = Box::pin(client.get_findings().send())
        .await
        .map_err(|e| port_error("securityhub:GetFindings", e))?;
    let Some(response) = found.findings().iter().find(|f| f.id() == Some(id)) else {
        return Ok(Vec::new());
    };
    Ok(response
        .resources()
        .iter()
        .filter_map(|r| Some((r.r#type()?.to_owned(), r.id()?.to_owned())))
        .collect())
}

/// The users and roles a credential incident's response finding names, for release.
pub async fn incident_principals(
    client: &Client,
    id: &str,
) -> PortResult<Vec<cordon_core::ports::Principal>> {
    Ok(response_resources(client, id)
        .await?
        .into_iter()
        .filter_map(|(kind, arn)| {
            // `arn:aws:iam::123456789012:user/path/name`: IAM names are the last part.
            let name = arn.rsplit('/').next()?.to_owned();
            match kind.as_str() {
                "AwsIamUser" => Some(cordon_core::ports::Principal::User(name)),
                "AwsIamRole" => Some(cordon_core::ports::Principal::Role(name)),
                _ => None,
            }
        })
        .collect())
}

/// The Lambda functions (ARNs) a Lambda incident's response finding names, for release.
pub async fn incident_functions(client: &Client, id: &str) -> PortResult<Vec<String>> {
    Ok(response_resources(client, id)
        .await?
        .into_iter()
        .filter(|(kind, _)| kind == "AwsLambdaFunction")
        .map(|(_, arn)| arn)
        .collect())
}
