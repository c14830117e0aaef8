//! What the full instance playbook acts on around the instance: an IAM role reached
//! through an instance profile, a second EBS volume, an Auto Scaling group and two
//! target groups. Names derive from the instance id, so estates sharing one emulator
//! never collide.

use crate::Estate;
use aws_config::SdkConfig;
use aws_sdk_autoscaling::types::LaunchTemplateSpecification;
use aws_sdk_ec2::types::{
    IamInstanceProfileSpecification, InstanceType, RequestLaunchTemplateData,
};
use aws_sdk_elasticloadbalancingv2::types::{ProtocolEnum, TargetDescription, TargetTypeEnum};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The four clients a full estate is built and inspected with.
#[derive(Clone, Debug)]
pub struct EstateClients {
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
}

impl EstateClients {
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            ec2: aws_sdk_ec2::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            autoscaling: aws_sdk_autoscaling::Client::new(sdk),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(sdk),
        }
    }
}

/// What a full estate's instance sits in, as created by [`Estate::build_full`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The role the instance's credentials come from (trusts `ec2.amazonaws.com`).
    pub role_name: String,
    pub instance_profile_name: String,
    /// `arn:aws:iam::123456789012:instance-profile/...`, associated with the instance.
    pub instance_profile_arn: String,
    /// The group's launch template (id); the group launches nothing from it.
    pub launch_template: String,
    /// Created with min 0 / desired 0 / max 4; `AttachInstances` made our instance its
    /// only member and raised desired capacity to 1.
    pub auto_scaling_group: String,
    /// Two instance-type target groups (HTTP:80, in the VPC) the instance is
    /// registered in, as ARNs. No load balancer: registration does not need one.
    pub target_groups: Vec<String>,
}

/// Desired capacity of a fresh full estate's group: our instance, attached.
pub const DESIRED_CAPACITY_AFTER_SETUP: i32 = 1;

impl Estate {
    /// [`Estate::build`], plus a data volume at `/dev/sdf` (two volumes in all, root
    /// first in [`Estate::volumes`]) and the [`Workload`] around the instance.
    pub async fn build_full(clients: &EstateClients) -> Result<Self, BoxError> {
        let estate = Self::build(&clients.ec2).await?;
        let (data_volume, workload) = tokio::try_join!(
            estate.attach_data_volume(&clients.ec2),
            estate.create_workload(clients),
        )?;
        let mut volumes = estate.volumes.clone();
        volumes.push(data_volume);
        Ok(Self {
            volumes,
            workload: Some(workload),
            ..estate
        })
    }

    /// The workload, or an error naming the helper that needs one.
    pub(crate) fn workload_for(&self, what: &str) -> Result<&Workload, BoxError> {
        self.workload
            .as_ref()
            .ok_or_else(|| format!("{what} needs an estate from Estate::build_full").into())
    }

    async fn attach_data_volume(&self, ec2: &aws_sdk_ec2::Client) -> Result<String, BoxError> {
        let described = ec2
            .describe_instances()
            .instance_ids(&self.instance)
            .send()
            .await?;
        let zone = described
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find_map(|i| i.placement().and_then(|p| p.availability_zone()))
            .ok_or("instance without an availability zone")?;
        let volume = ec2
            .create_volume()
            .availability_zone(zone)
            .size(10)
            .send()
            .await?;
        let volume = volume.volume_id().ok_or("no volume id")?.to_owned();
        ec2.attach_volume()
            .volume_id(&volume)
            .instance_id(&self.instance)
            .device("/dev/sdf")
            .send()
            .await?;
        Ok(volume)
    }

    async fn create_workload(&self, clients: &EstateClients) -> Result<Workload, BoxError> {
        let (
            (role_name, instance_profile_name, instance_profile_arn),
            (launch_template, group),
            target_groups,
        ) = tokio::try_join!(
            self.create_instance_profile(clients),
            self.create_auto_scaling_group(clients),
            self.create_target_groups(&clients.elbv2),
        )?;
        Ok(Workload {
            role_name,
            instance_profile_name,
            instance_profile_arn,
            launch_template,
            auto_scaling_group: group,
            target_groups,
        })
    }

    /// Role, profile holding it, and the profile's association with the instance.
    async fn create_instance_profile(
        &self,
        clients: &EstateClients,
    ) -> Result<(String, String, String), BoxError> {
        let (role, profile) = (
            format!("web-role-{}", self.instance),
            format!("web-profile-{}", self.instance),
        );
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        });
        clients
            .iam
            .create_role()
            .role_name(&role)
            .assume_role_policy_document(trust.to_string())
            .send()
            .await?;
        let created = clients
            .iam
            .create_instance_profile()
            .instance_profile_name(&profile)
            .send()
            .await?;
        let arn = created
            .instance_profile()
            .map(|p| p.arn().to_owned())
            .ok_or("no instance profile")?;
        clients
            .iam
            .add_role_to_instance_profile()
            .instance_profile_name(&profile)
            .role_name(&role)
            .send()
            .await?;
        clients
            .ec2
            .associate_iam_instance_profile()
            .instance_id(&self.instance)
            .iam_instance_profile(IamInstanceProfileSpecification::builder().arn(&arn).build())
            .send()
            .await?;
        Ok((role, profile, arn))
    }

    /// A group whose only member is our instance: created empty (desired 0, so it
    /// launches nothing), then `AttachInstances`, which sets desired to the member count.
    async fn create_auto_scaling_group(
        &self,
        clients: &EstateClients,
    ) -> Result<(String, String), BoxError> {
        let name = format!("web-{}", self.instance);
        let template = clients
            .ec2
            .create_launch_template()
            .launch_template_name(&name)
            .launch_template_data(
                RequestLaunchTemplateData::builder()
                    .image_id("ami-12c6146b")
                    .instance_type(InstanceType::T3Micro)
                    .build(),
            )
            .send()
            .await?;
        let template = template
            .launch_template()
            .and_then(|t| t.launch_template_id())
            .ok_or("no launch template id")?
            .to_owned();
        clients
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&name)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_id(&template)
                    .build(),
            )
            .min_size(0)
            .desired_capacity(0)
            .max_size(4)
            .vpc_zone_identifier(&self.subnet)
            .send()
            .await?;
        clients
            .autoscaling
            .attach_instances()
            .auto_scaling_group_name(&name)
            .instance_ids(&self.instance)
            .send()
            .await?;
        Ok((template, name))
    }

    /// Two target groups with the instance registered in each.
    async fn create_target_groups(
        &self,
        elbv2: &aws_sdk_elasticloadbalancingv2::Client,
    ) -> Result<Vec<String>, BoxError> {
        let mut arns = Vec::new();
        // At most 32 characters: "web-a-" and a 19-character instance id.
        for name in ["a", "b"].map(|n| format!("web-{n}-{}", self.instance)) {
            let created = elbv2
                .create_target_group()
                .name(&name)
                .protocol(ProtocolEnum::Http)
                .port(80)
                .vpc_id(&self.vpc)
                .target_type(TargetTypeEnum::Instance)
                .send()
                .await?;
            let arn = created
                .target_groups()
                .first()
                .and_then(|g| g.target_group_arn())
                .ok_or("no target group arn")?
                .to_owned();
            elbv2
                .register_targets()
                .target_group_arn(&arn)
                .targets(TargetDescription::builder().id(&self.instance).build())
                .send()
                .await?;
            arns.push(arn);
        }
        Ok(arns)
    }
}
