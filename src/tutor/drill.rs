//! Predict, then run: a lesson asks the learner to predict a number (an RPS from Little's law, a
//! failure rate) or a choice (which request row gets slow), runs the command on the embedded lab
//! server, and compares the prediction with what was measured, explaining either way.
//!
//! Block format (in a ```` ```loadlab-drill ```` fence), one `key: value` per line: `ask:` the
//! question; `run:` a loadlab command line (`{free_port}` becomes a loopback port nobody
//! listens on); `measure:` what to read from the result ([`Measure`]); `tolerance:` how close a
//! number must be (`25%` of the measured value, or `5` in the measure's unit); `choice:` one
//! line per choice (for `measure: slowest`, the request names); `row:` the request name whose
//! median `measure: median` reads (the `Aggregated` row without it); `explain:` why the result is
//! what it is. Promises: a drill that parses has a command, a measure it can read, choices
//! exactly when it needs them, and an explanation; the tutor runs it through [`super::Hooks`]
//! as it runs any other command (with `--json` to a temporary file), so a drill measures what
//! `run` measures.

use super::Hooks;

mod words;
use anyhow::{Context, Result, bail};

/// What a drill reads from the run's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Requests per second once every user is running (the ramp-up left out).
    SteadyRps,
    /// Requests per second over the whole run, as the `Aggregated` row shows it.
    TotalRps,
    /// Failed requests as a percentage of all requests.
    FailPercent,
    /// The `Aggregated` row's median response time, in ms.
    MedianMs,
    /// Which of the drill's choices (request names) has the highest median response time.
    Slowest,
}

impl Measure {
    fn parse(text: &str) -> Result<Measure> {
        Ok(match text {
            "rps" | "steady_rps" => Measure::SteadyRps,
            "total_rps" => Measure::TotalRps,
            "fail" | "fail_percent" => Measure::FailPercent,
            "median" | "median_ms" => Measure::MedianMs,
            "slowest" => Measure::Slowest,
            other => {
                bail!(
                    "drill의 measure를 모르겠어요: `{other}` (rps, total_rps, fail, median, slowest 중 하나)"
                )
            }
        })
    }

    /// The unit a learner types and reads.
    fn unit(self) -> &'static str {
        match self {
            Measure::SteadyRps | Measure::TotalRps => "req/s",
            Measure::FailPercent => "%",
            Measure::MedianMs => "ms",
            Measure::Slowest => "",
        }
    }

    /// What exactly is read, in the words of the result a learner sees: the steady window is
    /// not the `Aggregated` row's figure, and the learner compares the two.
    fn what(self) -> &'static str {
        match self {
            Measure::SteadyRps => {
                "사용자가 모두 활동한 구간의 초당 요청 수 (램프업과 마지막 1초는 빼요. 합계 행의 req/s는 실행 전체의 평균이라 이 값과 다를 수 있어요)"
            }
            Measure::TotalRps => "실행 전체의 초당 요청 수 (합계 행의 req/s와 같은 값)",
            Measure::FailPercent => "전체 요청 중 실패의 비율 (합계 행의 실패 수 ÷ 요청 수)",
            Measure::MedianMs => "합계 행의 응답 시간 중앙값",
            Measure::Slowest => "보기 중 응답 시간 중앙값이 가장 큰 행",
        }
    }
}

/// How close a numeric prediction must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// A share of the measured value (0.25 for 25 %).
    Relative(f64),
    /// The same unit as the measure.
    Absolute(f64),
}

/// One predict-then-run drill.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    /// `lesson-stem!N`: the key in the progress file.
    pub id: String,
    pub ask: String,
    /// The loadlab command line, without `--json` (the tutor adds it).
    pub run: Vec<String>,
    /// The command as the lesson writes it (shown to the learner).
    pub run_line: String,
    pub measure: Measure,
    pub tolerance: Tolerance,
    pub choices: Vec<String>,
    /// For [`Measure::MedianMs`]: the request row to read (`None`: the `Aggregated` row).
    pub row: Option<String>,
    pub explain: String,
}

/// What the learner predicted.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    Number(f64),
    /// Index into the drill's choices.
    Choice(usize),
}

/// What a run showed, reduced to what drills read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub steady_rps: f64,
    pub total_rps: f64,
    pub fail_percent: f64,
    /// The `Aggregated` row's median, in ms.
    pub median_ms: f64,
    /// (request name, median ms, requests) of every row.
    pub rows: Vec<(String, f64, u64)>,
}

impl Observed {
    /// Reads a run result: the steady RPS is the mean of the per-second samples taken while
    /// all the users asked for were running (the whole run's RPS when there were none).
    pub fn from_result(result: &crate::engine::RunResult) -> Observed {
        let peak = result.history.iter().map(|point| point.users).max().unwrap_or(0);
        // The first second at the peak is partly ramp-up and the last one partly stop: skip both.
        let steady: Vec<f64> = result
            .history
            .iter()
            .filter(|point| peak > 0 && point.users == peak)
            .map(|point| point.requests_per_second)
            .collect();
        let inner = if steady.len() > 2 { &steady[1..steady.len() - 1] } else { &steady[..] };
        let total_rps = result.total.requests_per_second;
        Observed {
            steady_rps: if inner.is_empty() {
                total_rps
            } else {
                inner.iter().sum::<f64>() / inner.len() as f64
            },
            total_rps,
            fail_percent: result.total.failure_ratio() * 100.0,
            median_ms: result.total.median_response_time,
            rows: result
                .stats
                .iter()
                .map(|row| (row.name.clone(), row.median_response_time, row.num_requests))
                .collect(),
        }
    }
}

/// What was measured, for one drill.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    Number(f64),
    /// Index into the drill's choices; `None` when no choice had a request.
    Choice(Option<usize>),
}

/// The verdict on one prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub measured: Measured,
    pub close: bool,
}

impl Drill {
    /// Parses a drill block; `earlier` is the number of drills before it in the lesson.
    pub fn parse_block(body: &str, stem: &str, earlier: usize) -> Result<Drill> {
        let (mut ask, mut run, mut measure, mut tolerance, mut explain) = (None, None, None, None, None);
        let mut run_line = String::new();
        let mut choices = Vec::new();
        let mut row = None;
        for line in body.lines().filter(|line| !line.trim().is_empty()) {
            let Some((key, value)) = line.split_once(':') else {
                bail!("loadlab-drill 블록의 줄은 `키: 값` 형식이어야 해요: {line:?}");
            };
            let value = value.trim().to_string();
            match key.trim() {
                "ask" => ask = Some(value),
                "run" => {
                    run = Some(super::command::command_args(&value)?);
                    run_line = value;
                }
                "measure" => measure = Some(Measure::parse(&value)?),
                "tolerance" => tolerance = Some(parse_tolerance(&value)?),
                "choice" => choices.push(value),
                "row" => row = Some(value),
                "explain" => explain = Some(value),
                other => bail!("loadlab-drill 블록에 모르는 키가 있어요: {other}"),
            }
        }
        let measure = measure.context("loadlab-drill 블록에 `measure:` 줄이 없어요")?;
        let drill = Drill {
            id: format!("{stem}!{}", earlier + 1),
            ask: ask.context("loadlab-drill 블록에 `ask:` 줄이 없어요")?,
            run: run.filter(|args| !args.is_empty()).context("loadlab-drill 블록에 `run:` 명령이 없어요")?,
            run_line,
            measure,
            tolerance: tolerance.unwrap_or(Tolerance::Relative(0.25)),
            choices,
            row,
            explain: explain.context("loadlab-drill 블록에 `explain:` 줄이 없어요")?,
        };
        if drill.row.is_some() && measure != Measure::MedianMs {
            bail!("`row:`는 measure: median인 drill에만 써요");
        }
        match (measure, drill.choices.len()) {
            (Measure::Slowest, 0 | 1) => {
                bail!("measure: slowest인 drill에는 `choice:`가 둘 이상 있어야 해요")
            }
            (Measure::Slowest, _) | (_, 0) => {}
            _ => bail!("숫자를 예측하는 drill에는 `choice:`를 쓰지 않아요"),
        }
        if drill.run.first().is_none_or(|command| command != "run") {
            bail!("loadlab-drill의 명령은 `run ...`이어야 해요: {:?}", drill.run);
        }
        Ok(drill)
    }

    /// What exactly is read, in the words of the result: the measure's, or the named row's median.
    fn what(&self) -> String {
        match &self.row {
            Some(row) => format!("`{row}` 행의 응답 시간 중앙값"),
            None => self.measure.what().to_string(),
        }
    }

    /// Whether the learner answers with a number (else they pick one of `choices`).
    pub fn wants_number(&self) -> bool {
        self.measure != Measure::Slowest
    }

    /// Reads a typed prediction: a number, optionally with `약`, a unit or `%` around it
    /// (`약 10`, `10 req/s`, `100%`), or the number of a choice.
    pub fn parse_prediction(&self, text: &str) -> Result<Prediction> {
        let number: String = text
            .trim()
            .trim_start_matches('약')
            .trim()
            .chars()
            .take_while(|ch| ch.is_ascii_digit() || *ch == '.' || *ch == ',')
            .filter(|ch| *ch != ',')
            .collect();
        let value: f64 = number.parse().map_err(|_| anyhow::anyhow!("숫자로 적어 주세요 (예: 10)"))?;
        if !value.is_finite() || value < 0.0 {
            bail!("0 이상의 숫자로 적어 주세요");
        }
        if self.wants_number() {
            return Ok(Prediction::Number(value));
        }
        let index = value as usize;
        if value.fract() != 0.0 || index == 0 || index > self.choices.len() {
            bail!("1부터 {}까지의 번호로 골라 주세요", self.choices.len());
        }
        Ok(Prediction::Choice(index - 1))
    }

    /// What the run measured for this drill.
    pub fn measure(&self, observed: &Observed) -> Measured {
        match self.measure {
            Measure::SteadyRps => Measured::Number(observed.steady_rps),
            Measure::TotalRps => Measured::Number(observed.total_rps),
            Measure::FailPercent => Measured::Number(observed.fail_percent),
            Measure::MedianMs => Measured::Number(match &self.row {
                Some(row) => {
                    observed.rows.iter().find(|(name, ..)| name == row).map_or(0.0, |(_, median, _)| *median)
                }
                None => observed.median_ms,
            }),
            Measure::Slowest => Measured::Choice(
                self.choices
                    .iter()
                    .enumerate()
                    .filter_map(|(index, choice)| {
                        observed
                            .rows
                            .iter()
                            .find(|(name, _, requests)| name == choice && *requests > 0)
                            .map(|(_, median, _)| (index, *median))
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(index, _)| index),
            ),
        }
    }

    /// Compares a prediction with what was measured.
    pub fn judge(&self, prediction: &Prediction, observed: &Observed) -> Outcome {
        let measured = self.measure(observed);
        let close = match (prediction, &measured) {
            (Prediction::Number(guess), Measured::Number(value)) => {
                let allowed = match self.tolerance {
                    Tolerance::Relative(share) => value.abs() * share,
                    Tolerance::Absolute(units) => units,
                };
                (guess - value).abs() <= allowed
            }
            (Prediction::Choice(guess), Measured::Choice(Some(index))) => guess == index,
            _ => false,
        };
        Outcome { measured, close }
    }

    /// Runs the drill's command through the hooks with `--json` to a temporary file and judges
    /// `prediction` against the result. `{free_port}` becomes a loopback port nobody listens on.
    pub fn run(&self, prediction: &Prediction, hooks: &Hooks) -> Result<Outcome> {
        let dir = tempfile::tempdir().context("임시 폴더를 만들 수 없어요")?;
        let json = dir.path().join("drill.json");
        let mut args = self.command_with_port()?;
        args.extend(["--json".to_string(), json.display().to_string()]);
        (hooks.run_command)(&args).context("예측해 보기의 실행이 실패했어요")?;
        let result = crate::report::json::read(&json).context("예측해 보기의 실행 결과를 읽을 수 없어요")?;
        Ok(self.judge(prediction, &Observed::from_result(&result)))
    }

    /// The non-interactive path, end to end: reads the typed prediction, runs the drill and
    /// records the result in the progress file. Returns the outcome as Markdown.
    pub fn predict_and_run(&self, typed: &str, hooks: &Hooks) -> Result<String> {
        let prediction = self.parse_prediction(typed)?;
        let outcome = self.run(&prediction, hooks)?;
        self.record(&prediction, &outcome)?;
        Ok(self.outcome_markdown(&prediction, &outcome))
    }

    /// Saves the latest prediction and measurement under the drill's id.
    pub fn record(&self, prediction: &Prediction, outcome: &Outcome) -> Result<()> {
        let said = self.describe_prediction(prediction);
        let got = self.describe_measured(&outcome.measured);
        crate::progress::Progress::update(|progress| {
            progress.record_drill(&self.id, said, got, outcome.close)
        })
        .context("예측해 보기 결과를 저장하지 못했어요")?;
        Ok(())
    }

    fn command_with_port(&self) -> Result<Vec<String>> {
        if !self.run.iter().any(|arg| arg.contains("{free_port}")) {
            return Ok(self.run.clone());
        }
        // Bind port 0 and let go of it: the port was free a moment ago and nobody listens now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("비어 있는 포트를 찾을 수 없어요")?
            .port();
        Ok(self.run.iter().map(|arg| arg.replace("{free_port}", &port.to_string())).collect())
    }
}

fn parse_tolerance(text: &str) -> Result<Tolerance> {
    let bad = || format!("drill의 tolerance를 읽을 수 없어요: `{text}` (예: 25% 또는 5)");
    match text.strip_suffix('%') {
        Some(percent) => Ok(Tolerance::Relative(percent.trim().parse::<f64>().with_context(bad)? / 100.0)),
        None => Ok(Tolerance::Absolute(text.parse().with_context(bad)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RPS: &str = "ask: 사용자 40명이면 RPS는?
run: run --solutions TodoUser -u 40 -r 40 -t 20s
measure: rps
tolerance: 25%
explain: 40 ÷ 2.01 ≈ 20이에요.
";

    const SLOWEST: &str = "ask: 어느 행이 가장 느릴까요?
run: run --solutions TodoUser -u 10 -r 10 -t 10s --bottleneck slow-endpoint
measure: slowest
choice: /todos/ [GET - List]
choice: /todos/{id} [GET - Single]
explain: 개별 조회만 비싼 계산을 해요.
";

    fn observed(rows: &[(&str, f64, u64)]) -> Observed {
        Observed {
            steady_rps: 19.0,
            total_rps: 15.0,
            fail_percent: 0.0,
            median_ms: 1.0,
            rows: rows.iter().map(|(name, median, count)| (name.to_string(), *median, *count)).collect(),
        }
    }

    #[test]
    fn parses_a_numeric_and_a_choice_drill() {
        let drill = Drill::parse_block(RPS, "02-why", 0).unwrap();
        assert_eq!(drill.id, "02-why!1");
        assert_eq!(drill.measure, Measure::SteadyRps);
        assert_eq!(drill.tolerance, Tolerance::Relative(0.25));
        assert_eq!(drill.run[..3], ["run", "--solutions", "TodoUser"]);
        let drill = Drill::parse_block(SLOWEST, "09-optimization", 1).unwrap();
        assert_eq!(drill.id, "09-optimization!2");
        assert_eq!(drill.choices.len(), 2);
    }

    #[test]
    fn broken_drills_are_errors() {
        let no_explain = RPS.replace("explain: 40 ÷ 2.01 ≈ 20이에요.\n", "");
        let choices_on_a_number = format!("{RPS}choice: 10\n");
        let one_choice = SLOWEST.replace("choice: /todos/ [GET - List]\n", "");
        let not_a_run = RPS.replace("run: run --solutions", "run: check --solutions");
        let unknown = RPS.replace("measure: rps", "measure: speed");
        for bad in [no_explain, choices_on_a_number, one_choice, not_a_run, unknown] {
            assert!(Drill::parse_block(&bad, "x", 0).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn the_question_and_the_outcome_say_what_is_measured() {
        let drill = Drill::parse_block(RPS, "02-why", 0).unwrap();
        assert!(drill.question_markdown().contains("잴 값: 사용자가 모두 활동한 구간"));
        let prediction = drill.parse_prediction("20").unwrap();
        let text = drill.outcome_markdown(&prediction, &drill.judge(&prediction, &observed(&[])));
        assert!(text.contains("측정값: 19.0 req/s"), "{text}");
        assert!(text.contains("램프업과 마지막 1초는 빼요") && text.contains("합계 행의 req/s"), "{text}");
        let median =
            Drill::parse_block(&RPS.replace("measure: rps", "measure: median"), "02-why", 0).unwrap();
        assert_eq!(median.measure(&observed(&[])), Measured::Number(1.0));
        let row = RPS.replace("measure: rps", "measure: median\nrow: /todos/{id} [GET - Single]");
        let row = Drill::parse_block(&row, "09-optimization", 0).unwrap();
        let seen = observed(&[("/todos/ [GET - List]", 0.8, 40), ("/todos/{id} [GET - Single]", 51.0, 12)]);
        assert_eq!(row.measure(&seen), Measured::Number(51.0));
        assert!(row.question_markdown().contains("`/todos/{id} [GET - Single]` 행의 응답 시간 중앙값"));
        let wrong = RPS.replace("measure: rps", "measure: rps\nrow: /todos/ [GET - List]");
        assert!(Drill::parse_block(&wrong, "x", 0).is_err(), "row: belongs to median drills");
    }

    #[test]
    fn numbers_are_judged_within_the_tolerance() {
        let drill = Drill::parse_block(RPS, "02-why", 0).unwrap();
        let seen = observed(&[]);
        for (typed, close) in
            [("약 20", true), ("15 req/s", true), ("23", true), ("10", false), ("40", false)]
        {
            let prediction = drill.parse_prediction(typed).unwrap();
            assert_eq!(drill.judge(&prediction, &seen).close, close, "{typed}");
        }
        assert!(drill.parse_prediction("많이").is_err());
        let absolute = Drill { tolerance: Tolerance::Absolute(5.0), measure: Measure::FailPercent, ..drill };
        let failing = Observed { fail_percent: 100.0, ..seen };
        assert!(absolute.judge(&Prediction::Number(97.0), &failing).close);
        assert!(!absolute.judge(&Prediction::Number(50.0), &failing).close);
    }

    #[test]
    fn the_slowest_choice_is_read_from_the_rows() {
        let drill = Drill::parse_block(SLOWEST, "09-optimization", 0).unwrap();
        let seen = observed(&[
            ("/todos/ [GET - List]", 4.0, 50),
            ("/todos/{id} [GET - Single]", 52.0, 20),
            ("/health", 900.0, 3),
        ]);
        assert_eq!(drill.measure(&seen), Measured::Choice(Some(1)), "rows outside the choices do not count");
        assert!(drill.judge(&drill.parse_prediction("2").unwrap(), &seen).close);
        assert!(!drill.judge(&drill.parse_prediction("1").unwrap(), &seen).close);
        assert!(drill.parse_prediction("3").is_err());
        let empty = observed(&[("/todos/{id} [GET - Single]", 52.0, 0)]);
        let outcome = drill.judge(&Prediction::Choice(1), &empty);
        assert_eq!(outcome, Outcome { measured: Measured::Choice(None), close: false });
    }

    #[test]
    fn the_outcome_explains_either_way() {
        let drill = Drill::parse_block(RPS, "02-why", 0).unwrap();
        let seen = observed(&[]);
        for guess in [19.0, 5.0] {
            let prediction = Prediction::Number(guess);
            let md = drill.outcome_markdown(&prediction, &drill.judge(&prediction, &seen));
            assert!(md.contains("40 ÷ 2.01"), "{md}");
            assert!(md.contains("측정값: 19.0 req/s"), "{md}");
        }
    }
}
