//! The bottleneck lab end to end: for each of the lab server's switchable bottlenecks, a short
//! run of the guide's `TodoUser` against the embedded server with it on, next to the same run
//! against the healthy server, shows the symptom the optimisation lesson describes, and
//! `explain` names the bottleneck by its id. The healthy runs name none.
//!
//! Runs are short and bounded (20 users for 3–5 s, wait times scaled down, 200 todos seeded so
//! that lists and scans have rows to show) and one at a time: the server lives in this process,
//! so its memory, CPU and threads are the test's own, and two runs at once would blur both.
//! `LAB_DEBUG=1` prints each run's explanation (with `--nocapture`).

#[path = "../solutions/todo_user.rs"]
mod todo_user;

use std::time::Duration;

use loadlab::engine::server_metrics::ServerSample;
use loadlab::engine::stats::EndpointStats;
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::explain::{Explanation, Finding, FindingId, explain};
use loadlab::grader::hunt::judge;
use loadlab::prelude::*;
use loadlab::server::bottlenecks::{BLOCKING_STALL, LEAK_PER_REQUEST, POOL_HOLD};
use loadlab::server::{Bottleneck, LabServer, ServerConfig, start};
use tokio::sync::{Mutex, OnceCell};

/// One run at a time (see the module comment).
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());
static HEALTHY: OnceCell<RunResult> = OnceCell::const_new();
static HEALTHY_BUSY: OnceCell<RunResult> = OnceCell::const_new();

const USERS: usize = 20;
const SEEDED_TODOS: usize = 200;

/// How hard and how long the users push.
#[derive(Clone, Copy)]
struct Load {
    /// `TodoUser` waits 1–3 s; this scales it (0.1: 0.1–0.3 s, about 100 requests a second).
    time_scale: f64,
    seconds: f64,
}

/// Under the pool's ceiling of about 1 / `POOL_HOLD` requests a second, with room to spare.
const EASY: Load = Load { time_scale: 0.1, seconds: 3.0 };
/// Long enough for memory samples after the users' own warm-up.
const LONG: Load = Load { time_scale: 0.1, seconds: 5.0 };
/// Waits of 20–60 ms: about 450 requests a second offered, more than twice that ceiling.
const BUSY: Load = Load { time_scale: 0.02, seconds: 3.0 };

async fn seeded(config: ServerConfig) -> LabServer {
    let server = start(config).await.unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let url = format!("{}/todos/", server.url());
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                for i in 0..SEEDED_TODOS / 4 {
                    let body = serde_json::json!({
                        "title": format!("할 일 {}", writer * 1000 + i),
                        "description": "부하 테스트로 만든 TODO",
                        "completed": false,
                    });
                    let res = client.post(&url).json(&body).send().await.unwrap();
                    assert_eq!(res.status(), 201);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    server
}

async fn todo_users(bottlenecks: &[Bottleneck], load: Load) -> RunResult {
    todo_users_against(ServerConfig { bottlenecks: bottlenecks.to_vec(), ..ServerConfig::in_memory() }, load)
        .await
}

async fn todo_users_against(server: ServerConfig, load: Load) -> RunResult {
    let bottlenecks = server.bottlenecks.clone();
    let server = seeded(server).await;
    let classes = vec![UserClass::of::<todo_user::TodoUser>()];
    let mut config =
        RunConfig::new(classes, server.url(), USERS, 1000.0, Duration::from_secs_f64(load.seconds));
    config.time_scale = load.time_scale;
    config.embedded_server = true;
    config.sample_server = true;
    let result = run(config).await.unwrap();
    server.shutdown().await;
    if std::env::var("LAB_DEBUG").is_ok() {
        eprintln!("DBG {bottlenecks:?}\n{}", explain(&result).render(false));
    }
    result
}

async fn healthy(load: Load) -> &'static RunResult {
    // The easy runs compare per-request figures with the longer healthy run at the same pace.
    let result = if load.time_scale == BUSY.time_scale {
        HEALTHY_BUSY.get_or_init(|| todo_users(&[], BUSY)).await
    } else {
        HEALTHY.get_or_init(|| todo_users(&[], LONG)).await
    };
    let explanation = explain(result);
    assert_eq!(bottleneck_ids(&explanation), Vec::<&str>::new(), "{}", explanation.render(false));
    result
}

/// The runs of `bottleneck` on and off, one after the other.
async fn on_and_off(bottleneck: Bottleneck, load: Load) -> (RunResult, &'static RunResult) {
    let _turn = ONE_AT_A_TIME.lock().await;
    let off = healthy(load).await;
    let on = todo_users(&[bottleneck], load).await;
    assert!(on.total.num_requests >= 100, "{bottleneck}: {} requests", on.total.num_requests);
    (on, off)
}

/// `hunt prove` on these runs, with `on` as the hunt's secret server: won by the fix (the healthy
/// server), judged by the bottleneck's own evidence, and lost without it.
fn prove_is_won_by_the_fix(bottleneck: Bottleneck, on: &RunResult, off: &RunResult) {
    let mut before = on.clone();
    for point in &mut before.history {
        if let Some(sample) = point.server.as_mut() {
            sample.secret_bottleneck = true;
        }
    }
    let fixed = judge(&before, off, bottleneck);
    assert!(fixed.proved, "{bottleneck}: a right fix must prove it: {:?}", fixed.lines);
    assert!(fixed.lines[0].starts_with(&format!("{bottleneck}의 흔적 — ")), "{:?}", fixed.lines);
    // The same bottleneck still on after the "fix": its evidence is still there.
    let unfixed = judge(&before, on, bottleneck);
    assert!(!unfixed.proved, "{bottleneck}: no fix must not prove it");
    assert!(unfixed.lines.iter().any(|line| line.contains("after.json에도")), "{:?}", unfixed.lines);
    // The mystery server again as "after": not a fix either.
    let again = judge(&before, &before, bottleneck);
    assert!(!again.proved && again.lines[0].contains("수수께끼"), "{:?}", again.lines);
    // A "before" from a server without the secret proves nothing.
    let not_secret = judge(on, off, bottleneck);
    assert!(!not_secret.proved, "{bottleneck}: before must come from the mystery server");
}

fn bottleneck_ids(explanation: &Explanation) -> Vec<&'static str> {
    explanation
        .findings
        .iter()
        .filter(|f| FindingId::BOTTLENECKS.contains(&f.id))
        .map(|f| f.id.as_str())
        .collect()
}

/// The finding `explain` gives `result` for `id`, with its numbers.
fn named(result: &RunResult, id: FindingId) -> Finding {
    let explanation = explain(result);
    let finding = explanation.finding(id).cloned();
    finding.unwrap_or_else(|| panic!("{id} not named:\n{}", explanation.render(false)))
}

fn row<'a>(result: &'a RunResult, name: &str) -> &'a EndpointStats {
    result.stats.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no row {name}"))
}

/// Distinct server samples, in order.
fn samples(result: &RunResult) -> Vec<(f64, ServerSample)> {
    let mut out: Vec<(f64, ServerSample)> = Vec::new();
    for point in &result.history {
        if let Some(sample) = point.server
            && out.last().is_none_or(|(_, last)| *last != sample)
        {
            out.push((point.elapsed, sample));
        }
    }
    out
}

/// A server counter's growth per request answered, over the whole run.
fn per_request(result: &RunResult, counter: impl Fn(&ServerSample) -> f64) -> f64 {
    let all = samples(result);
    let (first, last) = (all.first().unwrap().1, all.last().unwrap().1);
    (counter(&last) - counter(&first)) / (last.requests_total - first.requests_total) as f64
}

const LIST: &str = "/todos/ [GET - List]";
const SINGLE: &str = "/todos/{id} [GET - Single]";
const DB_ROWS: [&str; 5] =
    [LIST, "/todos/ [POST - Create]", SINGLE, "/todos/{id} [PUT - Update]", "/todos/{id} [DELETE]"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_plus_one_sends_a_query_per_listed_todo() {
    let (on, off) = on_and_off(Bottleneck::NPlusOne, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::NPlusOne, &on, off);
    let queries = |r: &RunResult| per_request(r, |s| s.db_queries_total as f64);
    assert!(queries(off) <= 1.05, "healthy: {} queries a request", queries(off));
    // A list of 10–50 todos costs 11–51 queries, and a quarter of the requests are lists.
    assert!(queries(&on) >= 4.0, "n-plus-one: {} queries a request", queries(&on));
    let finding = named(&on, FindingId::NPlusOne);
    assert!(finding.evidence[1].contains("1 + N"), "{:?}", finding.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_index_scans_the_table_for_each_lookup() {
    let (on, off) = on_and_off(Bottleneck::MissingIndex, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::MissingIndex, &on, off);
    let scanned = |r: &RunResult| per_request(r, |s| s.db_rows_scanned_total as f64);
    let rows = samples(&on).last().unwrap().1.todos as f64;
    // Healthy: only the lists' pages are read in order. Broken: lookups read up to their row.
    assert!(scanned(off) < 20.0, "healthy: {} rows a request", scanned(off));
    assert!(scanned(&on) >= rows * 0.3, "missing-index: {} rows a request of {rows}", scanned(&on));
    let finding = named(&on, FindingId::MissingIndex);
    assert!(finding.evidence[1].contains("log₂"), "{:?}", finding.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pagination_sends_the_whole_table_whatever_the_limit() {
    let (on, off) = on_and_off(Bottleneck::NoPagination, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::NoPagination, &on, off);
    let todo = row(off, "/todos/ [POST - Create]").avg_content_length;
    let items = |r: &RunResult| row(r, LIST).avg_content_length / todo;
    // TodoUser asks for 10–50.
    assert!(items(off) <= 50.0, "healthy: {} todos a list", items(off));
    assert!(items(&on) >= SEEDED_TODOS as f64, "no-pagination: {} todos a list", items(&on));
    let finding = named(&on, FindingId::NoPagination);
    assert_eq!(finding.names, [LIST]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_starvation_caps_throughput_at_one_request_per_hold() {
    let (on, off) = on_and_off(Bottleneck::PoolStarvation, BUSY).await;
    prove_is_won_by_the_fix(Bottleneck::PoolStarvation, &on, off);
    let ceiling = 1.0 / POOL_HOLD.as_secs_f64();
    let steady = |r: &RunResult| {
        let mut rps: Vec<f64> = r.history.iter().skip(1).map(|p| p.requests_per_second).collect();
        rps.sort_by(f64::total_cmp);
        rps[rps.len() / 2]
    };
    assert!(steady(off) >= ceiling * 1.5, "healthy: {} req/s", steady(off));
    assert!(steady(&on) <= ceiling * 1.05, "pool of one: {} req/s, ceiling {ceiling}", steady(&on));
    // On a busy machine every hand-over of the session waits for a CPU too, which lowers the
    // ceiling; it never raises it.
    assert!(steady(&on) >= ceiling * 0.3, "pool of one: {} req/s, ceiling {ceiling}", steady(&on));
    // Every user queues for the session: latency grows.
    let slow = row(&on, LIST).median_response_time;
    assert!(slow >= row(off, LIST).median_response_time * 5.0, "{slow} ms");
    let finding = named(&on, FindingId::PoolStarvation);
    assert!(finding.evidence[0].contains("DB 세션"), "{:?}", finding.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_io_slows_every_endpoint_together() {
    let (on, off) = on_and_off(Bottleneck::BlockingIo, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::BlockingIo, &on, off);
    for name in DB_ROWS {
        let (broken, fine) = (row(&on, name).median_response_time, row(off, name).median_response_time);
        assert!(broken >= BLOCKING_STALL.as_secs_f64() * 1000.0, "{name}: {broken} ms");
        assert!(broken >= fine * 3.0, "{name}: {broken} ms against {fine} ms");
    }
    named(&on, FindingId::BlockingIo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_endpoint_slows_one_route_only() {
    let (on, off) = on_and_off(Bottleneck::SlowEndpoint, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::SlowEndpoint, &on, off);
    let single = row(&on, SINGLE).median_response_time;
    assert!(single >= row(off, SINGLE).median_response_time * 10.0, "{single} ms");
    for name in DB_ROWS.iter().filter(|n| **n != SINGLE) {
        let other = row(&on, name).median_response_time;
        assert!(single >= other * 10.0, "{name}: {other} ms against the slow route's {single} ms");
    }
    let finding = named(&on, FindingId::SlowEndpoint);
    // Of the routes that touch the database, only the slow one is named. (`/health`, called
    // once per user while all of them start at once, may join it on a busy machine: its few
    // requests all wait for the CPU together. That is the scheduler's, not the server's.)
    let named_db: Vec<&str> =
        finding.names.iter().map(String::as_str).filter(|name| DB_ROWS.contains(name)).collect();
    assert_eq!(named_db, [SINGLE], "{:?}", finding.names);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_leak_grows_memory_with_every_request() {
    let (on, off) = on_and_off(Bottleneck::MemoryLeak, LONG).await;
    prove_is_won_by_the_fix(Bottleneck::MemoryLeak, &on, off);
    // After the users' own warm-up: from the first sample read two seconds in.
    let growth = |r: &RunResult| {
        let all: Vec<_> = samples(r).into_iter().filter(|(t, _)| *t >= 3.0).collect();
        let (first, last) = (all.first().unwrap().1, all.last().unwrap().1);
        (last.memory_bytes as f64 - first.memory_bytes as f64)
            / (last.requests_total - first.requests_total) as f64
    };
    assert!(growth(&on) >= LEAK_PER_REQUEST as f64 * 0.75, "leak: {} bytes a request", growth(&on));
    assert!(growth(off) <= LEAK_PER_REQUEST as f64 / 4.0, "healthy: {} bytes a request", growth(off));
    let finding = named(&on, FindingId::MemoryLeak);
    assert!(finding.evidence[2].contains("1시간"), "{:?}", finding.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_compression_sends_as_many_bytes_as_the_bodies_hold() {
    let (on, off) = on_and_off(Bottleneck::NoCompression, EASY).await;
    prove_is_won_by_the_fix(Bottleneck::NoCompression, &on, off);
    let body = |r: &RunResult| r.total.total_content_length as f64 / r.total.num_requests as f64;
    // Bytes on the wire against the same bodies before compression, from the server's counters.
    let wire_share = |r: &RunResult| {
        per_request(r, |s| s.sent_body_bytes_total as f64) / per_request(r, |s| s.body_bytes_total as f64)
    };
    // The same bodies reach the users (they unpack gzip); the wire carries far more of them.
    assert!((body(&on) / body(off) - 1.0).abs() < 0.5, "bodies {} vs {}", body(&on), body(off));
    assert!(wire_share(off) < 0.5, "healthy: {:.2} of the bodies on the wire", wire_share(off));
    assert!(wire_share(&on) > 0.99, "no-compression: {:.2} of the bodies on the wire", wire_share(&on));
    let finding = named(&on, FindingId::NoCompression);
    assert_eq!(finding.names, [LIST]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hunt_shows_the_evidence_and_keeps_the_name() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let secret = ServerConfig {
        bottlenecks: vec![Bottleneck::BlockingIo],
        secret_bottlenecks: true,
        ..ServerConfig::in_memory()
    };
    let on = todo_users_against(secret, EASY).await;
    let explanation = explain(&on);
    let text = explanation.render(false);
    assert_eq!(bottleneck_ids(&explanation), Vec::<&str>::new(), "{text}");
    let hidden = explanation.finding(FindingId::Undisclosed).unwrap_or_else(|| panic!("no sign:\n{text}"));
    assert!(!hidden.evidence.is_empty(), "{text}");
    for name in ["블로킹", "blocking", "I/O"] {
        assert!(!text.contains(name), "{name} gives the secret away:\n{text}");
    }
    assert!(text.contains("hunt guess"), "{text}");
    // The server's file says nothing of what it is for, and goes with the server (only this
    // run's server: other tests of this process run theirs at the same time).
    let port = on.settings.host.rsplit_once(':').and_then(|(_, port)| port.parse().ok()).unwrap();
    let journal = loadlab::server::bottlenecks::journal_path(port);
    let name = journal.file_name().unwrap().to_string_lossy().into_owned();
    for word in ["audit", "block", "io"] {
        assert!(!name.contains(word), "{name} gives the secret away");
    }
    assert!(!journal.exists(), "{} outlived its server", journal.display());
}
