//! `make fuzz`: every target of `konter-fuzz` on stable Rust.
//!
//! konter-fuzz                     10,000,000 inputs per target
//! konter-fuzz --runs 100000       fewer
//! konter-fuzz --target phone      one target
//! konter-fuzz --seed 7            another random source (a crash replays with its seed)

use konter_fuzz::{TARGETS, drive};

fn main() -> anyhow::Result<()> {
    let mut runs: u64 = 10_000_000;
    let mut only: Option<String> = None;
    let mut seed: u64 = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--runs" => runs = value()?.replace('_', "").parse()?,
            "--target" => only = Some(value()?),
            "--seed" => seed = value()?.parse()?,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let mut crashed = false;
    for target in TARGETS
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| o == t.name))
    {
        let run = drive(target, runs, seed);
        let ms = u64::try_from(run.elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        println!(
            "bench fuzz.{}.executions {} ({}/s, {} ms)",
            target.name,
            run.executions,
            run.executions.saturating_mul(1000) / ms,
            ms
        );
        if let Some((input, message)) = run.crash {
            crashed = true;
            println!(
                "CRASH in {} (--target {} --seed {seed}): {message}\n  input: {:?}",
                target.name,
                target.name,
                String::from_utf8_lossy(&input)
            );
        }
    }
    anyhow::ensure!(!crashed, "a target crashed");
    Ok(())
}
