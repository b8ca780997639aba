//! The orders behind the golden files in `tests/golden/`.

use chrono::{DateTime, Utc};
use konter_domain::bill::{Bill, BillKind, BillPeriod, CustomerNo};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::target::Target;
use konter_receipt::{
    CashPayment, Logo, PrintCopy, Receipt, ReceiptBill, ReceiptOrder, ShopProfile, ShopZone, Wanted,
};

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("fixture times are valid")
        .with_timezone(&Utc)
}

pub fn rp(idr: i64) -> Rupiah {
    Rupiah::from_idr(idr)
}

/// A 16x4-dot logo: a frame, so the raster bytes are easy to spot in the golden files.
pub fn logo() -> Logo {
    Logo {
        width_px: 16,
        height_px: 4,
        bits: vec![0xFF, 0xFF, 0x80, 0x01, 0x80, 0x01, 0xFF, 0xFF],
    }
}

pub fn shop() -> ShopProfile {
    ShopProfile {
        name: "KONTER MAJU JAYA".into(),
        address: Some("Jl. Melati No. 5, Depok".into()),
        phone: Some("081211112222".into()),
        logo: Some(logo()),
        zone: ShopZone::Wib,
        footer: vec![
            "Terima kasih, pulsa sudah masuk".into(),
            "Simpan struk ini sebagai bukti".into(),
        ],
        show_cash_block: true,
        kick_drawer: true,
    }
}

pub fn pulsa_order() -> ReceiptOrder {
    ReceiptOrder {
        reference: "KNT-2611-000123".into(),
        status: OrderStatus::Success,
        product_name: "PULSA TELKOMSEL 10.000".into(),
        target: Target::Phone("081234567890".parse().expect("valid phone")),
        sn: Some("41002315042959".into()),
        price: rp(11_500),
        cash: Some(CashPayment {
            received: rp(20_000),
            change: rp(8_500),
        }),
        cashier: "Sri".into(),
        ordered_at: at("2026-11-28T07:05:00Z"),
        bill: None,
    }
}

pub fn pln_order() -> ReceiptOrder {
    ReceiptOrder {
        reference: "KNT-2611-000124".into(),
        status: OrderStatus::Success,
        product_name: "TOKEN LISTRIK PLN 50.000".into(),
        target: Target::Pln("12345678901".parse().expect("valid meter")),
        sn: Some("5721-7714-3897-2629-3021/BUDI-SANTOSO  /R1M/900VA/32.5KWH".into()),
        price: rp(52_500),
        cash: Some(CashPayment {
            received: rp(100_000),
            change: rp(47_500),
        }),
        cashier: "Sri".into(),
        ordered_at: at("2026-11-28T07:07:00Z"),
        bill: None,
    }
}

pub fn pending_order() -> ReceiptOrder {
    ReceiptOrder {
        reference: "KNT-2611-000125".into(),
        status: OrderStatus::Pending,
        product_name: "PULSA XL 25.000".into(),
        target: Target::Phone("0817-1234-5678".parse().expect("valid phone")),
        sn: None,
        price: rp(27_000),
        cash: Some(CashPayment {
            received: rp(30_000),
            change: rp(3_000),
        }),
        cashier: "Sri".into(),
        ordered_at: at("2026-11-28T07:09:00Z"),
        bill: None,
    }
}

pub fn failed_order() -> ReceiptOrder {
    ReceiptOrder {
        reference: "KNT-2611-000126".into(),
        status: OrderStatus::Failed,
        product_name: "DATA INDOSAT 10GB".into(),
        target: Target::Phone("085712345678".parse().expect("valid phone")),
        sn: None,
        price: rp(45_000),
        cash: None,
        cashier: "Budi".into(),
        ordered_at: at("2026-11-28T07:11:00Z"),
        bill: None,
    }
}

/// A PLN pascabayar bill of two months, the older one late, paid with the shop's fee.
pub fn bill_order() -> ReceiptOrder {
    let period = |p: &str, amount: i64, penalty: i64, start: &str, end: &str| BillPeriod {
        period: p.into(),
        amount_idr: rp(amount),
        admin_idr: rp(2_500),
        penalty_idr: rp(penalty),
        meter_start: Some(start.into()),
        meter_end: Some(end.into()),
    };
    let bill = Bill::from_periods(
        "ANDI PRATAMA".into(),
        Some("R1".into()),
        Some("2200 VA".into()),
        vec![
            period("202610", 319_000, 5_000, "00029867", "00030087"),
            period("202611", 158_000, 0, "00030087", "00030195"),
        ],
    )
    .expect("a valid bill");
    ReceiptOrder {
        reference: "KNT-2611-000127".into(),
        status: OrderStatus::Success,
        product_name: "PLN Pascabayar".into(),
        target: Target::Bill(CustomerNo::parse(BillKind::PlnPasca, "530000000002").expect("idpel")),
        sn: Some("004212C9245F1BA43A77CEBD5CD5DA39".into()),
        // 487.000 of bill, late fee and admin, plus the shop's 2.500.
        price: rp(489_500),
        cash: Some(CashPayment {
            received: rp(500_000),
            change: rp(10_500),
        }),
        cashier: "Sri".into(),
        ordered_at: at("2026-11-28T07:13:00Z"),
        bill: Some(ReceiptBill {
            bill,
            shop_fee: rp(2_500),
        }),
    }
}

/// One golden case: a name for the files and the receipt.
pub struct Case {
    pub name: &'static str,
    pub receipt: Receipt,
}

fn build(shop: &ShopProfile, order: &ReceiptOrder, wanted: Wanted, copy: PrintCopy) -> Receipt {
    Receipt::for_order(shop, order, wanted, copy)
        .expect("fixtures are valid")
        .expect("fixtures are printable")
}

pub fn cases() -> Vec<Case> {
    let shop = shop();
    vec![
        Case {
            name: "success_pulsa",
            receipt: build(&shop, &pulsa_order(), Wanted::Receipt, PrintCopy::Original),
        },
        Case {
            name: "success_pln",
            receipt: build(&shop, &pln_order(), Wanted::Receipt, PrintCopy::Original),
        },
        Case {
            name: "success_bill",
            receipt: build(&shop, &bill_order(), Wanted::Receipt, PrintCopy::Original),
        },
        Case {
            name: "pending_slip",
            receipt: build(
                &shop,
                &pending_order(),
                Wanted::Receipt,
                PrintCopy::Original,
            ),
        },
        Case {
            name: "refund_slip",
            receipt: build(
                &shop,
                &failed_order(),
                Wanted::RefundSlip,
                PrintCopy::Original,
            ),
        },
        Case {
            name: "reprint_pulsa",
            receipt: build(
                &shop,
                &pulsa_order(),
                Wanted::Receipt,
                PrintCopy::Reprint {
                    printed_at: at("2026-11-28T08:10:00Z"),
                },
            ),
        },
    ]
}
