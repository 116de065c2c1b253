//! The messages a Locust 2.x master and its workers exchange, and their bytes. Every message
//! is one ZeroMQ frame holding a MessagePack array `[type, data, node_id]` (Locust's
//! `locust.rpc.protocol.Message`); `data` is nil, an integer or a map of string keys.
//!
//! Worker → master: `client_ready` (data −1: Locust's "skip the version check", as boomer and
//! locust4j send), `heartbeat` every second, `spawning` and `spawning_complete` around a spawn,
//! `stats` every 3 s, `exception`, `client_stopped` after a stop, `quit`.
//! Master → worker: `ack`, `spawn` (users per class, host, stop timeout), `stop`, `quit`,
//! `reconnect`, `heartbeat`; anything else is [`Incoming::Unknown`].
//!
//! Promises: outgoing messages are byte for byte what Locust's own encoder writes for the same
//! values (tests against captures in tests/fixtures/locust_rpc/); a frame that is not a
//! message is an error value, never a panic.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// A map serialized in the given order (Python dicts keep insertion order).
pub struct Ordered<'a, K, V>(pub &'a [(K, V)]);

impl<K: Serialize, V: Serialize> Serialize for Ordered<'_, K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// `[type, data, node_id]`.
#[derive(Serialize)]
struct Envelope<'a, T>(&'a str, T, &'a str);

/// One row in Locust's `StatsEntryDict` (what `StatsEntry.get_stripped_report` returns).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StatsEntry {
    pub name: String,
    pub method: String,
    pub last_request_timestamp: Option<f64>,
    pub start_time: f64,
    pub num_requests: u64,
    pub num_none_requests: u64,
    pub num_failures: u64,
    pub total_response_time: f64,
    pub max_response_time: f64,
    pub min_response_time: Option<f64>,
    pub total_content_length: u64,
    #[serde(serialize_with = "ordered")]
    pub response_times: Vec<(u64, u64)>,
    #[serde(serialize_with = "ordered")]
    pub num_reqs_per_sec: Vec<(i64, u64)>,
    #[serde(serialize_with = "ordered")]
    pub num_fail_per_sec: Vec<(i64, u64)>,
}

/// One failure message in Locust's `StatsErrorDict`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StatsError {
    pub name: String,
    pub method: String,
    pub error: String,
    pub occurrences: u64,
    pub first_seen: Option<f64>,
    pub last_seen: Option<f64>,
}

fn ordered<K: Serialize, V: Serialize, S: Serializer>(
    pairs: &[(K, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Ordered(pairs).serialize(serializer)
}

/// The `stats` report: deltas since the previous one.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StatsReport {
    pub stats: Vec<StatsEntry>,
    pub stats_total: StatsEntry,
    /// Keyed as Locust keys them ([`super::report::error_key`]).
    #[serde(serialize_with = "ordered")]
    pub errors: Vec<(String, StatsError)>,
    #[serde(serialize_with = "ordered")]
    pub user_classes_count: Vec<(String, usize)>,
    pub user_count: usize,
}

/// What a worker sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    ClientReady,
    Heartbeat { state: &'static str, cpu_percent: f64, memory_bytes: u64 },
    Spawning,
    SpawningComplete { user_classes_count: Vec<(String, usize)>, user_count: usize },
    Stats(Box<StatsReport>),
    Exception { message: String, traceback: String },
    ClientStopped,
    Quit,
}

#[derive(Serialize)]
struct HeartbeatData {
    state: &'static str,
    current_cpu_usage: f64,
    current_memory_usage: u64,
}

#[derive(Serialize)]
struct SpawningCompleteData<'a> {
    #[serde(serialize_with = "ordered")]
    user_classes_count: &'a [(String, usize)],
    user_count: usize,
}

#[derive(Serialize)]
struct ExceptionData<'a> {
    msg: &'a str,
    traceback: &'a str,
}

fn pack<T: Serialize>(kind: &str, data: T, node_id: &str) -> Vec<u8> {
    // Serializing plain values into a Vec cannot fail.
    rmp_serde::to_vec_named(&Envelope(kind, data, node_id)).expect("a message serializes")
}

impl Outgoing {
    /// The message's frame, from the worker `node_id`.
    pub fn encode(&self, node_id: &str) -> Vec<u8> {
        match self {
            Outgoing::ClientReady => pack("client_ready", -1, node_id),
            Outgoing::Heartbeat { state, cpu_percent, memory_bytes } => pack(
                "heartbeat",
                HeartbeatData { state, current_cpu_usage: *cpu_percent, current_memory_usage: *memory_bytes },
                node_id,
            ),
            Outgoing::Spawning => pack("spawning", (), node_id),
            Outgoing::SpawningComplete { user_classes_count, user_count } => pack(
                "spawning_complete",
                SpawningCompleteData { user_classes_count, user_count: *user_count },
                node_id,
            ),
            Outgoing::Stats(report) => pack("stats", report, node_id),
            Outgoing::Exception { message, traceback } => {
                pack("exception", ExceptionData { msg: message, traceback }, node_id)
            }
            Outgoing::ClientStopped => pack("client_stopped", (), node_id),
            Outgoing::Quit => pack("quit", (), node_id),
        }
    }
}

/// The part of a master's `spawn` a worker uses.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct Spawn {
    /// Orders spawns: an older or equal one is discarded.
    pub timestamp: f64,
    pub user_classes_count: BTreeMap<String, usize>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub stop_timeout: Option<f64>,
}

/// What a master sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Ack {
        index: Option<i64>,
    },
    Spawn(Spawn),
    Stop,
    Quit,
    Reconnect,
    Heartbeat,
    /// The master's "spawning complete" for the whole test.
    SpawningComplete,
    /// A type this worker does not handle (logged, not fatal).
    Unknown(String),
}

#[derive(Deserialize)]
struct Head(String, IgnoredAny, IgnoredAny);

#[derive(Deserialize)]
struct Body<T>(IgnoredAny, T, IgnoredAny);

#[derive(Deserialize)]
struct AckData {
    #[serde(default)]
    index: Option<i64>,
}

/// Why a frame is not a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed(pub String);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How deep a message may nest: Locust's deepest (`stats`) is five levels. rmp-serde's own
/// limit (1024) is deeper than a thread's stack holds in a debug build, so a hostile frame of
/// nested arrays would crash the worker instead of being skipped.
const MAX_DEPTH: usize = 32;

/// A MessagePack reader of `bytes` that refuses nesting deeper than [`MAX_DEPTH`].
fn reader<R: std::io::Read>(bytes: R) -> rmp_serde::Deserializer<rmp_serde::decode::ReadReader<R>> {
    let mut deserializer = rmp_serde::Deserializer::new(bytes);
    deserializer.set_max_depth(MAX_DEPTH);
    deserializer
}

fn body<T: serde::de::DeserializeOwned>(frame: &[u8], kind: &str) -> Result<T, Malformed> {
    Body::<T>::deserialize(&mut reader(frame))
        .map(|Body(_, data, _)| data)
        .map_err(|error| Malformed(format!("'{kind}' 메시지의 데이터를 읽을 수 없어요: {error}")))
}

impl Incoming {
    /// Reads one frame from the master.
    pub fn decode(frame: &[u8]) -> Result<Incoming, Malformed> {
        let mut rest = frame;
        let Head(kind, ..) = Head::deserialize(&mut reader(&mut rest))
            .map_err(|error| Malformed(format!("Locust 메시지가 아니에요: {error}")))?;
        if !rest.is_empty() {
            return Err(Malformed(format!("메시지 뒤에 {}바이트가 더 있어요", rest.len())));
        }
        Ok(match kind.as_str() {
            "ack" => {
                let data: Option<AckData> = body(frame, &kind)?;
                Incoming::Ack { index: data.and_then(|data| data.index) }
            }
            "spawn" => Incoming::Spawn(body(frame, &kind)?),
            "stop" => Incoming::Stop,
            "quit" => Incoming::Quit,
            "reconnect" => Incoming::Reconnect,
            "heartbeat" => Incoming::Heartbeat,
            "spawning_complete" => Incoming::SpawningComplete,
            _ => Incoming::Unknown(kind),
        })
    }
}
