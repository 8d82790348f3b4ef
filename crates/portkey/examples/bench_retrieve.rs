//! Per-call time of `api_keys().retrieve`, the Rust contender of `bench/run.py`.
//!
//! cargo run --release --example bench_retrieve -p portkey -- \
//!     --base-url http://127.0.0.1:18080/v1 --calls 3000 --concurrency 16 --per-caller 300
//!
//! Prints one JSON line: `{"sequential_us": .., "concurrent16_us": ..}`, each the wall time of
//! a phase divided by the number of calls in it. `--list N` adds `list1000_ms`, the median of N
//! `api_keys().list(..)` calls answering 1,000 keys (decoded into typed models, each name read);
//! `--sequential-only` runs the sequential phase alone (bench/run.py measures the process's CPU
//! per call from two such runs).

use std::time::Instant;

struct Args {
    base_url: String,
    api_key: String,
    calls: u32,
    concurrency: u32,
    per_caller: u32,
    warmup: u32,
    list: u32,
    sequential_only: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        base_url: std::env::var("PORTKEY_BASE_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:18080/v1".into()),
        // The stand-in accepts any key; the environment is read so `run.py` can pass one.
        api_key: std::env::var("PORTKEY_API_KEY").unwrap_or_else(|_| "pk-bench".into()),
        calls: 3000,
        concurrency: 16,
        per_caller: 300,
        warmup: 200,
        list: 0,
        sequential_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--sequential-only" {
            args.sequential_only = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || {
            value
                .parse::<u32>()
                .unwrap_or_else(|_| panic!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--base-url" => args.base_url = value.clone(),
            "--api-key" => args.api_key = value.clone(),
            "--calls" => args.calls = number(),
            "--concurrency" => args.concurrency = number(),
            "--per-caller" => args.per_caller = number(),
            "--warmup" => args.warmup = number(),
            "--list" => args.list = number(),
            _ => panic!("unknown flag {flag}"),
        }
    }
    args
}

#[tokio::main]
async fn main() -> portkey::Result<()> {
    let args = parse_args();
    let client = portkey::Client::builder()
        .api_key(&args.api_key)
        .base_url(&args.base_url)
        .build()?;

    // Warm-up: opens the connection and fills allocator and pool caches, so the timed
    // loop measures the steady state, as wrk's floor does.
    for _ in 0..args.warmup {
        client.api_keys().retrieve("x").await?;
    }

    let start = Instant::now();
    for _ in 0..args.calls {
        client.api_keys().retrieve("x").await?;
    }
    let sequential_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(args.calls);
    if args.sequential_only {
        println!("{{\"sequential_us\": {sequential_us:.3}}}");
        return Ok(());
    }

    // Clones share one connection pool: this is N callers on one client, not N clients.
    let start = Instant::now();
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let client = client.clone();
            let calls = args.per_caller;
            tokio::spawn(async move {
                for _ in 0..calls {
                    client.api_keys().retrieve("x").await?;
                }
                Ok::<_, portkey::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a caller panicked")?;
    }
    let total = f64::from(args.concurrency * args.per_caller);
    let concurrent_us = start.elapsed().as_secs_f64() * 1e6 / total;

    let mut list = String::new();
    if args.list > 0 {
        let mut times = Vec::new();
        for _ in 0..args.list {
            let start = Instant::now();
            let page = client
                .api_keys()
                .list(&portkey::ListApiKeys::default())
                .await?;
            let names = page
                .data
                .iter()
                .flatten()
                .filter(|k| k.name.is_some())
                .count();
            std::hint::black_box(names);
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        list = format!(", \"list1000_ms\": {:.3}", times[times.len() / 2]);
    }
    println!(
        "{{\"sequential_us\": {sequential_us:.3}, \"concurrent{}_us\": {concurrent_us:.3}{list}}}",
        args.concurrency
    );
    Ok(())
}
