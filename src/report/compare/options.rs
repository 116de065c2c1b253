//! `compare`'s options: the noise margin (`--noise 5%`) and the limits of `--max-regression
//! p95=10%,rps=5%,fail=0.1%`. Promises: every rejected option gets a Korean message with an
//! example of the right form.

use super::{CompareMetric, DEFAULT_NOISE};

const MAX_REGRESSION_EXAMPLE: &str = "예: --max-regression p95=10%,rps=5%,fail=0.1%";

impl CompareMetric {
    fn parse(text: &str) -> Result<CompareMetric, String> {
        Ok(match text.trim().to_lowercase().as_str() {
            "rps" => CompareMetric::Rps,
            "median" | "p50" => CompareMetric::Median,
            "p95" => CompareMetric::P95,
            "p99" => CompareMetric::P99,
            "avg" | "average" => CompareMetric::Average,
            "fail" => CompareMetric::FailRate,
            other => {
                return Err(format!(
                    "--max-regression의 지표 '{other}'를 몰라요 — 쓸 수 있는 지표: rps, median, p95, p99, avg, fail. {MAX_REGRESSION_EXAMPLE}"
                ));
            }
        })
    }
}

/// A limit of `--max-regression`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegressionLimit {
    pub metric: CompareMetric,
    /// Relative (0.1 for 10 %) for latency and RPS; percentage points for the failure rate.
    pub limit: f64,
}

/// Options of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// The relative noise margin (0.1 for 10 %).
    pub noise: f64,
    pub max_regression: Vec<RegressionLimit>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions { noise: DEFAULT_NOISE, max_regression: Vec::new() }
    }
}

/// Parses `--noise 5%`.
pub fn parse_noise(text: &str) -> Result<f64, String> {
    let number = text
        .trim()
        .strip_suffix('%')
        .ok_or_else(|| format!("--noise '{text}'에는 %가 필요해요 (예: --noise 5%)"))?;
    let value: f64 =
        number.trim().parse().map_err(|_| format!("--noise '{text}'는 숫자가 아니에요 (예: --noise 5%)"))?;
    if !(0.0..1000.0).contains(&value) {
        return Err(format!("--noise '{text}'는 0% 이상이어야 해요"));
    }
    Ok(value / 100.0)
}

/// Parses `--max-regression p95=10%,rps=5%,fail=0.1%`.
pub fn parse_max_regression(text: &str) -> Result<Vec<RegressionLimit>, String> {
    let mut limits = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((metric, value)) = part.split_once('=') else {
            return Err(format!("--max-regression의 '{part}'에 '='가 없어요. {MAX_REGRESSION_EXAMPLE}"));
        };
        let metric = CompareMetric::parse(metric)?;
        let number = value.trim().strip_suffix('%').ok_or_else(|| {
            format!("--max-regression의 '{part}'에는 %가 필요해요. {MAX_REGRESSION_EXAMPLE}")
        })?;
        let number: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("--max-regression의 '{part}': '{value}'는 숫자가 아니에요"))?;
        let number = crate::limits::percent(number, value.trim())
            .map_err(|why| format!("--max-regression의 '{part}': {why}"))?;
        let limit = if metric == CompareMetric::FailRate { number } else { number / 100.0 };
        limits.push(RegressionLimit { metric, limit });
    }
    if limits.is_empty() {
        return Err(format!("--max-regression에 한도가 없어요. {MAX_REGRESSION_EXAMPLE}"));
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any limits text is finite limits or a sentence.
        #[test]
        fn any_limits_are_finite_or_a_sentence(text in "([a-z0-9]{0,5}=[-+0-9.eNaIinf]{0,30}%?,?){0,3}") {
            if let Ok(limits) = parse_max_regression(&text) {
                proptest::prop_assert!(limits.iter().all(|limit| limit.limit.is_finite() && limit.limit >= 0.0));
            }
            if let Ok(noise) = parse_noise(&text) {
                proptest::prop_assert!(noise.is_finite());
            }
        }
    }

    #[test]
    fn options_parse_and_reject_in_korean() {
        let limits = parse_max_regression("p95=10%,rps=5%,fail=0.1%").unwrap();
        assert_eq!(limits[0], RegressionLimit { metric: CompareMetric::P95, limit: 0.1 });
        assert_eq!(limits[1], RegressionLimit { metric: CompareMetric::Rps, limit: 0.05 });
        assert_eq!(limits[2], RegressionLimit { metric: CompareMetric::FailRate, limit: 0.1 });
        assert!(parse_max_regression("p95=10").unwrap_err().contains('%'));
        assert!(parse_max_regression("speed=10%").unwrap_err().contains("몰라요"));
        assert!(parse_max_regression("p95").unwrap_err().contains('='));
        assert!(parse_max_regression("p95=NaN%").unwrap_err().contains("NaN"));
        assert!(parse_max_regression("p95=inf%").is_err());
        assert!(parse_max_regression("p95=-5%").is_err());
        assert_eq!(parse_noise("5%"), Ok(0.05));
        assert!(parse_noise("5").is_err());
    }
}
