//! The lab TODO server in the foreground, until Ctrl-C: `serve` and the tutor's "실습 서버"
//! and bottleneck-lab choices. A `mystery` bottleneck is drawn here and kept secret in the
//! progress file for the bottleneck hunt.

use std::path::PathBuf;

use crate::exit::UsageError;
use crate::server::{Bottleneck, ServerConfig, Storage};

const MYSTERY: &str = "mystery";
const MYSTERY_ON: &str = "🕵️ 수수께끼 병목이 하나 켜졌어요. 무엇인지는 비밀! 부하를 걸고 결과를 읽은 뒤 튜터의 \
'병목 찾기'에서 이름을 맞혀 보세요.";

/// The bottlenecks to switch on; `mystery` draws one at random and remembers it in the progress
/// file (the tutor's bottleneck hunt checks the learner's guess against it).
fn chosen_bottlenecks(names: &[String]) -> anyhow::Result<Vec<Bottleneck>> {
    let mut chosen = Vec::new();
    for name in names {
        if name == MYSTERY {
            // The leak shows only in the memory figure, which only Linux reports: elsewhere the
            // hunt could never be won by evidence, so it is not drawn there.
            let drawable: Vec<Bottleneck> = Bottleneck::ALL
                .into_iter()
                .filter(|b| cfg!(target_os = "linux") || *b != Bottleneck::MemoryLeak)
                .collect();
            let secret = *crate::engine::random::choose(&drawable).expect("there are bottlenecks");
            crate::progress::Progress::update(|progress| {
                progress.mystery_bottleneck = Some(secret.name().to_string())
            })?;
            println!("{MYSTERY_ON}");
            chosen.push(secret);
        } else {
            chosen.push(name.parse::<Bottleneck>().map_err(|e| UsageError(e.to_string()))?);
        }
    }
    Ok(chosen)
}

const DEFAULT_DB_FILE: &str = "loadlab-todos.db";

/// The lab server's start-up as `serve`'s flags give it.
#[derive(Debug, Clone)]
pub struct Serve {
    pub port: u16,
    /// The SQLite file; `None` is [`DEFAULT_DB_FILE`].
    pub db: Option<PathBuf>,
    pub in_memory: bool,
    pub bind: std::net::IpAddr,
    /// Bottleneck names, `mystery` among them.
    pub bottlenecks: Vec<String>,
}

impl Serve {
    /// The guide's address, 127.0.0.1:8000, with the default file and no bottleneck.
    pub fn on_guide_port() -> Self {
        Serve {
            port: 8000,
            db: None,
            in_memory: false,
            bind: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            bottlenecks: Vec::new(),
        }
    }
}

/// Serves the lab TODO API in the foreground until Ctrl-C.
pub async fn serve(args: Serve) -> anyhow::Result<i32> {
    let storage = if args.in_memory {
        Storage::InMemory
    } else {
        Storage::File(args.db.unwrap_or_else(|| PathBuf::from(DEFAULT_DB_FILE)))
    };
    let bottlenecks = chosen_bottlenecks(&args.bottlenecks)?;
    let secret_bottlenecks = args.bottlenecks.iter().any(|name| name == MYSTERY);
    let config = ServerConfig {
        host: args.bind,
        port: args.port,
        storage,
        bottlenecks,
        secret_bottlenecks,
        ..ServerConfig::in_memory()
    };
    crate::server::serve_forever(config).await?;
    Ok(0)
}
