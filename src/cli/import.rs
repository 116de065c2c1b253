//! `loadlab import har|openapi|access-log`: a scenario from a browser recording, an API document
//! or an access log, written into `exercises/` (see `ops::import`); prints what was made, what
//! was left out and the command that runs it.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use colored::Colorize;

use crate::ops::import::{Input, Written};

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    source: ImportSource,
}

#[derive(Subcommand, Debug)]
enum ImportSource {
    /// 브라우저 기록(HAR 1.2: Chrome·Firefox의 "Save all as HAR")에서 시나리오를 만들어요
    Har {
        /// HAR 파일
        file: PathBuf,
        #[command(flatten)]
        class: ClassArgs,
        /// 이 호스트의 요청만 가져와요 (기본: 기록한 페이지의 호스트)
        #[arg(long, value_name = "HOST")]
        host_filter: Option<String>,
    },
    /// OpenAPI 3.0·3.1 문서(JSON·YAML, 파일이나 http 주소)에서 작업마다 시나리오를 만들어요
    Openapi {
        /// 문서 파일이나 주소 (예: http://127.0.0.1:8000/openapi.json)
        file_or_url: String,
        #[command(flatten)]
        class: ClassArgs,
    },
    /// 접근 로그(nginx·Apache combined, JSON 줄)의 트래픽 비율로 시나리오를 만들어요
    AccessLog {
        /// 접근 로그 파일
        file: PathBuf,
        #[command(flatten)]
        class: ClassArgs,
        /// 요청 본문과 id 연결을 만들 OpenAPI 문서 (파일이나 주소)
        #[arg(long, value_name = "DOC")]
        openapi: Option<String>,
    },
}

#[derive(Args, Debug)]
struct ClassArgs {
    /// 만들 사용자 클래스 이름 (영문 대문자로 시작, 예: CheckoutUser)
    #[arg(long, value_name = "NAME")]
    class: String,
    /// 같은 이름의 클래스가 있어도 덮어써요
    #[arg(long)]
    force: bool,
}

pub async fn exec(args: ImportArgs) -> anyhow::Result<i32> {
    let (input, class) = match args.source {
        ImportSource::Har { file, class, host_filter } => (Input::Har { file, host_filter }, class),
        ImportSource::Openapi { file_or_url, class } => (Input::OpenApi { location: file_or_url }, class),
        ImportSource::AccessLog { file, class, openapi } => (Input::AccessLog { file, openapi }, class),
    };
    let workbook = crate::places::workbook_dir();
    let written = crate::ops::import::import(&input, &class.class, class.force, &workbook).await?;
    print(&written, &class.class, &workbook);
    Ok(0)
}

fn print(written: &Written, class: &str, workbook: &std::path::Path) {
    if let Some(traffic) = &written.traffic {
        let mut rows = vec![vec![
            "경로".to_string(),
            "비율".to_string(),
            "요청".to_string(),
            "최대 req/s(1분)".to_string(),
        ]];
        for route in &traffic.routes {
            rows.push(vec![
                format!("{} {}", route.method.upper(), route.name),
                format!("{:.1}%", route.share),
                route.requests.to_string(),
                format!("{:.2}", route.peak_rps),
            ]);
        }
        println!("{}", "접근 로그의 트래픽".bold());
        print!("{}", crate::text::columns(&rows, &[true, false, false, false], "  "));
        println!(
            "  4xx {}건, 5xx {}건, 정적 파일 {}건은 작업으로 만들지 않았어요.",
            traffic.errors_4xx, traffic.errors_5xx, traffic.static_files
        );
        if traffic.span_seconds > 0.0 {
            println!("  평균 {:.2} req/s, 가장 바쁜 1분 {:.2} req/s", traffic.average_rps, traffic.peak_rps);
        } else {
            println!("  로그에 시간이 없어 초당 요청 수는 계산하지 않았어요.");
        }
        if !traffic.unreadable.is_empty() {
            println!("  읽지 못한 줄: {}", traffic.unreadable.join(", "));
        }
        println!();
    }
    let shown = written.file.strip_prefix(workbook).unwrap_or(&written.file);
    println!("{} {}", "✅ 시나리오를 만들었어요:".green().bold(), shown.display());
    if written.registered {
        println!("   exercises/main.rs의 user_classes()에 등록했어요: {class}");
    }
    for note in &written.imported.scenario.notes {
        println!("   - {note}");
    }
    if !written.imported.skipped.is_empty() {
        println!("{}", format!("가져오지 못한 것 {}개:", written.imported.skipped.len()).yellow());
        for reason in &written.imported.skipped {
            println!("   - {reason}");
        }
    }
    println!("\n파일 맨 위의 주석을 읽고 검토한 뒤 실행해 보세요:");
    println!("  {}", crate::places::command(&format!("run {class} -u 5 -r 1 -t 30s")));
    println!("-H가 없으면 내장 실습 서버에 걸려요. 내 서비스(스테이징)에는 -H 주소를 붙이세요.");
}
