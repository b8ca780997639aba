//! `konter-sim`: runs seeds of the money-path simulation and prints its figures.
//!
//! ```text
//! konter-sim --seeds 1000            # seeds 1..=1000 (and every seed in --failed FILE)
//! konter-sim --seed 42 --trace       # one seed, with its trace of events
//! konter-sim --postgres URL ...      # each seed's server on a fresh PostgreSQL database
//! ```
//!
//! Prints `bench sim.seeds_per_min N` and `bench sim.double_purchases N`; a failing seed
//! prints the line that replays it, and is added to the `--failed` file.

use std::io::Write;
use std::time::Instant;

use konter_sim::{Backend, run_seed_on};

struct Args {
    seeds: u64,
    first: u64,
    one: Option<u64>,
    trace: bool,
    events: usize,
    failed_file: Option<String>,
    threads: usize,
    backend: Backend,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        seeds: 100,
        first: 1,
        one: None,
        trace: false,
        events: 150,
        failed_file: None,
        threads: std::thread::available_parallelism().map_or(1, usize::from),
        backend: Backend::Sqlite,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))
        };
        match a.as_str() {
            "--seeds" => args.seeds = value("--seeds")?.parse()?,
            "--first" => args.first = value("--first")?.parse()?,
            "--seed" => args.one = Some(value("--seed")?.parse()?),
            "--events" => args.events = value("--events")?.parse()?,
            "--failed" => args.failed_file = Some(value("--failed")?),
            "--threads" => args.threads = value("--threads")?.parse()?,
            "--trace" => args.trace = true,
            "--postgres" => {
                args.backend = Backend::Postgres {
                    admin_url: value("--postgres")?,
                }
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    Ok(args)
}

/// The seeds kept in the failed-seeds file (one number per line, `#` comments).
fn kept_seeds(path: &Option<String>) -> Vec<u64> {
    let Some(path) = path else { return Vec::new() };
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split('#').next()?.trim().parse().ok())
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let mut seeds: Vec<u64> = match args.one {
        Some(s) => vec![s],
        None => (args.first..args.first + args.seeds).collect(),
    };
    if args.one.is_none() {
        for s in kept_seeds(&args.failed_file) {
            if !seeds.contains(&s) {
                seeds.push(s);
            }
        }
    }
    let started = Instant::now();
    let queue = std::sync::Mutex::new(seeds.clone());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..args.threads.max(1) {
            scope.spawn(|| {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        eprintln!("no runtime: {e}");
                        return;
                    }
                };
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(seed) = next else { break };
                    let r = rt.block_on(run_seed_on(seed, args.events, &args.backend));
                    if let Ok(mut all) = results.lock() {
                        all.push((seed, r));
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(s, _)| *s);
    let mut failed = Vec::new();
    let mut double = 0usize;
    let mut orders = 0usize;
    for (seed, r) in &results {
        match r {
            Err(e) => {
                println!("seed {seed}: the simulation itself failed: {e:#}");
                failed.push(*seed);
            }
            Ok(Ok(report)) => {
                orders += report.orders;
                if args.trace {
                    for line in &report.trace {
                        println!("  {line}");
                    }
                    println!("seed {seed}: ok, {} orders", report.orders);
                }
            }
            Ok(Err(v)) => {
                failed.push(*seed);
                double += v
                    .problems
                    .iter()
                    .filter(|p| p.contains("bought") && p.contains("times"))
                    .count();
                println!("seed {seed}: FAILED");
                for p in &v.problems {
                    println!("  {p}");
                }
                if args.trace || args.one.is_some() {
                    println!("  trace:");
                    for line in &v.trace {
                        println!("    {line}");
                    }
                }
                println!("  replay: make sim SEED={seed}");
            }
        }
    }
    let ran = results.len();
    let per_min = if elapsed.as_millis() == 0 {
        0
    } else {
        u128::try_from(ran).unwrap_or(0) * 60_000 / elapsed.as_millis()
    };
    println!(
        "{ran} seeds, {orders} orders, {} failed, in {:.1?}",
        failed.len(),
        elapsed
    );
    println!("bench sim.seeds_per_min {per_min} seeds/min");
    println!("bench sim.double_purchases {double} orders");
    if let (Some(path), false) = (&args.failed_file, failed.is_empty()) {
        let kept = kept_seeds(&args.failed_file);
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        for s in failed.iter().filter(|s| !kept.contains(s)) {
            writeln!(f, "{s}")?;
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
