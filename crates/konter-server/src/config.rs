//! Settings: a TOML file, then `KONTER_<SECTION>__<KEY>` environment variables, then
//! command-line flags, each overriding the one before.
//!
//! Supplier and gateway credentials live only here. They are held as [`Secret`], whose
//! `Debug` and `Display` print `<redacted>`, so a logged config cannot leak them.

use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// A credential. Readable only through [`Secret::expose`], never through formatting.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_db")]
    pub db: String,
    #[serde(default = "default_listen")]
    pub listen: String,
    #[serde(default)]
    pub suppliers: Suppliers,
    #[serde(default)]
    pub gateways: Gateways,
    #[serde(default)]
    pub fulfilment: Fulfilment,
    #[serde(default)]
    pub testing: Testing,
    #[serde(default)]
    pub owner: OwnerConfig,
    /// HTTPS: when set, `serve` speaks TLS only (see [`crate::tls`]).
    pub tls: Option<TlsConfig>,
    #[serde(default)]
    pub alarms: AlarmsConfig,
}

/// What the operator is alarmed about ([`crate::alarms`]).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmsConfig {
    /// The least deposit per supplier, rupiah: `{ digiflazz = 2000000, iak = 1000000 }`.
    #[serde(default, deserialize_with = "numbers_or_texts")]
    pub deposit_floor_idr: std::collections::BTreeMap<String, i64>,
    /// Seconds between balance checks (default 300; 0 turns them off).
    #[serde(default, deserialize_with = "number_or_text")]
    pub deposit_check_s: Option<u64>,
    /// An order waiting in the fulfilment queue longer than this is stale (default 600).
    #[serde(default, deserialize_with = "number_or_text")]
    pub job_age_s: Option<u64>,
}

/// The certificate konter-server serves HTTPS with.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain in PEM, leaf first (e.g. Let's Encrypt's `fullchain.pem`).
    pub cert: std::path::PathBuf,
    /// Its private key in PEM (PKCS#8, PKCS#1 or SEC1).
    pub key: std::path::PathBuf,
    /// `"1.2"` (the default: TLS 1.2 and 1.3) or `"1.3"` (TLS 1.3 only).
    #[serde(default)]
    pub min_version: Option<String>,
    /// How often the files are checked for a new certificate; default
    /// [`crate::tls::DEFAULT_RELOAD_CHECK`].
    #[serde(default, deserialize_with = "number_or_text")]
    pub reload_check_ms: Option<u64>,
}

/// The owner's back office at `/owner/`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerConfig {
    /// Marks the session cookie `Secure` (only sent over HTTPS). Set it when a TLS proxy in
    /// front does not say `X-Forwarded-Proto: https`; requests that say so get it anyway.
    #[serde(default)]
    pub secure_cookie: bool,
}

/// The fulfilment workers.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fulfilment {
    /// How long a claimed job stays this process's; a crashed process's jobs come back
    /// after it. Default [`crate::fulfil::LEASE`]; keep it longer than a supplier call.
    #[serde(default, deserialize_with = "number_or_text")]
    pub lease_ms: Option<u64>,
    /// Seconds between price-list pulls; default [`crate::prices::DEFAULT_INTERVAL`], never
    /// below Digiflazz's 5 minutes; 0 turns the schedule off.
    #[serde(default, deserialize_with = "number_or_text")]
    pub price_sync_s: Option<u64>,
}

fn default_db() -> String {
    "sqlite://konter-server.db".into()
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppliers {
    pub digiflazz: Option<Digiflazz>,
    pub iak: Option<Iak>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Digiflazz {
    pub base_url: String,
    pub username: String,
    pub api_key: Secret,
    #[serde(default)]
    pub webhook_secret: Secret,
    #[serde(default)]
    pub testing: bool,
    /// Least time between two questions about one ref_id; Digiflazz asks for a minute, the
    /// sandbox needs less.
    #[serde(default, deserialize_with = "number_or_text")]
    pub status_interval_ms: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iak {
    pub base_url: String,
    pub username: String,
    pub api_key: Secret,
    /// Least time between two status checks of one ref_id.
    #[serde(default, deserialize_with = "number_or_text")]
    pub status_interval_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateways {
    pub midtrans: Option<Midtrans>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Midtrans {
    pub base_url: String,
    pub server_key: Secret,
}

/// A whole number from TOML (`1000`) or from the environment, where every value is text.
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(u64),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(Some(n)),
        Either::Text(t) => t
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{t}' is not a whole number"))),
    }
}

/// A table of whole numbers, each from TOML or from the environment.
fn numbers_or_texts<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(i64),
        Text(String),
    }
    let raw = std::collections::BTreeMap::<String, Either>::deserialize(d)?;
    raw.into_iter()
        .map(|(k, v)| match v {
            Either::Number(n) => Ok((k, n)),
            Either::Text(t) => t
                .parse()
                .map(|n| (k, n))
                .map_err(|_| serde::de::Error::custom(format!("'{t}' is not a whole number"))),
        })
        .collect()
}

/// Switches for test and demo setups only.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Testing {
    /// Enables `POST /_test/orders/{id}/settle`, which settles an order by hand. Off in
    /// production: orders are settled by the fulfilment workers.
    #[serde(default)]
    pub allow_manual_settle: bool,
}

/// Top-level keys an environment variable may set; other `KONTER_*` variables belong to
/// other programs (the device's `KONTER_TOKEN_STORE`, say) and are left alone.
const TOP_LEVEL_KEYS: [&str; 9] = [
    "db",
    "listen",
    "suppliers",
    "gateways",
    "fulfilment",
    "testing",
    "owner",
    "tls",
    "alarms",
];

impl Config {
    /// Reads the file (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut value = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading config file {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("parsing config file {}", path.display()))?
            }
            None => toml::Table::new(),
        };
        apply_env(&mut value, std::env::vars())?;
        let config: Config = toml::Value::Table(value)
            .try_into()
            .context("the configuration is not valid")?;
        Ok(config)
    }
}

/// Applies `KONTER_A__B__C=value` as `a.b.c = value`. Values are strings, except `true` and
/// `false`, which are booleans (every boolean setting is a switch).
fn apply_env(
    table: &mut toml::Table,
    vars: impl Iterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    for (name, raw) in vars {
        let Some(path) = name.strip_prefix("KONTER_") else {
            continue;
        };
        let keys: Vec<String> = path.split("__").map(str::to_lowercase).collect();
        if !TOP_LEVEL_KEYS.contains(&keys[0].as_str()) {
            continue;
        }
        let value = match raw.as_str() {
            "true" => toml::Value::Boolean(true),
            "false" => toml::Value::Boolean(false),
            _ => toml::Value::String(raw),
        };
        let mut node = &mut *table;
        for key in &keys[..keys.len() - 1] {
            let entry = node
                .entry(key.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(next) = entry else {
                bail!("{name}: '{key}' is not a section");
            };
            node = next;
        }
        node.insert(keys[keys.len() - 1].clone(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_nested_keys_and_ignores_other_programs() {
        let mut table: toml::Table =
            "db = \"sqlite://a.db\"\n[suppliers.digiflazz]\nbase_url = \"x\"\nusername = \"u\"\napi_key = \"k\"\n"
                .parse()
                .expect("toml");
        let vars = [
            (
                "KONTER_SUPPLIERS__DIGIFLAZZ__BASE_URL",
                "http://127.0.0.1:9/digiflazz/v1",
            ),
            ("KONTER_SUPPLIERS__DIGIFLAZZ__TESTING", "true"),
            ("KONTER_GATEWAYS__MIDTRANS__BASE_URL", "http://m"),
            ("KONTER_GATEWAYS__MIDTRANS__SERVER_KEY", "12345"),
            ("KONTER_TOKEN_STORE", "file"),
            ("PATH", "/bin"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        apply_env(&mut table, vars.into_iter()).expect("applies");
        let config: Config = toml::Value::Table(table).try_into().expect("valid");
        let d = config.suppliers.digiflazz.expect("digiflazz");
        assert_eq!(d.base_url, "http://127.0.0.1:9/digiflazz/v1");
        assert!(d.testing);
        let m = config.gateways.midtrans.expect("midtrans");
        assert_eq!(m.server_key.expose(), "12345", "digits stay a string");
        assert_eq!(config.db, "sqlite://a.db");
    }

    #[test]
    fn secrets_never_format() {
        let s = Secret::new("SB-Mid-server-abc");
        assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
        let m = Midtrans {
            base_url: "http://m".into(),
            server_key: s,
        };
        assert!(!format!("{m:?}").contains("SB-Mid"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let table: toml::Table = "dbb = \"x\"".parse().expect("toml");
        assert!(toml::Value::Table(table).try_into::<Config>().is_err());
    }
}
