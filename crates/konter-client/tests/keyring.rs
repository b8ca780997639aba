//! The device token in a real Secret Service. Needs a D-Bus session with an unlocked
//! keyring, so it is ignored by default; `make test` runs it under `dbus-run-session` with
//! gnome-keyring (see scripts/test.sh).

use konter_client::token::{KeyringStore, TokenStore};

#[test]
#[ignore = "needs a Secret Service; make test runs it under dbus-run-session"]
fn secret_service_keeps_the_device_token() {
    let dir = tempfile::tempdir().expect("dir");
    let store = KeyringStore::new(dir.path());
    assert_eq!(store.get().expect("empty keyring answers"), None);
    store
        .set("kt_secret_service_token")
        .expect("store the token");
    let again = KeyringStore::new(dir.path());
    assert_eq!(
        again.get().expect("read back").as_deref(),
        Some("kt_secret_service_token"),
        "a second handle finds the same entry"
    );
    let other = tempfile::tempdir().expect("other dir");
    assert_eq!(
        KeyringStore::new(other.path()).get().expect("other"),
        None,
        "another data directory has its own token"
    );
    store.clear().expect("clear");
    assert_eq!(again.get().expect("read"), None);
}
