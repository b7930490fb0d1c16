//! A web server for the tests, on 127.0.0.1 only (the tests send traffic
//! nowhere else): each path answers as its [`Route`] says, and every
//! connection and request is counted and kept for the test to look at.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a path answers.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// With this ETag: a request with `If-None-Match` naming it gets 304.
    pub etag: Option<String>,
}

impl Route {
    /// A 200 page of HTML.
    pub fn html(body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.into(),
            ..Route::default()
        }
    }

    /// A 200 answer of `kind` (`application/rss+xml`, ...).
    pub fn typed(kind: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            headers: vec![("Content-Type".into(), kind.into())],
            body: body.into(),
            ..Route::default()
        }
    }

    /// A redirect to `to`.
    pub fn redirect(to: &str) -> Route {
        Route { status: 302, headers: vec![("Location".into(), to.into())], ..Route::default() }
    }

    pub fn status(status: u16) -> Route {
        Route { status, body: b"no".to_vec(), ..Route::default() }
    }

    pub fn delayed(mut self, d: Duration) -> Route {
        self.delay = d;
        self
    }

    pub fn with_etag(mut self, e: &str) -> Route {
        self.etag = Some(e.into());
        self
    }
}

/// A request as it came: the path and the headers, lower-cased names.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
}

/// The server; stopped when dropped.
pub struct Server {
    pub port: u16,
    routes: Arc<std::sync::RwLock<HashMap<String, Route>>>,
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves `routes` (path -> route; anything else is 404).
    pub fn start(routes: Vec<(&str, Route)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let routes: Arc<std::sync::RwLock<HashMap<String, Route>>> =
            Arc::new(std::sync::RwLock::new(routes.into_iter().map(|(p, r)| (p.to_string(), r)).collect()));
        let served = Arc::clone(&routes);
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, r, s) = (Arc::clone(&connections), Arc::clone(&requests), Arc::clone(&stop));
        let routes_kept = routes;
        let routes = served;
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        c.fetch_add(1, Ordering::SeqCst);
                        let (routes, requests) = (Arc::clone(&routes), Arc::clone(&r));
                        std::thread::spawn(move || serve(stream, &routes, &requests));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { port, routes: routes_kept, connections, requests, stop }
    }

    /// From now on `path` answers as `route` says.
    pub fn set(&self, path: &str, route: Route) {
        self.routes.write().expect("lock").insert(path.to_string(), route);
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The requests for `path` so far.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests.lock().expect("lock").iter().filter(|r| r.path == path).cloned().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(
    stream: TcpStream,
    routes: &std::sync::RwLock<HashMap<String, Route>>,
    requests: &Mutex<Vec<Request>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut out = stream;
    // Keep-alive: answer requests on this connection until it closes.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let route = routes.read().expect("lock").get(&path).cloned().unwrap_or_else(|| Route::status(404));
        requests.lock().expect("lock").push(Request { path, headers: headers.clone() });
        std::thread::sleep(route.delay);
        let fresh = route.etag.as_ref().is_some_and(|e| headers.get("if-none-match") == Some(e));
        let (status, body) = if fresh { (304, Vec::new()) } else { (route.status, route.body) };
        let reason = match status {
            200 => "OK",
            302 => "Found",
            304 => "Not Modified",
            404 => "Not Found",
            500 => "Internal Server Error",
            _ => "Status",
        };
        let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\n", body.len());
        for (k, v) in &route.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(e) = &route.etag {
            head.push_str(&format!("ETag: {e}\r\n"));
        }
        head.push_str("\r\n");
        if out.write_all(head.as_bytes()).and_then(|()| out.write_all(&body)).is_err() {
            return;
        }
    }
}
