//! `bench receipt.render_us`: one receipt from the engine's order to ESC/POS bytes.
//!
//! A plain timing loop (no criterion), printing the project's `bench <name> <value> <unit>`
//! line. Each iteration does what a print does before any I/O: `Receipt::for_order` (text
//! normalisation, transliteration, formatting) and `render` (layout, preview, bytes through
//! the `escpos` crate) of the longest sample, a PLN token receipt with logo and cash block,
//! at 32 columns (the most wrapping). The best of several rounds is reported, which filters
//! out noise from other processes on a 2-core machine.

// Microseconds are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::target::Target;
use konter_receipt::{
    CashPayment, Logo, PaperWidth, PrintCopy, Receipt, ReceiptOrder, ShopProfile, ShopZone, Wanted,
    render,
};

const RENDERS_PER_ROUND: u32 = 2_000;
const ROUNDS: u32 = 7;

fn main() {
    let shop = ShopProfile {
        name: "KONTER MAJU JAYA".into(),
        address: Some("Jl. Melati No. 5, Depok".into()),
        phone: Some("081211112222".into()),
        logo: Some(Logo {
            width_px: 128,
            height_px: 64,
            bits: vec![0xAA; 16 * 64],
        }),
        zone: ShopZone::Wib,
        footer: vec![
            "Terima kasih, pulsa sudah masuk".into(),
            "Simpan struk ini sebagai bukti".into(),
        ],
        show_cash_block: true,
        kick_drawer: true,
    };
    let Ok(meter) = "12345678901".parse() else {
        eprintln!("the bench's meter number does not parse");
        std::process::exit(1);
    };
    let ordered_at: DateTime<Utc> = DateTime::from_timestamp(1_795_849_620, 0).unwrap_or_default();
    let order = ReceiptOrder {
        reference: "KNT-2611-000124".into(),
        status: OrderStatus::Success,
        product_name: "TOKEN LISTRIK PLN 50.000".into(),
        target: Target::Pln(meter),
        sn: Some("5721-7714-3897-2629-3021/BUDI-SANTOSO  /R1M/900VA/32.5KWH".into()),
        price: Rupiah::from_idr(52_500),
        cash: Some(CashPayment {
            received: Rupiah::from_idr(100_000),
            change: Rupiah::from_idr(47_500),
        }),
        cashier: "Sri".into(),
        ordered_at,
        bill: None,
    };

    let mut best_us = f64::MAX;
    let mut total_bytes = 0usize;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..RENDERS_PER_ROUND {
            let receipt = Receipt::for_order(
                black_box(&shop),
                black_box(&order),
                Wanted::Receipt,
                PrintCopy::Original,
            );
            let Ok(Some(receipt)) = receipt else {
                eprintln!("the bench's order does not make a receipt");
                std::process::exit(1);
            };
            match render(&receipt, black_box(PaperWidth::Cols32)) {
                Ok(rendered) => total_bytes += black_box(rendered.bytes.len()),
                Err(e) => {
                    eprintln!("render failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        let per_render_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(RENDERS_PER_ROUND);
        best_us = best_us.min(per_render_us);
    }
    black_box(total_bytes);
    println!("bench receipt.render_us {best_us:.1} us");
}
