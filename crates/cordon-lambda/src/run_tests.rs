//! The invocation span as the functions' JSON logs show it.

use super::*;
use cordon_events::parse_event;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Log lines written to memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

#[tokio::test]
async fn every_line_of_an_invocation_names_its_request_and_incident() {
    let logs = Captured::default();
    let writer = logs.clone();
    // As `init_default_subscriber` with Lambda's JSON log format.
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let event = parse_event(include_bytes!(
        "../../../events/guardduty/backdoor-c2-actor.json"
    ))
    .unwrap();
    let finding_id = event.incident_id().unwrap().to_owned();
    async {
        tracing::info!("before the event parsed");
        name_incident(&event);
        // Concurrent stages (`tokio::join!` in the pipeline) log inside the span too.
        tokio::join!(
            async { tracing::info!(step = "isolate", "one stage") },
            async { tracing::warn!("another stage") },
        );
    }
    .instrument(invocation_span("9b2c6f1e-request"))
    .await;
    tracing::info!("between invocations");

    let lines = logs.lines();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(lines[0]["span"]["request_id"], "9b2c6f1e-request");
    assert!(lines[0]["span"].get("incident_id").is_none());
    for line in &lines[1..3] {
        assert_eq!(line["span"]["request_id"], "9b2c6f1e-request", "{line}");
        assert_eq!(line["span"]["incident_id"], finding_id.as_str(), "{line}");
    }
    assert!(lines[3].get("span").is_none(), "{}", lines[3]);
}
