//! [`FindingSource`] on GuardDuty: `GetFindings` in the finding's detector, reduced to
//! the fields cordon decides on.

use crate::error::has_code;
use crate::port_error;
use cordon_core::ports::{FindingSource, PortResult, ReportedActor, ReportedFinding};
use cordon_events::ResourceRole;

#[derive(Clone, Debug)]
pub struct GuardDutyFindings {
    client: aws_sdk_guardduty::Client,
}

impl GuardDutyFindings {
    pub fn new(client: aws_sdk_guardduty::Client) -> Self {
        Self { client }
    }
}

impl FindingSource for GuardDutyFindings {
    async fn reported(
        &self,
        detector_id: &str,
        finding_id: &str,
    ) -> PortResult<Option<ReportedFinding>> {
        let out = match self
            .client
            .get_findings()
            .detector_id(detector_id)
            .finding_ids(finding_id)
            .send()
            .await
        {
            Ok(out) => out,
            // GuardDuty's answer to a detector this account does not own: it reported
            // nothing there, which is what a made-up detector id looks like.
            Err(err) if has_code(&err, &["BadRequestException"]) => return Ok(None),
            Err(err) => return Err(port_error("guardduty:GetFindings", err)),
        };
        Ok(out
            .findings()
            .iter()
            .find(|f| f.id() == Some(finding_id))
            .map(reported))
    }
}

fn reported(finding: &aws_sdk_guardduty::types::Finding) -> ReportedFinding {
    let service = finding.service();
    let resource = finding.resource();
    let lambda = resource.and_then(|r| r.lambda_details());
    ReportedFinding {
        account_id: finding.account_id().unwrap_or_default().to_owned(),
        finding_type: finding.r#type().unwrap_or_default().to_owned(),
        severity: finding.severity().unwrap_or_default(),
        updated_at: finding.updated_at().unwrap_or_default().to_owned(),
        archived: service.and_then(|s| s.archived()).unwrap_or(false),
        sample: service
            .and_then(|s| s.additional_info())
            .and_then(|info| info.value())
            .is_some_and(says_sample),
        resource_role: service
            .and_then(|s| s.resource_role())
            .map(|role| match role {
                "ACTOR" => ResourceRole::Actor,
                "TARGET" => ResourceRole::Target,
                _ => ResourceRole::Unknown,
            }),
        instance_id: resource
            .and_then(|r| r.instance_details())
            .and_then(|d| d.instance_id())
            .map(str::to_owned),
        access_key_id: resource
            .and_then(|r| r.access_key_details())
            .and_then(|d| d.access_key_id())
            .map(str::to_owned),
        sequence_actors: service
            .and_then(|s| s.detection())
            .and_then(|d| d.sequence())
            .map(|s| s.actors())
            .unwrap_or_default()
            .iter()
            .filter_map(|actor| actor.user())
            .map(|user| ReportedActor {
                access_key_id: user.credential_uid().map(str::to_owned),
                user_name: user.name().unwrap_or_default().to_owned(),
                user_type: user.r#type().unwrap_or_default().to_owned(),
            })
            .collect(),
        host: crate::finding_host::reported_host(service),
        bucket_names: resource
            .map(|r| r.s3_bucket_details())
            .unwrap_or_default()
            .iter()
            .filter_map(|b| b.name().map(str::to_owned))
            .collect(),
        function_arn: lambda.and_then(|l| l.function_arn()).map(str::to_owned),
        function_name: lambda.and_then(|l| l.function_name()).map(str::to_owned),
    }
}

/// The API carries the sample flag inside `additionalInfo.value`, a JSON string.
fn says_sample(value: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(value)
        .ok()
        .and_then(|v| v.get("sample").and_then(serde_json::Value::as_bool))
        == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_guardduty::types::{
        AccessKeyDetails, Actor, Detection, Finding, InstanceDetails, Resource, Sequence, Service,
        ServiceAdditionalInfo, User,
    };

    #[test]
    fn reads_what_cordon_decides_on() {
        let finding = Finding::builder()
            .id("f1")
            .account_id("123456789012")
            .r#type("Backdoor:EC2/C&CActivity.B")
            .severity(8.0)
            .updated_at("2026-11-24T10:15:30.250Z")
            .resource(
                Resource::builder()
                    .instance_details(InstanceDetails::builder().instance_id("i-1").build())
                    .access_key_details(AccessKeyDetails::builder().access_key_id("AKIA1").build())
                    .build(),
            )
            .service(
                Service::builder()
                    .archived(true)
                    .resource_role("ACTOR")
                    .additional_info(
                        ServiceAdditionalInfo::builder()
                            .value(r#"{"sample":true}"#)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let r = reported(&finding);
        assert_eq!(r.account_id, "123456789012");
        assert_eq!(r.severity, 8.0);
        assert!(r.archived && r.sample);
        assert_eq!(r.resource_role, Some(ResourceRole::Actor));
        assert_eq!(r.instance_id.as_deref(), Some("i-1"));
        assert_eq!(r.access_key_id.as_deref(), Some("AKIA1"));
        let plain = reported(&Finding::builder().id("f2").build());
        assert!(!plain.sample && !plain.archived && plain.resource_role.is_none());
        assert!(plain.sequence_actors.is_empty());
    }

    #[test]
    fn reads_the_identities_behind_a_sequence() {
        let user = User::builder()
            .name("alice")
            .uid("AIDA1")
            .r#type("IAMUser")
            .credential_uid("AKIA1")
            .build();
        let sequence = Sequence::builder()
            .uid("s1")
            .actors(Actor::builder().id("a1").user(user).build())
            .actors(Actor::builder().id("a2").build())
            .build();
        let finding = Finding::builder()
            .id("f3")
            .service(
                Service::builder()
                    .detection(Detection::builder().sequence(sequence).build())
                    .build(),
            )
            .build();
        assert_eq!(
            reported(&finding).sequence_actors,
            [ReportedActor {
                access_key_id: Some("AKIA1".into()),
                user_name: "alice".into(),
                user_type: "IAMUser".into(),
            }]
        );
    }
}
