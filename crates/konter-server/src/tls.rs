//! HTTPS served by konter-server itself (rustls; see docs/operations.md).
//!
//! Only TLS 1.3 and 1.2 exist in rustls, and of 1.2 only forward-secret AEAD suites
//! (ECDHE with AES-GCM or ChaCha20-Poly1305): no CBC, no RSA key exchange, no renegotiation.
//! `min_version = "1.3"` drops 1.2 as well. The certificate and key files are read again
//! every `reload_check_ms` and, when either changed, served from the next handshake on,
//! without a restart (a renewed Let's Encrypt certificate, say). A pair that does not load
//! (a half-written file, a key that does not match) is logged as an ERROR and the last good
//! one stays.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::config::TlsConfig;

/// How often the files are looked at when the settings do not say.
pub const DEFAULT_RELOAD_CHECK: Duration = Duration::from_secs(10);

/// The rustls settings for a certificate chain and key in PEM.
pub fn server_config(
    settings: &TlsConfig,
    cert_pem: &[u8],
    key_pem: &[u8],
) -> anyhow::Result<Arc<ServerConfig>> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("tls.cert {}: not PEM certificates", settings.cert.display()))?;
    if chain.is_empty() {
        bail!("tls.cert {}: no certificate in it", settings.cert.display());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .with_context(|| format!("tls.key {}: no PEM private key", settings.key.display()))?;
    let versions: &[&rustls::SupportedProtocolVersion] = match settings.min_version.as_deref() {
        None | Some("1.2") => &[&rustls::version::TLS13, &rustls::version::TLS12],
        Some("1.3") => &[&rustls::version::TLS13],
        Some(other) => bail!("tls.min_version: '{other}' is not 1.2 or 1.3"),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .context("tls: protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("tls: the key does not match the certificate")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The certificate and key files' contents and their fingerprint.
fn read_pair(settings: &TlsConfig) -> anyhow::Result<(Vec<u8>, Vec<u8>, [u8; 32])> {
    let cert = read(&settings.cert, "tls.cert")?;
    let key = read(&settings.key, "tls.key")?;
    let mut digest = Sha256::new();
    digest.update(&cert);
    digest.update([0]);
    digest.update(&key);
    Ok((cert, key, digest.finalize().into()))
}

fn read(path: &Path, field: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{field}: reading {}", path.display()))
}

/// Loads the files once (an error stops the server from starting) and returns the config the
/// listener serves with, plus a task that reloads it until `stopped`.
pub fn load(
    settings: &TlsConfig,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<(RustlsConfig, tokio::task::JoinHandle<()>)> {
    let (cert, key, seen) = read_pair(settings)?;
    let served = RustlsConfig::from_config(server_config(settings, &cert, &key)?);
    let task = tokio::spawn(watch(settings.clone(), served.clone(), seen, stopped));
    Ok((served, task))
}

async fn watch(
    settings: TlsConfig,
    served: RustlsConfig,
    mut seen: [u8; 32],
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let every = settings
        .reload_check_ms
        .map_or(DEFAULT_RELOAD_CHECK, Duration::from_millis);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped.changed() => return,
        }
        let loaded = read_pair(&settings).and_then(|(cert, key, fingerprint)| {
            if fingerprint == seen {
                return Ok(None);
            }
            server_config(&settings, &cert, &key).map(|c| Some((c, fingerprint)))
        });
        match loaded {
            Ok(None) => {}
            Ok(Some((config, fingerprint))) => {
                served.reload_from_config(config);
                seen = fingerprint;
                tracing::info!(cert = %settings.cert.display(), "tls certificate reloaded");
            }
            Err(e) => {
                // Only once per change: the same broken pair is not reported every check.
                if let Ok((_, _, fingerprint)) = read_pair(&settings) {
                    seen = fingerprint;
                }
                tracing::error!(
                    alarm = "tls_reload_failed",
                    "tls certificate not reloaded, the last good one stays: {e:#}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        (cert.pem(), key.serialize_pem())
    }

    fn settings(min_version: Option<&str>) -> TlsConfig {
        TlsConfig {
            cert: "/etc/konter/cert.pem".into(),
            key: "/etc/konter/key.pem".into(),
            min_version: min_version.map(str::to_owned),
            reload_check_ms: None,
        }
    }

    #[test]
    fn a_good_pair_loads_with_tls_1_3_and_1_2_or_1_3_only() {
        let (cert, key) = pair();
        let config = server_config(&settings(None), cert.as_bytes(), key.as_bytes()).expect("ok");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        for min in ["1.2", "1.3"] {
            server_config(&settings(Some(min)), cert.as_bytes(), key.as_bytes()).expect(min);
        }
    }

    #[test]
    fn bad_files_and_settings_are_refused_naming_the_setting() {
        let (cert, key) = pair();
        let (_, other_key) = pair();
        let cases: [(&str, &str, Option<&str>, &str); 5] = [
            ("", &key, None, "tls.cert"),
            ("not a certificate", &key, None, "tls.cert"),
            (&cert, "", None, "tls.key"),
            (&cert, &other_key, None, "does not match"),
            (&cert, &key, Some("1.1"), "tls.min_version"),
        ];
        for (c, k, min, says) in cases {
            let err = server_config(&settings(min), c.as_bytes(), k.as_bytes())
                .expect_err(says)
                .to_string();
            assert!(err.contains(says), "{says}: {err}");
        }
    }
}
