//! The engine's half of the performance benchmark (`benches/run.sh` drives it; harness = false).
//!
//! Owns three measurements of `loadlab::engine::run` against a server that is already running on
//! loopback, each printed as one `RESULT key=value ...` line for the script and one Korean line
//! for people:
//!
//! - `closed`: N users with no wait, one `GET /health` task (the closed loop `wrk -cN` runs), so
//!   the script can divide the engine's requests per CPU-second (this process's user + system
//!   time during the run, from `/proc/self/stat`) by wrk's and Locust's on the same target.
//! - `memory`: N users with a think time (`--wait MIN,MAX`, default `between(1, 2)`), sampling
//!   this process's resident memory every half second, so the script can show the peak (`VmHWM`)
//!   and whether memory grows with run length (slope of the steady part, per request).
//! - `rows`: the closed loop with requests spread over `--names N` statistics rows, so the script
//!   can divide the peak memory's difference to a one-row run by the number of rows.
//!
//! `free-port` prints a free loopback port (for the script's nginx). Runs are bounded by
//! `--seconds` and stop by themselves; only `http://127.0.0.1` or `http://localhost` hosts are
//! accepted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use loadlab::engine::{LiveStatus, RunConfig, RunResult};
use loadlab::prelude::*;

const USAGE: &str = "사용법: engine closed|memory|rows|free-port --host http://127.0.0.1:PORT [--users N] \
                     [--seconds S] [--spawn-rate R] [--wait MIN,MAX] [--names N] [--samples]";

/// The closed loop: no think time, so each user sends its next request as soon as the previous
/// answer is read, exactly like one wrk connection.
#[derive(Default)]
struct HealthUser;

impl User for HealthUser {
    fn wait_time() -> WaitTime {
        constant(0)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, health)]
    }
}

async fn health(_user: &mut HealthUser, client: &Client) {
    client.get("/health").send().await;
}

/// The think time of [`ThinkingUser`] in seconds (`--wait MIN,MAX`), set once before the run.
static THINK: OnceLock<(f64, f64)> = OnceLock::new();

/// Users with a think time: what a many-user test costs the load generator in memory.
#[derive(Default)]
struct ThinkingUser;

impl User for ThinkingUser {
    fn wait_time() -> WaitTime {
        let (min, max) = THINK.get().copied().unwrap_or((1.0, 2.0));
        between(min, max)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, think_and_check_health)]
    }
}

async fn think_and_check_health(_user: &mut ThinkingUser, client: &Client) {
    client.get("/health").send().await;
}

/// The row names of [`RowsUser`] (`--names N`), built once before the run.
static ROW_NAMES: OnceLock<Vec<String>> = OnceLock::new();
static NEXT_ROW: AtomicUsize = AtomicUsize::new(0);

/// The closed loop with each request counted in the next of N rows, round robin: what a scenario
/// that forgot `.name(..)` on `/todos/{id}` does to the statistics.
#[derive(Default)]
struct RowsUser;

impl User for RowsUser {
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, health_in_many_rows)]
    }
}

async fn health_in_many_rows(_user: &mut RowsUser, client: &Client) {
    let names = ROW_NAMES.get().map(Vec::as_slice).unwrap_or_default();
    let request = client.get("/health");
    match names.len() {
        0 => request.send().await,
        n => request.name(names[NEXT_ROW.fetch_add(1, Ordering::Relaxed) % n].as_str()).send().await,
    };
}

struct Args {
    mode: String,
    host: String,
    users: usize,
    seconds: f64,
    spawn_rate: Option<f64>,
    /// Also print every memory sample (`SAMPLE seconds kib`), to look at the curve.
    samples: bool,
    wait: (f64, f64),
    names: usize,
}

fn parse_args() -> Result<Args> {
    // `cargo bench` appends `--bench`; everything else is ours.
    let mut raw = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut args = Args {
        mode: String::new(),
        host: String::new(),
        users: 20,
        seconds: 10.0,
        spawn_rate: None,
        samples: false,
        wait: (1.0, 2.0),
        names: 1,
    };
    while let Some(arg) = raw.next() {
        let mut value =
            |name: &str| raw.next().with_context(|| format!("{name} 다음에 값이 필요합니다\n{USAGE}"));
        match arg.as_str() {
            "--host" => args.host = value("--host")?,
            "--users" => args.users = value("--users")?.parse().context("--users 는 정수여야 합니다")?,
            "--seconds" => {
                args.seconds = value("--seconds")?.parse().context("--seconds 는 숫자여야 합니다")?
            }
            "--spawn-rate" => {
                args.spawn_rate =
                    Some(value("--spawn-rate")?.parse().context("--spawn-rate 는 숫자여야 합니다")?)
            }
            "--samples" => args.samples = true,
            "--names" => args.names = value("--names")?.parse().context("--names 는 정수여야 합니다")?,
            "--wait" => {
                let text = value("--wait")?;
                let (min, max) = text.split_once(',').context("--wait 는 MIN,MAX 형식입니다 (예: 1,2)")?;
                args.wait = (
                    min.trim().parse().context("--wait 의 MIN 은 숫자여야 합니다")?,
                    max.trim().parse().context("--wait 의 MAX 는 숫자여야 합니다")?,
                );
            }
            "closed" | "memory" | "rows" | "free-port" if args.mode.is_empty() => args.mode = arg,
            other => bail!("알 수 없는 인자: {other}\n{USAGE}"),
        }
    }
    if args.mode.is_empty() || args.mode == "free-port" {
        return Ok(args);
    }
    // The benchmark's load must never leave this machine.
    let loopback = ["http://127.0.0.1:", "http://localhost:"];
    if !loopback.iter().any(|prefix| args.host.starts_with(prefix)) {
        bail!("--host 는 루프백 주소여야 합니다 (예: http://127.0.0.1:8000), 받은 값: '{}'", args.host);
    }
    if args.users == 0 || !(args.seconds > 0.0 && args.seconds <= 600.0) {
        bail!("--users 는 1 이상, --seconds 는 0초 초과 600초 이하여야 합니다");
    }
    Ok(args)
}

/// `VmRSS` and `VmHWM` of this process in KiB (Linux); `None` elsewhere.
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// User + system CPU time of this process (all threads) in seconds, from `/proc/self/stat`
/// (fields 14 and 15, in clock ticks of 1/100 s: Linux's USER_HZ).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Requests per second over the whole run, ramp-up included (as wrk counts its connects).
fn requests_per_second(result: &RunResult) -> f64 {
    if result.duration > 0.0 { result.total.num_requests as f64 / result.duration } else { 0.0 }
}

async fn closed(args: &Args) -> Result<()> {
    // All users at once: the closed loop starts as wrk's connections do.
    let spawn_rate = args.spawn_rate.unwrap_or(args.users as f64);
    let class = if args.mode == "rows" {
        let names = (0..args.names.max(1)).map(|i| format!("/health/{i}")).collect();
        let _ = ROW_NAMES.set(names);
        UserClass::of::<RowsUser>()
    } else {
        UserClass::of::<HealthUser>()
    };
    let config = RunConfig::new(
        vec![class],
        args.host.clone(),
        args.users,
        spawn_rate,
        Duration::from_secs_f64(args.seconds),
    );
    let cpu_before = cpu_seconds().unwrap_or_default();
    let result = loadlab::engine::run(config).await?;
    let cpu = cpu_seconds().unwrap_or_default() - cpu_before;
    let rps = requests_per_second(&result);
    let per_cpu = if cpu > 0.0 { result.total.num_requests as f64 / cpu } else { 0.0 };
    let (_, peak) = memory_kib().unwrap_or_default();
    println!(
        "엔진 {}: 사용자 {}명, {:.1}초, 요청 {}건 (실패 {}건), 행 {}개, {rps:.0} req/s, CPU {cpu:.2}초 → \
         CPU 1초당 {per_cpu:.0}건, 최대 메모리 {:.1} MiB",
        args.mode,
        args.users,
        result.duration,
        result.total.num_requests,
        result.total.num_failures,
        result.stats.len(),
        mib(peak)
    );
    println!(
        "RESULT mode={} users={} seconds={:.3} requests={} failures={} rows={} rps={rps:.1} cpu_s={cpu:.3} \
         per_cpu={per_cpu:.1} peak_kib={peak}",
        args.mode,
        args.users,
        result.duration,
        result.total.num_requests,
        result.total.num_failures,
        result.stats.len(),
    );
    Ok(())
}

async fn memory(args: &Args) -> Result<()> {
    let spawn_rate = args.spawn_rate.unwrap_or(500.0);
    let _ = THINK.set(args.wait);
    let samples: Arc<Mutex<Vec<(f64, u64)>>> = Arc::default();
    let mut config = RunConfig::new(
        vec![UserClass::of::<ThinkingUser>()],
        args.host.clone(),
        args.users,
        spawn_rate,
        Duration::from_secs_f64(args.seconds),
    );
    let sink = Arc::clone(&samples);
    config.observer = Some(Box::new(move |status: &LiveStatus<'_>| {
        if let Some((rss, _)) = memory_kib() {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push((status.elapsed.as_secs_f64(), rss));
        }
    }));
    let result = loadlab::engine::run(config).await?;
    let (_, peak) = memory_kib().unwrap_or_default();
    let samples = samples.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if args.samples {
        for (t, kib) in &samples {
            println!("SAMPLE {t:.1} {kib}");
        }
    }
    // Growth is judged once every user is up and has sent a few dozen requests (each keep-alive
    // connection allocates its buffers and its second request-queue block on its way there,
    // after about 32 requests), by the least-squares slope of the resident size, so one noisy
    // sample decides nothing. Per request, so a leak shows whatever the think time.
    let ramp_up = args.users as f64 / spawn_rate;
    let steady_from = (ramp_up + 1.0).max(args.seconds / 3.0);
    let steady: Vec<(f64, f64)> =
        samples.iter().filter(|(t, _)| *t >= steady_from).map(|&(t, kib)| (t, kib as f64)).collect();
    let slope_kib_per_s = slope(&steady);
    let rps = requests_per_second(&result);
    let bytes_per_request = if rps > 0.0 { slope_kib_per_s * 1024.0 / rps } else { 0.0 };
    let first = steady.first().map_or(0.0, |s| s.1);
    let last = steady.last().map_or(0.0, |s| s.1);
    let requests = result.total.num_requests;
    println!(
        "엔진 메모리: 사용자 {}명 {:.1}초, 요청 {requests}건 (실패 {}건), 최대 {:.1} MiB, \
         {steady_from:.0}초 {:.1} MiB → 끝 {:.1} MiB (기울기 {:+.2} MiB/분, 요청당 {bytes_per_request:+.1} 바이트)",
        args.users,
        result.duration,
        result.total.num_failures,
        mib(peak),
        first / 1024.0,
        last / 1024.0,
        slope_kib_per_s * 60.0 / 1024.0,
    );
    println!(
        "RESULT mode=memory users={} seconds={:.3} requests={requests} failures={} rps={rps:.1} peak_kib={peak} \
         steady_from={steady_from:.1} first_kib={first:.0} last_kib={last:.0} \
         slope_mib_per_min={:.3} bytes_per_request={bytes_per_request:.2}",
        args.users,
        result.duration,
        result.total.num_failures,
        slope_kib_per_s * 60.0 / 1024.0,
    );
    Ok(())
}

/// Least-squares slope of `points` (y per x); 0 with fewer than two distinct x.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return 0.0;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

const RUN_SCRIPT_HINT: &str =
    "이 벤치마크는 서버와 wrk 가 함께 필요해서 스크립트로 실행합니다: bash benches/run.sh";

fn main() -> Result<()> {
    let args = parse_args()?;
    if args.mode.is_empty() {
        // A plain `cargo bench` reaches here: point at the script instead of failing.
        println!("{RUN_SCRIPT_HINT}\n{USAGE}");
        return Ok(());
    }
    if args.mode == "free-port" {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("빈 포트를 찾을 수 없습니다")?;
        println!("{}", listener.local_addr()?.port());
        return Ok(());
    }
    // The same runtime `loadlab run` uses: multi-threaded, one worker per core.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio 런타임 시작 실패")?;
    runtime.block_on(async {
        match args.mode.as_str() {
            "memory" => memory(&args).await,
            _ => closed(&args).await,
        }
    })
}
