//! The facts about one Lambda finding that the playbook needs: the function, checked
//! against the finding's account and region, and the role GuardDuty saw it run as.

use cordon_events::{AccountId, FunctionHome, FunctionName, GuardDutyFinding};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LambdaIncident {
    pub finding_id: String,
    pub finding_arn: String,
    pub finding_type: String,
    pub severity: f64,
    pub account_id: AccountId,
    pub region: String,
    pub function: FunctionName,
    /// Unqualified: `arn:<partition>:lambda:<region>:<account>:function:<name>`.
    pub function_arn: String,
    /// The version GuardDuty saw run (`$LATEST`, `3`): throttling covers every version.
    pub version: Option<String>,
    /// The execution role as the finding reports it; the playbook acts on the role
    /// Lambda holds now.
    pub reported_role: Option<String>,
    pub updated_at: String,
    pub title: String,
    /// Why the function the finding's ARN names is not the finding's own (another
    /// account or region): triage only observes it.
    pub elsewhere: Option<String>,
}

impl LambdaIncident {
    /// `None` when the finding names no function; `Some(Err)` says why the function it
    /// names is not one cordon may act on.
    pub fn from_finding(finding: &GuardDutyFinding) -> Option<Result<Self, String>> {
        let details = finding.resource.lambda_details.as_ref()?;
        if details.function_name.is_none() && details.function_arn.is_none() {
            return None;
        }
        Some(Self::checked(finding, details))
    }

    fn checked(
        finding: &GuardDutyFinding,
        details: &cordon_events::LambdaDetails,
    ) -> Result<Self, String> {
        let partition = finding
            .arn
            .split(':')
            .nth(1)
            .filter(|p| p.starts_with("aws"))
            .unwrap_or("aws");
        let account = finding.account_id.as_str();
        let region = finding.region.as_str();
        let (from_arn, elsewhere) = match details.function_arn.as_deref() {
            None => (None, None),
            Some(arn) => {
                let home = FunctionHome::of(arn)?;
                let name = home.name;
                let elsewhere = ((home.partition, home.region, home.account)
                    != (partition, region, account))
                    .then(|| {
                    format!(
                        "the finding's function ARN {arn} is not a function in account {account}, region {region}"
                    )
                });
                (Some(name), elsewhere)
            }
        };
        let function: FunctionName = match (details.function_name.as_deref(), from_arn) {
            (Some(name), Some(in_arn)) if name != in_arn => {
                return Err(format!(
                    "the finding names function {name} but its ARN names {in_arn}"
                ));
            }
            (Some(name), _) => name.parse()?,
            (None, Some(in_arn)) => in_arn.parse()?,
            (None, None) => return Err("the finding names no function".into()),
        };
        Ok(Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: region.to_owned(),
            function_arn: format!("arn:{partition}:lambda:{region}:{account}:function:{function}"),
            function,
            version: details.function_version.clone(),
            reported_role: details.role.clone(),
            updated_at: finding.updated_at.clone(),
            title: finding.title.clone(),
            elsewhere,
        })
    }
}
