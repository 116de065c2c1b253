//! Latency histograms that cost what they recorded. Values are microseconds, kept at three
//! significant digits with exactly the buckets of an HDR histogram (`hdrhistogram`'s
//! `Histogram::new(3)`), so every percentile equals what that crate reports — but the counters
//! live in small pages allocated only where values fell.
//!
//! Why not `hdrhistogram` itself: its counters are one dense array from 1 µs up to the largest
//! value seen. Three digits need 2,048 counters below 2 ms alone, and a row that once saw a
//! 100 ms answer holds 8,192 `u64` counters (64 KiB) even if it recorded three requests. A run
//! with hundreds of request names (an id left in the name) then needs hundreds of megabytes.
//! Here a row that recorded a few values holds a few pages of 16 counters (32 bytes each), and
//! a busy row only the pages its latencies touched: a typical row stays under 16 KiB.

/// Counters per page: small, so a stray slow request costs 32 bytes.
const PAGE: usize = 16;
/// `log2` of half the sub-buckets of a three-digit HDR histogram (2,048 sub-buckets).
const HALF_MAGNITUDE: u32 = 10;
const SUB_BUCKET_MASK: u64 = (1 << (HALF_MAGNITUDE + 1)) - 1;
/// Values above this are counted here (about 71 minutes): a request is not timed longer.
const HIGHEST: u64 = u32::MAX as u64;
/// Marks a page-table entry that points into the wide pages.
const WIDE: u16 = 1 << 15;

/// A three-significant-digit latency histogram in microseconds with paged counters.
///
/// Counters start as `u16`; a page whose counter would pass 65,535 moves to `u32` counters
/// (its narrow copy stays behind unused: only a few pages of a busy row ever move).
#[derive(Clone, Default)]
pub struct Histogram {
    /// Per page number: 0 when absent, `n` for `narrow[n - 1]`, `WIDE | n` for `wide[n - 1]`.
    table: Vec<u16>,
    narrow: Vec<[u16; PAGE]>,
    wide: Vec<[u32; PAGE]>,
    len: u64,
}

/// The counter index of `value`, exactly as an HDR histogram with 3 digits and unit 1 computes it.
fn index_of(value: u64) -> usize {
    let bucket = 63 - HALF_MAGNITUDE - (value | SUB_BUCKET_MASK).leading_zeros();
    let sub_bucket = value >> bucket;
    ((bucket as u64) << HALF_MAGNITUDE) as usize + sub_bucket as usize
}

/// The lowest and highest values counted at `index` (the inverse of [`index_of`]).
fn range_of(index: usize) -> (u64, u64) {
    let mut bucket = (index >> HALF_MAGNITUDE) as i64 - 1;
    let mut sub_bucket = (index & ((1 << HALF_MAGNITUDE) - 1)) as u64 + (1 << HALF_MAGNITUDE);
    if bucket < 0 {
        sub_bucket -= 1 << HALF_MAGNITUDE;
        bucket = 0;
    }
    let lowest = sub_bucket << bucket;
    (lowest, lowest + (1 << bucket) - 1)
}

/// Pushes onto `vec`, growing its capacity by a quarter instead of doubling it.
fn push_lean<T>(vec: &mut Vec<T>, item: T) -> u16 {
    if vec.len() == vec.capacity() {
        vec.reserve_exact((vec.len() / 4).max(4));
    }
    vec.push(item);
    // At most 23,552 counters / 16 a page = 1,472 pages of each kind: well below `WIDE`.
    vec.len() as u16
}

impl Histogram {
    /// Counts one value (microseconds; 0 and values beyond about 71 minutes are clamped).
    pub fn record(&mut self, micros: u64) {
        self.add_count(index_of(micros.clamp(1, HIGHEST)), 1);
        self.len += 1;
    }

    fn add_count(&mut self, index: usize, count: u64) {
        let (page, slot) = (index / PAGE, index % PAGE);
        if self.table.len() <= page {
            self.table.reserve_exact(page + 1 - self.table.len());
            self.table.resize(page + 1, 0);
        }
        if self.table[page] == 0 {
            self.table[page] = push_lean(&mut self.narrow, [0; PAGE]);
        }
        let handle = self.table[page];
        if handle & WIDE == 0 {
            let counter = &mut self.narrow[handle as usize - 1][slot];
            match u16::try_from(u64::from(*counter) + count) {
                Ok(sum) => {
                    *counter = sum;
                    return;
                }
                Err(_) => {
                    let widened = self.narrow[handle as usize - 1].map(u32::from);
                    self.table[page] = WIDE | push_lean(&mut self.wide, widened);
                }
            }
        }
        let counter = &mut self.wide[(self.table[page] & !WIDE) as usize - 1][slot];
        *counter = u32::try_from(u64::from(*counter) + count).unwrap_or(u32::MAX);
    }

    /// How many values were recorded.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value at quantile `q` (0.0..=1.0): the highest value equivalent to the nearest-rank
    /// sample, as `hdrhistogram::Histogram::value_at_quantile` answers; 0 when empty.
    pub fn value_at_quantile(&self, q: f64) -> u64 {
        let q = q.min(1.0);
        let rank = ((q * self.len as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (index, count) in self.counts() {
            seen += count;
            if seen >= rank {
                let (lowest, highest) = range_of(index);
                return if q == 0.0 { lowest } else { highest };
            }
        }
        0
    }

    /// Adds every count of `other` into this histogram.
    pub fn add(&mut self, other: &Histogram) {
        for (index, count) in other.counts() {
            self.add_count(index, count);
        }
        self.len += other.len;
    }

    /// Bytes this histogram holds on the heap (page table and pages, by capacity).
    pub fn heap_bytes(&self) -> usize {
        self.table.capacity() * std::mem::size_of::<u16>()
            + self.narrow.capacity() * std::mem::size_of::<[u16; PAGE]>()
            + self.wide.capacity() * std::mem::size_of::<[u32; PAGE]>()
    }

    /// `(counter index, count)` of every non-empty counter, in value order.
    fn counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.table.iter().enumerate().filter(|(_, handle)| **handle != 0).flat_map(move |(page, &handle)| {
            let counters: [u64; PAGE] = if handle & WIDE == 0 {
                self.narrow[handle as usize - 1].map(u64::from)
            } else {
                self.wide[(handle & !WIDE) as usize - 1].map(u64::from)
            };
            (0..PAGE)
                .filter(move |&slot| counters[slot] > 0)
                .map(move |slot| (page * PAGE + slot, counters[slot]))
        })
    }
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram").field("len", &self.len).field("heap_bytes", &self.heap_bytes()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of uniform numbers in 0..1 (xorshift), so sizes are reproducible.
    fn uniform() -> impl FnMut() -> f64 {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A typical row of a lab run: log-normal around 3 ms (most answers 0.9–10 ms), and 1 % of
    /// answers in a slow tail spread from 0.3 ms to 1 s.
    fn typical_latencies(count: usize) -> Vec<u64> {
        let mut next = uniform();
        (0..count)
            .map(|_| {
                if next() < 0.01 {
                    (300.0 * (1e6f64 / 300.0).powf(next())) as u64
                } else {
                    // Box–Muller: one standard normal draw.
                    let normal =
                        (-2.0 * next().max(1e-12).ln()).sqrt() * (std::f64::consts::TAU * next()).cos();
                    (3000.0 * (0.6 * normal).exp()) as u64
                }
            })
            .collect()
    }

    #[test]
    fn percentiles_equal_hdrhistogram_at_three_digits() {
        let values = typical_latencies(20_000);
        let mut ours = Histogram::default();
        let mut reference = hdrhistogram::Histogram::<u64>::new(3).expect("valid");
        for &value in &values {
            ours.record(value);
            reference.record(value).expect("auto-resizing histogram records");
        }
        for q in [0.0, 0.01, 0.5, 0.66, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0] {
            assert_eq!(ours.value_at_quantile(q), reference.value_at_quantile(q), "q = {q}");
        }
        assert_eq!(ours.len(), reference.len());
        let mut merged = Histogram::default();
        merged.add(&ours);
        merged.add(&ours);
        assert_eq!(merged.len(), 40_000);
        assert_eq!(merged.value_at_quantile(0.95), ours.value_at_quantile(0.95));
    }

    #[test]
    fn a_typical_row_costs_at_most_16_kib() {
        // hdrhistogram would hold 8,192 u64 counters (64 KiB) after one 100 ms answer.
        let mut few = Histogram::default();
        for value in [900, 1_200, 100_000] {
            few.record(value);
        }
        assert!(few.heap_bytes() <= 2 * 1024, "{} bytes for three values", few.heap_bytes());
        let mut busy = Histogram::default();
        typical_latencies(20_000).into_iter().for_each(|value| busy.record(value));
        assert!(busy.heap_bytes() <= 16 * 1024, "{} bytes for a typical busy row", busy.heap_bytes());
    }

    #[test]
    fn counters_widen_past_u16_without_losing_counts() {
        let mut histogram = Histogram::default();
        for _ in 0..70_000 {
            histogram.record(1_000);
        }
        histogram.record(2_000);
        assert_eq!(histogram.len(), 70_001);
        assert_eq!(histogram.value_at_quantile(0.99), 1_000);
        assert_eq!(histogram.value_at_quantile(1.0), 2_000);
        assert_eq!(histogram.counts().map(|(_, count)| count).sum::<u64>(), 70_001);
    }

    #[test]
    fn empty_and_extreme_values() {
        let mut histogram = Histogram::default();
        assert_eq!(histogram.value_at_quantile(0.5), 0);
        histogram.record(0);
        histogram.record(u64::MAX);
        assert_eq!(histogram.value_at_quantile(0.0), 1);
        assert!(histogram.value_at_quantile(1.0) >= HIGHEST);
    }
}
