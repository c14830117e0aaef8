//! The one HTTP/1.1 layer of the stand-ins: heads parsed by `httparse`, bodies unframed
//! by one reader, a server with one accept loop, and a one-shot client.
//!
//! Plain threads and blocking sockets: xtask uses this crate and stays free of an async
//! runtime, and loopback servers for a few hundred calls need none.

mod body;
mod client;
mod message;
mod server;

pub(crate) use client::{endpoint_addr, send};
pub(crate) use message::{Request, Response};
pub(crate) use server::{Reply, Server};

/// Writes `raw` on `stream` and reads one answer off it, parsed by hand rather than by
/// this layer: its head (status line and headers) and its body.
#[cfg(test)]
pub(crate) fn exchange(stream: &mut std::net::TcpStream, raw: &str) -> (String, String) {
    use std::io::{BufRead, BufReader, Read, Write};
    stream.write_all(raw.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let (mut head, mut length) = (String::new(), 0);
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
