//! `loadlab web` and `loadlab run --web`: the dashboard's flags. The dashboard itself is
//! [`crate::web`]'s; this file only turns flags into [`WebOptions`] (and `run`'s flags into
//! the form's starting values, taken from [`RunSettings`]).

use std::net::IpAddr;

use clap::Args;

use crate::engine::workbook::Workbook;
use crate::ops::run::RunSettings;
use crate::web::WebOptions;
use crate::web::form::{ClassChoice, StartForm};

/// Where the dashboard listens.
#[derive(Args, Debug, Clone)]
pub struct WebAddress {
    /// 대시보드 포트 (Locust: --web-port)
    #[arg(long = "web-port", value_name = "PORT", default_value_t = crate::web::DEFAULT_PORT)]
    pub web_port: u16,
    /// 대시보드 주소 (기본은 이 컴퓨터에서만 열리는 127.0.0.1)
    #[arg(long = "web-host", value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub web_host: IpAddr,
}

/// `run --web`: the same run, started from the dashboard.
#[derive(Args, Debug, Clone)]
pub struct RunWeb {
    /// 이 실행을 웹 대시보드에서 시작하고 지켜봐요 (http://127.0.0.1:8089)
    #[arg(long)]
    pub web: bool,
    /// `loadlab web` in the learner's binary: an empty form, nothing started.
    #[arg(long, hide = true, requires = "web")]
    pub web_form_only: bool,
    #[command(flatten)]
    pub address: WebAddress,
}

#[derive(Args, Debug)]
pub struct WebArgs {
    /// exercises/ 대신 완성된 solutions/의 시나리오로 대시보드를 열어요
    #[arg(long)]
    pub solutions: bool,
    #[command(flatten)]
    pub address: WebAddress,
}

impl WebAddress {
    fn options(&self) -> WebOptions {
        WebOptions { host: self.web_host, port: self.web_port, ..WebOptions::default() }
    }
}

/// `loadlab web [--solutions]`: the dashboard until Ctrl-C.
pub fn exec(args: WebArgs) -> anyhow::Result<i32> {
    crate::web::open::open_dashboard(args.solutions, args.address.web_host, args.address.web_port)
}

/// `run --web`: the dashboard with `settings` in the form, started at once (`--web-form-only`:
/// the empty form of `loadlab web`).
pub async fn exec_run(
    settings: &RunSettings,
    web: &RunWeb,
    workbook: Workbook,
    record_practice: bool,
) -> anyhow::Result<i32> {
    let started = !web.web_form_only;
    let form = started.then(|| start_form(settings, &workbook));
    let options = WebOptions { record_practice, defaults: form, autostart: started, ..web.address.options() };
    crate::web::serve(workbook, options).await?;
    Ok(0)
}

/// `run`'s settings as the form's fields; no class named means every class with its weight.
fn start_form(args: &RunSettings, workbook: &Workbook) -> StartForm {
    let classes = workbook
        .classes
        .iter()
        .filter(|class| args.classes.is_empty() || args.classes.iter().any(|name| name == class.name))
        .map(|class| ClassChoice { name: class.name.to_string(), weight: class.weight.into() })
        .collect();
    StartForm {
        users: args.users.into(),
        spawn_rate: args.spawn_rate.into(),
        host: args.host.clone().unwrap_or_default(),
        run_time: args.run_time.map(|time| format!("{}s", time.as_secs())).unwrap_or_default(),
        classes,
        shape: args.shape.clone().unwrap_or_default(),
        quick: args.quick,
        bottlenecks: args.bottlenecks.iter().map(|b| b.name().to_string()).collect(),
    }
}
