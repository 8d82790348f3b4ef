//! Streamed completions through the typed API, the Rust contender of `bench/stream.py`.
//!
//! cargo run --release --example bench_stream -p portkey -- \
//!     --base-url http://127.0.0.1:18080/v1 --streams 50
//!
//! Against the nginx stand-in (/work/shared/bench/server.sh), whose
//! `POST /v1/prompts/{id}/completions` answers 1,000 server-sent events then `[DONE]`.
//! Prints one JSON line: `{"ttfe_us", "stream_us", "events", "cpu_us_per_event"}`: the median
//! time from the call to the first event, the median time for the whole stream, the events a
//! stream, and this process's CPU time (all threads) over the timed streams per event.
//! `--events-only` reads the raw `EventStream` (no model decoding) instead.

use std::time::{Duration, Instant};

use portkey::CreatePromptCompletion;

struct Args {
    base_url: String,
    api_key: String,
    streams: u32,
    warmup: u32,
    events_only: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        base_url: std::env::var("PORTKEY_BASE_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:18080/v1".into()),
        api_key: std::env::var("PORTKEY_API_KEY").unwrap_or_else(|_| "pk-bench".into()),
        streams: 50,
        warmup: 5,
        events_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--events-only" {
            args.events_only = true;
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
            "--streams" => args.streams = number(),
            "--warmup" => args.warmup = number(),
            _ => panic!("unknown flag {flag}"),
        }
    }
    args
}

/// CPU time of every thread of this process so far (Linux: /proc/self/task/*/schedstat, in
/// nanoseconds); zero elsewhere.
fn cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .filter_map(|t| t.ok())
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// One stream: (time to its first event, events read).
async fn one(client: &portkey::Client, events_only: bool) -> portkey::Result<(Duration, u64)> {
    let start = Instant::now();
    let mut first = Duration::ZERO;
    let mut events = 0;
    let request = CreatePromptCompletion::new(serde_json::json!({}));
    if events_only {
        let op = portkey::ops::find("prompts.completions.create").expect("the operation");
        let params = serde_json::json!({"prompt_id": "bench", "variables": {}, "stream": true});
        let mut stream = client
            .stream(op, params.as_object().unwrap().clone(), &Default::default())
            .await?;
        while let Some(event) = stream.next_event().await {
            event?;
            if events == 0 {
                first = start.elapsed();
            }
            events += 1;
        }
    } else {
        let mut stream = client
            .prompts()
            .completions()
            .create_stream("bench", &request)
            .await?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if events == 0 {
                first = start.elapsed();
            }
            events += 1;
            // Read a field, as a consumer would.
            std::hint::black_box(&chunk.choices);
        }
    }
    Ok((first, events))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() -> portkey::Result<()> {
    let args = parse_args();
    let client = portkey::Client::builder()
        .api_key(&args.api_key)
        .base_url(&args.base_url)
        .build()?;
    for _ in 0..args.warmup {
        one(&client, args.events_only).await?;
    }
    let (mut firsts, mut totals, mut events) = (Vec::new(), Vec::new(), 0);
    let cpu_start = cpu();
    for _ in 0..args.streams.max(1) {
        let start = Instant::now();
        let (first, n) = one(&client, args.events_only).await?;
        totals.push(start.elapsed());
        firsts.push(first);
        events += n;
    }
    let cpu_used = cpu() - cpu_start;
    println!(
        "{}",
        serde_json::json!({
            "ttfe_us": median(firsts).as_secs_f64() * 1e6,
            "stream_us": median(totals).as_secs_f64() * 1e6,
            "events": events / u64::from(args.streams.max(1)),
            "cpu_us_per_event": cpu_used.as_secs_f64() * 1e6 / events.max(1) as f64,
        })
    );
    Ok(())
}
