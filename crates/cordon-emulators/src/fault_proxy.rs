//! A fault-injecting HTTP proxy between the SDK and moto, for tests and benchmarks.
//! Each request is forwarded unchanged, or answered with a throttling error or a
//! 500/503 in the calling service's own wire format, or met with a dropped
//! connection; latency can be added to every request. Every call is recorded, so a
//! benchmark can count total calls and sequential round trips.
//!
//! Plain threads and blocking sockets: the kit has no async networking dependency,
//! and a proxy on loopback for a few hundred calls needs none.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
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
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    state: Mutex<State>,
    /// Open client connections, to shut down on drop; `None` once stopped.
    open: Mutex<Option<HashMap<usize, TcpStream>>>,
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
        let upstream = upstream_addr(upstream)?;
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::new(State {
                rng: fastrand::Rng::with_seed(faults.seed),
                calls: Vec::new(),
            }),
            faults,
            open: Mutex::new(Some(HashMap::new())),
            request_ids: AtomicU64::new(0),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("fault-proxy".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Self {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
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

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let open = lock(&self.shared.open).take();
        for stream in open.into_iter().flat_map(HashMap::into_values) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        // The accept loop sees it is stopped on its next connection: make one.
        if TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok()
            && let Some(accept) = self.accept.take()
        {
            let _ = accept.join();
        }
    }
}

fn upstream_addr(upstream: &str) -> io::Result<SocketAddr> {
    let invalid = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("upstream must be http://HOST:PORT, not {upstream}"),
        )
    };
    let authority = upstream
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .filter(|a| !a.is_empty())
        .ok_or_else(invalid)?;
    authority.to_socket_addrs()?.next().ok_or_else(invalid)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking connection thread leaves the records usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for (id, stream) in listener.incoming().enumerate() {
        let Ok(stream) = stream else {
            // Out of descriptors, say: let some connections finish.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        match lock(&shared.open).as_mut() {
            None => return,
            Some(open) => match stream.try_clone() {
                Ok(clone) => open.insert(id, clone),
                Err(_) => continue,
            },
        };
        let connection = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("fault-proxy-conn".into())
            .spawn(move || {
                let _ = serve(&connection, &stream);
                connection.forget_connection(id);
            });
        if spawned.is_err() {
            shared.forget_connection(id);
        }
    }
}

/// Answers the requests of one client connection, which the SDK keeps alive.
fn serve(shared: &Shared, client: &TcpStream) -> io::Result<()> {
    client.set_nodelay(true)?;
    let mut reader = BufReader::new(client);
    let mut writer = client;
    while let Some(request) = read_message(&mut reader, None)? {
        let start = Instant::now();
        let service = service_of(&request);
        let action = action_of(&request);
        let fault = shared.draw_fault(&service);
        if !shared.faults.latency.is_zero() {
            std::thread::sleep(shared.faults.latency);
        }
        let close = request.wants_close();
        // `None` drops the connection.
        let answer = match fault {
            Some(FaultKind::DropConnection) => None,
            Some(kind) => {
                let request_id = shared.next_request_id();
                let reply = ErrorReply::new(kind, protocol_of(&service, &request), &request_id);
                Some(reply.to_bytes(&request, close))
            }
            None => Some(match forward(shared.upstream, &request) {
                Ok(response) => response.relayed(close),
                Err(e) => bad_gateway(&e, close),
            }),
        };
        // Recorded before answering, so a client that has its answer finds the call
        // counted; the write itself takes microseconds on loopback.
        lock(&shared.state).calls.push(CallRecord {
            service,
            action,
            start,
            end: Instant::now(),
            fault,
        });
        match answer {
            Some(answer) => writer.write_all(&answer)?,
            None => client.shutdown(Shutdown::Both)?,
        }
        if close || fault == Some(FaultKind::DropConnection) {
            break;
        }
    }
    Ok(())
}

impl Shared {
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

    fn forget_connection(&self, id: usize) {
        if let Some(open) = lock(&self.open).as_mut() {
            open.remove(&id);
        }
    }

    fn next_request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed);
        format!("fa017000-0000-4000-8000-{n:012x}")
    }
}

/// The request on a fresh upstream connection, closed after the answer, so the
/// upstream's framing is all that needs understanding.
fn forward(upstream: SocketAddr, request: &Message) -> io::Result<Message> {
    let stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(10))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(UPSTREAM_TIMEOUT))?;
    stream.set_write_timeout(Some(UPSTREAM_TIMEOUT))?;
    let mut bytes = request.head_without_connection(&["Connection: close".into()]);
    bytes.extend_from_slice(&request.wire_body);
    (&stream).write_all(&bytes)?;
    let head_request = request.start_line.starts_with("HEAD ");
    let mut reader = BufReader::new(&stream);
    loop {
        let response = read_message(&mut reader, Some(head_request))?.ok_or_else(|| {
            io::Error::new(io::ErrorKind::UnexpectedEof, "upstream closed unanswered")
        })?;
        // Skip interim answers such as `100 Continue`.
        if !(100..200).contains(&response.status()) || response.status() == 101 {
            return Ok(response);
        }
    }
}

fn bad_gateway(error: &io::Error, close: bool) -> Vec<u8> {
    let body = format!("fault proxy: upstream failed: {error}");
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{connection}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// One HTTP/1.1 message as read off a socket.
#[derive(Debug)]
struct Message {
    start_line: String,
    /// Header lines as received, without their CRLF.
    headers: Vec<String>,
    /// The body as framed on the wire (chunk sizes and trailers included), so it
    /// is relayed byte for byte.
    wire_body: Vec<u8>,
    /// The body without chunked framing.
    body: Vec<u8>,
    /// The body ran until the peer closed: no length, not chunked.
    until_eof: bool,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn status(&self) -> u16 {
        self.start_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    fn wants_close(&self) -> bool {
        let connection = self.header("Connection").unwrap_or("");
        connection.to_ascii_lowercase().contains("close")
            || (self.start_line.ends_with("HTTP/1.0")
                && !connection.eq_ignore_ascii_case("keep-alive"))
    }

    /// Start line and headers, less the hop-by-hop connection headers, plus `extra`.
    fn head_without_connection(&self, extra: &[String]) -> Vec<u8> {
        let hop_by_hop = ["connection", "keep-alive", "proxy-connection"];
        let mut head = format!("{}\r\n", self.start_line);
        for line in &self.headers {
            let name = line.split(':').next().unwrap_or("").trim();
            if !hop_by_hop.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                head.push_str(line);
                head.push_str("\r\n");
            }
        }
        for line in extra {
            head.push_str(line);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// This upstream response as the client gets it on its keep-alive connection.
    fn relayed(&self, close: bool) -> Vec<u8> {
        let mut extra = Vec::new();
        if self.until_eof {
            extra.push(format!("Content-Length: {}", self.wire_body.len()));
        }
        if close {
            extra.push("Connection: close".into());
        }
        let mut bytes = self.head_without_connection(&extra);
        bytes.extend_from_slice(&self.wire_body);
        bytes
    }
}

/// Reads a request (`response_to` is `None`) or the response to one (`Some(true)`
/// when that was a HEAD request). `None` when the peer closed between messages.
fn read_message(
    reader: &mut impl BufRead,
    response_to: Option<bool>,
) -> io::Result<Option<Message>> {
    let mut start_line = String::new();
    while start_line.is_empty() {
        let mut raw = Vec::new();
        if reader.read_until(b'\n', &mut raw)? == 0 {
            return Ok(None);
        }
        start_line = line_text(raw)?;
    }
    let mut headers = Vec::new();
    loop {
        let mut raw = Vec::new();
        if reader.read_until(b'\n', &mut raw)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = line_text(raw)?;
        if line.is_empty() {
            break;
        }
        headers.push(line);
    }
    let mut message = Message {
        start_line,
        headers,
        wire_body: Vec::new(),
        body: Vec::new(),
        until_eof: false,
    };
    let status = message.status();
    let bodiless = response_to
        .is_some_and(|head| head || (100..200).contains(&status) || status == 204 || status == 304);
    let chunked = message
        .header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let length = message
        .header("Content-Length")
        .map(|l| {
            l.parse::<usize>()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))
        })
        .transpose()?;
    if bodiless {
        return Ok(Some(message));
    }
    if chunked {
        (message.wire_body, message.body) = read_chunked(reader)?;
    } else if let Some(length) = length {
        message.wire_body = vec![0; length];
        reader.read_exact(&mut message.wire_body)?;
        message.body = message.wire_body.clone();
    } else if response_to.is_some() {
        reader.read_to_end(&mut message.wire_body)?;
        message.body = message.wire_body.clone();
        message.until_eof = true;
    }
    Ok(Some(message))
}

/// A chunked body as (wire bytes, decoded bytes).
fn read_chunked(reader: &mut impl BufRead) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut wire = Vec::new();
    let mut body = Vec::new();
    loop {
        let size_line = read_wire_line(reader, &mut wire)?;
        let size = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line that ends the body.
            while !read_wire_line(reader, &mut wire)?.is_empty() {}
            return Ok((wire, body));
        }
        let from = wire.len();
        wire.resize(from + size + 2, 0);
        reader.read_exact(&mut wire[from..])?;
        if &wire[from + size..] != b"\r\n" {
            return Err(invalid("chunk not followed by CRLF"));
        }
        body.extend_from_slice(&wire[from..from + size]);
    }
}

/// Appends one line to `wire` and returns its text.
fn read_wire_line(reader: &mut impl BufRead, wire: &mut Vec<u8>) -> io::Result<String> {
    let from = wire.len();
    if reader.read_until(b'\n', wire)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    line_text(wire[from..].to_vec())
}

fn line_text(raw: Vec<u8>) -> io::Result<String> {
    let text = String::from_utf8(raw)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "non-UTF-8 header line"))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}

/// The service named in the SigV4 credential scope (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`).
fn service_of(request: &Message) -> String {
    request
        .header("Authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split(',').next())
        .and_then(|scope| scope.split('/').nth(3))
        .unwrap_or("unknown")
        .to_owned()
}

fn action_of(request: &Message) -> String {
    if let Some(target) = request.header("X-Amz-Target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    let mut parts = request.start_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let body = String::from_utf8_lossy(&request.body);
    body.split('&')
        .chain(query.split('&'))
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{method} {path}"))
}

/// How a service words its errors, which decides how the SDK parses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `<Response><Errors><Error>…` (EC2 alone).
    Ec2Query,
    /// `<ErrorResponse><Error>…` (IAM, STS, SNS, Auto Scaling, ELB ...).
    AwsQuery,
    /// `{"__type": …}` plus `x-amzn-ErrorType` (awsJson and restJson services).
    Json,
}

/// Query services send form-encoded bodies; everything else the kit talks to is JSON.
fn protocol_of(service: &str, request: &Message) -> Protocol {
    let form = request
        .header("Content-Type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    match (service, form) {
        ("ec2", _) => Protocol::Ec2Query,
        (_, true) => Protocol::AwsQuery,
        _ => Protocol::Json,
    }
}

/// An injected error answer, shaped as the real service sends it.
#[derive(Debug)]
struct ErrorReply {
    status: u16,
    code: &'static str,
    protocol: Protocol,
    body: String,
}

impl ErrorReply {
    fn new(kind: FaultKind, protocol: Protocol, request_id: &str) -> Self {
        use FaultKind::*;
        use Protocol::*;
        // EC2's own codes, and the codes common to the other services' APIs.
        let (status, code, message) = match (kind, protocol) {
            (Throttle, Ec2Query) => (503, "RequestLimitExceeded", "Request limit exceeded."),
            (Throttle, AwsQuery) => (400, "Throttling", "Rate exceeded"),
            (Throttle, Json) => (400, "ThrottlingException", "Rate exceeded"),
            (InternalError, Ec2Query) => (500, "InternalError", "An internal error has occurred."),
            (InternalError, _) => (500, "InternalFailure", "An internal error has occurred."),
            // A dropped connection never gets this far; it has no body to word.
            (Unavailable | DropConnection, _) => (
                503,
                "ServiceUnavailable",
                "The service is unavailable. Please try again shortly.",
            ),
        };
        let fault_type = if status == 400 { "Sender" } else { "Receiver" };
        let body = match protocol {
            Ec2Query => format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"#
            ),
            AwsQuery => format!(
                r#"<ErrorResponse><Error><Type>{fault_type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"#
            ),
            Json => serde_json::json!({ "__type": code, "message": message }).to_string(),
        };
        Self {
            status,
            code,
            protocol,
            body,
        }
    }

    fn to_bytes(&self, request: &Message, close: bool) -> Vec<u8> {
        let reason = match self.status {
            400 => "Bad Request",
            500 => "Internal Server Error",
            _ => "Service Unavailable",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        let content_type = match self.protocol {
            Protocol::Json => request
                .header("X-Amz-Target")
                .and(request.header("Content-Type"))
                .unwrap_or("application/json"),
            _ => "text/xml",
        };
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
        if self.protocol == Protocol::Json {
            head.push_str(&format!("x-amzn-ErrorType: {}\r\n", self.code));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(self.body.as_bytes());
        bytes
    }
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
    use std::io::Cursor;

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

    fn request(raw: &str) -> Message {
        read_message(&mut Cursor::new(raw.as_bytes()), None)
            .unwrap()
            .unwrap()
    }

    const EC2_AUTH: &str = "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn names_the_service_and_action_of_each_protocol() {
        let query = request(&format!(
            "POST / HTTP/1.1\r\n{EC2_AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 38\r\n\r\nAction=DescribeVpcs&Version=2016-11-15"
        ));
        assert_eq!(service_of(&query), "ec2");
        assert_eq!(action_of(&query), "DescribeVpcs");
        assert_eq!(protocol_of("ec2", &query), Protocol::Ec2Query);
        assert_eq!(protocol_of("iam", &query), Protocol::AwsQuery);

        let json = request(
            "POST / HTTP/1.1\r\nX-Amz-Target: CloudTrail_20131101.StartLogging\r\nContent-Length: 2\r\n\r\n{}",
        );
        assert_eq!(action_of(&json), "StartLogging");
        assert_eq!(service_of(&json), "unknown");
        assert_eq!(protocol_of("cloudtrail", &json), Protocol::Json);

        let rest = request("GET /accounts?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(action_of(&rest), "GET /accounts");
    }

    #[test]
    fn keeps_a_chunked_body_as_sent_and_reads_several_requests_per_connection() {
        let wire = "4\r\nActi\r\n8;ext=1\r\non=Ping&\r\n0\r\nTrailer: t\r\n\r\n";
        let raw = format!(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{wire}\r\nGET /next HTTP/1.1\r\nConnection: close\r\n\r\n"
        );
        let mut reader = Cursor::new(raw.into_bytes());
        let first = read_message(&mut reader, None).unwrap().unwrap();
        assert_eq!(first.wire_body, wire.as_bytes());
        assert_eq!(first.body, b"Action=Ping&");
        assert_eq!(action_of(&first), "Ping");
        assert!(!first.wants_close());
        let second = read_message(&mut reader, None).unwrap().unwrap();
        assert_eq!(action_of(&second), "GET /next");
        assert!(second.wants_close());
        assert!(read_message(&mut reader, None).unwrap().is_none());
    }

    #[test]
    fn forwards_with_connection_close_and_relays_with_a_length() {
        let request = request(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
        );
        let head =
            String::from_utf8(request.head_without_connection(&["Connection: close".into()]))
                .unwrap();
        assert_eq!(
            head,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );

        let raw = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<ok/>";
        let response = read_message(&mut Cursor::new(raw.as_bytes()), Some(false))
            .unwrap()
            .unwrap();
        assert_eq!(
            String::from_utf8(response.relayed(false)).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<ok/>"
        );
    }

    #[test]
    fn words_errors_as_each_protocol_does() {
        let ec2 = ErrorReply::new(FaultKind::Throttle, Protocol::Ec2Query, "r-1");
        assert_eq!(ec2.status, 503);
        assert!(
            ec2.body
                .contains("<Response><Errors><Error><Code>RequestLimitExceeded</Code>")
        );
        assert!(ec2.body.ends_with("<RequestID>r-1</RequestID></Response>"));
        let query = ErrorReply::new(FaultKind::Throttle, Protocol::AwsQuery, "r-2");
        assert_eq!(query.status, 400);
        assert!(
            query
                .body
                .starts_with("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>")
        );
        let json = ErrorReply::new(FaultKind::Unavailable, Protocol::Json, "r-3");
        assert_eq!(json.status, 503);
        assert_eq!(
            json.body,
            r#"{"__type":"ServiceUnavailable","message":"The service is unavailable. Please try again shortly."}"#
        );
        let target = request(
            "POST / HTTP/1.1\r\nX-Amz-Target: A.B\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n",
        );
        let bytes = String::from_utf8(json.to_bytes(&target, false)).unwrap();
        assert!(bytes.starts_with("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: ServiceUnavailable\r\n"), "{bytes}");
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
