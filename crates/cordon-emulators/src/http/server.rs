//! The one accept loop: a server on 127.0.0.1 on a free port, a thread per keep-alive
//! connection, and a stop on drop that also cuts the connections still open.

use super::message::{Request, Response};
use crate::lock;
use std::collections::HashMap;
use std::io::{self, BufReader};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a handler does with a request.
pub(crate) enum Reply {
    Answer(Response),
    /// Close the connection without an answer.
    Hangup,
}

/// A running server. Dropping it stops it.
pub(crate) struct Server {
    addr: SocketAddr,
    /// Open connections, to cut on drop; `None` once stopped.
    open: Arc<Mutex<Option<HashMap<usize, TcpStream>>>>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves every request with `handler`, which may block (as the Runtime API's
    /// `next` does): each connection has its own thread. `name` names the threads.
    pub(crate) fn start<H>(name: &str, handler: H) -> io::Result<Self>
    where
        H: Fn(Request) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let open = Arc::new(Mutex::new(Some(HashMap::new())));
        let accept = {
            let open = Arc::clone(&open);
            let connection_name = format!("{name}-conn");
            std::thread::Builder::new()
                .name(name.to_owned())
                .spawn(move || accept_loop(&listener, &open, &connection_name, handler))?
        };
        Ok(Self {
            addr,
            open,
            accept: Some(accept),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let open = lock(&self.open).take();
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

type Open = Mutex<Option<HashMap<usize, TcpStream>>>;

fn accept_loop<H>(listener: &TcpListener, open: &Arc<Open>, name: &str, handler: H)
where
    H: Fn(Request) -> Reply + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    for (id, stream) in listener.incoming().enumerate() {
        let Ok(stream) = stream else {
            // Out of descriptors, say: let some connections finish.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        match lock(open).as_mut() {
            None => return,
            Some(connections) => match stream.try_clone() {
                Ok(clone) => connections.insert(id, clone),
                Err(_) => continue,
            },
        };
        let forget = {
            let open = Arc::clone(open);
            move || {
                if let Some(connections) = lock(&open).as_mut() {
                    connections.remove(&id);
                }
            }
        };
        let handler = Arc::clone(&handler);
        let spawned = std::thread::Builder::new().name(name.to_owned()).spawn({
            let forget = forget.clone();
            move || {
                let _ = serve(&stream, handler.as_ref());
                forget();
            }
        });
        if spawned.is_err() {
            forget();
        }
    }
}

/// Answers the requests of one connection until either side closes it.
fn serve(stream: &TcpStream, handler: &impl Fn(Request) -> Reply) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream);
    while let Some(request) = Request::read(&mut reader)? {
        let close = request.wants_close();
        match handler(request) {
            Reply::Answer(response) => response.write_to(&mut &*stream, close)?,
            Reply::Hangup => return stream.shutdown(Shutdown::Both),
        }
        if close {
            break;
        }
    }
    Ok(())
}
