#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Any input: an event or a ParseError naming where it went wrong, never a panic.
    if let Err(err) = cordon_events::parse_event(data) {
        assert!(!err.to_string().is_empty());
    }
    // Valid JSON takes the path the Lambda runtime uses.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = cordon_events::parse_event_value(value);
    }
});
