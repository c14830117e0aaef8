//! The demo's CloudTrail side: the trail, the Config recorder and the security group
//! the CloudTrail samples name, then what an attacker did to them before cordon ran.

use cordon_emulators::MotoServer;
use cordon_fixtures::{
    ExposedGroup, TrailPlaceholders, create_logging_trail, ensure_recording_recorder,
    recorder_is_recording, trail_is_logging,
};

/// cordon's own role in the CloudTrail samples; the template sets the deployed
/// functions' roles the same way.
pub const CORDON_ROLE_IN_SAMPLES: &str =
    "arn:aws:iam::123456789012:role/cordon-RespondToCloudTrailFunctionRole-EXAMPLE";
const RECORDER: &str = "default";

pub struct DemoAudit {
    cloudtrail: aws_sdk_cloudtrail::Client,
    config: aws_sdk_config::Client,
    group: ExposedGroup,
}

impl DemoAudit {
    /// The trail logging, the recorder recording and the group with its rules, then
    /// the attacker's moves: logging stopped, the recorder stopped.
    pub async fn build(
        moto: &MotoServer,
        sdk: &aws_config::SdkConfig,
        ec2: &aws_sdk_ec2::Client,
        vpc: &str,
    ) -> Result<Self, String> {
        let fail = |e: Box<dyn std::error::Error + Send + Sync>| e.to_string();
        let cloudtrail = aws_sdk_cloudtrail::Client::new(sdk);
        let config = aws_sdk_config::Client::new(sdk);
        let trail = TrailPlaceholders::TRAIL;
        create_logging_trail(moto, &cloudtrail, trail)
            .await
            .map_err(fail)?;
        ensure_recording_recorder(moto, &config, RECORDER)
            .await
            .map_err(fail)?;
        let group = ExposedGroup::create(ec2, vpc, "web-tier")
            .await
            .map_err(fail)?;
        cloudtrail
            .stop_logging()
            .name(trail)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        config
            .stop_configuration_recorder()
            .configuration_recorder_name(RECORDER)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "CloudTrail: trail {trail} (logging stopped by mallory); Config recorder {RECORDER} \
             (stopped); {} with SSH open to 0.0.0.0/0 and 10.0.0.0/8, RDP to ::/0, all traffic \
             to 0.0.0.0/0 (mallory's) and HTTPS to 0.0.0.0/0 (the web tier's)",
            group.group_id
        );
        Ok(Self {
            cloudtrail,
            config,
            group,
        })
    }

    /// The sample event naming the demo's group and rules.
    pub fn rewrite(&self, raw: &str) -> String {
        self.group.rewrite(raw)
    }

    /// What the emulator says now about what the sample `name` is about.
    pub async fn state(
        &self,
        ec2: &aws_sdk_ec2::Client,
        name: &str,
        decision: &str,
    ) -> Result<String, String> {
        let fail = |e: Box<dyn std::error::Error + Send + Sync>| e.to_string();
        match name {
            "cloudtrail-stop-logging.json" => {
                let logging = trail_is_logging(&self.cloudtrail, TrailPlaceholders::TRAIL)
                    .await
                    .map_err(fail)?;
                if !logging {
                    return Err("the trail is still not logging".into());
                }
                Ok(format!("trail {}: logging again", TrailPlaceholders::TRAIL))
            }
            "config-stop-recorder.json" => {
                if !recorder_is_recording(&self.config, RECORDER)
                    .await
                    .map_err(fail)?
                {
                    return Err("the recorder is still stopped".into());
                }
                Ok(format!("recorder {RECORDER}: recording again"))
            }
            "ec2-authorize-ssh-from-anywhere.json" => {
                self.revoked(ec2, &self.group.world_ssh_rule, "SSH from 0.0.0.0/0")
                    .await
            }
            "ec2-authorize-ssh-legacy-no-rule-ids.json" => {
                self.revoked(
                    ec2,
                    &self.group.world_ssh_rule,
                    "SSH from 0.0.0.0/0 (named by protocol, port and range)",
                )
                .await
            }
            "ec2-authorize-rdp-ipv6.json" => {
                self.revoked(ec2, &self.group.world_rdp_rule, "RDP from ::/0")
                    .await
            }
            "ec2-authorize-all-traffic.json" => {
                self.revoked(
                    ec2,
                    &self.group.all_traffic_rule,
                    "all traffic from 0.0.0.0/0",
                )
                .await
            }
            _ => Ok(match decision {
                "ignored" => "nothing recorded, nothing touched".to_owned(),
                _ => "recorded in Security Hub; nothing else touched".to_owned(),
            }),
        }
    }

    /// The sample's rule is gone while the legitimate ones stay.
    async fn revoked(
        &self,
        ec2: &aws_sdk_ec2::Client,
        rule: &str,
        what: &str,
    ) -> Result<String, String> {
        let rules = self
            .group
            .ingress_rule_ids(ec2)
            .await
            .map_err(|e| e.to_string())?;
        let kept = [&self.group.private_ssh_rule, &self.group.https_rule]
            .iter()
            .all(|r| rules.contains(r));
        match (rules.iter().any(|r| r == rule), kept) {
            (false, true) => Ok(format!(
                "{}: {what} revoked; SSH from 10.0.0.0/8 and HTTPS kept",
                self.group.group_id
            )),
            _ => Err(format!("{} holds {rules:?}", self.group.group_id)),
        }
    }
}
