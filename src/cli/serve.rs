//! `loadlab serve`: the lab TODO server in the foreground, until Ctrl-C.

use std::path::PathBuf;

use clap::Args;

use crate::server::{Bottleneck, ServerConfig, Storage};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 포트 (가이드의 FastAPI 앱과 같은 8000이 기본)
    #[arg(long, short = 'p', default_value_t = 8000)]
    port: u16,
    /// SQLite 파일 (기본: loadlab-todos.db, 재시작해도 데이터가 남아요)
    #[arg(long, value_name = "FILE", conflicts_with = "in_memory")]
    db: Option<PathBuf>,
    /// 메모리 DB: 끄면 데이터가 사라지는 일회용 서버
    #[arg(long)]
    in_memory: bool,
    /// 바인드 주소
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// 일부러 켜는 병목 (여러 번 쓸 수 있음): n-plus-one, missing-index, no-pagination,
    /// pool-starvation, blocking-io, slow-endpoint, memory-leak, no-compression, mystery(무작위·비밀)
    #[arg(long, value_name = "NAME")]
    bottleneck: Vec<String>,
}

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
            chosen.push(name.parse::<Bottleneck>().map_err(|e| super::UsageError(e.to_string()))?);
        }
    }
    Ok(chosen)
}

const DEFAULT_DB_FILE: &str = "loadlab-todos.db";

pub async fn exec(args: ServeArgs) -> anyhow::Result<i32> {
    let storage = if args.in_memory {
        Storage::InMemory
    } else {
        Storage::File(args.db.unwrap_or_else(|| PathBuf::from(DEFAULT_DB_FILE)))
    };
    let bottlenecks = chosen_bottlenecks(&args.bottleneck)?;
    let secret_bottlenecks = args.bottleneck.iter().any(|name| name == MYSTERY);
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
