//! The one road from the engine to konter-server. Every request the engine makes goes
//! through a [`Link`]: HTTP in the app and the CLI ([`HttpLink`]), the server's router in
//! memory in the simulation (`crates/konter-sim`), where answers are lost, requests never
//! leave and counters go offline on the simulation's word.
//!
//! What the engine needs to know of a failure is one thing: could the request have reached
//! the server ([`Failure::Lost`]) or surely not ([`Failure::NeverLeft`])? An order sent
//! once may have been taken, so it is never re-priced or cancelled afterwards.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::de::DeserializeOwned;

use konter_domain::api::v1::ApiError;
use konter_domain::codes;

use crate::Engine;
use crate::db;
use crate::error::{EngineError, EngineResult};

/// The HTTP verbs the engine uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One request: `path` starts with `/` and carries its query.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: Method,
    pub path: String,
    /// The device token, sent as a bearer credential.
    pub token: Option<String>,
    /// A JSON body (POST).
    pub body: Option<serde_json::Value>,
}

/// The server's answer, unread.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as `T`; an unreadable body is a network fault (a cut answer, a proxy page).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, EngineError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| EngineError::Network(format!("unreadable answer ({}): {e}", self.status)))
    }
}

/// Why no answer came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No connection was made: the server never saw the request.
    NeverLeft(String),
    /// The request may have reached the server; its answer did not come back.
    Lost(String),
}

impl Failure {
    pub fn never_left(&self) -> bool {
        matches!(self, Failure::NeverLeft(_))
    }
}

impl From<Failure> for EngineError {
    fn from(f: Failure) -> EngineError {
        match f {
            Failure::NeverLeft(m) | Failure::Lost(m) => EngineError::Network(m),
        }
    }
}

/// A request on its way.
pub type Sent<'a> = Pin<Box<dyn Future<Output = Result<Answer, Failure>> + Send + 'a>>;

/// Carries requests to the server at `base` (the paired server's URL).
pub trait Link: Send + Sync {
    fn send<'a>(&'a self, base: &'a str, call: Call) -> Sent<'a>;
}

/// The longest a long-poll of the change feed waits for news.
pub const LONG_POLL_S: u64 = 25;

/// A request that takes longer than this is abandoned and retried; long-polls add their
/// own wait on top.
const HTTP_TIMEOUT_S: u64 = 20;

/// HTTP with reqwest. Over HTTPS the server's certificate must chain to a public root
/// (Mozilla's list, built in), to one the system trusts (`/etc/ssl/certs`, e.g. a shop's own
/// CA added with `update-ca-certificates`), or to one in the PEM file [`CA_FILE_ENV`] names.
pub struct HttpLink {
    client: reqwest::Client,
}

/// The environment variable naming a PEM file of further CA certificates to trust.
pub const CA_FILE_ENV: &str = "KONTER_CA_FILE";

impl HttpLink {
    /// Trusts the public and system roots, and the PEM file `KONTER_CA_FILE` names if set.
    pub fn new() -> Result<HttpLink, EngineError> {
        match std::env::var_os(CA_FILE_ENV) {
            Some(path) => {
                let pem = std::fs::read(&path).map_err(|e| {
                    EngineError::Io(format!("{CA_FILE_ENV} {}: {e}", path.to_string_lossy()))
                })?;
                HttpLink::with_extra_roots(&pem)
            }
            None => HttpLink::build(Vec::new()),
        }
    }

    /// Also trusts the CA certificates in `pem` (one or more PEM blocks).
    pub fn with_extra_roots(pem: &[u8]) -> Result<HttpLink, EngineError> {
        let roots = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| EngineError::Io(format!("CA certificates: {e}")))?;
        if roots.is_empty() {
            return Err(EngineError::Io(
                "CA certificates: no PEM certificate found".into(),
            ));
        }
        HttpLink::build(roots)
    }

    fn build(roots: Vec<reqwest::Certificate>) -> Result<HttpLink, EngineError> {
        let mut builder =
            reqwest::Client::builder().timeout(Duration::from_secs(HTTP_TIMEOUT_S + LONG_POLL_S));
        for root in roots {
            builder = builder.add_root_certificate(root);
        }
        let client = builder
            .build()
            .map_err(|e| EngineError::Network(e.to_string()))?;
        Ok(HttpLink { client })
    }
}

impl Link for HttpLink {
    fn send<'a>(&'a self, base: &'a str, call: Call) -> Sent<'a> {
        Box::pin(async move {
            let url = format!("{base}{}", call.path);
            let mut req = match call.method {
                Method::Get => self.client.get(url),
                Method::Post => self.client.post(url),
            };
            if let Some(token) = &call.token {
                req = req.bearer_auth(token);
            }
            if let Some(body) = &call.body {
                req = req.json(body);
            }
            let resp = req.send().await.map_err(|e| {
                let never_left = e.is_connect();
                let message = e.without_url().to_string();
                if never_left {
                    Failure::NeverLeft(message)
                } else {
                    Failure::Lost(message)
                }
            })?;
            let status = resp.status().as_u16();
            let body = resp
                .bytes()
                .await
                .map_err(|e| Failure::Lost(e.without_url().to_string()))?;
            Ok(Answer {
                status,
                body: body.to_vec(),
            })
        })
    }
}

pub(crate) fn credentials(engine: &Engine) -> EngineResult<(String, String)> {
    let base = db::setting(&engine.db(), "server_url")?.ok_or(EngineError::NotPaired)?;
    let token = engine.tokens().get()?.ok_or(EngineError::NotPaired)?;
    Ok((base, token))
}

/// A successful answer's JSON, or the server's error as an engine error.
pub(crate) fn json_or_error<T: serde::de::DeserializeOwned>(answer: &Answer) -> EngineResult<T> {
    if answer.is_success() {
        return answer.json();
    }
    let err: Option<ApiError> = serde_json::from_slice(&answer.body).ok();
    let status = answer.status;
    if status >= 500 {
        let message = err.map_or_else(
            || format!("HTTP {status}"),
            |e| format!("{} ({})", e.message, e.code),
        );
        return Err(EngineError::Network(message));
    }
    Err(match err {
        Some(e) => EngineError::Server {
            code: e.code,
            message: e.message,
            field: e.field,
        },
        None => EngineError::Server {
            code: codes::SERVER_REFUSED.into(),
            message: format!("server menolak ({status}) / the server refused ({status})"),
            field: None,
        },
    })
}

/// Where a server may be: anywhere over HTTPS; over plain HTTP only on this machine
/// (loopback), or on the shop's own network (a private address, or a `.local`/`.lan` name)
/// when the owner confirmed it — a device token and pairing code must never cross the
/// internet in clear. Returns the address without a trailing slash.
pub fn check_server_url(input: &str, lan_confirmed: bool) -> EngineResult<String> {
    let base = input.trim().trim_end_matches('/').to_owned();
    let refuse = |code, id: &str, en: &str| Err(EngineError::input(code, id, en, "server_url"));
    let Ok(url) = reqwest::Url::parse(&base) else {
        return refuse(
            codes::SERVER_URL,
            "alamat server harus diawali http:// atau https://",
            "the server URL must start with http:// or https://",
        );
    };
    match url.scheme() {
        "https" => return Ok(base),
        "http" => {}
        _ => {
            return refuse(
                codes::SERVER_URL,
                "alamat server harus diawali http:// atau https://",
                "the server URL must start with http:// or https://",
            );
        }
    }
    let (loopback, lan) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (ip.is_loopback(), ip.is_private() || ip.is_link_local()),
        Some(url::Host::Ipv6(ip)) => (
            ip.is_loopback(),
            ip.is_unique_local() || ip.is_unicast_link_local(),
        ),
        Some(url::Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            let loopback = name == "localhost" || name.ends_with(".localhost");
            let lan = [".local", ".lan", ".home.arpa", ".internal"]
                .iter()
                .any(|suffix| name.ends_with(suffix));
            (loopback, lan)
        }
        None => (false, false),
    };
    if loopback || (lan && lan_confirmed) {
        return Ok(base);
    }
    if lan {
        return refuse(
            codes::SERVER_URL_LAN_HTTP,
            "alamat http:// tanpa enkripsi: pastikan server ini di jaringan toko sendiri, lalu konfirmasi",
            "a plain http:// address: confirm this server is on the shop's own network",
        );
    }
    refuse(
        codes::SERVER_URL_PLAIN_HTTP,
        "server di internet harus memakai https://; http:// mengirim token perangkat tanpa enkripsi",
        "a server on the internet must use https://; http:// would send the device token in clear",
    )
}

#[cfg(test)]
mod url_tests {
    use super::*;

    fn code(input: &str, lan: bool) -> Result<String, String> {
        check_server_url(input, lan).map_err(|e| match e {
            EngineError::Input { code, field, .. } => format!("{code}@{field}"),
            other => other.to_string(),
        })
    }

    #[test]
    fn plain_http_only_on_this_machine_or_a_confirmed_shop_network() {
        assert_eq!(
            code("https://konter.example.id/", false),
            Ok("https://konter.example.id".into())
        );
        assert_eq!(
            code(" http://127.0.0.1:8080 ", false),
            Ok("http://127.0.0.1:8080".into())
        );
        assert_eq!(
            code("http://localhost:8080", false),
            Ok("http://localhost:8080".into())
        );
        assert_eq!(
            code("http://[::1]:8080", false),
            Ok("http://[::1]:8080".into())
        );
        for lan in [
            "http://192.168.1.10:8080",
            "http://10.0.0.2",
            "http://172.20.1.1",
            "http://kasir.local",
            "http://[fd00::1]",
        ] {
            assert_eq!(
                code(lan, false),
                Err("server_url_lan_http@server_url".into()),
                "{lan}"
            );
            assert!(code(lan, true).is_ok(), "{lan} confirmed");
        }
        for public in [
            "http://203.0.113.7:8080",
            "http://konter.example.id",
            "http://172.32.0.1",
            "http://8.8.8.8",
        ] {
            assert_eq!(
                code(public, true),
                Err("server_url_plain_http@server_url".into()),
                "{public}"
            );
        }
        assert_eq!(code("ftp://x", false), Err("server_url@server_url".into()));
        assert_eq!(
            code("konter.example.id", false),
            Err("server_url@server_url".into())
        );
    }
}
