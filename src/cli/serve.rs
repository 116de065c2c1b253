//! `loadlab serve`: its flags; the lab TODO server in the foreground is
//! [`crate::ops::console::serve`]'s.

use std::path::PathBuf;

use clap::Args;

use crate::ops::console::serve::{Serve, serve};

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

pub async fn exec(args: ServeArgs) -> anyhow::Result<i32> {
    serve(Serve {
        port: args.port,
        db: args.db,
        in_memory: args.in_memory,
        bind: args.bind,
        bottlenecks: args.bottleneck,
    })
    .await
}
