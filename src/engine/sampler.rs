//! The per-second history's clock: windows on a one-second grid of tokio's clock, each divided
//! by its real length (a stalled second is one long window, not a second with many requests),
//! and the generator's CPU share over the same window (the saturation warning).

use std::time::Duration;

use tokio::time::Instant;

use super::cpu::CpuWatch;

pub(crate) const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// The per-second history: windows on a one-second grid, each divided by its real length, and
/// the generator's CPU share over the same window.
pub(crate) struct Sampler {
    next: Instant,
    window_start: Instant,
    cpu: Option<(std::time::Instant, f64)>,
    cores: usize,
    pub(crate) watch: CpuWatch,
    pub(crate) last_cpu_percent: Option<f64>,
}

impl Sampler {
    pub(crate) fn new(started: Instant) -> Self {
        let cores = super::cpu::usable_cores();
        Sampler {
            next: started + SAMPLE_EVERY,
            window_start: started,
            cpu: super::cpu::generator_cpu_seconds().map(|seconds| (std::time::Instant::now(), seconds)),
            cores,
            watch: CpuWatch::new(cores),
            last_cpu_percent: None,
        }
    }

    /// The window just ended at `now`, in seconds, when a point is due; moves the grid past
    /// `now` (a stall skips grid points instead of producing catch-up points).
    pub(crate) fn due(&mut self, now: Instant) -> Option<f64> {
        if now < self.next {
            return None;
        }
        while self.next <= now {
            self.next += SAMPLE_EVERY;
        }
        let window = (now - self.window_start).as_secs_f64();
        self.window_start = now;
        Some(window)
    }

    /// Samples the generator's CPU; true when the saturation warning is due.
    pub(crate) fn cpu_warning_due(&mut self, at: f64) -> bool {
        let (Some((then, cpu_then)), Some(cpu_now)) = (self.cpu, super::cpu::generator_cpu_seconds()) else {
            return false;
        };
        let wall = std::time::Instant::now();
        self.cpu = Some((wall, cpu_now));
        let share = super::cpu::share(cpu_now - cpu_then, (wall - then).as_secs_f64(), self.cores);
        self.last_cpu_percent = Some(share * 100.0);
        self.watch.observe(share, at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_stall_makes_one_long_window_not_catch_up_points() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut sampler = Sampler::new(start);
        assert_eq!(sampler.due(at(990)), None);
        assert_eq!(sampler.due(at(1_000)), Some(1.0));
        // Stalled from 1.0 s to 4.25 s: one window of 3.25 s, then back on the grid.
        assert_eq!(sampler.due(at(4_250)), Some(3.25));
        assert_eq!(sampler.due(at(4_260)), None, "no catch-up point");
        assert_eq!(sampler.due(at(5_000)), Some(0.75));
        assert_eq!(sampler.due(at(6_010)), Some(1.01));
    }
}
