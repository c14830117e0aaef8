//! Message bodies off the wire, unframed: by Content-Length, chunked (the one chunked
//! decoder, trailers dropped), or up to the peer's close for a response with neither.

use super::message::Headers;
use std::io::{self, BufRead, Read};

/// How the body after a head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    Empty,
    Length(u64),
    Chunked,
    /// A response with neither length nor chunking runs until the peer closes.
    UntilClose,
}

impl Framing {
    /// `bodiless`: the answer to a HEAD, or a 1xx, 204 or 304 answer.
    pub(super) fn of(headers: &Headers, is_response: bool, bodiless: bool) -> io::Result<Self> {
        if bodiless {
            return Ok(Self::Empty);
        }
        let chunked = headers
            .get("Transfer-Encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        if chunked {
            return Ok(Self::Chunked);
        }
        match headers.get("Content-Length") {
            Some(length) => length
                .parse()
                .map(Self::Length)
                .map_err(|_| invalid(format!("bad Content-Length {length:?}"))),
            None if is_response => Ok(Self::UntilClose),
            None => Ok(Self::Empty),
        }
    }

    pub(super) fn read(self, reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        match self {
            Self::Empty => {}
            Self::Length(length) => read_exactly(reader, length, &mut body)?,
            Self::Chunked => read_chunked(reader, &mut body)?,
            Self::UntilClose => {
                reader.read_to_end(&mut body)?;
            }
        }
        Ok(body)
    }
}

fn read_chunked(reader: &mut impl BufRead, body: &mut Vec<u8>) -> io::Result<()> {
    loop {
        let line = read_line(reader)?;
        let size = match httparse::parse_chunk_size(&line) {
            Ok(httparse::Status::Complete((_, size))) => size,
            _ => return Err(invalid(format!("bad chunk size line {line:?}"))),
        };
        if size == 0 {
            // Trailers, up to the empty line that ends the body.
            while !is_blank(&read_line(reader)?) {}
            return Ok(());
        }
        read_exactly(reader, size, body)?;
        if !is_blank(&read_line(reader)?) {
            return Err(invalid("chunk not followed by CRLF".into()));
        }
    }
}

/// Appends `length` bytes, growing as they arrive rather than trusting the peer's number.
fn read_exactly(reader: &mut impl BufRead, length: u64, body: &mut Vec<u8>) -> io::Result<()> {
    let read = reader.take(length).read_to_end(body)?;
    if read as u64 == length {
        Ok(())
    } else {
        Err(io::ErrorKind::UnexpectedEof.into())
    }
}

/// One line with its line ending; end of input before it is an error.
pub(super) fn read_line(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line)
}

pub(super) fn is_blank(line: &[u8]) -> bool {
    matches!(line, b"\r\n" | b"\n")
}

pub(super) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(framing: Framing, wire: &str) -> io::Result<Vec<u8>> {
        framing.read(&mut Cursor::new(wire.as_bytes()))
    }

    #[test]
    fn decodes_chunks_with_extensions_and_drops_trailers() {
        let wire = "4\r\nActi\r\n8;ext=1\r\non=Ping&\r\n0\r\nTrailer: t\r\n\r\nNEXT";
        let mut reader = Cursor::new(wire.as_bytes());
        assert_eq!(Framing::Chunked.read(&mut reader).unwrap(), b"Action=Ping&");
        // The reader stops where the next message starts.
        assert_eq!(reader.position() as usize, wire.len() - "NEXT".len());
    }

    #[test]
    fn refuses_bad_chunks_and_short_bodies() {
        assert!(read(Framing::Chunked, "zz\r\nab\r\n0\r\n\r\n").is_err());
        assert!(read(Framing::Chunked, "2\r\nabc\r\n0\r\n\r\n").is_err());
        assert!(read(Framing::Chunked, "2\r\nab\r\n").is_err());
        assert!(read(Framing::Length(5), "abc").is_err());
        assert_eq!(read(Framing::Length(3), "abcdef").unwrap(), b"abc");
        assert_eq!(
            read(Framing::UntilClose, "to the end").unwrap(),
            b"to the end"
        );
    }
}
