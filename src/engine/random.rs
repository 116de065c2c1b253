//! Small random helpers for scenarios, named after Python's `random` module so a `locustfile.py`
//! translates line by line (`random.choice` → [`choose`], `random.randint` → [`randint`]).

use rand::RngExt;
use rand::distr::Alphanumeric;
use rand::seq::IndexedRandom;

/// `random.choice(items)`: one element, or `None` when the slice is empty.
pub fn choose<T>(items: &[T]) -> Option<&T> {
    items.choose(&mut rand::rng())
}

/// `random.randint(low, high)`: an integer in `low..=high` (both ends included, as in Python).
pub fn randint(low: i64, high: i64) -> i64 {
    if low >= high {
        return low;
    }
    rand::random_range(low..=high)
}

/// `random.choice([True, False])`.
pub fn random_bool() -> bool {
    rand::random_bool(0.5)
}

/// `random.uniform(low, high)`: a float in `low..high`.
pub fn uniform(low: f64, high: f64) -> f64 {
    if low >= high {
        return low;
    }
    rand::random_range(low..high)
}

/// A random ASCII letters-and-digits string of `len` characters (payloads of a chosen size).
pub fn random_string(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn randint_includes_both_ends_and_nothing_else() {
        let mut seen = [false; 3];
        for _ in 0..500 {
            let value = randint(1, 3);
            assert!((1..=3).contains(&value), "{value}");
            seen[(value - 1) as usize] = true;
        }
        assert_eq!(seen, [true; 3]);
    }

    #[test]
    fn choose_on_empty_is_none() {
        let empty: [i64; 0] = [];
        assert_eq!(choose(&empty), None);
        assert_eq!(choose(&[7]), Some(&7));
    }

    #[test]
    fn random_string_has_requested_length() {
        assert_eq!(random_string(500).chars().count(), 500);
    }
}
