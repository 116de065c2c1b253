//! `--check` criteria judged on a real run with known latencies: the guide's release criteria
//! pass, a per-name limit below the endpoint's latency fails, a name that is not in the run
//! fails with a Korean reason, and the exit code for a failed check is distinct.

use crate::report_server as server;

use std::time::Duration;

use loadlab::engine::{RunConfig, run};
use loadlab::prelude::*;
use loadlab::report::EXIT_THRESHOLD_FAILED;
use loadlab::report::thresholds::{all_passed, evaluate, parse, render};

#[derive(Default)]
struct CheckedUser;

impl User for CheckedUser {
    fn wait_time() -> WaitTime {
        constant(0.01)
    }
    fn tasks() -> Vec<Task<Self>> {
        vec![task(1, list), task(1, health)]
    }
}

async fn list(_: &mut CheckedUser, client: &Client) {
    client.get("/delay/20").name("/todos/ [GET - List]").send().await;
}

async fn health(_: &mut CheckedUser, client: &Client) {
    client.get("/fast").name("/health").send().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn criteria_pass_and_fail_on_a_real_run() {
    let server = server::start().await;
    let config =
        RunConfig::new(vec![UserClass::of::<CheckedUser>()], &server.url, 3, 100.0, Duration::from_secs(1));
    let result = run(config).await.unwrap();

    let passing =
        parse("p95<500ms,p99<1s,fail<0.1%,requests>20,/todos/ [GET - List]:median>=15ms,GET /health:max<1s")
            .unwrap();
    let verdicts = evaluate(&passing, &result);
    assert!(all_passed(&verdicts), "{}", render(&verdicts, false));
    assert!(render(&verdicts, false).contains("기준 6개를 모두 통과했어요"));

    let failing = parse("/todos/ [GET - List]:p95<10ms,rps>100000,/nope:p95<1s,p95<500ms").unwrap();
    let verdicts = evaluate(&failing, &result);
    let passed: Vec<bool> = verdicts.iter().map(|v| v.passed).collect();
    assert_eq!(passed, [false, false, false, true]);
    let list_p95 = verdicts[0].actual.unwrap();
    // At least the endpoint's 20 ms; the upper bound only rules out nonsense on a busy machine.
    assert!((20.0..200.0).contains(&list_p95), "the 20 ms endpoint's p95 is measured: {list_p95}");
    assert!(verdicts[0].message.contains("미달"), "{}", verdicts[0].message);
    assert_eq!(verdicts[2].actual, None);
    assert!(verdicts[2].message.contains("'/nope'이라는 요청이 없어요"), "{}", verdicts[2].message);
    let text = render(&verdicts, false);
    assert!(text.contains("기준 4개 중 3개를 통과하지 못했어요 (종료 코드 3)"), "{text}");
}

#[test]
fn a_failed_check_has_its_own_exit_code() {
    assert_eq!(EXIT_THRESHOLD_FAILED, 3);
    assert_ne!(EXIT_THRESHOLD_FAILED, loadlab::cli::EXIT_USAGE);
    assert_ne!(EXIT_THRESHOLD_FAILED, 1, "1 means requests failed");
}

#[test]
fn malformed_criteria_are_rejected_before_any_run() {
    let error = parse("p95<500ms,latency<3ms").unwrap_err();
    assert!(error.contains("알 수 없는 지표 'latency'"), "{error}");
    assert!(error.contains("p95"), "the message lists what is known: {error}");
}
