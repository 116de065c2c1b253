//! loadlab as a learner and an engineer meet it: the built binary, a pseudo-terminal, headless
//! Chromium, a real Locust master and nginx. One test binary; each module is the file of the
//! same name beside this one.

#[path = "web_support/browser.rs"]
mod browser;
mod common;
mod web_support;

mod cli;
mod import;
mod learner_loop;
mod tutor_cli;
mod tutor_pty;
mod watch_pty;
mod web_browser;
mod web_cli;
mod worker_locust;
