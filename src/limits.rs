//! The one place that checks every number and duration that comes from outside: the command
//! line, shape strings, the web form, a Locust master's `spawn`, thresholds and the fields of
//! files read back (Locust CSV). Each check says in one Korean sentence what is wrong and what
//! is accepted; each front end shows that sentence its own way (exit 2 on the command line, a
//! 400 in the dashboard, a refused spawn in the worker's log).
//!
//! Promises: every accepted value is finite, non-negative where it must be, and below the
//! maximum stated here, sums included, so nothing downstream can panic or overflow on it
//! (`Duration::from_secs_f64` panics on infinite or huge values: only this file converts
//! outside seconds into a [`Duration`]). Depends on nothing else in the crate.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Most users one loadlab process runs (the command line, shapes, the web form and a master's
/// spawn alike). Measured: 10,000 users cost about 31 MB; the cap keeps a typo from costing
/// gigabytes. More load: more workers under one Locust master.
pub const MAX_USERS: usize = 10_000;

/// The fastest spawn rate: more than [`MAX_USERS`] per second is "all at once" anyway.
pub const MAX_SPAWN_RATE: f64 = MAX_USERS as f64;

/// The longest duration anywhere (a run time, a shape's stages together, a stop time-out, the
/// master time-out): 30 days, well past any soak test.
pub const MAX_DURATION: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The most stages a shape string may have (the runner walks them every tick).
pub const MAX_STAGES: usize = 1_000;

/// A run shorter than this measures nothing (the first statistics window is a second).
pub const MIN_RUN_TIME: Duration = Duration::from_secs(1);

/// The default limit of one response's body (as received, and again as decoded from gzip): far
/// above any API's answer, far below what would take the generator's memory.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// The largest `--max-body` accepted.
pub const MAX_MAX_BODY: usize = 1024 * 1024 * 1024;

/// The largest file `explain`, `compare` and the CSV reader read (a result file of a day-long
/// run is about 20 MB).
pub const MAX_INPUT_FILE: u64 = 64 * 1024 * 1024;

/// The largest count a file may claim (requests, failures, occurrences): a billion requests a
/// second for ten days.
pub const MAX_COUNT: f64 = 1e15;

/// The largest measurement a file may claim (milliseconds, bytes, requests per second).
pub const MAX_MEASURE: f64 = 1e15;

const DURATION_EXAMPLE: &str = "예: 15s, 1m30s, 2h";

/// A duration as Locust writes them: `15s`, `1m30s`, `2h`, or a bare number of seconds; at
/// most [`MAX_DURATION`].
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let parsed = match text.parse::<f64>() {
        Ok(seconds) => seconds_value(seconds),
        Err(_) => humantime::parse_duration(text).map_err(|error| match error {
            humantime::DurationError::NumberOverflow => TooLong,
            _ => Unreadable,
        }),
    };
    match parsed {
        Ok(duration) if duration <= MAX_DURATION => Ok(duration),
        Ok(_) | Err(TooLong) => Err(format!("시간이 너무 길어요: '{text}' (30일까지 받을 수 있어요)")),
        Err(Negative) => Err(format!("시간은 0보다 작을 수 없어요: '{text}' ({DURATION_EXAMPLE})")),
        Err(Unreadable) => Err(format!("시간을 읽을 수 없어요: '{text}' ({DURATION_EXAMPLE})")),
    }
}

/// A run's length (`-t`, the form's run time): a [`duration`] of at least [`MIN_RUN_TIME`].
pub fn run_time(text: &str) -> Result<Duration, String> {
    let time = duration(text)?;
    if time < MIN_RUN_TIME {
        return Err(format!(
            "실행 시간이 너무 짧아요 ('{}'). 1초 이상으로 적어 주세요 (예: 30s, 1m).",
            text.trim()
        ));
    }
    Ok(time)
}

/// Seconds given as a number (`--stop-timeout 10`, a master's `stop_timeout`): finite, not
/// negative, at most [`MAX_DURATION`]. `what` names the value in the message.
pub fn seconds(value: f64, what: &str) -> Result<Duration, String> {
    seconds_value(value).map_err(|why| match why {
        Negative | Unreadable => format!("{what}: 0 이상의 초로 적어 주세요 (받은 값: {value})"),
        TooLong => format!("{what}: {value}초는 너무 길어요 (30일까지 받을 수 있어요)"),
    })
}

/// `seconds` from the command line's text.
pub fn seconds_text(text: &str, what: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{what}: 초 단위 숫자로 적어 주세요 (받은 값: '{}')", text.trim()))?;
    seconds(value, what)
}

/// A user count: a whole number from 0 to [`MAX_USERS`].
pub fn users(value: u64) -> Result<usize, String> {
    match usize::try_from(value) {
        Ok(users) if users <= MAX_USERS => Ok(users),
        _ => Err(too_many_users(value)),
    }
}

/// The sentence for a user count above [`MAX_USERS`].
pub fn too_many_users(asked: impl std::fmt::Display) -> String {
    format!(
        "사용자 수 {asked}명은 받을 수 없어요: 한 프로세스는 {MAX_USERS}명까지 띄워요. 더 큰 부하는 워커 여러 개를 Locust 마스터에 붙여 나눠 걸어 보세요."
    )
}

/// `-u`'s text: a whole number from 0 to [`MAX_USERS`].
pub fn users_text(text: &str) -> Result<usize, String> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(value) => users(value),
        Err(_) if text.parse::<u128>().is_ok() => Err(too_many_users(text)),
        Err(_) => Err(format!("사용자 수는 0 이상의 정수로 적어 주세요 (받은 값: '{text}', 예: -u 20)")),
    }
}

/// A spawn rate: more than 0, at most [`MAX_SPAWN_RATE`] users a second.
pub fn spawn_rate(value: f64) -> Result<f64, String> {
    if !(value > 0.0 && value.is_finite()) {
        return Err(format!("투입 속도는 0보다 큰 숫자로 적어 주세요 (받은 값: {value}, 예: 5)"));
    }
    if value > MAX_SPAWN_RATE {
        return Err(format!("투입 속도는 초당 {MAX_USERS}명까지 받을 수 있어요 (받은 값: {value})"));
    }
    Ok(value)
}

/// `-r`'s text, checked as [`spawn_rate`].
pub fn spawn_rate_text(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let value: f64 = text
        .parse()
        .map_err(|_| format!("투입 속도는 0보다 큰 숫자로 적어 주세요 (받은 값: '{text}', 예: -r 5)"))?;
    spawn_rate(value)
}

/// The sum of `durations` (a shape's stages), at most [`MAX_DURATION`].
pub fn total(durations: impl IntoIterator<Item = Duration>) -> Result<Duration, String> {
    let mut sum = Duration::ZERO;
    for duration in durations {
        sum = sum.checked_add(duration).filter(|sum| *sum <= MAX_DURATION).ok_or_else(|| {
            "단계 시간을 모두 더하면 너무 길어요 (모두 합쳐 30일까지 받을 수 있어요)".to_string()
        })?;
    }
    Ok(sum)
}

/// A byte size (`--max-body 64MiB`): a number with an optional unit B, KB/KiB, MB/MiB, GB/GiB,
/// from 1 KiB to [`MAX_MAX_BODY`].
pub fn byte_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = (&text[..split], text[split..].trim());
    let unit_bytes: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("크기를 읽을 수 없어요: '{text}' (예: 64MiB, 512KiB)")),
    };
    let value: f64 =
        number.parse().map_err(|_| format!("크기를 읽을 수 없어요: '{text}' (예: 64MiB, 512KiB)"))?;
    let bytes = value * unit_bytes;
    if !(1024.0..=MAX_MAX_BODY as f64).contains(&bytes) {
        return Err(format!("크기는 1KiB부터 1GiB까지 받을 수 있어요 (받은 값: '{text}')"));
    }
    Ok(bytes as usize)
}

/// A percentage limit (`--max-regression p95=10%`): finite and from 0 to 1,000,000 %.
pub fn percent(value: f64, text: &str) -> Result<f64, String> {
    if value.is_finite() && (0.0..=1_000_000.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("'{text}'는 0 이상의 유한한 숫자여야 해요 (예: 10%)"))
    }
}

/// A limit in a criterion (`p95<500ms`, `rps>50`): finite, not negative, at most [`MAX_MEASURE`].
pub fn measure(value: f64, text: &str) -> Result<f64, String> {
    if value.is_finite() && (0.0..=MAX_MEASURE).contains(&value) {
        Ok(value)
    } else {
        Err(format!("'{text}'는 받을 수 없는 값이에요: 0 이상, 10^15 이하의 숫자로 적어 주세요"))
    }
}

/// A count read from a file: a whole number of at most [`MAX_COUNT`] (`N/A` and empty cells
/// are the caller's).
pub fn file_count(value: f64) -> Option<u64> {
    (value.is_finite() && (0.0..=MAX_COUNT).contains(&value)).then_some(value as u64)
}

/// A measurement read from a file: finite, not negative, at most [`MAX_MEASURE`].
pub fn file_measure(value: f64) -> Option<f64> {
    (value.is_finite() && (0.0..=MAX_MEASURE).contains(&value)).then_some(value)
}

/// Seconds computed inside loadlab from values already checked (wait times, scaled pauses):
/// never panics; NaN and negatives are zero, anything huge is [`MAX_DURATION`].
pub fn saturating_seconds(value: f64) -> Duration {
    if value.is_nan() || value <= 0.0 {
        Duration::ZERO
    } else {
        Duration::try_from_secs_f64(value).map_or(MAX_DURATION, |duration| duration.min(MAX_DURATION))
    }
}

/// Reads a file of at most [`MAX_INPUT_FILE`] bytes (`/dev/zero` and a 10 GB log alike end
/// with a sentence, not with the memory). `NotFound` stays an `io::Error` for the caller to name.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_FILE {
        return Err(std::io::Error::other(format!(
            "파일이 너무 커요: '{}' ({}MiB까지 읽어요)",
            path.display(),
            MAX_INPUT_FILE / 1024 / 1024
        )));
    }
    Ok(bytes)
}

/// [`read_file`] as UTF-8 text.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_file(path)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("텍스트 파일이 아니에요 (UTF-8이 아닌 바이트가 있어요): '{}'", path.display()),
        )
    })
}

/// Why seconds were refused.
enum Refused {
    Negative,
    TooLong,
    Unreadable,
}
use Refused::{Negative, TooLong, Unreadable};

fn seconds_value(value: f64) -> Result<Duration, Refused> {
    if value.is_nan() {
        return Err(Unreadable);
    }
    if value < 0.0 {
        return Err(Negative);
    }
    match Duration::try_from_secs_f64(value) {
        Ok(duration) if duration <= MAX_DURATION => Ok(duration),
        _ => Err(TooLong),
    }
}

/// How many users this process can hold: the open-file limit (raised from its soft to its hard
/// value first, as Locust does) with one descriptor per user, two when the embedded lab server
/// answers in the same process, and a reserve for everything else; and the memory available,
/// at a generous share per user.
pub mod capacity {
    /// Descriptors kept for the rest of the process (listeners, files, the runtime, SQLite):
    /// about twenty are open when the users start.
    const RESERVE: u64 = 64;

    /// What one user may cost while its request is on the wire: measured at about 6 KB idle in
    /// a release build (README, 성능); a debug build and a response being read cost more.
    const MEMORY_PER_USER: u64 = 64 * 1024;

    /// The memory the system can still give (`MemAvailable`), where the system says.
    fn available_memory() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = text.lines().find(|line| line.starts_with("MemAvailable:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        kib.checked_mul(1024)
    }

    /// The most users `available` bytes of memory hold.
    pub fn users_for_memory(available: u64) -> u64 {
        available / MEMORY_PER_USER
    }

    /// Raises the soft open-file limit to the hard one; returns the limit now in force
    /// (`None` where it cannot be read).
    pub fn raise_open_files() -> Option<u64> {
        #[cfg(unix)]
        {
            let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
            if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
                return None;
            }
            // The hard limit first; where the system refuses it (macOS refuses "unlimited"
            // beyond its OPEN_MAX), the largest of a few smaller steps it takes.
            for wanted in [limit.rlim_max, 1 << 20, 65_536, 10_240, 4_096] {
                if wanted <= limit.rlim_cur || wanted > limit.rlim_max {
                    continue;
                }
                let raised = libc::rlimit { rlim_cur: wanted, rlim_max: limit.rlim_max };
                // SAFETY: as above.
                if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                    limit.rlim_cur = wanted;
                    break;
                }
            }
            // rlim_t is u64 here, not on every Unix.
            #[allow(clippy::unnecessary_cast)]
            Some(limit.rlim_cur as u64)
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// The most users the open-file limit `open_files` allows.
    pub fn users_for(open_files: u64, embedded_server: bool) -> u64 {
        open_files.saturating_sub(RESERVE) / if embedded_server { 2 } else { 1 }
    }

    /// The most users this process can hold now: [`super::MAX_USERS`], or fewer when the
    /// open-file limit or the memory says so.
    pub fn ceiling(embedded_server: bool) -> usize {
        let mut ceiling = super::MAX_USERS as u64;
        if let Some(open_files) = raise_open_files() {
            ceiling = ceiling.min(users_for(open_files, embedded_server));
        }
        if let Some(available) = available_memory() {
            ceiling = ceiling.min(users_for_memory(available));
        }
        ceiling.max(1) as usize
    }

    /// Whether `users` fit this process; the Korean sentence saying why not otherwise.
    pub fn check(users: usize, embedded_server: bool) -> Result<(), String> {
        if let Some(available) = available_memory()
            && users as u64 > users_for_memory(available)
        {
            return Err(format!(
                "사용자 {users}명은 이 컴퓨터의 메모리로 감당할 수 없어요: 지금 쓸 수 있는 메모리는 약 {}MB라 {}명까지 띄울 수 있어요. 사용자 수를 줄여 주세요.",
                available / 1_000_000,
                users_for_memory(available)
            ));
        }
        let Some(open_files) = raise_open_files() else { return Ok(()) };
        let fit = users_for(open_files, embedded_server);
        if users as u64 <= fit {
            return Ok(());
        }
        Err(format!(
            "사용자 {users}명은 이 프로세스가 감당할 수 없어요: 열 수 있는 파일이 {open_files}개라 연결을 {fit}개까지만 열 수 있어요{}. 사용자 수를 줄이거나 `ulimit -n`으로 한도를 올려 주세요.",
            if embedded_server { " (내장 실습 서버가 연결마다 하나를 더 써요)" } else { "" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_finite_and_bounded() {
        assert_eq!(duration("15s"), Ok(Duration::from_secs(15)));
        assert_eq!(duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("2.5"), Ok(Duration::from_millis(2500)));
        for bad in ["1e20", "inf", "NaN", "-3", "10000000000000000000s", "31days", "", "soon"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
        assert!(run_time("0s").unwrap_err().contains("1초 이상"));
        assert!(seconds(f64::INFINITY, "--stop-timeout").is_err());
        assert!(seconds(1e20, "--stop-timeout").is_err());
        assert!(seconds(-1.0, "--stop-timeout").is_err());
        assert_eq!(seconds(2.0, "x"), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn sums_and_counts_stay_below_their_maximum() {
        let day = Duration::from_secs(86_400);
        assert_eq!(total([day, day]), Ok(2 * day));
        assert!(total([Duration::MAX, day]).is_err());
        assert!(total(std::iter::repeat_n(day, 31)).is_err());
        assert_eq!(users_text("10000"), Ok(10_000));
        assert!(users_text("10001").unwrap_err().contains("10000명까지"));
        assert!(users_text("-5").is_err());
        assert!(users_text("100000000000000000000000").unwrap_err().contains("10000명까지"));
        assert!(spawn_rate_text("-1").is_err());
        assert!(spawn_rate_text("NaN").is_err());
        assert_eq!(file_count(1e308), None);
        assert_eq!(file_count(3.0), Some(3));
        assert_eq!(byte_size("64MiB"), Ok(DEFAULT_MAX_BODY));
        assert!(byte_size("2GiB").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any text is a duration within the maximum or a sentence; never a panic.
        #[test]
        fn any_text_is_a_bounded_duration_or_a_sentence(text in "\\PC{0,24}") {
            if let Ok(duration) = duration(&text) {
                proptest::prop_assert!(duration <= MAX_DURATION);
            }
        }

        /// Numbers in every form a hand can type them.
        #[test]
        fn numbers_with_units_stay_bounded(
            value in proptest::prelude::any::<f64>(),
            unit in proptest::sample::select(vec!["", "s", "ms", "m", "h", "d", "days", "ns", "y"]),
        ) {
            if let Ok(duration) = duration(&format!("{value}{unit}")) {
                proptest::prop_assert!(duration <= MAX_DURATION);
            }
            if let Ok(duration) = seconds(value, "x") {
                proptest::prop_assert!(duration <= MAX_DURATION);
            }
            if let Ok(rate) = spawn_rate(value) {
                proptest::prop_assert!(rate > 0.0 && rate <= MAX_SPAWN_RATE);
            }
            let _ = saturating_seconds(value);
            let _ = byte_size(&format!("{value}{unit}"));
        }

        #[test]
        fn user_counts_stay_bounded(text in "-?[0-9]{0,30}") {
            if let Ok(users) = users_text(&text) {
                proptest::prop_assert!(users <= MAX_USERS);
            }
        }
    }

    #[test]
    fn capacity_counts_a_descriptor_per_user() {
        assert_eq!(capacity::users_for(1024, false), 960);
        assert_eq!(capacity::users_for(1024, true), 480);
        assert_eq!(capacity::users_for(10, false), 0);
        assert_eq!(capacity::users_for_memory(64 * 1024 * 10_000), 10_000);
    }
}
