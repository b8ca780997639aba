//! A fuzz driver on stable Rust: inputs mutated from a target's seeds (bytes flipped,
//! inserted, deleted, repeated, spliced with another seed, characters people and suppliers
//! actually send) and plain random bytes, from a seeded source so a crash replays. Not
//! coverage-guided like libFuzzer (`fuzz/`), but it runs anywhere and fast.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::Target;

/// What one target's run came to.
#[derive(Debug)]
pub struct Run {
    pub executions: u64,
    pub elapsed: std::time::Duration,
    /// The first input that panicked, with the panic's message.
    pub crash: Option<(Vec<u8>, String)>,
}

/// Bytes that matter to these parsers.
const INTERESTING: &[&[u8]] = &[
    b"0",
    b"9",
    b"-",
    b".",
    b" ",
    b"+",
    b"/",
    b",",
    b"e",
    b"E",
    b"62",
    b"08",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"1e999",
    b"-0",
    b"\xc2\xa0",
    b"\xd9\xa3",
    b"\xef\xbc\x91",
    b"\"status\":",
    b"\"Sukses\"",
    b"\"Gagal\"",
    b"\"rc\":\"45\"",
    b"\"price\":",
    b"18446744073709551616",
    b"\"1\"",
    b"1",
    b"\"data\":",
    b"\\u0000",
];

fn mutate(rng: &mut StdRng, seeds: &[&str], out: &mut Vec<u8>) {
    out.clear();
    if seeds.is_empty() || rng.random_range(0..10) == 0 {
        let len = rng.random_range(0..64);
        out.extend((0..len).map(|_| rng.random::<u8>()));
        return;
    }
    out.extend_from_slice(seeds[rng.random_range(0..seeds.len())].as_bytes());
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..=out.len());
        match rng.random_range(0..6) {
            0 if !out.is_empty() => {
                let i = rng.random_range(0..out.len());
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                let piece = INTERESTING[rng.random_range(0..INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + rng.random_range(1..8)).min(out.len());
                let start = at.min(end);
                out.drain(start..end);
            }
            3 if !out.is_empty() => {
                let start = rng.random_range(0..out.len());
                let end = (start + rng.random_range(1..8)).min(out.len());
                let piece: Vec<u8> = out[start..end].to_vec();
                out.splice(at..at, piece);
            }
            4 => {
                let other = seeds[rng.random_range(0..seeds.len())].as_bytes();
                let from = rng.random_range(0..=other.len());
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            _ => out.insert(at, rng.random_range(b'0'..=b'9')),
        }
    }
}

/// Runs `target` on `executions` inputs drawn from `seed`; stops at the first crash.
pub fn drive(target: &Target, executions: u64, seed: u64) -> Run {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut input = Vec::with_capacity(256);
    let started = Instant::now();
    // The seeds themselves first: each must pass.
    for s in target.seeds {
        if let Err(message) = run_one(target, s.as_bytes()) {
            return Run {
                executions: 0,
                elapsed: started.elapsed(),
                crash: Some((s.as_bytes().to_vec(), message)),
            };
        }
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut crash = None;
    let mut done = 0;
    while done < executions {
        mutate(&mut rng, target.seeds, &mut input);
        done += 1;
        if let Err(message) = run_one(target, &input) {
            crash = Some((input.clone(), message));
            break;
        }
    }
    std::panic::set_hook(previous);
    Run {
        executions: done,
        elapsed: started.elapsed(),
        crash,
    }
}

fn run_one(target: &Target, input: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| (target.run)(input))).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short run of every target, in `make test`: the long ones are `make fuzz`.
    #[test]
    fn every_target_survives_a_short_run() {
        for target in &crate::TARGETS {
            let run = drive(target, 20_000, 1);
            assert!(run.crash.is_none(), "{}: {:?}", target.name, run.crash);
            assert_eq!(run.executions, 20_000);
        }
    }

    /// The driver reports a broken promise as a crash, with the input.
    #[test]
    fn a_panicking_target_is_caught_with_its_input() {
        fn picky(data: &[u8]) {
            assert!(!data.contains(&b'7'), "a seven");
        }
        let target = Target {
            name: "picky",
            run: picky,
            seeds: &["123"],
        };
        let run = drive(&target, 100_000, 3);
        let (input, message) = run.crash.expect("a seven is typed sooner or later");
        assert!(input.contains(&b'7'));
        assert!(message.contains("a seven"), "{message}");
    }
}
