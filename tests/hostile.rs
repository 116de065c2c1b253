//! loadlab against a hostile world: a target that lies about its framing, sends bodies without
//! end, compression bombs or one byte at a time; a Locust master that sends absurd spawns; a
//! command line with absurd numbers; a client that never finishes its request head. Each
//! answers with a failure row or one Korean line, stays within its memory and its time, and
//! never panics.
//!
//! Every service here is started by the test on 127.0.0.1 port 0 and stopped by it; every run
//! is a few users for a few seconds.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use zeromq::{Socket, SocketRecv, SocketSend};

fn loadlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", std::env::temp_dir().join("loadlab-hostile-tests"))
        .stdin(Stdio::null())
        .output()
        .expect("loadlab runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn hangul(text: &str) -> bool {
    text.chars().any(|c| ('가'..='힣').contains(&c))
}

/// How a hostile target answers every request.
#[derive(Debug, Clone, Copy)]
enum Lie {
    /// `Content-Length: 30000000000`, then bytes without end.
    HugeLength,
    /// `Content-Length: 18446744073709551615`.
    MaxLength,
    /// No framing, bytes without end.
    Endless,
    /// Chunks without end.
    EndlessChunks,
    /// A chunk of `ffffffffffffffff` bytes.
    HugeChunk,
    /// 256 MiB of zeros in a gzip body of a few hundred KB.
    GzipBomb,
    /// `Content-Length: 100` and three bytes, then the connection closes.
    ShortBody,
    /// Not HTTP at all.
    Garbage,
    /// The status line, one byte every 200 ms, forever.
    SlowBytes,
}

/// 256 MiB of zeros, gzipped once for all the tests.
fn gzip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..256 {
            encoder.write_all(&zeros).unwrap();
        }
        encoder.finish().unwrap()
    })
}

/// Reads one request head; false when the client went away.
async fn read_head(socket: &mut TcpStream) -> bool {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 1024];
    while !seen.windows(4).any(|window| window == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
        if seen.len() > 64 * 1024 {
            return false;
        }
    }
    true
}

/// Writes `piece` until the client closes the connection.
async fn flood(socket: &mut TcpStream, piece: &[u8]) {
    while socket.write_all(piece).await.is_ok() {}
}

async fn answer(mut socket: TcpStream, lie: Lie) {
    let zeros = vec![b'0'; 64 * 1024];
    while read_head(&mut socket).await {
        match lie {
            Lie::HugeLength | Lie::MaxLength => {
                let length =
                    if matches!(lie, Lie::HugeLength) { "30000000000" } else { "18446744073709551615" };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_ok() {
                    flood(&mut socket, &zeros).await;
                }
                return;
            }
            Lie::Endless => {
                if socket.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").await.is_ok() {
                    flood(&mut socket, &zeros).await;
                }
                return;
            }
            Lie::EndlessChunks => {
                let mut chunk = format!("{:x}\r\n", zeros.len()).into_bytes();
                chunk.extend_from_slice(&zeros);
                chunk.extend_from_slice(b"\r\n");
                if socket.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await.is_ok() {
                    flood(&mut socket, &chunk).await;
                }
                return;
            }
            Lie::HugeChunk => {
                let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
                if socket.write_all(head).await.is_ok() {
                    flood(&mut socket, &zeros).await;
                }
                return;
            }
            Lie::GzipBomb => {
                let bomb = gzip_bomb();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    bomb.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(bomb).await.is_err() {
                    return;
                }
            }
            Lie::ShortBody => {
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc").await;
                return;
            }
            Lie::Garbage => {
                let _ = socket.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
                return;
            }
            Lie::SlowBytes => {
                for byte in b"HTTP/1.1 200 OK\r\n".iter().cycle() {
                    if socket.write_all(&[*byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}

/// A hostile target on a free loopback port, telling `lie` to every request until the runtime
/// that started it ends.
fn hostile_target(runtime: &tokio::runtime::Runtime, lie: Lie) -> String {
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, lie));
        }
    });
    host
}

/// Set in the process a measuring test runs alone in (see [`measured_alone`]).
const ALONE: &str = "LOADLAB_TEST_ALONE";

/// Runs the test `name` of this module again in a process of its own, unless this is that
/// process; true when it ran there (and passed), so the caller returns at once.
///
/// A child's peak resident size (wait4's rusage) also counts the process it was forked from
/// (Linux keeps the larger of the two across exec), and this test binary, with every other
/// test running beside it, holds hundreds of MiB: the limit would measure the tests, not the run.
fn measured_alone(name: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return false;
    }
    let module = module_path!().split_once("::").map_or("", |(_, inside)| inside);
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &format!("{module}::{name}"), "--nocapture", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .unwrap();
    let report =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && report.contains("1 passed"), "{name} alone:\n{report}");
    true
}

/// Runs `loadlab args` to its end; returns its output and the most resident memory it reached,
/// in bytes (its own rusage, whatever other tests run beside it, plus the small process of
/// [`measured_alone`] it was forked from).
// `wait4` reaps the child: std's `wait` cannot report the child's own memory.
#[allow(clippy::zombie_processes)]
fn loadlab_measured(args: &[&str]) -> (Output, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LOADLAB_PROGRESS_DIR", std::env::temp_dir().join("loadlab-hostile-tests"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("loadlab runs");
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut bytes).unwrap();
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stderr_pipe, &mut bytes).unwrap();
        bytes
    });
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: waits for the child we started, by its id; wait4 fills the two values we pass.
    let usage = unsafe {
        assert_eq!(
            libc::wait4(child.id() as libc::pid_t, &mut status, 0, usage.as_mut_ptr()),
            child.id() as i32
        );
        usage.assume_init()
    };
    let status = std::os::unix::process::ExitStatusExt::from_raw(status);
    let output = Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
    (output, usage.ru_maxrss as u64 * 1024)
}

#[test]
fn a_hostile_target_costs_a_failure_row_not_the_run() {
    if measured_alone("a_hostile_target_costs_a_failure_row_not_the_run") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    gzip_bomb();
    let cases = [
        (Lie::HugeLength, "응답 본문이 한도 64MiB를 넘어서"),
        (Lie::MaxLength, "응답 본문이 한도 64MiB를 넘어서"),
        (Lie::Endless, "본문이"),
        (Lie::EndlessChunks, "본문이"),
        (Lie::HugeChunk, "응답 본문이 한도 64MiB를 넘어서"),
        (Lie::GzipBomb, "본문이"),
        (Lie::ShortBody, "ConnectionResetError"),
        (Lie::Garbage, "HTTP 응답을 읽을 수 없어요"),
        (Lie::SlowBytes, ""),
    ];
    for (lie, reason) in cases {
        let host = hostile_target(&runtime, lie);
        let json = dir.path().join(format!("{lie:?}.json"));
        let started = Instant::now();
        let (output, peak) = loadlab_measured(&[
            "run",
            "--solutions",
            "TodoUser",
            "-u",
            "5",
            "-r",
            "5",
            "-t",
            "2s",
            "-H",
            &host,
            "--json",
            json.to_str().unwrap(),
            "--no-explain",
            "--only-summary",
        ]);
        let took = started.elapsed();
        println!("{lie:?}: {} MiB, {took:?}", peak / 1024 / 1024);
        let errors = stderr(&output);
        assert!(!errors.contains("panicked") && !errors.contains("memory allocation"), "{lie:?}: {errors}");
        assert!(matches!(output.status.code(), Some(0 | 1)), "{lie:?}: {:?}\n{errors}", output.status);
        // -t 2s, users cut at once (stop timeout 0): generous for a busy machine.
        assert!(took < Duration::from_secs(12), "{lie:?} ended after {took:?}");
        let result: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        if !reason.is_empty() {
            let messages: Vec<&str> =
                result["errors"].as_array().unwrap().iter().filter_map(|row| row["error"].as_str()).collect();
            assert!(messages.iter().any(|message| message.contains(reason)), "{lie:?}: {messages:?}");
            assert_eq!(output.status.code(), Some(1), "{lie:?}: failures exit 1");
        }
        assert!(result["exceptions"].as_array().unwrap().is_empty(), "{lie:?}: no panics in tasks: {result}");
        assert!(peak < 256 * 1024 * 1024, "{lie:?}: a run reached {} MiB", peak / 1024 / 1024);
    }
    runtime.shutdown_background();
}

#[test]
fn absurd_numbers_get_one_korean_line_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no/such/dir/pre");
    let zero = dir.path().join("zero_stats.csv");
    let huge = dir.path().join("huge_stats.csv");
    std::fs::write(&zero, "").unwrap();
    std::fs::write(&huge, "Type,Name,Request Count,Failure Count,Requests/s\n,Aggregated,1e308,0,1\n")
        .unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "--solutions", "-t", "1e20"], "너무 길어요"),
        (vec!["run", "--solutions", "-t", "0s"], "1초 이상"),
        (vec!["run", "--solutions", "--stop-timeout", "inf"], "--stop-timeout"),
        (vec!["run", "--solutions", "--stop-timeout", "1e20"], "너무 길어요"),
        (vec!["run", "--solutions", "--stop-timeout", "NaN"], "--stop-timeout"),
        (vec!["run", "--solutions", "--shape", "10:1e20"], "너무 길어요"),
        (
            vec!["run", "--solutions", "--shape", "10:10000000000000000000s,10:10000000000000000000s"],
            "너무 길어요",
        ),
        (vec!["run", "--solutions", "--shape", "10:20d,10:20d"], "30일"),
        (vec!["run", "--solutions", "--shape", "100000000000:2s"], "10000명까지"),
        (vec!["run", "--solutions", "-u", "-5"], "사용자 수"),
        (vec!["run", "--solutions", "-u", "100000"], "10000명까지"),
        (vec!["run", "--solutions", "-u", "100000000"], "10000명까지"),
        (vec!["run", "--solutions", "-r", "-1"], "투입 속도"),
        (vec!["run", "--solutions", "-r", "NaN"], "투입 속도"),
        (vec!["run", "--solutions", "-H", "http://"], "호스트"),
        (vec!["run", "--solutions", "--max-body", "0"], "크기"),
        (vec!["run", "--solutions", "-t", "1s", "--csv", missing_dir.to_str().unwrap()], "폴더가 없어요"),
        (
            vec!["worker", "--solutions", "--master-host", "127.0.0.1", "--master-timeout", "1e20"],
            "너무 길어요",
        ),
        (vec!["learn", "-1"], "레슨 번호"),
        (vec!["compare", "r1.json"], "NEW.json"),
        (vec!["compare", "/no/such/r1.json", "/no/such/r2.json"], "/no/such/r1.json"),
        (vec!["compare", "a.json", "b.json", "--max-regression", "p95=NaN%"], "NaN"),
        (vec!["explain", huge.to_str().unwrap()], "1e308"),
        (vec!["explain", zero.to_str().unwrap()], "zero_stats.csv"),
    ];
    for (args, expected) in cases {
        let started = Instant::now();
        let output = loadlab(&args);
        let message = stderr(&output);
        assert!(!message.contains("panicked"), "{args:?}: {message}");
        assert!(started.elapsed() < Duration::from_secs(20), "{args:?} took {:?}", started.elapsed());
        assert!(matches!(output.status.code(), Some(1 | 2)), "{args:?}: {:?} {message}", output.status);
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?} prints one line:\n{message}");
        assert!(message.contains(expected) && hangul(&message), "{args:?}: {message}");
    }
}

#[test]
fn explain_reads_a_bounded_amount_of_an_endless_file() {
    if measured_alone("explain_reads_a_bounded_amount_of_an_endless_file") {
        return;
    }
    let started = Instant::now();
    let (output, peak) = loadlab_measured(&["explain", "/dev/zero"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(hangul(&message) && message.contains("/dev/zero"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(peak < 256 * 1024 * 1024, "read with a limit: {} MiB", peak / 1024 / 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_request_heads_are_closed_and_health_keeps_answering() {
    let server = loadlab::server::start(loadlab::server::ServerConfig::in_memory()).await.unwrap();
    let address = server.addr();
    // Connections that send half a request head and then nothing.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut socket = TcpStream::connect(address).await.unwrap();
        socket.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        stalled.push(socket);
    }
    let health = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = health.get(format!("{}/health", server.url())).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    // The server closes a stalled connection after its header time-out.
    let limit = loadlab::server::HEADER_READ_TIMEOUT + Duration::from_secs(10);
    let closed = tokio::time::timeout(limit, async {
        let mut buffer = [0u8; 256];
        loop {
            match stalled[0].read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a half-sent head is cut off within {limit:?}");
    server.shutdown().await;
}

/// A spawn as a Locust master encodes it, with any numbers.
fn spawn_frame(timestamp: f64, users: u64, stop_timeout: Option<f64>) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct SpawnData {
        timestamp: f64,
        user_classes_count: std::collections::BTreeMap<String, u64>,
        host: String,
        stop_timeout: Option<f64>,
    }
    let data = SpawnData {
        timestamp,
        user_classes_count: [("TodoUser".to_string(), users)].into(),
        host: String::new(),
        stop_timeout,
    };
    rmp_serde::to_vec_named(&("spawn", data, "master")).unwrap()
}

fn master_message(kind: &str) -> Vec<u8> {
    rmp_serde::to_vec(&(kind, (), "master")).unwrap()
}

/// A master on a free loopback port whose worker runs against a refusing port: sends
/// `hostile` frames, then one good spawn, waits for its `spawning_complete`, then `quit`.
/// Returns the kinds the worker sent and its exit code.
async fn hostile_master(hostile: Vec<Vec<u8>>, good_users: u64) -> (Vec<String>, i32) {
    let mut master = zeromq::RouterSocket::new();
    let endpoint = master.bind("tcp://127.0.0.1:0").await.expect("bind");
    let port: u16 = endpoint.to_string().rsplit(':').next().unwrap().parse().unwrap();
    let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let options = loadlab::worker::WorkerOptions {
        master_host: "127.0.0.1".into(),
        master_port: port,
        classes: vec!["TodoUser".into()],
        host: Some(format!("http://127.0.0.1:{refusing}")),
        master_timeout: Duration::from_secs(30),
    };
    let worker = tokio::spawn(loadlab::worker::run(options, loadlab::solutions::workbook()));
    let mut kinds: Vec<String> = Vec::new();
    let first =
        tokio::time::timeout(Duration::from_secs(10), master.recv()).await.expect("client_ready").unwrap();
    let identity = first.get(0).unwrap().to_vec();
    let send = |frame: Vec<u8>| {
        let mut message = zeromq::ZmqMessage::from(identity.clone());
        message.push_back(frame.into());
        message
    };
    for frame in hostile {
        master.send(send(frame)).await.unwrap();
    }
    master.send(send(spawn_frame(1e9, good_users, Some(1.0)))).await.unwrap();
    let mut quit_sent = false;
    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let Ok(message) = master.recv().await else { break };
            let Ok((kind, ..)) =
                rmp_serde::from_slice::<(String, serde::de::IgnoredAny, String)>(message.get(1).unwrap())
            else {
                continue;
            };
            kinds.push(kind.clone());
            if kind == "spawning_complete" && !quit_sent {
                quit_sent = true;
                master.send(send(master_message("quit"))).await.unwrap();
            }
            if kind == "quit" {
                break;
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "the worker answered within a minute: {kinds:?}");
    let code = tokio::time::timeout(Duration::from_secs(20), worker)
        .await
        .expect("the worker ends after quit")
        .unwrap()
        .unwrap();
    (kinds, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_survives_hostile_spawns_and_quits_on_quit() {
    let hostile = vec![
        master_message("ack"),
        spawn_frame(1.0, 1, Some(1e20)),
        spawn_frame(2.0, 1, Some(f64::INFINITY)),
        spawn_frame(3.0, 1, Some(f64::NAN)),
        spawn_frame(4.0, 1_000_000_000, None),
        spawn_frame(f64::NAN, 1, None),
        spawn_frame(f64::INFINITY, 1, None),
        b"\x93\xa5spawn\xc0\xa6master".to_vec(),
        vec![0xc1; 64],
    ];
    let (kinds, code) = hostile_master(hostile, 3).await;
    assert!(
        kinds.iter().any(|kind| kind == "spawning_complete"),
        "the good spawn after the bad ones ran: {kinds:?}"
    );
    assert_eq!(code, 0, "quit ends the worker cleanly: {kinds:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_heartbeats_while_spawning_and_obeys_quit() {
    let (kinds, code) = hostile_master(vec![master_message("ack")], 2000).await;
    assert!(kinds.iter().any(|kind| kind == "spawning"), "{kinds:?}");
    assert_eq!(code, 0, "{kinds:?}");
}

#[test]
fn too_many_users_for_the_open_file_limit_is_said_before_spawning() {
    // `ulimit -n` in sh lowers both limits: the raise to the hard limit cannot help.
    let output = Command::new("sh")
        .args(["-c", "ulimit -n 300 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_loadlab")])
        .args(["run", "--solutions", "TodoUser", "-u", "200", "-r", "200", "-t", "5s"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("300") && message.contains("ulimit -n") && hangul(&message), "{message}");
}

#[test]
fn the_most_users_at_once_still_end_on_time_and_on_ctrl_c() {
    let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let host = format!("http://127.0.0.1:{refusing}");
    let started = Instant::now();
    let output = loadlab(&[
        "run",
        "--solutions",
        "TodoUser",
        "-u",
        "10000",
        "-r",
        "10000",
        "-t",
        "2s",
        "-H",
        &host,
        "--only-summary",
        "--no-explain",
    ]);
    let took = started.elapsed();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert!(took < Duration::from_secs(20), "-t 2s with 10,000 users ended after {took:?}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_loadlab"))
        .args(["run", "--solutions", "TodoUser", "-u", "10000", "-r", "10000", "-t", "10m", "-H", &host])
        .arg("--no-explain")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first live status line: the run loop is going, so its Ctrl-C handler is in place.
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            if line.starts_with('[') {
                let _ = line_tx.send(line);
            }
        }
    });
    let live = line_rx.recv_timeout(Duration::from_secs(60)).expect("a live status line");
    assert!(live.contains("사용자"), "{live}");
    let interrupted = Instant::now();
    // SAFETY: signals the child we started, by its id.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "Ctrl-C did not end the run within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.code().is_some(), "ended by itself after Ctrl-C: {status:?}");
    assert!(interrupted.elapsed() < Duration::from_secs(20));
}

/// A scenario's own shape that asks for a million users.
#[derive(Default)]
struct MillionShape;

impl loadlab::prelude::LoadShape for MillionShape {
    fn tick(&mut self, _: Duration) -> Option<(usize, f64)> {
        Some((1_000_000, 5.0))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shape_asking_for_more_than_the_process_holds_is_capped_and_told() {
    use loadlab::engine::runner::Notice;
    let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let classes =
        loadlab::solutions::workbook().classes.into_iter().filter(|c| c.name == "TodoUser").collect();
    let mut config = loadlab::engine::RunConfig::new(
        classes,
        format!("http://127.0.0.1:{refusing}"),
        0,
        1.0,
        Duration::from_secs(1),
    );
    config.schedule = loadlab::engine::shape::Schedule::custom(Box::new(MillionShape), "million");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let notices = seen.clone();
    config.observer = Some(Box::new(move |status: &loadlab::engine::LiveStatus<'_>| {
        notices.lock().unwrap().extend(status.notices.clone());
        assert!(status.target_users <= loadlab::limits::MAX_USERS, "target {}", status.target_users);
    }));
    config.interrupt = Some(Box::pin(tokio::time::sleep(Duration::from_millis(1500))));
    let result = tokio::time::timeout(Duration::from_secs(30), loadlab::engine::run(config))
        .await
        .expect("the run ends when interrupted")
        .unwrap();
    assert!(result.settings.users <= loadlab::limits::MAX_USERS);
    let told = seen.lock().unwrap().iter().any(|notice| {
        matches!(notice, Notice::UserCeiling { asked: 1_000_000, ceiling } if *ceiling <= loadlab::limits::MAX_USERS)
    });
    assert!(told, "the ceiling is told: {:?}", seen.lock().unwrap());
}
