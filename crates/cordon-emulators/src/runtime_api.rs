//! A minimal Lambda Runtime API on 127.0.0.1, so a function binary can be started as
//! Lambda starts it (`AWS_LAMBDA_RUNTIME_API=<address>`) and timed from exec to its
//! first answer. Events queued with [`RuntimeApi::invoke`] are handed out by
//! `GET /2018-06-01/runtime/invocation/next` (which waits while there are none, as
//! Lambda's does); responses, errors and init errors are recorded with the instant
//! their body was read. Dropping the server stops it.
//!
//! Plain threads and blocking sockets, like the fault proxy: the runtime client sends
//! a handful of requests per process.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
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
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    function_arn: String,
    state: Mutex<State>,
    changed: Condvar,
    /// Open connections, to shut down on drop; `None` once stopped.
    open: Mutex<Option<HashMap<usize, TcpStream>>>,
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
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            function_arn: function_arn.to_owned(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            open: Mutex::new(Some(HashMap::new())),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("runtime-api".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Self {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API`: `127.0.0.1:PORT`, no scheme.
    pub fn address(&self) -> String {
        self.addr.to_string()
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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for (id, stream) in listener.incoming().enumerate() {
        let Ok(stream) = stream else { continue };
        match lock(&shared.open).as_mut() {
            None => return,
            Some(open) => match stream.try_clone() {
                Ok(clone) => open.insert(id, clone),
                Err(_) => continue,
            },
        };
        let connection = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("runtime-api-conn".into())
            .spawn(move || {
                let _ = serve(&connection, &stream);
                if let Some(open) = lock(&connection.open).as_mut() {
                    open.remove(&id);
                }
            });
        if spawned.is_err()
            && let Some(open) = lock(&shared.open).as_mut()
        {
            open.remove(&id);
        }
    }
}

/// Answers the requests of one keep-alive connection.
fn serve(shared: &Shared, client: &TcpStream) -> io::Result<()> {
    client.set_nodelay(true)?;
    let mut reader = BufReader::new(client);
    let mut writer = client;
    while let Some((method, path, body)) = read_request(&mut reader)? {
        let at = Instant::now();
        let answer = match (method.as_str(), path.strip_prefix(PREFIX)) {
            ("GET", Some("/invocation/next")) => match next_event(shared) {
                Some((id, event)) => event_response(shared, &id, &event),
                None => return Ok(()),
            },
            ("POST", Some(rest)) => match result_kind(rest) {
                Some((kind, request_id)) => {
                    let mut state = lock(&shared.state);
                    state.results.push(InvocationResult {
                        request_id,
                        kind,
                        body: String::from_utf8_lossy(&body).into_owned(),
                        at,
                    });
                    shared.changed.notify_all();
                    reply(202, r#"{"status":"OK"}"#, &[])
                }
                None => reply(404, r#"{"errorType":"NotFound"}"#, &[]),
            },
            _ => reply(404, r#"{"errorType":"NotFound"}"#, &[]),
        };
        writer.write_all(&answer)?;
    }
    Ok(())
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

fn event_response(shared: &Shared, id: &str, event: &str) -> Vec<u8> {
    let deadline_ms = (SystemTime::now() + DEADLINE)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let trace = format!(
        "Root=1-00000000-{:0>24};Parent=0000000000000001;Sampled=0",
        &id[24..]
    );
    let headers = [
        ("Lambda-Runtime-Aws-Request-Id", id.to_owned()),
        ("Lambda-Runtime-Deadline-Ms", deadline_ms.to_string()),
        (
            "Lambda-Runtime-Invoked-Function-Arn",
            shared.function_arn.clone(),
        ),
        ("Lambda-Runtime-Trace-Id", trace),
    ];
    reply(200, event, &headers)
}

fn reply(status: u16, body: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        202 => "Accepted",
        _ => "Not Found",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// (method, path, body) of the next request; `None` when the client closed.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<(String, String, Vec<u8>)>> {
    let mut start = String::new();
    while start.trim().is_empty() {
        start.clear();
        if reader.read_line(&mut start)? == 0 {
            return Ok(None);
        }
    }
    let mut parts = start.split_whitespace();
    let (method, path) = match (parts.next(), parts.next()) {
        (Some(m), Some(p)) => (m.to_owned(), p.to_owned()),
        _ => return Err(invalid(format!("bad request line {start:?}"))),
    };
    let (mut length, mut chunked) = (0usize, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("headers cut short".into()));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim(), value.trim());
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().map_err(|_| invalid(line.to_owned()))?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
    }
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    Ok(Some((method, path, body)))
}

/// A chunked body (a streamed response), trailers dropped.
fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = size.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid(size.to_owned()))?;
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// One request on `stream`, its answer read to the end of its body.
    fn exchange(stream: &mut TcpStream, request: &str) -> (String, String) {
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line.trim().is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (head, String::from_utf8(body).unwrap())
    }

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
