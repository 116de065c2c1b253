//! The worker's messages against Locust's own bytes (tests/fixtures/locust_rpc/, written by
//! Locust's encoder; master_ack.bin and master_heartbeat.bin captured from a live 2.47 master),
//! and a fake master on a loopback port: malformed and unknown messages are skipped, and a
//! master that goes away ends the worker with exit::MASTER_LOST within the timeout.

use std::time::Duration;

use loadlab::worker::protocol::{Incoming, Outgoing, Spawn, StatsEntry, StatsError, StatsReport};
use zeromq::{Socket, SocketRecv, SocketSend};

fn capture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/locust_rpc/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const NODE: &str = "worker_1";

#[test]
fn outgoing_messages_are_locusts_bytes() {
    let same = |message: Outgoing, name: &str| assert_eq!(message.encode(NODE), capture(name), "{name}");
    same(Outgoing::ClientReady, "client_ready");
    same(Outgoing::Heartbeat { state: "running", cpu_percent: 12.5, memory_bytes: 31_457_280 }, "heartbeat");
    same(Outgoing::Spawning, "spawning");
    same(
        Outgoing::SpawningComplete {
            user_classes_count: vec![("TodoUser".into(), 3), ("SetupUser".into(), 1)],
            user_count: 4,
        },
        "spawning_complete",
    );
    same(Outgoing::ClientStopped, "client_stopped");
    same(Outgoing::Quit, "quit");
    same(
        Outgoing::Exception { message: "boom".into(), traceback: "src/x.rs:1 (task t)".into() },
        "exception",
    );
    let entry = |name: &str, method: &str| StatsEntry {
        name: name.into(),
        method: method.into(),
        last_request_timestamp: Some(1_700_000_001.25),
        start_time: 1_700_000_000.5,
        num_requests: 3,
        num_none_requests: 0,
        num_failures: 1,
        total_response_time: 160.5,
        max_response_time: 147.0,
        min_response_time: Some(1.5),
        total_content_length: 300,
        response_times: vec![(2, 1), (12, 1), (150, 1)],
        num_reqs_per_sec: vec![(1_700_000_001, 3)],
        num_fail_per_sec: vec![(1_700_000_001, 1)],
    };
    let report = StatsReport {
        stats: vec![entry("/todos/", "GET")],
        stats_total: entry("Aggregated", ""),
        errors: vec![(
            "k".into(),
            StatsError {
                name: "/todos/".into(),
                method: "GET".into(),
                error: "HTTPError: 500".into(),
                occurrences: 1,
                first_seen: Some(1_700_000_001.25),
                last_seen: Some(1_700_000_001.25),
            },
        )],
        user_classes_count: vec![("TodoUser".into(), 3)],
        user_count: 3,
    };
    same(Outgoing::Stats(Box::new(report)), "stats");
}

#[test]
fn masters_messages_decode() {
    assert_eq!(Incoming::decode(&capture("master_ack")), Ok(Incoming::Ack { index: Some(0) }));
    assert_eq!(Incoming::decode(&capture("master_heartbeat")), Ok(Incoming::Heartbeat));
    assert_eq!(Incoming::decode(&capture("master_stop")), Ok(Incoming::Stop));
    assert_eq!(Incoming::decode(&capture("master_quit")), Ok(Incoming::Quit));
    assert_eq!(Incoming::decode(&capture("master_reconnect")), Ok(Incoming::Reconnect));
    assert_eq!(
        Incoming::decode(&capture("master_unknown")),
        Ok(Incoming::Unknown("update_user_class".into()))
    );
    let Ok(Incoming::Spawn(Spawn { timestamp, user_classes_count, host, stop_timeout })) =
        Incoming::decode(&capture("master_spawn"))
    else {
        panic!("spawn did not decode");
    };
    assert_eq!(timestamp, 1_700_000_000.123);
    assert_eq!(user_classes_count.get("TodoUser"), Some(&20));
    assert_eq!(user_classes_count.get("SetupUser"), Some(&0));
    assert_eq!(host.as_deref(), Some("http://127.0.0.1:8000"));
    assert_eq!(stop_timeout, None);
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    let spawn = capture("master_spawn");
    for frame in [&b""[..], b"\xc1", &spawn[..spawn.len() / 2], b"\x93\x01\x02\x03", b"\x92\xa4stop\xc0"] {
        assert!(Incoming::decode(frame).is_err(), "{frame:?}");
    }
    let mut trailing = capture("master_stop");
    trailing.push(0);
    assert!(Incoming::decode(&trailing).is_err());
    // A spawn whose counts are not numbers.
    let bad = rmp_serde::to_vec(&("spawn", std::collections::HashMap::from([("timestamp", "soon")]), NODE))
        .unwrap();
    assert!(Incoming::decode(&bad).is_err());
}

/// A ROUTER on a free loopback port (returned too), and a worker of the finished scenarios
/// started against it that gives up after `master_timeout` of silence.
async fn master_and_worker(
    master_timeout: Duration,
) -> (zeromq::RouterSocket, u16, tokio::task::JoinHandle<anyhow::Result<i32>>) {
    let mut master = zeromq::RouterSocket::new();
    let endpoint = master.bind("tcp://127.0.0.1:0").await.expect("bind");
    let port: u16 = endpoint.to_string().rsplit(':').next().unwrap().parse().unwrap();
    let options = loadlab::worker::WorkerOptions {
        master_host: "127.0.0.1".into(),
        master_port: port,
        classes: vec!["TodoUser".into()],
        host: Some("http://127.0.0.1:9".into()),
        master_timeout,
    };
    (master, port, tokio::spawn(loadlab::worker::run(options, loadlab::solutions::workbook())))
}

/// A fake master on a free loopback port: answers the first `client_ready`, sends `frames`,
/// listens until the worker has sent every kind in `awaited` as often as it is named there (in
/// any order, the first `client_ready` included; at most 20 s),
/// then goes away. Returns the worker's exit code and the types it sent.
async fn fake_master(frames: Vec<Vec<u8>>, awaited: &[&str]) -> (i32, Vec<String>) {
    let (mut master, _, worker) = master_and_worker(Duration::from_secs(2)).await;
    let mut kinds = Vec::new();
    let first =
        tokio::time::timeout(Duration::from_secs(10), master.recv()).await.expect("client_ready").unwrap();
    let identity = first.get(0).unwrap().to_vec();
    let (kind, ..): (String, rmpv_free::Any, String) = rmp_serde::from_slice(first.get(1).unwrap()).unwrap();
    kinds.push(kind);
    for frame in frames {
        let mut message = zeromq::ZmqMessage::from(identity.clone());
        message.push_back(frame.into());
        master.send(message).await.unwrap();
    }
    // Listen until the awaited messages came, then go away: no heartbeat answers from here on.
    // Each kind as many times as `awaited` names it.
    let seen_all = |kinds: &[String]| {
        awaited.iter().all(|want| {
            kinds.iter().filter(|k| k == want).count() >= awaited.iter().filter(|w| *w == want).count()
        })
    };
    let _ = tokio::time::timeout(Duration::from_secs(20), async {
        while !seen_all(&kinds) {
            let Ok(message) = master.recv().await else { break };
            if let Ok((kind, ..)) =
                rmp_serde::from_slice::<(String, rmpv_free::Any, String)>(message.get(1).unwrap())
            {
                kinds.push(kind);
            }
        }
    })
    .await;
    drop(master);
    let code = tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker gives up within the timeout")
        .unwrap()
        .unwrap();
    (code, kinds)
}

mod rmpv_free {
    /// Any MessagePack value, skipped.
    pub type Any = serde::de::IgnoredAny;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unknown_messages_are_skipped_and_a_lost_master_ends_the_worker() {
    let (code, kinds) = fake_master(
        vec![
            capture("master_ack"),
            b"\xc1 not msgpack".to_vec(),
            capture("master_unknown"),
            capture("master_heartbeat"),
        ],
        &["heartbeat"],
    )
    .await;
    assert_eq!(kinds.first().map(String::as_str), Some("client_ready"));
    assert!(kinds.iter().any(|kind| kind == "heartbeat"), "still heartbeating after bad frames: {kinds:?}");
    assert_eq!(code, loadlab::exit::MASTER_LOST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_makes_the_worker_announce_itself_again() {
    let (code, kinds) = fake_master(
        vec![capture("master_ack"), capture("master_reconnect")],
        &["client_ready", "client_ready"],
    )
    .await;
    let announced = kinds.iter().filter(|kind| *kind == "client_ready").count();
    assert!(announced >= 2, "client_ready again on the fresh connection: {kinds:?}");
    assert_eq!(code, loadlab::exit::MASTER_LOST);
}

/// A master that restarts on the same port (a crash, a redeploy): the worker's connection drops,
/// and it connects afresh and announces itself to the new master, as libzmq's automatic
/// reconnect lets a Locust worker do; the new master's `quit` then ends it cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_that_comes_back_on_its_port_hears_client_ready_again() {
    let (mut first, port, worker) = master_and_worker(Duration::from_secs(30)).await;
    let kind_of = |message: &zeromq::ZmqMessage| {
        rmp_serde::from_slice::<(String, rmpv_free::Any, String)>(message.get(1).unwrap()).unwrap().0
    };
    let hello =
        tokio::time::timeout(Duration::from_secs(10), first.recv()).await.expect("first hello").unwrap();
    assert_eq!(kind_of(&hello), "client_ready");
    first.close().await;

    let mut second = zeromq::RouterSocket::new();
    second.bind(&format!("tcp://127.0.0.1:{port}")).await.expect("the same port again");
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let message = second.recv().await.unwrap();
            if kind_of(&message) == "client_ready" {
                return message;
            }
        }
    })
    .await
    .expect("client_ready on the fresh connection");
    let mut quit = zeromq::ZmqMessage::from(ready.get(0).unwrap().to_vec());
    quit.push_back(capture("master_quit").into());
    second.send(quit).await.unwrap();
    let code = tokio::time::timeout(Duration::from_secs(10), worker).await.expect("quits").unwrap().unwrap();
    assert_eq!(code, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_test_reports_and_waits_for_the_next_and_quit_ends_cleanly() {
    let (code, kinds) = fake_master(
        vec![capture("master_ack"), capture("master_spawn"), capture("master_stop")],
        &["spawning", "client_stopped", "client_ready", "client_ready"],
    )
    .await;
    for expected in ["spawning", "client_stopped"] {
        assert!(kinds.iter().any(|kind| kind == expected), "{expected} missing: {kinds:?}");
    }
    let stopped_at = kinds.iter().position(|kind| kind == "client_stopped").unwrap();
    assert!(
        kinds[stopped_at..].iter().any(|kind| kind == "client_ready"),
        "ready for the next test: {kinds:?}"
    );
    assert_eq!(code, loadlab::exit::MASTER_LOST, "the master went away afterwards");

    let (code, kinds) =
        fake_master(vec![capture("master_ack"), capture("master_spawn"), capture("master_quit")], &["quit"])
            .await;
    assert!(kinds.iter().any(|kind| kind == "quit"), "{kinds:?}");
    assert_eq!(code, 0, "quit ends the worker cleanly");
}
