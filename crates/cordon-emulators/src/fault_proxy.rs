//! A fault-injecting HTTP proxy between the SDK and moto, for tests and benchmarks.
//! Each request is forwarded unchanged, or answered with a throttling error or a
//! 500/503 in the calling service's own wire format, or met with a dropped
//! connection; latency can be added to every request. Every call is recorded, so a
//! benchmark can count total calls and sequential round trips.
//!
//! On the crate's one HTTP layer, so requests arrive unframed and are forwarded on a
//! fresh upstream connection each.

mod aws_errors;

use crate::aws_request::{form_action, signing_service};
use crate::http::{self, Reply, Request, Response, Server};
use crate::lock;
use aws_errors::{ErrorReply, protocol_of};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// moto answers in milliseconds; this only bounds a hung upstream.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The service's throttling error: `RequestLimitExceeded` (EC2), `Throttling`
    /// (query services), `ThrottlingException` (JSON services).
    Throttle,
    /// HTTP 500 with the service's internal-error body.
    InternalError,
    /// HTTP 503 with the service's unavailable body.
    Unavailable,
    /// The request is read, then the connection closed without an answer.
    DropConnection,
}

impl FaultKind {
    /// Every kind of fault, for runs that should meet them all.
    pub const ALL: [FaultKind; 4] = [
        FaultKind::Throttle,
        FaultKind::InternalError,
        FaultKind::Unavailable,
        FaultKind::DropConnection,
    ];
}

/// What the proxy does to requests. The default injects nothing and adds no latency.
#[derive(Debug, Clone)]
pub struct Faults {
    /// Fraction of eligible requests (0.0..=1.0) answered with a fault.
    pub rate: f64,
    /// Faults to pick from, uniformly; none means no faults whatever the rate.
    pub kinds: Vec<FaultKind>,
    /// Added before each request is forwarded or answered.
    pub latency: Duration,
    /// Seeds the fault choices: the same requests in the same order get the same faults.
    pub seed: u64,
    /// Only calls to these services (SigV4 scope names: `ec2`, `iam` ...) get
    /// faults; empty means every service.
    pub services: Vec<String>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            rate: 0.0,
            kinds: Vec::new(),
            latency: Duration::ZERO,
            seed: 0x00c0_4d0e,
            services: Vec::new(),
        }
    }
}

/// One request the proxy received, and what it did with it.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// From the SigV4 credential scope: `ec2`, `iam`, `securityhub` ...
    pub service: String,
    /// `DescribeVpcs` (query `Action=`), `StartLogging` (JSON `X-Amz-Target`), or
    /// `POST /findings/import` (REST).
    pub action: String,
    /// When the request had been read.
    pub start: Instant,
    /// When the answer was ready to write, or the connection about to be dropped.
    pub end: Instant,
    /// What was injected instead of forwarding, if anything.
    pub fault: Option<FaultKind>,
}

/// A running proxy on 127.0.0.1. Dropping it stops it.
pub struct FaultProxy {
    shared: Arc<Shared>,
    server: Server,
}

struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    state: Mutex<State>,
    request_ids: AtomicU64,
}

struct State {
    /// Seeded, never from entropy: a run's faults follow from `Faults::seed`.
    rng: fastrand::Rng,
    calls: Vec<CallRecord>,
}

impl FaultProxy {
    /// Proxies to `upstream` (`http://127.0.0.1:PORT`, as `MotoServer::endpoint` gives).
    pub fn start(upstream: &str, faults: Faults) -> io::Result<Self> {
        if !(0.0..=1.0).contains(&faults.rate) {
            let message = format!("fault rate {} is not within 0..=1", faults.rate);
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        let upstream = http::endpoint_addr(upstream)?;
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::new(State {
                rng: fastrand::Rng::with_seed(faults.seed),
                calls: Vec::new(),
            }),
            faults,
            request_ids: AtomicU64::new(0),
        });
        let server = {
            let shared = Arc::clone(&shared);
            Server::start("fault-proxy", move |request| shared.handle(&request))?
        };
        Ok(Self { shared, server })
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// Every call so far, in the order they started.
    pub fn calls(&self) -> Vec<CallRecord> {
        let mut calls = lock(&self.shared.state).calls.clone();
        calls.sort_by_key(|c| c.start);
        calls
    }

    /// Forgets the calls and reseeds, so the next run sees the faults a fresh proxy would.
    pub fn reset(&self) {
        let mut state = lock(&self.shared.state);
        state.calls.clear();
        state.rng = fastrand::Rng::with_seed(self.shared.faults.seed);
    }

    pub fn total_calls(&self) -> usize {
        lock(&self.shared.state).calls.len()
    }

    pub fn injected_faults(&self) -> usize {
        lock(&self.shared.state)
            .calls
            .iter()
            .filter(|c| c.fault.is_some())
            .count()
    }

    /// API round trips on the critical path: groups of calls whose time intervals
    /// overlap count once, so concurrent calls cost one trip and sequential ones each.
    pub fn sequential_round_trips(&self) -> usize {
        sequential_round_trips(&lock(&self.shared.state).calls)
    }
}

impl Shared {
    /// Forwards `request`, or answers or drops it with a fault, and records the call.
    fn handle(&self, request: &Request) -> Reply {
        let start = Instant::now();
        let service = service_of(request);
        let action = action_of(request);
        let fault = self.draw_fault(&service);
        if !self.faults.latency.is_zero() {
            std::thread::sleep(self.faults.latency);
        }
        let reply = match fault {
            Some(FaultKind::DropConnection) => Reply::Hangup,
            Some(kind) => {
                let protocol = protocol_of(&service, request);
                let reply = ErrorReply::new(kind, protocol, &self.next_request_id());
                Reply::Answer(reply.to_response(request))
            }
            None => Reply::Answer(
                http::send(self.upstream, request, UPSTREAM_TIMEOUT)
                    .unwrap_or_else(|e| bad_gateway(&e)),
            ),
        };
        // Recorded before answering, so a client that has its answer finds the call
        // counted; the write itself takes microseconds on loopback.
        lock(&self.state).calls.push(CallRecord {
            service,
            action,
            start,
            end: Instant::now(),
            fault,
        });
        reply
    }

    fn draw_fault(&self, service: &str) -> Option<FaultKind> {
        let faults = &self.faults;
        let eligible = faults.services.is_empty() || faults.services.iter().any(|s| s == service);
        if faults.kinds.is_empty() || faults.rate <= 0.0 || !eligible {
            return None;
        }
        let mut state = lock(&self.state);
        if state.rng.f64() >= faults.rate {
            return None;
        }
        Some(faults.kinds[state.rng.usize(..faults.kinds.len())])
    }

    fn next_request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed);
        format!("fa017000-0000-4000-8000-{n:012x}")
    }
}

fn bad_gateway(error: &io::Error) -> Response {
    Response::new(502, format!("fault proxy: upstream failed: {error}"))
        .header("Content-Type", "text/plain")
}

/// From the SigV4 credential scope; `unknown` for an unsigned request.
fn service_of(request: &Request) -> String {
    request
        .headers
        .get("Authorization")
        .and_then(signing_service)
        .unwrap_or("unknown")
        .to_owned()
}

/// The `X-Amz-Target` operation (JSON protocols), the query `Action=` in the body or
/// the query string, or else the method and path (REST).
fn action_of(request: &Request) -> String {
    if let Some(target) = request.headers.get("X-Amz-Target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let body = String::from_utf8_lossy(&request.body);
    form_action(&body)
        .or_else(|| form_action(query))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} {path}", request.method))
}

/// Counts maximal groups of overlapping calls: sorted by start, a call opens a new
/// group when it starts after every earlier call has ended.
fn sequential_round_trips(calls: &[CallRecord]) -> usize {
    let mut spans: Vec<(Instant, Instant)> = calls.iter().map(|c| (c.start, c.end)).collect();
    spans.sort();
    let mut groups = 0;
    let mut reach: Option<Instant> = None;
    for (start, end) in spans {
        match reach {
            Some(r) if start <= r => reach = Some(r.max(end)),
            _ => {
                groups += 1;
                reach = Some(end);
            }
        }
    }
    groups
}

#[cfg(test)]
#[path = "fault_proxy_tests.rs"]
mod tests;
