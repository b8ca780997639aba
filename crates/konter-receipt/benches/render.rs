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

use konter_receipt::{Logo, PaperWidth, PrintCopy, Receipt, ShopProfile, Wanted, render};

const RENDERS_PER_ROUND: u32 = 2_000;
const ROUNDS: u32 = 7;

#[path = "../tests/receipt/fixtures.rs"]
#[allow(
    dead_code,
    reason = "the bench renders one of the golden files' orders"
)]
mod fixtures;

fn main() {
    // The golden files' shop with a full-width logo, so the raster path weighs as it does
    // on a real counter.
    let shop = ShopProfile {
        logo: Some(Logo {
            width_px: 128,
            height_px: 64,
            bits: vec![0xAA; 16 * 64],
        }),
        ..fixtures::shop()
    };
    let order = fixtures::pln_order();

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
