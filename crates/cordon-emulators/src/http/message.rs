//! Requests and responses as the stand-ins read and write them: the head parsed by
//! `httparse`, the body unframed, and written back with a Content-Length of their own,
//! so nothing above this deals with framing or connection headers.

use super::body::{Framing, invalid, is_blank, read_line};
use std::io::{self, BufRead, Write};

/// More than any AWS SDK request carries.
const MAX_HEADERS: usize = 64;
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Per-connection headers, never relayed or written as received: this layer frames
/// every message itself.
const CONNECTION_HEADERS: [&str; 5] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "content-length",
];

/// Headers in the order received; names compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Headers(Vec<(String, String)>);

impl Headers {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_owned(), value.into()));
        self
    }

    fn parsed(raw: &[httparse::Header<'_>]) -> Self {
        let text = |v: &[u8]| String::from_utf8_lossy(v).trim().to_owned();
        Self(
            raw.iter()
                .map(|h| (h.name.to_owned(), text(h.value)))
                .collect(),
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// As sent: path and query.
    pub target: String,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// HTTP/1.0, whose connections close unless the client asks to keep them.
    http10: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Request {
    pub(crate) fn new(method: &str, target: &str) -> Self {
        Self {
            method: method.to_owned(),
            target: target.to_owned(),
            headers: Headers::default(),
            body: Vec::new(),
            http10: false,
        }
    }

    /// The next request on a connection; `None` when the client closed between requests.
    pub(crate) fn read(reader: &mut impl BufRead) -> io::Result<Option<Self>> {
        let Some(head) = read_head(reader)? else {
            return Ok(None);
        };
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut slots);
        complete(parsed.parse(&head))?;
        let headers = Headers::parsed(parsed.headers);
        let body = Framing::of(&headers, false, false)?.read(reader)?;
        Ok(Some(Self {
            method: parsed.method.unwrap_or_default().to_owned(),
            target: parsed.path.unwrap_or_default().to_owned(),
            http10: parsed.version == Some(0),
            headers,
            body,
        }))
    }

    pub(crate) fn wants_close(&self) -> bool {
        let connection = self.headers.get("Connection").unwrap_or("");
        connection.to_ascii_lowercase().contains("close")
            || (self.http10 && !connection.eq_ignore_ascii_case("keep-alive"))
    }

    pub(crate) fn write_to(&self, out: &mut impl Write, close: bool) -> io::Result<()> {
        let start = format!("{} {} HTTP/1.1", self.method, self.target);
        write_message(out, &start, &self.headers, &self.body, close)
    }
}

impl Response {
    pub(crate) fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            reason: reason(status).to_owned(),
            headers: Headers::default(),
            body: body.into(),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers = self.headers.with(name, value);
        self
    }

    /// The answer to a request, `head` if that was a HEAD request (whose answer has
    /// no body whatever its headers say).
    pub(crate) fn read(reader: &mut impl BufRead, head: bool) -> io::Result<Self> {
        let raw = read_head(reader)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "closed unanswered"))?;
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut slots);
        complete(parsed.parse(&raw))?;
        let status = parsed.code.unwrap_or_default();
        let headers = Headers::parsed(parsed.headers);
        let bodiless = head || (100..200).contains(&status) || status == 204 || status == 304;
        let body = Framing::of(&headers, true, bodiless)?.read(reader)?;
        Ok(Self {
            status,
            reason: parsed.reason.unwrap_or_default().to_owned(),
            headers,
            body,
        })
    }

    pub(crate) fn write_to(&self, out: &mut impl Write, close: bool) -> io::Result<()> {
        let start = format!("HTTP/1.1 {} {}", self.status, self.reason);
        write_message(out, &start, &self.headers, &self.body, close)
    }
}

/// The head up to its empty line, blank lines before it skipped; `None` if the peer
/// closed before sending any.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    loop {
        let line = match read_line(reader) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && head.is_empty() => {
                return Ok(None);
            }
            line => line?,
        };
        if is_blank(&line) && head.is_empty() {
            continue;
        }
        head.extend_from_slice(&line);
        if is_blank(&line) {
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(invalid(format!("head longer than {MAX_HEAD_BYTES} bytes")));
        }
    }
}

fn complete(parsed: httparse::Result<usize>) -> io::Result<()> {
    match parsed {
        Ok(httparse::Status::Complete(_)) => Ok(()),
        Ok(httparse::Status::Partial) => Err(invalid("head cut short".into())),
        Err(e) => Err(invalid(format!("bad head: {e}"))),
    }
}

/// One write per message: a keep-alive peer reads it whole, and Nagle never waits.
fn write_message(
    out: &mut impl Write,
    start: &str,
    headers: &Headers,
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut head = format!("{start}\r\n");
    for (name, value) in &headers.0 {
        if !CONNECTION_HEADERS
            .iter()
            .any(|c| name.eq_ignore_ascii_case(c))
        {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    // The answer to a HEAD keeps the length it announces but carries no body.
    match (body.is_empty(), headers.get("Content-Length")) {
        (true, Some(announced)) => head.push_str(&format!("Content-Length: {announced}\r\n")),
        _ => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    out.write_all(&bytes)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn written(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reads_several_requests_per_connection_whatever_their_framing() {
        let raw = "\r\nPOST /?Action=Ping HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
                   4\r\nActi\r\n8;ext=1\r\non=Ping&\r\n0\r\n\r\n\
                   GET /next HTTP/1.1\r\nConnection: close\r\n\r\n\
                   PUT /b HTTP/1.0\r\nContent-Length: 2\r\n\r\nok";
        let mut reader = Cursor::new(raw.as_bytes());
        let first = Request::read(&mut reader).unwrap().unwrap();
        assert_eq!(
            (first.method.as_str(), first.target.as_str()),
            ("POST", "/?Action=Ping")
        );
        assert_eq!(first.body, b"Action=Ping&");
        assert!(!first.wants_close());
        let second = Request::read(&mut reader).unwrap().unwrap();
        assert_eq!(second.target, "/next");
        assert!(second.wants_close());
        let third = Request::read(&mut reader).unwrap().unwrap();
        assert_eq!(third.body, b"ok");
        assert!(third.wants_close(), "HTTP/1.0 closes unless kept alive");
        assert!(Request::read(&mut reader).unwrap().is_none());
        let cut = "GET / HTTP/1.1\r\nHost: x\r\n";
        assert!(Request::read(&mut Cursor::new(cut.as_bytes())).is_err());
    }

    #[test]
    fn writes_its_own_framing_and_drops_the_peers_connection_headers() {
        let raw = "POST / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: keep-alive\r\n\
                   Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n";
        let request = Request::read(&mut Cursor::new(raw.as_bytes()))
            .unwrap()
            .unwrap();
        assert_eq!(
            written(|out| request.write_to(out, true)),
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab"
        );

        // A body that ran until the upstream closed is relayed with a length.
        let raw = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<ok/>";
        let response = Response::read(&mut Cursor::new(raw.as_bytes()), false).unwrap();
        assert_eq!(
            written(|out| response.write_to(out, false)),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<ok/>"
        );
    }

    #[test]
    fn the_answer_to_head_has_no_body_but_keeps_its_length() {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n";
        let response = Response::read(&mut Cursor::new(raw.as_bytes()), true).unwrap();
        assert!(response.body.is_empty());
        assert_eq!(
            written(|out| response.write_to(out, false)),
            "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"
        );
    }
}
