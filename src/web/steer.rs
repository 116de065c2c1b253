//! Steering a running test from the page: the user count and spawn rate, a statistics reset
//! (through the engine's run control, when the engine offers it), and the embedded lab
//! server's bottleneck switches. One [`Steering`] per run; the dashboard hands out clones.

use std::sync::Arc;

use serde::Serialize;

use crate::engine::control::{self, RunControl};
use crate::server::Bottleneck;
use crate::server::bottlenecks::Active as Switchboard;

const NO_LAB: &str = "병목은 내장 실습 서버로 실행할 때만 켜고 끌 수 있어요.";
const SECRET: &str = "이 서버의 병목은 비밀이라 여기서 바꿀 수 없어요.";

/// The engine side of a run's steering, plugged into its configuration.
pub struct ControlReceiver(control::ControlReceiver);

/// What the page may change in a running test.
#[derive(Clone)]
pub struct Steering {
    control: RunControl,
    lab: Option<Arc<Switchboard>>,
}

/// One bottleneck switch as the lab panel shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LabSwitch {
    pub name: &'static str,
    pub describe: &'static str,
    pub on: bool,
}

impl Steering {
    pub fn new() -> (Steering, ControlReceiver) {
        let (control, receiver) = control::channel();
        (Steering { control, lab: None }, ControlReceiver(receiver))
    }

    /// The embedded lab server's switches, when the run has one.
    pub fn with_lab(mut self, lab: Option<Arc<Switchboard>>) -> Self {
        self.lab = lab;
        self
    }

    /// The lab panel's switches (none for another host or a secret bottleneck).
    pub fn lab_state(&self) -> Option<Vec<LabSwitch>> {
        let lab = self.lab.as_ref().filter(|lab| !lab.secret)?;
        Some(
            Bottleneck::ALL
                .iter()
                .map(|&bottleneck| LabSwitch {
                    name: bottleneck.name(),
                    describe: bottleneck.describe(),
                    on: lab.is_on(bottleneck),
                })
                .collect(),
        )
    }

    /// Switches one bottleneck of the embedded lab server; blocking work (sizing the real work
    /// of a bottleneck) runs off the async threads.
    pub async fn set_bottleneck(&self, bottleneck: Bottleneck, on: bool) -> Result<(), String> {
        let lab = self.lab.clone().ok_or(NO_LAB)?;
        if lab.secret {
            return Err(SECRET.to_string());
        }
        tokio::task::spawn_blocking(move || lab.set(bottleneck, on))
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| format!("병목을 바꾸지 못했어요: {error:#}"))
    }

    /// A new user count and spawn rate for the running test, kept until the run ends (a
    /// shape stops shaping: the page asked for this many users).
    pub fn edit(&self, users: usize, spawn_rate: f64) {
        self.control.set_users(users, spawn_rate);
    }

    /// Users running now per class, as the engine last reported them.
    pub fn class_users(&self) -> Vec<(String, usize)> {
        self.control.state().class_users
    }

    /// Starts the statistics again from zero (requests, failures, exceptions, history).
    pub fn reset(&self) {
        self.control.reset_stats();
    }
}

impl ControlReceiver {
    /// The engine's end, for [`crate::ops::run::RunHooks::control`].
    pub fn into_engine(self) -> control::ControlReceiver {
        self.0
    }
}
