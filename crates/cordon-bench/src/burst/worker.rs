//! The burst's workers, one per Lambda execution environment: each made with its own
//! proxies and ports per shard, then handling deliveries off the shared queue.

use super::shards::Shard;
use super::{Delivery, FAULT_RATE, Handled, SEED, Shared};
use crate::Why;
use crate::calls::Phases;
use crate::world::LEDGER_TABLE;
use cordon_aws::Clients;
use cordon_emulators::{FaultKind, FaultProxy, Faults};
use cordon_fixtures::sdk_config;
use cordon_lambda::{
    AwsInstancePorts, Connect, ContainmentClock, Context, InstanceResponder, handle_event,
};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

/// One Lambda execution environment: per shard, a proxy and the ports through it.
pub(super) struct Worker {
    pub(super) proxies: Vec<FaultProxy>,
    ports: Vec<AwsInstancePorts>,
}

impl Worker {
    /// Worker `n`'s proxies, each seeded apart from every other worker's and shard's,
    /// and the ports through them.
    pub(super) async fn start(n: usize, shards: &[Shard]) -> Result<Self, String> {
        let count = shards.len();
        let mut proxies = Vec::new();
        let mut ports = Vec::new();
        for (s, shard) in shards.iter().enumerate() {
            let faults = Faults {
                rate: FAULT_RATE,
                kinds: FaultKind::ALL.to_vec(),
                seed: SEED + (n * count + s) as u64,
                ..Faults::default()
            };
            let proxy =
                FaultProxy::start(&shard.world.moto.endpoint(), faults).why("starting a proxy")?;
            let clients = Clients::new(&sdk_config(&proxy.endpoint()).await);
            ports.push(AwsInstancePorts::on_aws(
                &clients,
                Some(shard.world.topic_arn.clone()),
                Some(LEDGER_TABLE.to_owned()),
            ));
            proxies.push(proxy);
        }
        Ok(Self { proxies, ports })
    }
}

/// Handles deliveries from `queue`, one at a time, until it is empty.
pub(super) async fn work(
    worker: &Worker,
    queue: &Mutex<VecDeque<Delivery>>,
    shared: &Shared,
) -> Result<Vec<Handled>, String> {
    let mut handled = Vec::new();
    loop {
        let next = queue.lock().map_err(|_| "queue poisoned")?.pop_front();
        let Some(delivery) = next else {
            return Ok(handled);
        };
        let event = shared.events[delivery.instance].clone();
        // Every copy of a finding goes to its instance's shard, and its ledger.
        let shard = delivery.instance % shared.shards;
        let started = Instant::now();
        let clock = ContainmentClock::HandlingStart;
        let outcome = Box::pin(handle_event::<InstanceResponder>(
            event,
            &Context::new(&shared.config, &shared.account, clock),
            &worker.ports[shard],
        ))
        .await
        .why("handling a finding")?;
        // This worker's calls since the delivery began are this delivery's.
        let calls: Vec<_> = worker.proxies[shard]
            .calls()
            .into_iter()
            .filter(|c| c.start >= started)
            .collect();
        let done = 1 + shared
            .done
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if done.is_multiple_of(100) {
            println!("burst: {done} deliveries handled");
        }
        let (isolated_at, unclear) = match Phases::of(&calls) {
            Ok(phases) => (phases.map(|p| p.isolated_at), None),
            Err(why) => (None, Some(why)),
        };
        handled.push(Handled {
            delivery,
            decision: outcome.decision,
            changed: outcome.changed_anything(),
            retry: outcome.needs_retry(),
            started,
            ended: Instant::now(),
            isolated_at,
            unclear,
        });
    }
}
