//! One page over HTTP(S), blocking, with no async runtime: `ureq` with
//! rustls, on the caller's thread (the reader's workers, `fetch`'s pool).
//!
//! The limits: only `http` and `https`; 10 s to connect, 20 s in all; at
//! most 5 redirects; a 5 MiB body; gzip; the page's charset (the header's,
//! else its `<meta>`'s, else UTF-8). Unless allowed, a host that resolves to
//! a loopback, private, link-local or otherwise non-public address is
//! refused by the resolver, before any connection, at every redirect.
//! Proxies named in the environment are not used (the check would see the
//! proxy, not the page's host).

use super::ArticleError;
use super::Options;
use std::net::IpAddr;
use std::time::Duration;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The most a page may weigh.
pub const MAX_BODY: u64 = 5 * 1024 * 1024;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(20);
pub const MAX_REDIRECTS: u32 = 5;
/// Who is asking.
pub const USER_AGENT: &str =
    concat!("linkfeed/", env!("CARGO_PKG_VERSION"), " (reader mode; +https://github.com/linkfeed)");

/// What a kept copy says, to ask whether it changed.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A page as fetched.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it was after redirects.
    pub final_url: String,
    pub status: u16,
    /// The HTML, decoded.
    pub html: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    Page(Page),
    /// The kept copy still holds (304).
    NotModified,
}

/// Why `ip` is not to be fetched from by default, if it is not.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("a loopback")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("a private")
            } else if v4.is_link_local() {
                Some("a link-local")
            } else if v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast() || a == 0 || a >= 240 {
                Some("a reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            let first = seg[0];
            // An IPv4 address carried in the last 32 bits (NAT64), or in
            // bits 16..48 (6to4): judged as that address.
            let v4_at = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
            if v6.is_loopback() {
                Some("a loopback")
            } else if v6.is_unspecified() {
                Some("a reserved")
            } else if seg[..6] == [0; 6] {
                // IPv4-compatible (`::127.0.0.1`), deprecated: never public.
                non_public(IpAddr::V4(v4_at(seg[6], seg[7]))).or(Some("a reserved"))
            } else if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64's well-known prefix: it reaches the IPv4 address inside.
                non_public(IpAddr::V4(v4_at(seg[6], seg[7])))
            } else if seg[..3] == [0x64, 0xff9b, 1] {
                // NAT64 for local use.
                Some("a private")
            } else if first == 0x2002 {
                non_public(IpAddr::V4(v4_at(seg[1], seg[2])))
            } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfec0 {
                Some("a private")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local")
            } else if v6.is_multicast() || seg[..4] == [0x100, 0, 0, 0] {
                Some("a reserved")
            } else {
                None
            }
        }
    }
}

/// The resolver that refuses non-public addresses: it answers before any
/// connection is tried, so a refused host is never reached.
#[derive(Debug, Default)]
struct Guarded {
    allow_private: bool,
    /// The host the user named (a web feed's own address): allowed
    /// whatever it resolves to; a redirect elsewhere is judged as usual.
    trusted_host: Option<String>,
    inner: DefaultResolver,
}

impl Resolver for Guarded {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let trusted = self.trusted_host.as_deref().is_some_and(|h| uri.host() == Some(h));
        if !self.allow_private
            && !trusted
            && let Some((ip, what)) = found.iter().find_map(|a| non_public(a.ip()).map(|w| (a.ip(), w)))
        {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("refused: {ip} is {what} address (fetch_private_addresses = true allows it)"),
            )));
        }
        Ok(found)
    }
}

/// A response's body as it came, before it is judged a page.
#[derive(Debug, Clone)]
pub struct Body {
    pub final_url: String,
    pub status: u16,
    /// The media type, lower-cased (`text/html`).
    pub kind: String,
    pub charset: Option<String>,
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one request gave: a body, or the kept copy still holds (304).
#[derive(Debug, Clone)]
pub enum Got {
    Body(Body),
    NotModified,
}

/// Fetches `url` (asking whether a kept copy still holds, with `kept`).
pub fn fetch(url: &str, kept: Option<&Validators>, options: &Options) -> Result<Fetched, ArticleError> {
    let accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
    let body = match get(url, kept, options, accept, None)? {
        Got::NotModified => return Ok(Fetched::NotModified),
        Got::Body(b) => b,
    };
    if !(body.kind.contains("html") || body.kind.starts_with("text/")) {
        return Err(ArticleError::NotAPage(crate::text::sanitize::one_line(&body.kind)));
    }
    if let Some(what) = binary(&body.bytes) {
        return Err(ArticleError::Binary(what.to_string()));
    }
    let html = decode(&body.bytes, body.charset.as_deref());
    let Body { final_url, status, etag, last_modified, .. } = body;
    Ok(Fetched::Page(Page { final_url, status, html, etag, last_modified }))
}

/// One GET of `url` with the limits above (`accept` as its Accept header;
/// `trusted_host`, the host the user named, may be a private address).
pub fn get(
    url: &str,
    kept: Option<&Validators>,
    options: &Options,
    accept: &str,
    trusted_host: Option<&str>,
) -> Result<Got, ArticleError> {
    let parsed = url::Url::parse(url).map_err(|e| ArticleError::NotAnAddress(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ArticleError::NotHttp(parsed.scheme().to_string()));
    }
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(TOTAL_TIMEOUT))
        .max_redirects(MAX_REDIRECTS)
        .user_agent(USER_AGENT)
        .http_status_as_error(false)
        // Directly: a proxy from the environment would be what the resolver
        // checks, not the page's host.
        .proxy(None)
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        Guarded {
            allow_private: options.allow_private,
            trusted_host: trusted_host.map(str::to_string),
            inner: DefaultResolver::default(),
        },
    );
    let mut request = agent.get(parsed.as_str()).header("Accept", accept);
    if let Some(v) = kept {
        if let Some(e) = &v.etag {
            request = request.header("If-None-Match", e);
        }
        if let Some(m) = &v.last_modified {
            request = request.header("If-Modified-Since", m);
        }
    }
    let mut response = request.call().map_err(|e| ArticleError::Fetch(reason(&e)))?;
    let status = response.status().as_u16();
    if status == 304 {
        return Ok(Got::NotModified);
    }
    if status >= 400 {
        let reason = response.status().canonical_reason().unwrap_or("").to_string();
        return Err(ArticleError::Status { status, reason });
    }
    let header = |name: &str| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).map(crate::text::sanitize::one_line)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let kind = response.body().mime_type().unwrap_or("text/html").to_ascii_lowercase();
    let charset = response.body().charset().map(str::to_string);
    let final_url = ureq::ResponseExt::get_uri(&response).to_string();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|e| ArticleError::Fetch(reason(&e)))?;
    Ok(Got::Body(Body { final_url, status, kind, charset, bytes, etag, last_modified }))
}

/// What `bytes` are when they are plainly not text (whatever the server
/// called them): a known file's signature, NUL bytes, or mostly bytes that
/// are not text in the first 8 KiB.
pub fn binary(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF"),
        (b"\x89PNG", "an image"),
        (b"\xff\xd8\xff", "an image"),
        (b"GIF8", "an image"),
        (b"PK\x03\x04", "an archive"),
        (b"\x1f\x8b", "compressed data"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(what);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Some("binary data");
    }
    // Bytes that are neither text nor part of a UTF-8 sequence, nor of a
    // single-byte encoding's letters: control bytes other than white space.
    let odd = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    (odd * 20 > head.len()).then_some("binary data")
}

/// The page's text: in the header's charset, else the one its `<meta>`
/// names in the first 4 KiB, else UTF-8 (a byte that is not becomes U+FFFD).
pub fn decode(bytes: &[u8], header: Option<&str>) -> String {
    let named = header.map(str::to_string).or_else(|| meta_charset(&bytes[..bytes.len().min(4096)]));
    let encoding = named
        .and_then(|n| encoding_rs::Encoding::for_label(n.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// `<meta charset="x">` or `<meta http-equiv="content-type" content="...; charset=x">`.
fn meta_charset(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")?;
    let rest = head[at + 8..].trim_start_matches(['"', '\'', ' ']);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// One line a reader understands, for a failed fetch.
fn reason(e: &ureq::Error) -> String {
    use ureq::Error as E;
    match e {
        E::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            format!("timed out after {} s connecting", CONNECT_TIMEOUT.as_secs())
        }
        E::Timeout(_) => format!("timed out after {} s", TOTAL_TIMEOUT.as_secs()),
        E::HostNotFound => "no such host".into(),
        E::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        E::RedirectFailed => "a redirect led nowhere".into(),
        E::BodyExceedsLimit(_) => format!("the page is over {} MiB; `o` opens it", MAX_BODY >> 20),
        E::ConnectionFailed => "could not connect".into(),
        E::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => io.to_string(),
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused".into()
        }
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            format!("timed out after {} s", TOTAL_TIMEOUT.as_secs())
        }
        // getaddrinfo's failure: no such name, or no network to ask.
        E::Io(io) if io.to_string().contains("lookup address") => {
            "could not look up the host (no such host, or offline)".into()
        }
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            ) || io.to_string().contains("Peer disconnected") =>
        {
            "the server closed the connection before the page came; try again later".into()
        }
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::NetworkUnreachable | std::io::ErrorKind::HostUnreachable
            ) =>
        {
            "no route to the host (offline, or the network is down)".into()
        }
        E::BadUri(_) | E::Http(_) => {
            "the server pointed to an address that is not an http or https page; `o` opens it in the browser"
                .into()
        }
        E::Protocol(_) | E::LargeResponseHeader(..) => {
            "the server's answer is not valid HTTP; `o` opens it in the browser".into()
        }
        E::Tls(_) | E::Rustls(_) | E::Pem(_) | E::TlsRequired => {
            "the secure connection failed (the site's certificate or TLS)".into()
        }
        E::Decompress(..) => "the page's compressed body is damaged".into(),
        E::BodyStalled => {
            format!("the server stopped sending; timed out after {} s", TOTAL_TIMEOUT.as_secs())
        }
        other => {
            format!("could not fetch the page ({})", crate::text::sanitize::one_line(&other.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_by_default() {
        for (ip, what) in [
            ("127.0.0.1", Some("a loopback")),
            ("10.0.0.5", Some("a private")),
            ("192.168.1.1", Some("a private")),
            ("172.16.0.1", Some("a private")),
            ("100.64.0.1", Some("a private")),
            ("169.254.169.254", Some("a link-local")),
            ("0.0.0.0", Some("a reserved")),
            ("::1", Some("a loopback")),
            ("fd00::1", Some("a private")),
            ("fe80::1", Some("a link-local")),
            ("::ffff:10.0.0.1", Some("a private")),
            // IPv4 inside IPv6 (issue 42): compatible, NAT64, 6to4.
            ("::127.0.0.1", Some("a loopback")),
            ("::8.8.8.8", Some("a reserved")),
            ("64:ff9b::7f00:1", Some("a loopback")),
            ("64:ff9b::a00:1", Some("a private")),
            ("64:ff9b::5db8:d70e", None),
            ("64:ff9b:1::1", Some("a private")),
            ("2002:7f00:1::1", Some("a loopback")),
            ("2002:c0a8:101::1", Some("a private")),
            ("fec0::1", Some("a private")),
            ("100::1", Some("a reserved")),
            ("::", Some("a reserved")),
            ("93.184.215.14", None),
            ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ] {
            let ip: IpAddr = ip.parse().expect("an address");
            assert_eq!(non_public(ip), what, "{ip}");
        }
    }

    #[test]
    fn the_pages_charset_is_honoured() {
        // "café" in Latin-1, named by the page only.
        let page = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        assert!(decode(page, None).contains("café"));
        let page =
            b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>\x93quoted\x94";
        assert!(decode(page, None).contains("\u{201c}quoted\u{201d}"));
        // The header wins; without either, UTF-8.
        assert!(decode("café".as_bytes(), Some("utf-8")).contains("café"));
        assert!(decode(b"caf\xe9", None).contains("caf\u{fffd}"));
    }

    #[test]
    fn failures_read_as_one_plain_line() {
        let lookup = ureq::Error::Io(std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        ));
        assert_eq!(reason(&lookup), "could not look up the host (no such host, or offline)");
        assert_eq!(reason(&ureq::Error::Timeout(ureq::Timeout::Connect)), "timed out after 10 s connecting");
        assert_eq!(reason(&ureq::Error::Timeout(ureq::Timeout::Global)), "timed out after 20 s");
        assert_eq!(reason(&ureq::Error::TooManyRedirects), "more than 5 redirects");
    }

    /// The guard answers before any connection: a listener on loopback
    /// sees none for the addresses that reach it in disguise.
    #[test]
    fn disguised_loopback_addresses_are_refused_before_connecting() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("its address").port();
        for host in ["[::127.0.0.1]", "[64:ff9b::7f00:1]", "[::ffff:127.0.0.1]", "127.1", "[2002:7f00:1::1]"]
        {
            let url = format!("http://{host}:{port}/");
            let e = fetch(&url, None, &Options::default()).expect_err(&url).to_string();
            assert!(e.contains("refused") && e.contains("fetch_private_addresses"), "{url}: {e}");
        }
        assert!(listener.accept().is_err(), "no connection reached the listener");
    }

    #[test]
    fn binary_bodies_are_known_whatever_they_are_called() {
        assert_eq!(binary(b"%PDF-1.7\n%\xe2\xe3"), Some("a PDF"));
        let noise: Vec<u8> = (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert_eq!(binary(&noise), Some("binary data"));
        assert_eq!(binary("<html><p>café</p></html>".as_bytes()), None);
        assert_eq!(binary(b"<p>caf\xe9 in Latin-1\r\n\t</p>"), None);
    }

    #[test]
    fn only_http_and_https() {
        for url in ["file:///etc/passwd", "ftp://a.b/c", "javascript:alert(1)", "gopher://x"] {
            let e = fetch(url, None, &Options::default()).expect_err(url).to_string();
            assert!(e.starts_with("only http and https") || e.starts_with("not an address"), "{url}: {e}");
        }
    }
}
