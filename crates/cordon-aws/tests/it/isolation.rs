//! `Ec2Isolation`'s newer methods against the emulator: tagging several resources at
//! once, the interfaces' private IPs, and connection-tracking timeouts.

use crate::support::{clients, estate};
use cordon_aws::Ec2Isolation;
use cordon_core::ports::{ConnectionTrackingTimeouts, NetworkIsolation};
use cordon_events::{InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId};

async fn tags_of(ec2: &aws_sdk_ec2::Client, resource: &str) -> Vec<(String, String)> {
    let found = ec2
        .describe_tags()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(resource)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut tags: Vec<_> = found
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_owned(),
                t.value().unwrap_or_default().to_owned(),
            )
        })
        .filter(|(k, _)| k.starts_with("cordon:"))
        .collect();
    tags.sort();
    tags
}

#[tokio::test]
async fn every_resource_gets_the_same_tags_in_one_call() {
    let clients = clients().await;
    let isolation = Ec2Isolation::new(clients.ec2.clone());
    let estate = estate(&clients).await;
    let tags = vec![
        ("cordon:incident".to_owned(), "finding-1".to_owned()),
        ("cordon:status".to_owned(), "contained".to_owned()),
    ];
    let resources = vec![estate.instance.clone(), estate.interfaces[1].clone()];

    let before = clients.calls.count();
    isolation.tag_resources(&resources, &tags).await.unwrap();
    assert_eq!(clients.calls.count() - before, 1);
    for resource in &resources {
        assert_eq!(tags_of(&clients.ec2, resource).await, tags);
    }

    let before = clients.calls.count();
    isolation.tag_resources(&[], &tags).await.unwrap();
    assert_eq!(clients.calls.count(), before, "nothing to tag, no call");
}

#[tokio::test]
async fn private_ips_list_the_primary_first() {
    let clients = clients().await;
    let isolation = Ec2Isolation::new(clients.ec2.clone());
    let estate = estate(&clients).await;
    let primary_eni = &estate.interfaces[0];
    clients
        .ec2
        .assign_private_ip_addresses()
        .network_interface_id(primary_eni)
        .secondary_private_ip_address_count(2)
        .send()
        .await
        .unwrap();
    let described = clients
        .ec2
        .describe_network_interfaces()
        .network_interface_ids(primary_eni)
        .send()
        .await
        .unwrap();
    let primary_ip = described.network_interfaces()[0]
        .private_ip_address()
        .unwrap()
        .to_owned();

    let instance: InstanceId = estate.instance.parse().unwrap();
    let interfaces = isolation
        .instance_network_interfaces(&instance)
        .await
        .unwrap();
    let primary = interfaces
        .iter()
        .find(|i| i.id.as_str() == primary_eni)
        .expect("primary interface");
    assert_eq!(primary.private_ips.len(), 3, "{:?}", primary.private_ips);
    assert_eq!(primary.private_ips[0], primary_ip);
    let second = interfaces
        .iter()
        .find(|i| i.id.as_str() == estate.interfaces[1])
        .expect("second interface");
    assert_eq!(second.private_ips.len(), 1);
}

/// On AWS the read returns the timeouts just set. moto 5.2.5 accepts the modify call
/// but never reports a `ConnectionTrackingConfiguration`, so the read is `None` —
/// which the domain records as skipped rather than verified.
#[tokio::test]
async fn connection_tracking_is_set_and_the_emulator_reports_none() {
    let clients = clients().await;
    let isolation = Ec2Isolation::new(clients.ec2.clone());
    let estate = estate(&clients).await;
    let eni: NetworkInterfaceId = estate.interfaces[0].parse().unwrap();

    isolation
        .set_connection_tracking_timeouts(&eni, &ConnectionTrackingTimeouts::MINIMUM)
        .await
        .unwrap();
    assert_eq!(
        isolation.connection_tracking_timeouts(&eni).await.unwrap(),
        None
    );

    let missing: NetworkInterfaceId = "eni-0000000000000dead".parse().unwrap();
    let err = isolation
        .connection_tracking_timeouts(&missing)
        .await
        .unwrap_err();
    assert_eq!(err.operation, "ec2:DescribeNetworkInterfaces");
}

/// Finding the VPC's isolation pair is one read, and so is asking which of several
/// groups hold the instance's interfaces: both rest on a filter with several values,
/// which EC2 (and the emulator) read as "any of". An emulator of its own, so its
/// request recording holds only this test's calls.
#[tokio::test]
async fn one_read_finds_both_isolation_groups_and_one_read_checks_several_groups() {
    let moto = cordon_emulators::MotoServer::start().unwrap();
    let clients = cordon_aws::Clients::new(&cordon_fixtures::sdk_config(&moto.endpoint()).await);
    let isolation = Ec2Isolation::new(clients.ec2.clone());
    let estate = estate(&clients).await;
    let vpc: VpcId = estate.vpc.parse().unwrap();
    let found = isolation.find_isolation_groups(&vpc).await.unwrap();
    let created = isolation
        .ensure_isolation_groups(&vpc, found)
        .await
        .unwrap();
    assert!(created.changed);

    moto.clear_recording().unwrap();
    let found = isolation.find_isolation_groups(&vpc).await.unwrap();
    let again = isolation
        .ensure_isolation_groups(&vpc, found)
        .await
        .unwrap();
    assert_eq!(
        moto.recorded_actions().unwrap(),
        ["ec2:DescribeSecurityGroups"],
        "both groups found in one read, nothing created or changed"
    );
    assert_eq!(
        (&again.open, &again.deny, again.changed),
        (&created.open, &created.deny, false)
    );

    let (first, second): (NetworkInterfaceId, NetworkInterfaceId) = (
        estate.interfaces[0].parse().unwrap(),
        estate.interfaces[1].parse().unwrap(),
    );
    for (eni, group) in [(&first, &again.open), (&second, &again.deny)] {
        isolation
            .set_network_interface_groups(eni, std::slice::from_ref(group))
            .await
            .unwrap();
    }
    let instance: InstanceId = estate.instance.parse().unwrap();
    let web: SecurityGroupId = estate.web_group.parse().unwrap();
    let held = |groups: Vec<SecurityGroupId>| {
        let isolation = isolation.clone();
        let instance = instance.clone();
        async move {
            let mut held = isolation
                .instance_interfaces_in_groups(&instance, &groups)
                .await
                .unwrap();
            held.sort_by(|a, b| a.id.cmp(&b.id));
            held.into_iter()
                .map(|h| {
                    (
                        h.id.to_string(),
                        h.groups.iter().map(ToString::to_string).collect(),
                    )
                })
                .collect::<Vec<(String, Vec<String>)>>()
        }
    };
    assert_eq!(
        held(vec![web.clone(), again.open.clone()]).await,
        [(first.to_string(), vec![again.open.to_string()])]
    );
    let mut both = vec![
        (first.to_string(), vec![again.open.to_string()]),
        (second.to_string(), vec![again.deny.to_string()]),
    ];
    both.sort();
    assert_eq!(
        held(vec![web, again.open.clone(), again.deny.clone()]).await,
        both
    );
}
