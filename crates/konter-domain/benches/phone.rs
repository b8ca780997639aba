//! `bench domain.phone_parse_per_s`: phone parsing plus operator detection on one core.
//!
//! A plain timing loop (no criterion): the figure we want is one throughput number printed
//! in the project's `bench <name> <value> <unit>` form. The inputs mix every accepted shape
//! and a few rejections, as a counter sees them. The best of several rounds is reported,
//! which is the usual way to filter out noise from other processes.

// Seconds and rates are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::hint::black_box;
use std::time::Instant;

use konter_domain::phone::PhoneNumber;

const INPUTS: [&str; 12] = [
    "081234567890",
    "0812-3456-7890",
    "+62 812 3456 7890",
    "62812.3456.7890",
    "(0857) 1234 5678",
    "085154123456",
    "087812345678",
    "0896 1234 5678",
    "088912345678",
    "083812345678",
    "081012345678",
    "0212345678",
];

const PARSES_PER_ROUND: usize = 2_000_000;
const ROUNDS: usize = 5;

fn main() {
    let mut best_per_s = 0f64;
    let mut ok = 0usize;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for i in 0..PARSES_PER_ROUND {
            let input = black_box(INPUTS[i % INPUTS.len()]);
            if let Ok(n) = PhoneNumber::parse(input) {
                ok += black_box(n.operator()) as usize & 1;
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        best_per_s = best_per_s.max(PARSES_PER_ROUND as f64 / elapsed);
    }
    black_box(ok);
    println!("bench domain.phone_parse_per_s {best_per_s:.0} parses/s");
}
