//! The demo itself: the emulator, a small estate, and every sample event replayed
//! through the real `cordon replay` — then the emulator's own state as the proof.

use crate::checks::check_state;
use crate::replay::replay_samples;
use crate::stage::Stage;
use crate::{chapters, people};
use cordon_emulators::{cargo, heading, run_checked};

pub fn run() -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(demo())
}

/// The chapters in order. A problem found on the way is collected, so that every
/// chapter runs and all of them are reported at the end.
async fn demo() -> Result<(), String> {
    heading("building cordon");
    run_checked(
        "cargo build",
        cargo().args(["build", "--quiet", "-p", "cordon-cli"]),
    )?;

    let stage = Stage::set_up().await?;
    let records = replay_samples(&stage)?;
    let mut problems = check_state(&stage, &records).await;
    chapters::redelivery(&stage, &records)?;
    chapters::malformed(&stage, &mut problems)?;
    chapters::forgery(&stage, &mut problems).await?;
    chapters::generated_sample(&stage, &mut problems)?;
    people::people_decide(&stage, &mut problems).await?;
    chapters::release(&stage, &mut problems).await?;
    chapters::findings(&stage, &mut problems)?;

    let _ = std::fs::remove_dir_all(&stage.work);
    if problems.is_empty() {
        println!(
            "\ndemo finished: every contained instance verified in the emulator, everything else untouched"
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}
