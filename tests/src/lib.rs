//! Integration tests against the local AWS emulator live in `tests/`.
