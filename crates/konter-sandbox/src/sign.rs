//! The signatures Digiflazz and IAK use (docs/suppliers.md, "Signatures at a glance"):
//! `md5(username + key + suffix)` on requests and IAK callbacks, and `sha1=` + HMAC-SHA1 of
//! the raw body on Digiflazz webhooks.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

/// `md5(username + key + suffix)` in lowercase hex, the request `sign` of both suppliers.
pub fn md5_sign(username: &str, key: &str, suffix: &str) -> String {
    let mut h = Md5::new();
    h.update(username.as_bytes());
    h.update(key.as_bytes());
    h.update(suffix.as_bytes());
    hex::encode(h.finalize())
}

/// The `X-Hub-Signature` header value: `sha1=` + hex HMAC-SHA1 of the exact body bytes.
pub fn hub_signature(body: &[u8], secret: &str) -> String {
    // HMAC accepts keys of any length, so this constructor cannot fail; an empty MAC is the
    // harmless fallback that keeps this function total.
    match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::from("sha1="),
    }
}

/// Compares two signatures without stopping at the first difference, so the time taken does
/// not tell a caller how much of a guessed signature was right.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/suppliers.md, "Test vectors", computed from the stated inputs.
    #[test]
    fn md5_signs_match_the_reference_vectors() {
        for (user, key, suffix, want) in [
            (
                "username",
                "apikey",
                "depo",
                "e251663c764fe6136a8f9c6861720241",
            ),
            (
                "username",
                "apikey",
                "pricelist",
                "67408e55fae28a2b8adfc8f64efa94aa",
            ),
            (
                "username",
                "apikey",
                "deposit",
                "b37eec551de581fbff8e41d819cd6f42",
            ),
            (
                "username",
                "apikey",
                "test1",
                "e54414720db8e70813b0ad379c9d1d7f",
            ),
            (
                "username",
                "apikey",
                "1234554321",
                "be1dba0c1b7b249e836d79e0fdb8df34",
            ),
            (
                "081234567890",
                "iakkey",
                "bl",
                "53f03bea618410dbb1f1544d7aeb47db",
            ),
            (
                "081234567890",
                "iakkey",
                "pl",
                "93021d2fc10538b36b6739a3b1b1c226",
            ),
            (
                "081234567890",
                "iakkey",
                "order001",
                "61637b59678e876889de7cbc83447d12",
            ),
        ] {
            assert_eq!(md5_sign(user, key, suffix), want, "{user}+{key}+{suffix}");
        }
    }

    #[test]
    fn hub_signature_matches_the_reference_vector() {
        let body = br#"{"data":{"ref_id":"test1","customer_no":"087800001230","buyer_sku_code":"xld10","message":"Transaksi Sukses","status":"Sukses","rc":"00","sn":"1234567890","buyer_last_saldo":990000,"price":10000}}"#;
        assert_eq!(body.len(), 196, "the signature example's body is 196 bytes");
        assert_eq!(
            hub_signature(body, "somesecretvalue"),
            "sha1=96e82901214d67180d6a25454a98c7b85f31eda0"
        );
    }

    #[test]
    fn same_needs_every_byte() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
