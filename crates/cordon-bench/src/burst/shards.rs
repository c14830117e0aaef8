//! The burst's set-up: the emulator shards, started side by side, each with its own
//! estate and its part of the fleet launched in one VPC.

use crate::Why;
use crate::world::World;
use cordon_emulators::MotoServer;
use cordon_fixtures::Estate;
use futures_util::future::join_all;

/// One emulator and the part of the fleet that lives in it: instance `n` of the
/// burst is `fleet[n / shards]` of shard `n % shards`.
pub(super) struct Shard {
    pub(super) world: World,
    pub(super) fleet: Vec<Estate>,
}

/// `count` fresh emulators, started side by side, each with its part of the fleet.
pub(super) async fn start_shards(instances: usize, count: usize) -> Result<Vec<Shard>, String> {
    let servers = tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            let starting: Vec<_> = (0..count).map(|_| scope.spawn(MotoServer::start)).collect();
            starting
                .into_iter()
                .map(|s| s.join().map_err(|_| "starting moto panicked".to_owned()))
                .map(|s| s?.why("starting moto"))
                .collect::<Result<Vec<_>, String>>()
        })
    })
    .await
    .why("starting the emulators")??;
    let worlds = join_all(servers.into_iter().map(World::on)).await;
    let worlds = worlds.into_iter().collect::<Result<Vec<_>, _>>()?;
    let fleets = join_all(worlds.iter().enumerate().map(|(s, world)| {
        let numbers: Vec<usize> = (s..instances).step_by(count).collect();
        launch_fleet(world, numbers)
    }))
    .await;
    worlds
        .into_iter()
        .zip(fleets)
        .map(|(world, fleet)| {
            Ok(Shard {
                world,
                fleet: fleet?,
            })
        })
        .collect()
}

/// The instances `numbers` (of the whole burst) in one VPC, launched a few at a time.
async fn launch_fleet(world: &World, numbers: Vec<usize>) -> Result<Vec<Estate>, String> {
    let first = Estate::build(&world.direct.ec2)
        .await
        .why("building a VPC")?;
    let mut fleet = vec![first.clone()];
    let names: Vec<String> = numbers[1..].iter().map(|n| format!("burst-{n}")).collect();
    for chunk in names.chunks(8) {
        let launched = join_all(
            chunk
                .iter()
                .map(|name| first.launch_instance(&world.direct.ec2, name)),
        )
        .await;
        for estate in launched {
            fleet.push(estate.why("launching an instance")?);
        }
    }
    Ok(fleet)
}
