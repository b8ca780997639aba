//! Cashiers logging in by PIN, and a shift closed against the drawer.

use konter_client::sell::Sale;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashiers_log_in_by_pin_and_a_shift_closes_against_the_drawer() {
    use konter_client::cashiers::{LoginGuard, MAX_FAILED_LOGINS, Role};
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let owner = engine
        .create_cashier("Pak Budi", Role::Owner, "1234")
        .expect("owner");
    let sri = engine
        .create_cashier("Sri", Role::Cashier, "5678")
        .expect("cashier");
    assert_eq!(
        engine
            .create_cashier("Dup", Role::Cashier, "5678")
            .expect_err("same PIN")
            .to_ui()
            .field
            .as_deref(),
        Some("pin")
    );
    assert_eq!(
        engine
            .create_cashier("Bad", Role::Cashier, "12a4")
            .expect_err("not digits")
            .to_ui()
            .field
            .as_deref(),
        Some("pin")
    );
    let guard = LoginGuard::default();
    assert_eq!(engine.login(&guard, "5678").expect("login").id, sri.id);
    assert_eq!(
        engine.login(&guard, "1234").expect("login").role,
        Role::Owner
    );
    for _ in 0..MAX_FAILED_LOGINS {
        assert!(engine.login(&guard, "0000").is_err());
    }
    assert_eq!(
        engine
            .login(&guard, "5678")
            .expect_err("paused")
            .to_ui()
            .code,
        "login_paused"
    );
    let db_text =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("konter.db")).expect("db"))
            .into_owned();
    assert!(!db_text.contains("5678"), "PINs are stored hashed");

    engine.open_shift(&sri, rp(50_000)).expect("open");
    let o = engine
        .place_order(&Sale {
            cashier_id: Some(sri.id.clone()),
            cashier_name: Some(sri.name.clone()),
            ..sale("081234567890")
        })
        .expect("sell");
    let summary = engine.close_shift(&sri, rp(60_000)).expect("close");
    assert_eq!(summary.expected_idr, rp(50_000 + o.price_idr.idr()));
    assert_eq!(
        summary.difference_idr,
        rp(60_000 - 50_000 - o.price_idr.idr())
    );
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(day.pending_count, 1);
    assert!(
        engine.close_shift(&owner, rp(0)).is_err(),
        "the owner opened no shift"
    );
}
