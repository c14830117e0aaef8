//! What the CloudTrail samples name, built in the emulator: a logging trail, a
//! recording AWS Config recorder, and a security group with the rules an attacker
//! added next to legitimate ones.

use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
use cordon_emulators::MotoServer;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The names the CloudTrail samples use, to be replaced by the real ones.
pub struct TrailPlaceholders;

impl TrailPlaceholders {
    /// Also the last part of the trail ARN the samples use.
    pub const TRAIL: &str = "management-events";
    pub const RECORDER: &str = "\"default\"";
    pub const EXPOSED_GROUP: &str = "sg-0a1b2c3d4e5f60009";
    /// `tcp 22 from 0.0.0.0/0`: the rule to revoke.
    pub const WORLD_SSH_RULE: &str = "sgr-0a1b2c3d4e5f60001";
    /// `tcp 22 from 10.0.0.0/8`: added by the same call, and legitimate.
    pub const PRIVATE_SSH_RULE: &str = "sgr-0a1b2c3d4e5f60002";
    /// `tcp 3389 from ::/0`.
    pub const WORLD_RDP_RULE: &str = "sgr-0a1b2c3d4e5f60003";
    /// All traffic from 0.0.0.0/0.
    pub const ALL_TRAFFIC_RULE: &str = "sgr-0a1b2c3d4e5f60004";
}

/// A trail that is logging, in a bucket of its own.
pub async fn create_logging_trail(
    moto: &MotoServer,
    cloudtrail: &aws_sdk_cloudtrail::Client,
    name: &str,
) -> Result<String, BoxError> {
    let bucket = format!("{name}-logs");
    moto.create_bucket(&bucket)?;
    let trail = cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .send()
        .await?;
    cloudtrail.start_logging().name(name).send().await?;
    Ok(trail.trail_arn().unwrap_or_default().to_owned())
}

pub async fn trail_is_logging(
    cloudtrail: &aws_sdk_cloudtrail::Client,
    name: &str,
) -> Result<bool, BoxError> {
    let status = cloudtrail.get_trail_status().name(name).send().await?;
    Ok(status.is_logging().unwrap_or(false))
}

/// The account's one configuration recorder, recording (created if missing).
pub async fn ensure_recording_recorder(
    moto: &MotoServer,
    config: &aws_sdk_config::Client,
    name: &str,
) -> Result<(), BoxError> {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel};
    let bucket = format!("{name}-config");
    moto.create_bucket(&bucket)?;
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name(name)
                .role_arn("arn:aws:iam::123456789012:role/config-recorder")
                .build(),
        )
        .send()
        .await?;
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name(name)
                .s3_bucket_name(&bucket)
                .build(),
        )
        .send()
        .await?;
    config
        .start_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await?;
    Ok(())
}

pub async fn recorder_is_recording(
    config: &aws_sdk_config::Client,
    name: &str,
) -> Result<bool, BoxError> {
    let status = config
        .describe_configuration_recorder_status()
        .configuration_recorder_names(name)
        .send()
        .await?;
    Ok(status
        .configuration_recorders_status()
        .iter()
        .any(|s| s.name() == Some(name) && s.recording()))
}

/// A group holding every rule the samples add (SSH to the world and to 10.0.0.0/8,
/// RDP to `::/0`, all traffic to the world) plus HTTPS to the world, which was there
/// before.
#[derive(Clone, Debug)]
pub struct ExposedGroup {
    pub group_id: String,
    pub world_ssh_rule: String,
    pub private_ssh_rule: String,
    pub world_rdp_rule: String,
    pub all_traffic_rule: String,
    pub https_rule: String,
}

impl ExposedGroup {
    pub async fn create(
        ec2: &aws_sdk_ec2::Client,
        vpc: &str,
        name: &str,
    ) -> Result<Self, BoxError> {
        let group = ec2
            .create_security_group()
            .group_name(name)
            .description("web tier")
            .vpc_id(vpc)
            .send()
            .await?;
        let group_id = group.group_id().unwrap_or_default().to_owned();
        let open = |protocol: &str, port: i32, cidr: &str| {
            let permission = IpPermission::builder().ip_protocol(protocol);
            let permission = match protocol {
                "-1" => permission,
                _ => permission.from_port(port).to_port(port),
            };
            let permission = if cidr.contains(':') {
                permission.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(cidr).build())
            } else {
                permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build())
            };
            ec2.authorize_security_group_ingress()
                .group_id(&group_id)
                .ip_permissions(permission.build())
                .send()
        };
        let rule_id = |out: aws_sdk_ec2::operation::authorize_security_group_ingress::AuthorizeSecurityGroupIngressOutput| {
            out.security_group_rules()
                .first()
                .and_then(|r| r.security_group_rule_id())
                .unwrap_or_default()
                .to_owned()
        };
        let https_rule = rule_id(open("tcp", 443, "0.0.0.0/0").await?);
        let world_ssh_rule = rule_id(open("tcp", 22, "0.0.0.0/0").await?);
        let private_ssh_rule = rule_id(open("tcp", 22, "10.0.0.0/8").await?);
        let world_rdp_rule = rule_id(open("tcp", 3389, "::/0").await?);
        let all_traffic_rule = rule_id(open("-1", 0, "0.0.0.0/0").await?);
        Ok(Self {
            group_id,
            world_ssh_rule,
            private_ssh_rule,
            world_rdp_rule,
            all_traffic_rule,
            https_rule,
        })
    }

    /// The ids of the group's ingress rules now.
    pub async fn ingress_rule_ids(
        &self,
        ec2: &aws_sdk_ec2::Client,
    ) -> Result<Vec<String>, BoxError> {
        let rules = ec2
            .describe_security_group_rules()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("group-id")
                    .values(&self.group_id)
                    .build(),
            )
            .send()
            .await?;
        Ok(rules
            .security_group_rules()
            .iter()
            .filter(|r| r.is_egress() == Some(false))
            .filter_map(|r| r.security_group_rule_id().map(str::to_owned))
            .collect())
    }

    /// `raw_event` with the sample's group and rule ids replaced by this group's.
    pub fn rewrite(&self, raw_event: &str) -> String {
        raw_event
            .replace(TrailPlaceholders::EXPOSED_GROUP, &self.group_id)
            .replace(TrailPlaceholders::WORLD_SSH_RULE, &self.world_ssh_rule)
            .replace(TrailPlaceholders::PRIVATE_SSH_RULE, &self.private_ssh_rule)
            .replace(TrailPlaceholders::WORLD_RDP_RULE, &self.world_rdp_rule)
            .replace(TrailPlaceholders::ALL_TRAFFIC_RULE, &self.all_traffic_rule)
    }
}
