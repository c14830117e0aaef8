//! The fault proxy's unit tests: round-trip counting, naming each call, forwarding,
//! dropped connections, refused set-ups and the seeded draw of faults.

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
