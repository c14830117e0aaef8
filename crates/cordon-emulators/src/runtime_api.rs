//! A minimal Lambda Runtime API on 127.0.0.1, so a function binary can be started as
//! Lambda starts it (`AWS_LAMBDA_RUNTIME_API=<address>`) and timed from exec to its
//! first answer. Events queued with [`RuntimeApi::invoke`] are handed out by
//! `GET /2018-06-01/runtime/invocation/next` (which waits while there are none, as
//! Lambda's does); responses, errors and init errors are recorded with the instant
//! their body was read. Dropping the server stops it.
//!
//! On the crate's one HTTP layer: a `next` that waits holds its connection's thread.

use crate::http::{Reply, Request, Response, Server};
use crate::lock;
use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PREFIX: &str = "/2018-06-01/runtime";
/// The deadline handed out with each event: Lambda's longest timeout.
const DEADLINE: Duration = Duration::from_secs(900);

/// How an invocation ended, as the function reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// `POST /invocation/{id}/response`.
    Response,
    /// `POST /invocation/{id}/error`.
    Error,
    /// `POST /init/error`: the function failed before asking for an event.
    InitError,
}

/// One answer the function posted.
#[derive(Debug, Clone)]
pub struct InvocationResult {
    /// `None` for an init error.
    pub request_id: Option<String>,
    pub kind: ResultKind,
    pub body: String,
    /// When the body had been read.
    pub at: Instant,
}

/// A running Runtime API. Dropping it stops it, and any `next` still waiting ends.
pub struct RuntimeApi {
    shared: Arc<Shared>,
    /// Dropped after `shared` is marked stopped, so a waiting `next` ends first.
    server: Server,
}

struct Shared {
    function_arn: String,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<(String, String)>,
    /// When each event was handed out, by request id.
    handed_out: Vec<(String, Instant)>,
    results: Vec<InvocationResult>,
    next_id: u64,
    stopped: bool,
}

impl RuntimeApi {
    /// Serves events as the function `function_arn`
    /// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`) would receive them.
    pub fn start(function_arn: &str) -> io::Result<Self> {
        let shared = Arc::new(Shared {
            function_arn: function_arn.to_owned(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let server = {
            let shared = Arc::clone(&shared);
            Server::start("runtime-api", move |request| answer(&shared, &request))?
        };
        Ok(Self { shared, server })
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API`: `127.0.0.1:PORT`, no scheme.
    pub fn address(&self) -> String {
        self.server.addr().to_string()
    }

    /// Queues `event` for the next `GET .../invocation/next`; returns its request id.
    pub fn invoke(&self, event: &str) -> String {
        let mut state = lock(&self.shared.state);
        state.next_id += 1;
        let id = format!("8476a536-e9f4-11e8-9739-{:012x}", state.next_id);
        state.queue.push_back((id.clone(), event.to_owned()));
        self.shared.changed.notify_all();
        id
    }

    /// Waits up to `timeout` for the answer to `request_id`, or for an init error.
    pub fn wait_for(&self, request_id: &str, timeout: Duration) -> Option<InvocationResult> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.shared.state);
        loop {
            let found = state.results.iter().find(|r| {
                r.kind == ResultKind::InitError || r.request_id.as_deref() == Some(request_id)
            });
            if let Some(found) = found {
                return Some(found.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// When the event `request_id` was handed to the function, if it was.
    pub fn handed_out_at(&self, request_id: &str) -> Option<Instant> {
        lock(&self.shared.state)
            .handed_out
            .iter()
            .find(|(id, _)| id == request_id)
            .map(|(_, at)| *at)
    }

    /// Every answer so far, in the order they arrived.
    pub fn results(&self) -> Vec<InvocationResult> {
        lock(&self.shared.state).results.clone()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        lock(&self.shared.state).stopped = true;
        self.shared.changed.notify_all();
    }
}

/// Answers one request, as it arrived.
fn answer(shared: &Shared, request: &Request) -> Reply {
    let at = Instant::now();
    let not_found = || Reply::Answer(json(404, r#"{"errorType":"NotFound"}"#));
    match (request.method.as_str(), request.target.strip_prefix(PREFIX)) {
        ("GET", Some("/invocation/next")) => match next_event(shared) {
            Some((id, event)) => Reply::Answer(event_response(shared, &id, &event)),
            None => Reply::Hangup,
        },
        ("POST", Some(rest)) => match result_kind(rest) {
            Some((kind, request_id)) => {
                lock(&shared.state).results.push(InvocationResult {
                    request_id,
                    kind,
                    body: String::from_utf8_lossy(&request.body).into_owned(),
                    at,
                });
                shared.changed.notify_all();
                Reply::Answer(json(202, r#"{"status":"OK"}"#))
            }
            None => not_found(),
        },
        _ => not_found(),
    }
}

/// `/invocation/{id}/response`, `/invocation/{id}/error` or `/init/error`.
fn result_kind(rest: &str) -> Option<(ResultKind, Option<String>)> {
    if rest == "/init/error" {
        return Some((ResultKind::InitError, None));
    }
    let (id, what) = rest.strip_prefix("/invocation/")?.split_once('/')?;
    let kind = match what {
        "response" => ResultKind::Response,
        "error" => ResultKind::Error,
        _ => return None,
    };
    Some((kind, Some(id.to_owned())))
}

/// The next queued event, waiting for one; `None` once the server stops.
fn next_event(shared: &Shared) -> Option<(String, String)> {
    let mut state = lock(&shared.state);
    loop {
        if state.stopped {
            return None;
        }
        if let Some((id, event)) = state.queue.pop_front() {
            state.handed_out.push((id.clone(), Instant::now()));
            return Some((id, event));
        }
        state = shared
            .changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

fn event_response(shared: &Shared, id: &str, event: &str) -> Response {
    let deadline_ms = (SystemTime::now() + DEADLINE)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let trace = format!(
        "Root=1-00000000-{:0>24};Parent=0000000000000001;Sampled=0",
        &id[24..]
    );
    json(200, event)
        .header("Lambda-Runtime-Aws-Request-Id", id)
        .header("Lambda-Runtime-Deadline-Ms", deadline_ms.to_string())
        .header("Lambda-Runtime-Invoked-Function-Arn", &shared.function_arn)
        .header("Lambda-Runtime-Trace-Id", trace)
}

fn json(status: u16, body: &str) -> Response {
    Response::new(status, body).header("Content-Type", "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::exchange;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    #[test]
    fn hands_out_an_event_with_lambdas_headers_and_records_the_answer() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:cordon-bench";
        let api = RuntimeApi::start(arn).unwrap();
        let id = api.invoke(r#"{"hello":"world"}"#);
        let mut stream = TcpStream::connect(api.address()).unwrap();
        let next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
        let (head, body) = exchange(&mut stream, next);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains(&format!("Lambda-Runtime-Aws-Request-Id: {id}")));
        assert!(head.contains(&format!("Lambda-Runtime-Invoked-Function-Arn: {arn}")));
        assert!(head.contains("Lambda-Runtime-Deadline-Ms: "));
        assert!(head.contains("Lambda-Runtime-Trace-Id: Root=1-"));
        assert_eq!(body, r#"{"hello":"world"}"#);
        assert!(api.handed_out_at(&id).is_some());

        // A chunked answer on the same connection, as a streamed response is sent.
        let answer = format!(
            "POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\n\
             Transfer-Encoding: chunked\r\n\r\n3\r\n{{\"a\r\n4\r\n\":1}}\r\n0\r\n\r\n"
        );
        let (head, _) = exchange(&mut stream, &answer);
        assert!(head.starts_with("HTTP/1.1 202"), "{head}");
        let result = api.wait_for(&id, Duration::from_secs(5)).unwrap();
        assert_eq!(result.kind, ResultKind::Response);
        assert_eq!(result.body, r#"{"a":1}"#);
    }

    #[test]
    fn records_errors_and_init_errors_and_ends_a_waiting_next_on_drop() {
        let api = RuntimeApi::start("arn:aws:lambda:us-east-1:123456789012:function:f").unwrap();
        let mut stream = TcpStream::connect(api.address()).unwrap();
        let error = "POST /2018-06-01/runtime/invocation/abc/error HTTP/1.1\r\nHost: x\r\n\
                     Content-Length: 2\r\n\r\n{}";
        assert!(exchange(&mut stream, error).0.starts_with("HTTP/1.1 202"));
        let result = api.wait_for("abc", Duration::from_secs(5)).unwrap();
        assert_eq!(result.kind, ResultKind::Error);
        let init = "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\n\
                    Content-Length: 4\r\n\r\nboom";
        assert!(exchange(&mut stream, init).0.starts_with("HTTP/1.1 202"));
        assert_eq!(
            api.wait_for("other", Duration::from_secs(5)).unwrap().kind,
            ResultKind::InitError
        );
        assert_eq!(api.results().len(), 2);

        // Nothing queued: `next` waits until the server is dropped.
        let next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
        stream.write_all(next.as_bytes()).unwrap();
        drop(api);
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty());
    }
}
