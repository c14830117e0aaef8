//! What the adapter tests share: clients on the emulator, unique names, and a small
//! estate (a VPC with one running instance) that each test builds for itself.

use cordon_aws::Clients;
use cordon_emulators::shared_moto;
use cordon_fixtures::{Estate, sdk_config};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Every client, built as the functions build them, on this binary's emulator.
pub async fn clients() -> Clients {
    Clients::new(&sdk_config(&shared_moto().endpoint()).await)
}

/// `prefix-<pid>-<n>-<nanos>`: tests in this binary (and any other) share one emulator.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh VPC with one running instance (see `cordon_fixtures::Estate`).
pub async fn estate(clients: &Clients) -> Estate {
    Estate::build(&clients.ec2).await.expect("estate")
}

/// Creates a 1 GiB volume in the instance's zone and attaches it at `device`.
pub async fn attach_volume(clients: &Clients, instance: &str, device: &str) -> String {
    let described = clients
        .ec2
        .describe_instances()
        .instance_ids(instance)
        .send()
        .await
        .expect("describe instance");
    let zone = described.reservations()[0].instances()[0]
        .placement()
        .and_then(|p| p.availability_zone())
        .expect("zone")
        .to_owned();
    let volume = clients
        .ec2
        .create_volume()
        .availability_zone(zone)
        .size(1)
        .send()
        .await
        .expect("volume");
    let volume = volume.volume_id().expect("volume id").to_owned();
    clients
        .ec2
        .attach_volume()
        .volume_id(&volume)
        .instance_id(instance)
        .device(device)
        .send()
        .await
        .expect("attach volume");
    volume
}
