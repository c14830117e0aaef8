//! The audit services cordon switches back on: CloudTrail trails and the AWS Config
//! recorder.

use crate::error::missing;
use crate::port_error;
use cordon_core::ports::{AuditLogging, PortResult};

#[derive(Clone, Debug)]
pub struct AwsAuditLogging {
    cloudtrail: aws_sdk_cloudtrail::Client,
    config: aws_sdk_config::Client,
}

impl AwsAuditLogging {
    pub fn new(cloudtrail: aws_sdk_cloudtrail::Client, config: aws_sdk_config::Client) -> Self {
        Self { cloudtrail, config }
    }
}

impl AuditLogging for AwsAuditLogging {
    async fn trail_is_logging(&self, trail: &str) -> PortResult<bool> {
        const OP: &str = "cloudtrail:GetTrailStatus";
        let status = self
            .cloudtrail
            .get_trail_status()
            .name(trail)
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        status.is_logging().ok_or_else(|| missing(OP, "IsLogging"))
    }

    async fn start_trail_logging(&self, trail: &str) -> PortResult<()> {
        self.cloudtrail
            .start_logging()
            .name(trail)
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("cloudtrail:StartLogging", e))
    }

    async fn recorder_is_recording(&self, recorder: &str) -> PortResult<bool> {
        const OP: &str = "config:DescribeConfigurationRecorderStatus";
        let status = self
            .config
            .describe_configuration_recorder_status()
            .configuration_recorder_names(recorder)
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        status
            .configuration_recorders_status()
            .iter()
            .find(|s| s.name() == Some(recorder))
            .map(|s| s.recording())
            .ok_or_else(|| missing(OP, "status for the recorder"))
    }

    async fn start_recorder(&self, recorder: &str) -> PortResult<()> {
        self.config
            .start_configuration_recorder()
            .configuration_recorder_name(recorder)
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("config:StartConfigurationRecorder", e))
    }
}
