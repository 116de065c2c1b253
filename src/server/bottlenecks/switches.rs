//! Which bottlenecks a running lab server has on, changeable while it runs: the web UI's lab
//! panel flips them during a load test so the learner sees the charts move. The database
//! reads its flags at each query and the request machinery at each request, so a switch
//! takes effect with the next request, on the same data and the same connections.
//!
//! Owns the flags only. Whoever starts a server is handed its switches (with the machinery,
//! `Active`) and passes them on, as the dashboard gets them from the run's
//! target: no route of the server itself can switch anything (a scenario or a hunt could
//! otherwise).

use std::sync::atomic::{AtomicBool, Ordering};

use super::catalogue::Bottleneck;

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

    /// Only the flag: the machinery a bottleneck needs is `Active::set`'s.
    pub(crate) fn flip(&self, bottleneck: Bottleneck, on: bool) {
        self.on[index(bottleneck)].store(on, Ordering::Relaxed);
    }

    /// The bottlenecks on now.
    pub fn list(&self) -> Vec<Bottleneck> {
        Bottleneck::ALL.into_iter().filter(|b| self.is_on(*b)).collect()
    }
}
