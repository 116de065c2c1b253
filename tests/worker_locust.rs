//! Two `loadlab worker` processes under a real Locust master (`locust --master --headless
//! --expect-workers 2 -u 40 -r 20 -t 15s --csv …`), loading the lab server this test starts on
//! a free loopback port. The master's CSV is the truth: requests from both workers, no
//! failures, the rows loadlab's TodoUser produces, and both workers end cleanly on `quit`.
//!
//! Locust comes from `LOADLAB_LOCUST` (the executable) or `locust` on PATH; without it the test
//! prints a loud skip line, unless `LOADLAB_REQUIRE_LOCUST=1` (CI), where it fails.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn locust() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LOADLAB_LOCUST") {
        return Some(PathBuf::from(path));
    }
    let found = Command::new("locust").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    found.is_ok_and(|status| status.success()).then(|| PathBuf::from("locust"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const LOCUSTFILE: &str = "from locust import HttpUser, task\n\n\nclass TodoUser(HttpUser):\n    @task\n    def placeholder(self):\n        pass\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_under_a_real_locust_master() {
    let Some(locust) = locust() else {
        if std::env::var("LOADLAB_REQUIRE_LOCUST").as_deref() == Ok("1") {
            panic!("LOADLAB_REQUIRE_LOCUST=1 but no locust: set LOADLAB_LOCUST or put locust on PATH");
        }
        eprintln!(
            "\n!!!!!! SKIPPED two_workers_under_a_real_locust_master: no locust (set LOADLAB_LOCUST) !!!!!!\n"
        );
        return;
    };
    let server =
        loadlab::server::start(loadlab::server::ServerConfig::in_memory()).await.expect("lab server");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("locustfile.py"), LOCUSTFILE).unwrap();
    let port = free_port();
    let csv = dir.path().join("master");
    let mut master = Command::new(&locust)
        .current_dir(dir.path())
        .args(["-f", "locustfile.py", "--master", "--master-bind-host", "127.0.0.1"])
        .args(["--master-bind-port", &port.to_string(), "--headless", "--expect-workers", "2"])
        .args(["-u", "40", "-r", "20", "-t", "15s", "--web-port", "0", "-H", &server.url()])
        .arg("--csv")
        .arg(&csv)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("master.log")).unwrap())
        .spawn()
        .expect("locust starts");
    let worker = |n: usize| {
        Command::new(env!("CARGO_BIN_EXE_loadlab"))
            .args(["worker", "--solutions", "--master-host", "127.0.0.1", "--master-port", &port.to_string()])
            .args(["--master-timeout", "20", "TodoUser"])
            .stderr(std::fs::File::create(dir.path().join(format!("worker{n}.log"))).unwrap())
            .spawn()
            .expect("worker starts")
    };
    let mut workers = [worker(1), worker(2)];
    // Bounded: 15 s of load plus start-up and shutdown.
    let deadline = Instant::now() + Duration::from_secs(90);
    let wait = |child: &mut std::process::Child| loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let master_status = tokio::task::block_in_place(|| wait(&mut master));
    let worker_status: Vec<_> = tokio::task::block_in_place(|| workers.iter_mut().map(wait).collect());
    server.shutdown().await;
    let log = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    let logs = format!(
        "master:\n{}\nworker1:\n{}\nworker2:\n{}",
        log("master.log"),
        log("worker1.log"),
        log("worker2.log")
    );
    assert!(master_status.is_some(), "the master did not end\n{logs}");
    for status in &worker_status {
        assert_eq!(status.and_then(|s| s.code()), Some(0), "a worker did not end cleanly on quit\n{logs}");
    }
    for n in [1, 2] {
        let worker_log = log(&format!("worker{n}.log"));
        let reported: u64 = worker_log
            .lines()
            .filter_map(|line| line.split("보고한 요청: ").nth(1))
            .filter_map(|rest| rest.trim_end_matches("개").parse::<u64>().ok())
            .sum();
        assert!(reported > 0, "worker {n} reported no requests\n{logs}");
    }
    let stats =
        std::fs::read_to_string(format!("{}_stats.csv", csv.display())).expect("the master wrote its CSV");
    let rows: Vec<Vec<&str>> = stats.lines().skip(1).map(|line| line.split(',').collect()).collect();
    let count = |name: &str, column: usize| -> u64 {
        rows.iter().find(|row| row[1] == name).map_or(0, |row| row[column].parse().unwrap())
    };
    for name in ["/todos/ [GET - List]", "/todos/ [POST - Create]", "/health"] {
        assert!(count(name, 2) > 0, "no requests in the master's row {name}\n{stats}");
    }
    assert!(count("Aggregated", 2) > 100, "{stats}");
    assert_eq!(count("Aggregated", 3), 0, "failures in the master's CSV\n{stats}");
}
