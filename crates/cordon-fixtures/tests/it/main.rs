//! The fixtures against the emulator, and the fault proxy between the SDK and it.

mod fault_proxy;
mod full_estate;
