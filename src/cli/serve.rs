//! `loadlab serve`: the lab TODO server in the foreground, until Ctrl-C.

use std::path::PathBuf;

use clap::Args;

use crate::server::{ServerConfig, Storage};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 포트 (가이드의 FastAPI 앱과 같은 8000이 기본)
    #[arg(long, short = 'p', default_value_t = 8000)]
    port: u16,
    /// SQLite 파일 (기본: loadlab-todos.db, 재시작해도 데이터가 남습니다)
    #[arg(long, value_name = "FILE", conflicts_with = "in_memory")]
    db: Option<PathBuf>,
    /// 메모리 DB: 끄면 데이터가 사라지는 일회용 서버
    #[arg(long)]
    in_memory: bool,
    /// 바인드 주소
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
}

const DEFAULT_DB_FILE: &str = "loadlab-todos.db";

pub async fn exec(args: ServeArgs) -> anyhow::Result<i32> {
    let storage = if args.in_memory {
        Storage::InMemory
    } else {
        Storage::File(args.db.unwrap_or_else(|| PathBuf::from(DEFAULT_DB_FILE)))
    };
    let config = ServerConfig { host: args.bind, port: args.port, storage, ..ServerConfig::in_memory() };
    crate::server::serve_forever(config).await?;
    Ok(0)
}
