//! `AwsServiceRotation` against the emulator: Auto Scaling membership and detachment,
//! and target-group registrations found across groups and removed.

use crate::support::{clients, estate, unique};
use aws_sdk_autoscaling::types::LaunchTemplateSpecification;
use aws_sdk_ec2::types::RequestLaunchTemplateData;
use aws_sdk_elasticloadbalancingv2::types::{ProtocolEnum, TargetDescription, TargetTypeEnum};
use cordon_aws::{AwsServiceRotation, Clients, Ec2Isolation};
use cordon_core::ports::{NetworkIsolation, ServiceRotation, TargetRegistration};
use cordon_events::InstanceId;

fn adapter(clients: &Clients) -> AwsServiceRotation {
    AwsServiceRotation::new(clients.autoscaling.clone(), clients.elbv2.clone())
}

/// An empty group (desired 0) in `subnet`; moto needs a launch template to create one.
async fn auto_scaling_group(clients: &Clients, subnet: &str) -> String {
    let template = unique("cordon-lt");
    clients
        .ec2
        .create_launch_template()
        .launch_template_name(&template)
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id("ami-12c6146b")
                .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
                .build(),
        )
        .send()
        .await
        .expect("launch template");
    let group = unique("cordon-asg");
    clients
        .autoscaling
        .create_auto_scaling_group()
        .auto_scaling_group_name(&group)
        .launch_template(
            LaunchTemplateSpecification::builder()
                .launch_template_name(&template)
                .build(),
        )
        .min_size(0)
        .max_size(3)
        .desired_capacity(0)
        .vpc_zone_identifier(subnet)
        .send()
        .await
        .expect("auto scaling group");
    group
}

async fn target_group(clients: &Clients, vpc: &str, kind: TargetTypeEnum) -> String {
    let created = clients
        .elbv2
        .create_target_group()
        .name(unique("tg"))
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id(vpc)
        .target_type(kind)
        .send()
        .await
        .expect("target group");
    created.target_groups()[0]
        .target_group_arn()
        .expect("target group arn")
        .to_owned()
}

async fn register(clients: &Clients, group: &str, id: &str, port: i32) {
    clients
        .elbv2
        .register_targets()
        .target_group_arn(group)
        .targets(TargetDescription::builder().id(id).port(port).build())
        .send()
        .await
        .expect("register target");
}

#[tokio::test]
async fn detaching_from_the_auto_scaling_group_keeps_its_desired_capacity() {
    let clients = clients().await;
    let rotation = adapter(&clients);
    let estate = estate(&clients).await;
    let instance: InstanceId = estate.instance.parse().unwrap();
    assert_eq!(
        rotation.auto_scaling_membership(&instance).await.unwrap(),
        None
    );

    let group = auto_scaling_group(&clients, &estate.subnet).await;
    clients
        .autoscaling
        .attach_instances()
        .auto_scaling_group_name(&group)
        .instance_ids(instance.as_str())
        .send()
        .await
        .expect("attach instance");
    let membership = rotation
        .auto_scaling_membership(&instance)
        .await
        .unwrap()
        .expect("a member");
    assert_eq!(membership.group, group);
    assert_eq!(membership.desired_capacity, 1);
    assert_eq!(rotation.desired_capacity(&group).await.unwrap(), 1);

    rotation
        .detach_from_auto_scaling_group(&instance, &group)
        .await
        .unwrap();
    assert_eq!(
        rotation.auto_scaling_membership(&instance).await.unwrap(),
        None
    );
    assert_eq!(rotation.desired_capacity(&group).await.unwrap(), 1);
}

#[tokio::test]
async fn the_desired_capacity_of_a_missing_group_is_an_error() {
    let clients = clients().await;
    let err = adapter(&clients)
        .desired_capacity(&unique("no-such-group"))
        .await
        .unwrap_err();
    assert_eq!(err.operation, "autoscaling:DescribeAutoScalingGroups");
}

#[tokio::test]
async fn registrations_are_found_across_groups_and_removed() {
    let clients = clients().await;
    let rotation = adapter(&clients);
    let estate = estate(&clients).await;
    let neighbour = estate
        .launch_instance(&clients.ec2, "web-2")
        .await
        .expect("neighbour");
    let instance: InstanceId = estate.instance.parse().unwrap();
    let interfaces = Ec2Isolation::new(clients.ec2.clone())
        .instance_network_interfaces(&instance)
        .await
        .unwrap();
    let ip = interfaces
        .iter()
        .find(|i| i.id.as_str() == estate.interfaces[0])
        .and_then(|i| i.private_ips.first())
        .expect("primary private ip")
        .clone();

    let web = target_group(&clients, &estate.vpc, TargetTypeEnum::Instance).await;
    let admin = target_group(&clients, &estate.vpc, TargetTypeEnum::Instance).await;
    let by_ip = target_group(&clients, &estate.vpc, TargetTypeEnum::Ip).await;
    register(&clients, &web, instance.as_str(), 80).await;
    register(&clients, &web, &neighbour.instance, 80).await;
    register(&clients, &admin, instance.as_str(), 8080).await;
    register(&clients, &by_ip, &ip, 443).await;
    let ours = [web.clone(), admin.clone(), by_ip.clone()];
    // Other tests' groups share the emulator: look at ours only.
    let targets = vec![instance.to_string(), ip.clone()];
    let registrations = || async {
        rotation
            .target_registrations(&targets)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| ours.contains(&r.target_group_arn))
            .collect::<Vec<_>>()
    };

    let found = registrations().await;
    let mut expected = vec![
        (web.clone(), instance.to_string(), Some(80)),
        (admin.clone(), instance.to_string(), Some(8080)),
        (by_ip.clone(), ip.clone(), Some(443)),
    ];
    expected.sort();
    let mut seen: Vec<_> = found
        .iter()
        .map(|r| (r.target_group_arn.clone(), r.target_id.clone(), r.port))
        .collect();
    seen.sort();
    assert_eq!(seen, expected);
    assert!(
        found.iter().all(|r| r.state.as_deref() == Some("healthy")),
        "{found:?}"
    );

    let in_web = found
        .iter()
        .find(|r| r.target_group_arn == web)
        .unwrap()
        .clone();
    rotation.deregister_target(&in_web).await.unwrap();
    let left = registrations().await;
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().all(|r| r.target_group_arn != web));
    // The neighbour stays registered.
    let health = clients
        .elbv2
        .describe_target_health()
        .target_group_arn(&web)
        .send()
        .await
        .unwrap();
    let still: Vec<_> = health
        .target_health_descriptions()
        .iter()
        .filter_map(|d| d.target().and_then(|t| t.id()))
        .collect();
    assert_eq!(still, vec![neighbour.instance.as_str()]);

    // Already gone, and a group that no longer exists: both are done.
    rotation.deregister_target(&in_web).await.unwrap();
    rotation
        .deregister_target(&TargetRegistration {
            target_group_arn: web.replace("targetgroup/", "targetgroup/gone-"),
            ..in_web
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn no_targets_means_no_calls_and_no_registrations() {
    let clients = clients().await;
    assert!(
        adapter(&clients)
            .target_registrations(&[])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(clients.calls.count(), 0);
}
