//! Which bottlenecks a running lab server has on, changeable while it runs: the web UI's lab
//! panel flips them during a load test so the learner sees the charts move. The database
//! reads its flags at each query and the request machinery at each request, so a switch
//! takes effect with the next request, on the same data and the same connections.
//!
//! Owns the flags and the registry of the servers running in this process, by port, so the
//! dashboard finds the embedded server it started without another way in: no route of the
//! server itself can switch anything (a scenario or a hunt could otherwise).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::Bottleneck;

/// One flag per [`Bottleneck`], in [`Bottleneck::ALL`]'s order.
#[derive(Debug, Default)]
pub struct Switches {
    on: [AtomicBool; Bottleneck::ALL.len()],
}

fn index(bottleneck: Bottleneck) -> usize {
    Bottleneck::ALL.iter().position(|b| *b == bottleneck).unwrap_or(0)
}

impl Switches {
    /// The flags of `list` on, the rest off.
    pub fn of(list: &[Bottleneck]) -> Self {
        let switches = Switches::default();
        for bottleneck in list {
            switches.flip(*bottleneck, true);
        }
        switches
    }

    pub fn is_on(&self, bottleneck: Bottleneck) -> bool {
        self.on[index(bottleneck)].load(Ordering::Relaxed)
    }

    /// Only the flag: the machinery a bottleneck needs is [`super::bottlenecks::Active::set`]'s.
    pub(crate) fn flip(&self, bottleneck: Bottleneck, on: bool) {
        self.on[index(bottleneck)].store(on, Ordering::Relaxed);
    }

    /// The bottlenecks on now.
    pub fn list(&self) -> Vec<Bottleneck> {
        Bottleneck::ALL.into_iter().filter(|b| self.is_on(*b)).collect()
    }
}

type Registry = Mutex<Vec<(u16, Weak<super::bottlenecks::Active>)>>;

static RUNNING: Registry = Mutex::new(Vec::new());

/// Remembers the server on `port` (only while it lives: the registry holds no strong handle).
pub(crate) fn register(port: u16, active: &Arc<super::bottlenecks::Active>) {
    let mut running = crate::process::lock(&RUNNING);
    running.retain(|(known, server)| *known != port && server.strong_count() > 0);
    running.push((port, Arc::downgrade(active)));
}

/// The bottleneck machinery of the lab server running in this process on `port`.
pub fn running(port: u16) -> Option<Arc<super::bottlenecks::Active>> {
    let running = crate::process::lock(&RUNNING);
    running.iter().find(|(known, _)| *known == port).and_then(|(_, server)| server.upgrade())
}

/// The lab server running in this process at `url` (`http://127.0.0.1:PORT`).
pub fn running_at(url: &str) -> Option<Arc<super::bottlenecks::Active>> {
    let port = url.trim_end_matches('/').rsplit(':').next()?.parse().ok()?;
    running(port)
}
