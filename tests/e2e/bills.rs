//! A postpaid bill looked up, paid, printed and counted apart.

use chrono::Utc;
use konter_client::sell::Sale;
use konter_domain::order::OrderStatus;
use konter_server::store::Store;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bill_is_looked_up_paid_printed_and_counted_apart() {
    use konter_domain::bill::{BillKind, ShopFees};
    let server = Server::start_fulfilling().await;
    let (_dir, engine) = paired(&server).await;
    // Bills run to hundreds of thousands: a bigger saldo than the top-up tests need.
    let shop = server.shop().await;
    server
        .app
        .store
        .credit_manual(shop.id, rp(1_000_000), "modal tagihan", Utc::now())
        .await
        .expect("credit");
    engine.sync_once(1).await.expect("sync");
    let products = engine.bill_products().expect("bill products");
    assert_eq!(products.len(), 1, "{products:?}");
    assert_eq!(products[0].kind, BillKind::PlnPasca);
    assert_eq!(products[0].shop_fee_idr, rp(2_500), "the default fee");

    let mut fees = ShopFees::default();
    fees.fees.insert(BillKind::PlnPasca, rp(12_000));
    let err = engine
        .set_bill_fees(&fees)
        .expect_err("above the cap")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("bill_fees.pln_pasca"));
    assert_eq!(
        engine.bill_fees().expect("fees"),
        ShopFees::default(),
        "nothing saved"
    );
    fees.fees.insert(BillKind::PlnPasca, rp(3_000));
    engine.set_bill_fees(&fees).expect("within the cap");

    let err = engine
        .bill_inquiry("plnpasca", "530000000003")
        .await
        .expect_err("no bill")
        .to_ui();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("bill_not_found", Some("customer_no"))
    );
    let err = engine
        .bill_inquiry("plnpasca", "5300")
        .await
        .expect_err("too short")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("customer_no"));

    let bill = engine
        .bill_inquiry("plnpasca", "5300 0000 0002")
        .await
        .expect("inquiry");
    assert_eq!(bill.inquiry.bill.periods.len(), 2);
    assert_eq!(bill.shop_fee_idr, rp(3_000));
    let total = bill.inquiry.bill.total_idr;
    assert_eq!(bill.customer_total_idr.idr(), total.idr() + 3_000);
    let id = bill.inquiry.inquiry_id.to_string();
    let err = engine
        .pay_bill(&id, Some(rp(total.idr())), None, Some("Sri"))
        .expect_err("cash short of the customer total")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("cash_idr"));
    let paid = engine
        .pay_bill(
            &id,
            Some(rp(bill.customer_total_idr.idr() + 500)),
            None,
            Some("Sri"),
        )
        .expect("pay");
    assert_eq!(
        (paid.category.as_str(), paid.status),
        ("bill", OrderStatus::Queued)
    );
    assert_eq!(
        (paid.price_idr, paid.cost_idr, paid.change_idr),
        (bill.customer_total_idr, total, rp(500))
    );
    assert!(paid.bill.is_some(), "the order carries its bill");
    let err = engine
        .pay_bill(&id, None, None, None)
        .expect_err("paid")
        .to_ui();
    assert_eq!(err.code, "bill_already_paid");
    // The same bill looked up again while its payment is queued: not paid twice.
    let again = engine
        .bill_inquiry("plnpasca", "530000000002")
        .await
        .expect("inquiry");
    let err = engine
        .pay_bill(&again.inquiry.inquiry_id.to_string(), None, None, None)
        .expect_err("an open payment of the same bill")
        .to_ui();
    assert_eq!(err.code, "bill_payment_open");
    // A bill is neither re-priced nor sold like a top-up.
    let err = engine
        .reconfirm(&paid.id.to_string())
        .expect_err("a bill")
        .to_ui();
    assert_eq!(err.code, "bill_needs_inquiry");
    let err = engine
        .place_order(&Sale {
            sku: "plnpasca".into(),
            target: "530000000002".into(),
            ..Sale::default()
        })
        .expect_err("a bill")
        .to_ui();
    assert_eq!(err.code, "bill_needs_inquiry");

    let failing = engine
        .bill_inquiry("plnpasca", "530000000006")
        .await
        .expect("inquiry");
    let failed = engine
        .pay_bill(
            &failing.inquiry.inquiry_id.to_string(),
            None,
            None,
            Some("Sri"),
        )
        .expect("pay");
    let done = sync_until_settled(&engine, &[paid.id.to_string(), failed.id.to_string()]).await;
    assert_eq!(done[0].status, OrderStatus::Success);
    let sn = done[0].sn.clone().expect("the supplier's reference");
    assert_eq!(done[1].status, OrderStatus::Failed);

    let receipt = engine
        .receipt(&paid.id.to_string(), 32, false, false)
        .expect("receipt")
        .expect("printable");
    for want in [
        "ID Pelanggan",
        "Periode",
        "Stand Meter",
        "Tagihan",
        "Admin",
        "Biaya loket",
        "Total bayar",
        &sn,
    ] {
        assert!(
            receipt.preview_text.contains(want),
            "{want} in\n{}",
            receipt.preview_text
        );
    }
    // The header and the cash block are the shop's to set; the header is one line.
    assert!(engine.set_setting("receipt_header", "A\nB").is_err());
    engine
        .set_setting("receipt_header", "PONSEL BU SRI")
        .expect("header");
    engine
        .set_setting("receipt_cash_block", "false")
        .expect("cash block");
    let plain = engine
        .receipt(&paid.id.to_string(), 32, false, false)
        .expect("receipt")
        .expect("printable");
    assert!(
        receipt.preview_text.contains("Tunai") && !plain.preview_text.contains("Tunai"),
        "{}",
        plain.preview_text
    );
    assert!(
        plain.preview_text.contains("PONSEL BU SRI") && plain.preview_text.contains(&sn),
        "{}",
        plain.preview_text
    );
    let report = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(report.bills.count, 1);
    assert_eq!(
        report.bills.omzet_idr, bill.customer_total_idr,
        "omzet holds the bill"
    );
    assert_eq!(
        report.bills.laba_idr,
        rp(3_000),
        "laba is the shop's fee only"
    );
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(1_300_000 - total.idr()));
    // The saldo's movements as the feed reported them, newest first.
    let history = engine.saldo_history(50).expect("history");
    assert_eq!(history[0].balance_idr, saldo.available_idr, "{history:?}");
    assert!(
        history.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert!(
        history.iter().any(|m| m.reason == "hold"
            && m.amount_idr == rp(-total.idr())
            && m.reference
                .as_deref()
                .is_some_and(|r| r.contains("530000000002"))),
        "the bill's hold, named by its number: {history:?}"
    );
    assert!(
        history
            .iter()
            .any(|m| m.reason == "deposit" && m.amount_idr == rp(1_000_000)),
        "{history:?}"
    );
    assert_device_books(&engine);
    server.assert_books().await;
}
