//! Shared set-up for the integration tests in `tests/`: an estate in the emulator and
//! the instance function's real adapters pointed at it.

mod identity_world;
mod world;

pub use identity_world::IdentityWorld;
pub use world::World;
