//! Latency's samples: one emulator behind a proxy adding the latency, the estates of
//! every case built in it, and one handled finding measured off the proxy's calls.

use super::{Case, LATENCY, Sample};
use crate::Why;
use crate::calls::{CriticalPath, Phases, call_name};
use crate::world::{LEDGER_TABLE, World, finding_about};
use cordon_aws::Clients;
use cordon_core::Decision;
use cordon_emulators::{FaultProxy, Faults};
use cordon_events::AccountId;
use cordon_fixtures::{Estate, EstateClients, Placeholders, sdk_config};
use cordon_lambda::{
    AwsInstancePorts, Connect, ContainmentClock, Context, FunctionConfig, InstanceResponder,
    handle_event,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub(super) struct Bench {
    world: World,
    proxy: FaultProxy,
    ports: AwsInstancePorts,
    config: FunctionConfig,
    account: AccountId,
    findings: AtomicUsize,
}

impl Bench {
    pub(super) async fn start() -> Result<Self, String> {
        let world = World::start().await?;
        let faults = Faults {
            latency: LATENCY,
            ..Faults::default()
        };
        let proxy = FaultProxy::start(&world.moto.endpoint(), faults).why("starting the proxy")?;
        let clients = Clients::new(&sdk_config(&proxy.endpoint()).await);
        Ok(Self {
            ports: AwsInstancePorts::on_aws(
                &clients,
                Some(world.topic_arn.clone()),
                Some(LEDGER_TABLE.to_owned()),
            ),
            config: world.function_config()?,
            account: Placeholders::ACCOUNT.parse().why("account")?,
            findings: AtomicUsize::new(0),
            world,
            proxy,
        })
    }

    /// One sample of every case, each in fresh VPCs.
    pub(super) async fn repeat(&self) -> Result<Vec<(Case, Sample)>, String> {
        let case = |interfaces, workload, first_use| Case {
            interfaces,
            workload,
            first_use,
        };
        let mut out = Vec::new();
        for interfaces in [1, 4] {
            let base = Estate::build(&self.world.direct.ec2)
                .await
                .why("building a VPC")?;
            let first = self.instance(&base, interfaces).await?;
            let second = self.instance(&base, interfaces).await?;
            out.push((case(interfaces, false, true), self.measure(&first).await?));
            out.push((case(interfaces, false, false), self.measure(&second).await?));
        }
        // Two interfaces: plain instances first use and warm next to a full estate's
        // instance, which is then measured warm; another full estate's on first use.
        let estate_clients = EstateClients {
            ec2: self.world.direct.ec2.clone(),
            iam: self.world.direct.iam.clone(),
            autoscaling: self.world.direct.autoscaling.clone(),
            elbv2: self.world.direct.elbv2.clone(),
        };
        let full = Estate::build_full(&estate_clients)
            .await
            .why("building a full estate")?;
        let (first, second) = (
            self.instance(&full, 2).await?,
            self.instance(&full, 2).await?,
        );
        out.push((case(2, false, true), self.measure(&first).await?));
        out.push((case(2, false, false), self.measure(&second).await?));
        out.push((case(2, true, false), self.measure(&full).await?));
        let other = Estate::build_full(&estate_clients)
            .await
            .why("building a full estate")?;
        out.push((case(2, true, true), self.measure(&other).await?));
        Ok(out)
    }

    async fn instance(&self, next_to: &Estate, interfaces: usize) -> Result<Estate, String> {
        let name = format!("bench-{}", self.findings.load(Ordering::Relaxed));
        self.world
            .instance_with_interfaces(next_to, &name, interfaces)
            .await
    }

    async fn measure(&self, estate: &Estate) -> Result<Sample, String> {
        let number = self.findings.fetch_add(1, Ordering::Relaxed);
        let event = finding_about(&self.world, estate, number)?;
        self.proxy.reset();
        let started = Instant::now();
        let ctx = Context::new(&self.config, &self.account, ContainmentClock::HandlingStart);
        let handled = handle_event::<InstanceResponder>(event, &ctx, &self.ports);
        let outcome = Box::pin(handled).await.why("handling the finding")?;
        let returned = Instant::now();
        if outcome.decision != Decision::Contained {
            return Err(format!(
                "{} was not contained: {}",
                estate.instance, outcome.reason
            ));
        }
        let calls = self.proxy.calls();
        let phases = Phases::of(&calls)?
            .ok_or_else(|| format!("{}: no step ran after isolation", estate.instance))?;
        let since = |at: Instant| at.duration_since(started).as_secs_f64() * 1000.0;
        let isolation = CriticalPath::of(&phases.isolation);
        let containment = CriticalPath::of(&phases.containment);
        Ok(Sample {
            isolation_ms: since(phases.isolated_at),
            containment_ms: since(phases.contained_at),
            handler_ms: since(returned),
            ledger_trips: isolation
                .trips
                .iter()
                .filter(|t| t.iter().all(|c| c.service == "dynamodb"))
                .count(),
            isolation_trips: isolation.describe(),
            isolation_chain: isolation.chain.iter().map(|c| call_name(c)).collect(),
            containment_chain: containment.chain.iter().map(|c| call_name(c)).collect(),
            containment_trips: containment.describe(),
            rest_trips: CriticalPath::of(&phases.rest).describe(),
            calls: calls.len(),
        })
    }
}
