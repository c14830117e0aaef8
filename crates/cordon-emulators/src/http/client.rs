//! The one client: a request on a fresh connection, closed after the answer, so only
//! the answer's own framing needs understanding.

use super::message::{Request, Response};
use std::io::{self, BufReader};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Sends `request` to `addr` and returns its final answer (interim 1xx ones skipped).
/// `timeout` bounds connecting, and each read and write.
pub(crate) fn send(addr: SocketAddr, request: &Request, timeout: Duration) -> io::Result<Response> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    if request.headers.get("Host").is_some() {
        request.write_to(&mut &stream, true)?;
    } else {
        let mut with_host = request.clone();
        with_host.headers = with_host.headers.with("Host", addr.to_string());
        with_host.write_to(&mut &stream, true)?;
    }
    let mut reader = BufReader::new(&stream);
    loop {
        let response = Response::read(&mut reader, request.method == "HEAD")?;
        if !(100..200).contains(&response.status) || response.status == 101 {
            return Ok(response);
        }
    }
}

/// The address of an `http://HOST:PORT` endpoint, as `MotoServer::endpoint` gives.
pub(crate) fn endpoint_addr(endpoint: &str) -> io::Result<SocketAddr> {
    let invalid = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{endpoint} is not an http://HOST:PORT endpoint"),
        )
    };
    let authority = endpoint
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .filter(|a| !a.is_empty())
        .ok_or_else(invalid)?;
    authority.to_socket_addrs()?.next().ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Reply, Server};

    #[test]
    fn a_request_reaches_a_server_and_its_answer_comes_back() {
        let server = Server::start("echo", |request: Request| {
            let echoed = format!(
                "{} {} {} {}",
                request.method,
                request.target,
                request.headers.get("Host").unwrap_or("-"),
                String::from_utf8_lossy(&request.body)
            );
            Reply::Answer(Response::new(200, echoed).header("X-Echo", "1"))
        })
        .unwrap();
        let mut request = Request::new("POST", "/a?b=c");
        request.body = b"body".to_vec();
        let response = send(server.addr(), &request, Duration::from_secs(5)).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.headers.get("x-echo"), Some("1"));
        let expected = format!("POST /a?b=c {} body", server.addr());
        assert_eq!(String::from_utf8(response.body).unwrap(), expected);

        let address = server.addr();
        drop(server);
        assert!(send(address, &request, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_hangup_is_an_error_and_endpoints_must_be_plain_http() {
        let server = Server::start("hangup", |_| Reply::Hangup).unwrap();
        let request = Request::new("GET", "/");
        assert!(send(server.addr(), &request, Duration::from_secs(5)).is_err());

        let addr = endpoint_addr("http://127.0.0.1:5000/").unwrap();
        assert_eq!(addr.to_string(), "127.0.0.1:5000");
        for bad in [
            "https://127.0.0.1:1",
            "http://",
            "127.0.0.1:1",
            "http://127.0.0.1",
        ] {
            assert!(endpoint_addr(bad).is_err(), "{bad}");
        }
    }
}
