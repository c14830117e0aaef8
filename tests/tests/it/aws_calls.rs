//! The request counter behind the `AwsCalls` metric, on real SDK clients.

use cordon_aws::Clients;
use cordon_emulators::shared_moto;
use cordon_fixtures::sdk_config;

#[tokio::test]
async fn every_request_of_every_client_is_counted_once() {
    let clients = Clients::new(&sdk_config(&shared_moto().endpoint()).await);
    assert_eq!(clients.calls.count(), 0);
    clients.ec2.describe_vpcs().send().await.unwrap();
    clients.ec2.describe_security_groups().send().await.unwrap();
    clients.sns.list_topics().send().await.unwrap();
    assert_eq!(clients.calls.count(), 3);
    // Clones share the counter, as the ports hold clones of the clients.
    let ec2 = clients.ec2.clone();
    ec2.describe_instances().send().await.unwrap();
    assert_eq!(clients.calls.count(), 4);
}
