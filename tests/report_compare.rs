//! `compare` on real runs. The two runs of each pair run at the same time against the same
//! server, so the machine's load (other tests, other builds) falls on both alike — what differs
//! is only what the test changed: nothing (equal runs are not flagged), or the list endpoint's
//! latency (the slowdown is found on that name alone and trips `--max-regression`).

use crate::report_server as server;

use std::time::Duration;

use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use loadlab::report::compare::{Change, CompareMetric, CompareOptions, compare, parse_max_regression};
use loadlab::report::{EXIT_THRESHOLD_FAILED, json};

const LIST: &str = "/todos/ [GET - List]";
const HEALTH: &str = "/health";

macro_rules! delay_user {
    ($name:ident, $task:ident, $path:expr, $label:expr) => {
        #[derive(Default)]
        struct $name;

        impl User for $name {
            fn wait_time() -> WaitTime {
                constant(0.02)
            }
            fn tasks() -> Vec<Task<Self>> {
                vec![task(1, $task)]
            }
        }

        async fn $task(_: &mut $name, client: &Client) {
            client.get($path).name($label).send().await;
        }
    };
}

delay_user!(ListUser, list, "/delay/60", LIST);
delay_user!(SlowerListUser, slower_list, "/delay/180", LIST);
delay_user!(HealthUser, health, "/delay/20", HEALTH);

fn config(classes: Vec<UserClass>, host: &str) -> RunConfig {
    RunConfig::new(classes, host, 12, 100.0, Duration::from_millis(2500))
}

fn every_delta(comparison: &loadlab::report::compare::Comparison) -> Vec<(String, CompareMetric, Change)> {
    comparison
        .rows
        .iter()
        .chain(std::iter::once(&comparison.total))
        .flat_map(|row| row.deltas.iter().map(|d| (row.name.clone(), d.metric, d.change)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_equal_runs_are_not_flagged() {
    let server = server::start().await;
    let classes = || vec![UserClass::of::<ListUser>(), UserClass::of::<HealthUser>()];
    let (base, new) = tokio::join!(run(config(classes(), &server.url)), run(config(classes(), &server.url)));
    let (base, new) = (base.unwrap(), new.unwrap());
    assert!(base.total.num_requests >= 400, "{}", base.total.num_requests);

    let options = CompareOptions {
        max_regression: parse_max_regression("p95=10%,rps=5%").unwrap(),
        ..Default::default()
    };
    let comparison = compare(&base, &new, &options);
    let flagged: Vec<_> = every_delta(&comparison)
        .into_iter()
        .filter(|(_, _, c)| matches!(c, Change::Worse | Change::Better))
        .collect();
    assert!(flagged.is_empty(), "equal runs flagged: {flagged:?}\n{}", comparison.render(false));
    assert!(!comparison.regressed(), "{:?}", comparison.exceeded);
    assert!(comparison.setting_differences.is_empty());
    let text = comparison.render(false);
    assert!(text.contains("잡음 범위를 넘는 악화는 없어요"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injected_slowdown_is_found_on_its_endpoint_and_trips_the_limit() {
    let server = server::start().await;
    let (base, new) = tokio::join!(
        run(config(vec![UserClass::of::<ListUser>(), UserClass::of::<HealthUser>()], &server.url)),
        run(config(vec![UserClass::of::<SlowerListUser>(), UserClass::of::<HealthUser>()], &server.url)),
    );
    let (base, new) = (base.unwrap(), new.unwrap());
    let options =
        CompareOptions { max_regression: parse_max_regression("p95=10%").unwrap(), ..Default::default() };
    let comparison = compare(&base, &new, &options);
    let text = comparison.render(false);

    let list = comparison.rows.iter().find(|row| row.name == LIST).expect("list row");
    for metric in [CompareMetric::Median, CompareMetric::Rps] {
        assert_eq!(list.delta(metric).unwrap().change, Change::Worse, "{metric:?}\n{text}");
    }
    // At most 75 slowed requests: too few beyond p95 to judge it on this name alone.
    assert_eq!(list.delta(CompareMetric::P95).unwrap().change, Change::TooFew, "{text}");
    assert_eq!(comparison.total.delta(CompareMetric::P95).unwrap().change, Change::Worse, "{text}");
    let health = comparison.rows.iter().find(|row| row.name == HEALTH).expect("health row");
    for metric in [CompareMetric::Median, CompareMetric::Rps] {
        assert_eq!(
            health.delta(metric).unwrap().change,
            Change::Same,
            "the untouched endpoint: {metric:?}\n{text}"
        );
    }
    assert!(comparison.regressed(), "{text}");
    assert!(comparison.exceeded[0].starts_with("p95"), "{:?}", comparison.exceeded);
    assert!(text.contains("악화한 요청 1개: GET /todos/ [GET - List]"), "{text}");
    assert!(text.contains("종료 코드 3"), "{text}");

    // The same through the command line: exit 3 with the limit, 0 without, 2 for a bad limit.
    let dir = tempfile::tempdir().unwrap();
    let (base_path, new_path) = (dir.path().join("base.json"), dir.path().join("new.json"));
    json::write(&base_path, &base).unwrap();
    json::write(&new_path, &new).unwrap();
    let loadlab = |extra: &[&str]| {
        let mut args =
            vec!["compare".to_string(), base_path.display().to_string(), new_path.display().to_string()];
        args.extend(extra.iter().map(|a| a.to_string()));
        loadlab::cli::execute(&args).unwrap()
    };
    assert_eq!(loadlab(&["--max-regression", "p95=10%"]), EXIT_THRESHOLD_FAILED);
    assert_eq!(loadlab(&[]), 0);
    assert_eq!(loadlab(&["--max-regression", "speed=10%"]), loadlab::cli::EXIT_USAGE);
    assert_eq!(loadlab(&["--noise", "5"]), loadlab::cli::EXIT_USAGE);
}

#[test]
fn different_settings_are_called_out() {
    let base = json::read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/result.json"),
    )
    .unwrap();
    let mut new: RunResult = base.clone();
    new.settings.users = 50;
    let comparison = compare(&base, &new, &CompareOptions::default());
    assert_eq!(comparison.setting_differences, ["사용자 수 12 → 50"]);
    assert!(comparison.render(false).contains("두 실행의 조건이 달라요"));
    // Identical data: every judged metric is the same.
    assert!(every_delta(&comparison).iter().all(|(_, _, c)| matches!(c, Change::Same | Change::TooFew)));
}
