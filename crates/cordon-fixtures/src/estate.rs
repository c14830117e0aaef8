//! A small EC2 estate in the emulator — a VPC, a subnet, a web security group and an
//! instance with two network interfaces — and the rewriting of sample events to name it.
//! [`Estate::build_full`] (in `workload.rs`) adds what the instance sits in.

use crate::Workload;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    InstanceNetworkInterfaceSpecification, InstanceType, ResourceType, Tag, TagSpecification,
};

/// The identifiers the files in `events/` use, replaced by real ones before replay.
pub struct Placeholders;

impl Placeholders {
    pub const ACCOUNT: &str = "123456789012";
    pub const INSTANCE: &str = "i-0a1b2c3d4e5f60001";
    pub const VPC: &str = "vpc-0a1b2c3d4e5f60001";
    pub const SUBNET: &str = "subnet-0a1b2c3d4e5f60001";
    pub const PRIMARY_ENI: &str = "eni-0a1b2c3d4e5f60001";
    pub const SECOND_ENI: &str = "eni-0a1b2c3d4e5f60002";
    pub const SECURITY_GROUP: &str = "sg-0a1b2c3d4e5f60001";
    /// The GuardDuty detector the sample events name.
    pub const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";
    /// The profile the sample findings name (`instanceDetails.iamInstanceProfile.arn`).
    pub const INSTANCE_PROFILE_ARN: &str = "arn:aws:iam::123456789012:instance-profile/web-server";
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Debug)]
pub struct Estate {
    pub vpc: String,
    pub subnet: String,
    pub web_group: String,
    pub instance: String,
    /// Primary interface first.
    pub interfaces: Vec<String>,
    /// The instance's EBS volumes, root volume first. moto gives every instance a root
    /// volume (`/dev/sda1`, deleted on termination); [`Estate::build_full`] adds a data one.
    pub volumes: Vec<String>,
    /// What the instance sits in: only an estate from [`Estate::build_full`] has it.
    pub workload: Option<Workload>,
}

impl Estate {
    /// A fresh VPC with one two-interface instance named `web-1`.
    pub async fn build(ec2: &Client) -> Result<Self, BoxError> {
        let vpc = ec2.create_vpc().cidr_block("10.0.0.0/16").send().await?;
        let vpc = vpc
            .vpc()
            .and_then(|v| v.vpc_id())
            .ok_or("no vpc id")?
            .to_owned();
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block("10.0.1.0/24")
            .send()
            .await?;
        let subnet = subnet
            .subnet()
            .and_then(|s| s.subnet_id())
            .ok_or("no subnet id")?
            .to_owned();
        let group = ec2
            .create_security_group()
            .group_name("web-servers")
            .description("web servers")
            .vpc_id(&vpc)
            .send()
            .await?;
        let web_group = group.group_id().ok_or("no group id")?.to_owned();
        let network = Self {
            vpc,
            subnet,
            web_group,
            instance: String::new(),
            interfaces: Vec::new(),
            volumes: Vec::new(),
            workload: None,
        };
        network.launch_instance(ec2, "web-1").await
    }

    /// Another two-interface instance in the same VPC, with only its root volume and
    /// no [`Workload`] (even when called on a full estate).
    ///
    /// The groups go on the interface specification rather than the instance: moto
    /// reports an attached interface's groups merged with the instance's launch groups
    /// in a plain describe, which real EC2 does not do. Launching this way keeps the
    /// emulator's answers true to AWS.
    pub async fn launch_instance(&self, ec2: &Client, name: &str) -> Result<Self, BoxError> {
        let launched = ec2
            .run_instances()
            .image_id("ami-12c6146b")
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .network_interfaces(
                InstanceNetworkInterfaceSpecification::builder()
                    .device_index(0)
                    .subnet_id(&self.subnet)
                    .groups(&self.web_group)
                    .build(),
            )
            .tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::Instance)
                    .tags(Tag::builder().key("Name").value(name).build())
                    .build(),
            )
            .send()
            .await?;
        let instance = launched
            .instances()
            .first()
            .and_then(|i| i.instance_id())
            .ok_or("no instance id")?
            .to_owned();
        let second = ec2
            .create_network_interface()
            .subnet_id(&self.subnet)
            .groups(&self.web_group)
            .send()
            .await?;
        let second = second
            .network_interface()
            .and_then(|n| n.network_interface_id())
            .ok_or("no interface id")?
            .to_owned();
        ec2.attach_network_interface()
            .network_interface_id(&second)
            .instance_id(&instance)
            .device_index(1)
            .send()
            .await?;
        let described = ec2
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await?;
        let described = described
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(instance.as_str()))
            .ok_or("launched instance not described")?;
        let primary = described
            .network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0))
            .and_then(|n| n.network_interface_id())
            .ok_or("no primary interface")?
            .to_owned();
        Ok(Self {
            instance,
            interfaces: vec![primary, second],
            volumes: volumes_root_first(described),
            workload: None,
            ..self.clone()
        })
    }

    /// The event with every placeholder id replaced by this estate's; the instance
    /// profile ARN only when the estate has a [`Workload`].
    /// Interface ids go first: the instance placeholder is a suffix of theirs. (The
    /// profile ARN contains no other placeholder, and no replacement produces it.)
    /// The detector this estate's findings are published under.
    pub fn detector(&self) -> String {
        format!("detector-{}", self.instance)
    }

    pub fn rewrite(&self, raw_event: &str) -> String {
        let raw_event = match &self.workload {
            Some(w) => {
                raw_event.replace(Placeholders::INSTANCE_PROFILE_ARN, &w.instance_profile_arn)
            }
            None => raw_event.to_owned(),
        };
        raw_event
            .replace(Placeholders::PRIMARY_ENI, &self.interfaces[0])
            .replace(Placeholders::SECOND_ENI, &self.interfaces[1])
            .replace(Placeholders::INSTANCE, &self.instance)
            .replace(Placeholders::VPC, &self.vpc)
            .replace(Placeholders::SUBNET, &self.subnet)
            .replace(Placeholders::SECURITY_GROUP, &self.web_group)
            // A detector per estate: tests sharing one emulator publish the same finding
            // ids about different instances, and GuardDuty knows one finding per id.
            .replace(Placeholders::DETECTOR, &self.detector())
    }
}

/// The EBS volume ids of a described instance, its root device's first.
fn volumes_root_first(instance: &aws_sdk_ec2::types::Instance) -> Vec<String> {
    let root = instance.root_device_name();
    let mut mappings: Vec<_> = instance.block_device_mappings().iter().collect();
    mappings.sort_by_key(|m| m.device_name() != root);
    mappings
        .iter()
        .filter_map(|m| m.ebs().and_then(|e| e.volume_id()))
        .map(str::to_owned)
        .collect()
}
