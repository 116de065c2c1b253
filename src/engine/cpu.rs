//! The load generator's own CPU use, like Locust's "CPU usage above 90%" warning: when the
//! generating process uses nearly all the CPU it may, its own delays end up in the response
//! times, and the run measures the generator rather than the server.
//!
//! [`generator_cpu_seconds`] reads the process's CPU time (`getrusage`) minus the threads of an
//! embedded lab server (named [`SERVER_THREAD_NAME`], read from `/proc` on Linux), and
//! [`CpuWatch`] turns one-second samples into a warning: a pure state machine, tested with
//! given samples.

use super::stats::CpuOverload;

/// The share of the usable CPU above which the generator counts as saturated (Locust: 90 %).
pub const THRESHOLD: f64 = 0.9;

/// Consecutive seconds above [`THRESHOLD`] before the warning: one busy second (spawning
/// thousands of users at once) is not saturation.
pub const SECONDS_BEFORE_WARNING: u32 = 2;

/// Threads with this name (the embedded lab server's runtime) are not the generator: their
/// CPU time is left out. Linux keeps 15 bytes of a thread's name.
pub const SERVER_THREAD_NAME: &str = "lab-server";

/// Cores this process may use (its affinity and cgroup quota, as the standard library sees them).
pub fn usable_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// CPU seconds (user + system) this process has used, minus the lab server's threads.
pub fn generator_cpu_seconds() -> Option<f64> {
    process_cpu_seconds().map(|total| (total - server_cpu_seconds()).max(0.0))
}

fn process_cpu_seconds() -> Option<f64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage only writes the struct it is given, which is large enough.
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if status != 0 {
        return None;
    }
    // SAFETY: a zero return means the kernel filled the struct.
    let usage = unsafe { usage.assume_init() };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

/// CPU seconds of this process's threads named [`SERVER_THREAD_NAME`] (0 where `/proc` is absent).
fn server_cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.trim_end().starts_with(SERVER_THREAD_NAME))
        })
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter_map(|stat| thread_ticks(&stat))
        .sum::<u64>() as f64
        / ticks
}

/// `utime + stime` (clock ticks) from a `/proc/…/stat` line; the name may contain spaces and
/// parentheses, so fields are counted after its last `)`.
fn thread_ticks(stat: &str) -> Option<u64> {
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The generator's CPU share since the previous call, in percent of all usable cores: what a
/// Locust worker reports in its heartbeat (the master warns above 90, as the engine does).
#[derive(Debug, Default)]
pub struct CpuMeter {
    last: Option<(std::time::Instant, f64)>,
}

impl CpuMeter {
    pub fn percent(&mut self) -> f64 {
        let Some(now) = generator_cpu_seconds() else { return 0.0 };
        let wall = std::time::Instant::now();
        let percent = match self.last {
            Some((then, before)) => share(now - before, (wall - then).as_secs_f64(), usable_cores()) * 100.0,
            None => 0.0,
        };
        self.last = Some((wall, now));
        percent
    }
}

/// The share of the usable CPU used between two readings: CPU seconds over wall seconds times
/// cores (1.0 = every usable core busy all the time).
pub fn share(cpu_seconds: f64, wall_seconds: f64, cores: usize) -> f64 {
    if wall_seconds <= 0.0 { 0.0 } else { cpu_seconds / (wall_seconds * cores.max(1) as f64) }
}

/// Second-by-second CPU shares in, one warning out.
#[derive(Debug, Clone)]
pub struct CpuWatch {
    cores: usize,
    streak: u32,
    overload: Option<CpuOverload>,
    peak: f64,
    seconds_over: u32,
}

impl CpuWatch {
    pub fn new(cores: usize) -> Self {
        CpuWatch { cores, streak: 0, overload: None, peak: 0.0, seconds_over: 0 }
    }

    /// Takes the share of one window ending `at` seconds into the run; true exactly once, when
    /// the warning is due.
    pub fn observe(&mut self, share: f64, at: f64) -> bool {
        if share <= THRESHOLD {
            self.streak = 0;
            return false;
        }
        self.streak += 1;
        self.seconds_over += 1;
        self.peak = self.peak.max(share);
        if let Some(overload) = &mut self.overload {
            overload.seconds_over = self.seconds_over;
            overload.peak_percent = self.peak * 100.0;
            return false;
        }
        if self.streak < SECONDS_BEFORE_WARNING {
            return false;
        }
        self.overload = Some(CpuOverload {
            first_at: at,
            peak_percent: self.peak * 100.0,
            seconds_over: self.seconds_over,
            cores: self.cores,
        });
        true
    }

    /// The warning given, if any, with the figures of the whole run so far.
    pub fn overload(&self) -> Option<CpuOverload> {
        self.overload.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_reports_the_cpu_burnt_since_its_last_reading() {
        let mut meter = CpuMeter::default();
        assert_eq!(meter.percent(), 0.0, "a first reading has nothing to compare with");
        let start = generator_cpu_seconds().unwrap();
        let mut spin = 0u64;
        while generator_cpu_seconds().unwrap() - start < 0.05 {
            spin = std::hint::black_box(spin.wrapping_add(1));
        }
        assert!(meter.percent() > 0.0);
    }

    #[test]
    fn share_counts_every_usable_core() {
        assert!((share(1.8, 1.0, 2) - 0.9).abs() < 1e-9);
        assert!((share(0.5, 0.5, 1) - 1.0).abs() < 1e-9);
        assert_eq!(share(1.0, 0.0, 2), 0.0);
    }

    #[test]
    fn warns_once_after_two_saturated_seconds() {
        let mut watch = CpuWatch::new(2);
        // A spawn burst: one second over, then calm — no warning.
        assert!(!watch.observe(0.97, 1.0));
        assert!(!watch.observe(0.40, 2.0));
        assert!(!watch.observe(0.90, 3.0), "exactly at the threshold is not over it");
        assert!(!watch.observe(0.95, 4.0));
        assert!(watch.observe(0.99, 5.0), "the second second in a row warns");
        assert!(!watch.observe(0.98, 6.0), "only once");
        let overload = watch.overload().expect("recorded");
        assert_eq!(overload.first_at, 5.0);
        assert_eq!(overload.seconds_over, 4);
        assert!((overload.peak_percent - 99.0).abs() < 1e-9);
        assert_eq!(overload.cores, 2);
    }

    #[test]
    fn a_calm_generator_never_warns() {
        let mut watch = CpuWatch::new(4);
        for second in 0..60 {
            assert!(!watch.observe(0.5 + (second % 3) as f64 * 0.1, second as f64));
        }
        assert!(watch.overload().is_none());
    }

    #[test]
    fn reads_thread_ticks_after_the_name() {
        let stat = "4242 (lab-server (x)) S 1 2 3 4 5 6 7 8 9 10 120 30 0 0 20 0 4 0 1234";
        assert_eq!(thread_ticks(stat), Some(150));
        assert!(generator_cpu_seconds().is_some());
    }
}
