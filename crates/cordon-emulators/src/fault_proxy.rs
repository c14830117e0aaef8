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
mod tests {
    use super::*;
    use crate::http::exchange;
    use std::io::{Cursor, Read, Write};
    use std::net::TcpStream;

    fn call(start_ms: u64, end_ms: u64, base: Instant) -> CallRecord {
        CallRecord {
            service: "ec2".into(),
            action: "DescribeVpcs".into(),
            start: base + Duration::from_millis(start_ms),
            end: base + Duration::from_millis(end_ms),
            fault: None,
        }
    }

    #[test]
    fn counts_overlapping_calls_as_one_round_trip() {
        let t = Instant::now();
        assert_eq!(sequential_round_trips(&[]), 0);
        // Three in a row.
        let sequential = [call(0, 10, t), call(11, 20, t), call(21, 30, t)];
        assert_eq!(sequential_round_trips(&sequential), 3);
        // Two concurrent, then one after both, recorded out of order.
        let mixed = [call(25, 30, t), call(2, 12, t), call(0, 10, t)];
        assert_eq!(sequential_round_trips(&mixed), 2);
        // A long call spans later short ones: the group lasts until every call ended.
        let spanning = [
            call(0, 100, t),
            call(10, 20, t),
            call(30, 40, t),
            call(101, 110, t),
        ];
        assert_eq!(sequential_round_trips(&spanning), 2);
    }

    pub(super) fn request(raw: &str) -> Request {
        Request::read(&mut Cursor::new(raw.as_bytes()))
            .unwrap()
            .unwrap()
    }

    pub(super) const EC2_AUTH: &str = "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn names_the_service_and_action_of_each_protocol() {
        let query = request(&format!(
            "POST / HTTP/1.1\r\n{EC2_AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 38\r\n\r\nAction=DescribeVpcs&Version=2016-11-15"
        ));
        assert_eq!(service_of(&query), "ec2");
        assert_eq!(action_of(&query), "DescribeVpcs");

        let json = request(
            "POST / HTTP/1.1\r\nX-Amz-Target: CloudTrail_20131101.StartLogging\r\nContent-Length: 2\r\n\r\n{}",
        );
        assert_eq!(action_of(&json), "StartLogging");
        assert_eq!(service_of(&json), "unknown");

        let in_query = request("GET /?Action=Ping&x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(action_of(&in_query), "Ping");
        let rest = request("GET /accounts?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(action_of(&rest), "GET /accounts");
    }

    /// A stand-in upstream that answers each request with what it received.
    fn echo_upstream() -> Server {
        Server::start("upstream", |request: Request| {
            let seen = format!(
                "{} {} close={} {}",
                request.method,
                request.target,
                request.wants_close(),
                String::from_utf8_lossy(&request.body)
            );
            Reply::Answer(Response::new(200, seen))
        })
        .unwrap()
    }

    #[test]
    fn forwards_unframed_requests_on_a_kept_alive_connection_and_records_each() {
        let upstream = echo_upstream();
        let endpoint = format!("http://{}", upstream.addr());
        let proxy = FaultProxy::start(&endpoint, Faults::default()).unwrap();
        let mut client = TcpStream::connect(proxy.server.addr()).unwrap();
        let chunked = format!(
            "POST / HTTP/1.1\r\n{EC2_AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n\
             4\r\nActi\r\n8;ext=1\r\non=Ping&\r\n0\r\nTrailer: t\r\n\r\n"
        );
        let (head, body) = exchange(&mut client, &chunked);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        // Upstream, each request goes on a connection of its own.
        assert_eq!(body, "POST / close=true Action=Ping&");
        let (_, body) = exchange(&mut client, "GET /b?c=d HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(body, "GET /b?c=d close=true ");
        let calls: Vec<_> = proxy
            .calls()
            .into_iter()
            .map(|c| (c.service, c.action, c.fault))
            .collect();
        assert_eq!(
            calls,
            [
                ("ec2".into(), "Ping".into(), None),
                ("unknown".into(), "GET /b".into(), None),
            ]
        );

        // An upstream that went away is the client's 502, not a hang.
        drop(upstream);
        let (head, _) = exchange(&mut client, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 502 "), "{head}");
    }

    #[test]
    fn a_dropped_connection_reads_the_request_and_answers_nothing() {
        let upstream = echo_upstream();
        let faults = Faults {
            rate: 1.0,
            kinds: vec![FaultKind::DropConnection],
            ..Faults::default()
        };
        let proxy = FaultProxy::start(&format!("http://{}", upstream.addr()), faults).unwrap();
        let mut client = TcpStream::connect(proxy.server.addr()).unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap();
        let mut rest = Vec::new();
        let _ = client.read_to_end(&mut rest);
        assert!(rest.is_empty());
        assert_eq!(proxy.injected_faults(), 1);
    }

    #[test]
    fn refuses_a_rate_out_of_range_and_an_upstream_it_cannot_reach_in_plain_http() {
        let rate = |rate| Faults {
            rate,
            ..Faults::default()
        };
        for bad in [1.5, -0.1, f64::NAN] {
            assert!(FaultProxy::start("http://127.0.0.1:1", rate(bad)).is_err());
        }
        assert!(FaultProxy::start("https://127.0.0.1:1", rate(0.0)).is_err());
        assert!(FaultProxy::start("http://", rate(0.0)).is_err());
        let proxy = FaultProxy::start("http://127.0.0.1:1/", rate(1.0)).unwrap();
        assert!(proxy.endpoint().starts_with("http://127.0.0.1:"));
    }

    #[test]
    fn draws_faults_at_the_rate_and_repeatably_from_the_seed() {
        let proxy = |seed| {
            let faults = Faults {
                rate: 0.3,
                kinds: FaultKind::ALL.to_vec(),
                seed,
                ..Faults::default()
            };
            // Never connected to: drawing faults needs no upstream.
            FaultProxy::start("http://127.0.0.1:1/", faults).unwrap()
        };
        let draw = |proxy: &FaultProxy| {
            (0..10_000)
                .map(|_| proxy.shared.draw_fault("ec2"))
                .collect::<Vec<_>>()
        };
        let seven = proxy(7);
        let drawn = draw(&seven);
        let hits = drawn.iter().flatten().count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
        for kind in FaultKind::ALL {
            let picked = drawn.iter().filter(|&&d| d == Some(kind)).count();
            assert!((600..900).contains(&picked), "{kind:?}: {picked}");
        }
        assert_eq!(draw(&proxy(7)), drawn);
        assert_ne!(draw(&proxy(8)), drawn);
        seven.reset();
        assert_eq!(draw(&seven), drawn, "a reset reseeds");
    }
}
