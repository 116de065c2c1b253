//! A drill in words: the question before a run, the explanation in print mode, and the
//! prediction set against the measurement afterwards, as Markdown for the tutor's renderer.

use super::{Drill, Measured, Outcome, Prediction};

impl Drill {
    /// The question as Markdown, with the command and the choices (print mode and before a run).
    pub fn question_markdown(&self) -> String {
        let mut md = format!("**🔮 예측해 보기.** {}\n\n", self.ask);
        for (index, choice) in self.choices.iter().enumerate() {
            md.push_str(&format!("{}. `{choice}`\n", index + 1));
        }
        if !self.choices.is_empty() {
            md.push('\n');
        }
        md.push_str(&format!("```bash\n$ {}\n```\n", crate::places::command(&self.run_line)));
        md.push_str(&format!("\n잴 값: {}\n", self.what()));
        md
    }

    /// The explanation without a run (print mode, end of the page).
    pub fn explain_markdown(&self) -> String {
        format!("**예측해 보기 해설:** {}\n", self.explain)
    }

    /// The prediction, the measurement and the explanation, as Markdown.
    pub fn outcome_markdown(&self, prediction: &Prediction, outcome: &Outcome) -> String {
        let said = self.describe_prediction(prediction);
        let got = self.describe_measured(&outcome.measured);
        let verdict = match (&outcome.measured, outcome.close) {
            (Measured::Choice(None), _) => {
                "⚠️ 이번 실행에서는 고른 행들에 요청이 없어서 비교하지 못했어요.".to_string()
            }
            (_, true) => "✅ **예측이 맞았어요.**".to_string(),
            (_, false) => "❌ **예측과 달랐어요.** 어디서 어긋났는지 해설과 견줘 보세요.".to_string(),
        };
        format!(
            "{verdict}\n\n- 내 예측: {said}\n- 측정값: {got}\n  ({})\n\n**해설:** {}\n",
            self.what(),
            self.explain
        )
    }

    /// The prediction as a learner reads it back (`약 10 req/s`, `` `/todos/ [GET - List]` ``).
    pub fn describe_prediction(&self, prediction: &Prediction) -> String {
        match prediction {
            Prediction::Number(value) => {
                format!("{} {}", format_number(*value), self.measure.unit()).trim().into()
            }
            Prediction::Choice(index) => format!("`{}`", self.choices[*index]),
        }
    }

    pub(super) fn describe_measured(&self, measured: &Measured) -> String {
        match measured {
            Measured::Number(value) => {
                format!("{} {}", format_number(*value), self.measure.unit()).trim().into()
            }
            Measured::Choice(Some(index)) => format!("`{}`", self.choices[*index]),
            Measured::Choice(None) => "없음".into(),
        }
    }
}

/// `10`, `9.8`, `0.25`: as few digits as the size needs.
fn format_number(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}
