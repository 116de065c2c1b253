//! The dashboard in the foreground, until Ctrl-C, as `loadlab web` and the tutor's "웹 UI로
//! 실행" open it. The finished scenarios are served from this process; the learner's own by
//! their exercises binary (built first), so the dashboard runs what the learner wrote.

use std::net::IpAddr;

use super::WebOptions;
use crate::ops::console;

/// Opens the dashboard at `host:port` with an empty form, for the finished scenarios
/// (`solutions`) or the learner's. Returns the exit code, usage errors already shown.
pub fn open_dashboard(solutions: bool, host: IpAddr, port: u16) -> anyhow::Result<i32> {
    if solutions {
        let options = WebOptions { host, port, ..WebOptions::default() };
        return console::block_on(async {
            super::serve(crate::solutions::workbook(), options).await?;
            Ok(0)
        });
    }
    console::usage_result(console::run::run_learner(&learner_args(host, port)))
}

/// The exercises binary's flags for the dashboard at `host:port`: its `run --web`, with the
/// empty form of `loadlab web`.
fn learner_args(host: IpAddr, port: u16) -> Vec<String> {
    let port = port.to_string();
    let host = host.to_string();
    ["--web", "--web-form-only", "--web-port", port.as_str(), "--web-host", host.as_str()]
        .map(String::from)
        .to_vec()
}
