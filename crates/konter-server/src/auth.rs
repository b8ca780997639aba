//! Device credentials (one-time pairing codes and bearer tokens) and the limits on guessing
//! them.
//!
//! A pairing code is short enough to read aloud and type (8 characters from an alphabet
//! without look-alikes), expires quickly and works once. The token it is exchanged for has
//! 256 random bits; the server stores only its SHA-256, so a copy of the database does not
//! let anyone act as a device.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// Characters of a pairing code: no 0/O, 1/I/L, U, so a code read aloud is typed right.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
pub const CODE_LEN: usize = 8;
/// How long a pairing code works: long enough to walk to the counter and type it.
pub const CODE_TTL: Duration = Duration::from_secs(15 * 60);
/// Bytes of randomness in a device token (256 bits).
const TOKEN_BYTES: usize = 32;
/// Failed pairing attempts one address may make per window. With 30^8 ≈ 6.6 * 10^11 codes
/// and a 15-minute life, guessing is hopeless at this rate.
pub const PAIR_FAILURES_PER_WINDOW: u32 = 10;
/// Failed attempts from all addresses together per window: the backstop against many
/// addresses guessing at once.
pub const PAIR_FAILURES_GLOBAL: u32 = 500;
pub const PAIR_WINDOW: Duration = Duration::from_secs(15 * 60);

pub fn new_pairing_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// Upper-cases and drops spaces and dashes, so `abcd-efgh` is `ABCDEFGH`.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new device token, `kt_` followed by 43 base64url characters. `rand::rng()` is a
/// cryptographically secure generator seeded from the operating system.
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!("kt_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Counts failed attempts per key (an address, a phone number) and in total, in fixed
/// windows: pairing codes per address, owner logins per phone and per address.
pub struct Limiter<K> {
    per_key: u32,
    total: u32,
    window: Duration,
    state: Mutex<LimiterState<K>>,
}

struct LimiterState<K> {
    window_start: Option<Instant>,
    total: u32,
    by_key: HashMap<K, u32>,
}

impl<K> Default for LimiterState<K> {
    fn default() -> Self {
        LimiterState {
            window_start: None,
            total: 0,
            by_key: HashMap::new(),
        }
    }
}

/// Failed pairing attempts, per address.
pub type PairLimiter = Limiter<Option<IpAddr>>;

impl Default for PairLimiter {
    fn default() -> Self {
        Limiter::new(PAIR_FAILURES_PER_WINDOW, PAIR_FAILURES_GLOBAL, PAIR_WINDOW)
    }
}

impl<K: std::hash::Hash + Eq> Limiter<K> {
    pub fn new(per_key: u32, total: u32, window: Duration) -> Limiter<K> {
        Limiter {
            per_key,
            total,
            window,
            state: Mutex::new(LimiterState::default()),
        }
    }

    fn with_window<T>(&self, now: Instant, f: impl FnOnce(&mut LimiterState<K>) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.window_start
            .is_none_or(|start| now.duration_since(start) >= self.window)
        {
            *s = LimiterState {
                window_start: Some(now),
                ..LimiterState::default()
            };
        }
        f(&mut s)
    }

    /// Whether every one of `keys` may try now.
    pub fn allowed(&self, keys: &[K], now: Instant) -> bool {
        self.with_window(now, |s| {
            s.total < self.total
                && keys
                    .iter()
                    .all(|k| s.by_key.get(k).copied().unwrap_or(0) < self.per_key)
        })
    }

    /// Counts a failure against each of `keys`.
    pub fn failed(&self, keys: Vec<K>, now: Instant) {
        self.with_window(now, |s| {
            s.total += 1;
            for k in keys {
                *s.by_key.entry(k).or_default() += 1;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tokens_have_their_shape() {
        let code = new_pairing_code();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(normalise_code("abcd-efgh "), "ABCDEFGH");
        let token = new_token();
        assert!(token.starts_with("kt_"));
        assert_eq!(URL_SAFE_NO_PAD.decode(&token[3..]).expect("b64").len(), 32);
        assert_ne!(new_token(), token, "tokens are random");
        assert_eq!(hash_secret("x").len(), 64);
    }

    #[test]
    fn limiter_blocks_after_repeated_failures_and_resets() {
        let l = PairLimiter::default();
        let t0 = Instant::now();
        let a: Option<IpAddr> = "10.1.2.3".parse().ok();
        let b: Option<IpAddr> = "10.1.2.4".parse().ok();
        for _ in 0..PAIR_FAILURES_PER_WINDOW {
            assert!(l.allowed(&[a], t0));
            l.failed(vec![a], t0);
        }
        assert!(
            !l.allowed(&[a], t0),
            "the 11th try in the window is refused"
        );
        assert!(l.allowed(&[b], t0), "another address is not affected");
        assert!(!l.allowed(&[b, a], t0), "every key must be allowed");
        assert!(
            l.allowed(&[a], t0 + PAIR_WINDOW),
            "a new window starts fresh"
        );
    }
}
