//! The lesson steps that ask before they show: a quiz (answers shuffled on every attempt, the
//! result saved) and a drill (a prediction typed or chosen, then the drill's run and the
//! comparison).

use super::{App, Labelled, QUIZ_HELP, answered, select_short};
use crate::tutor::drill::{Drill, Prediction};
use crate::tutor::quiz::Quiz;
use anyhow::Result;
use colored::Colorize;
use inquire::{Select, Text};

impl App<'_> {
    pub(super) fn ask(&self, quiz: &Quiz) -> Result<()> {
        let progress = self.progress();
        let earlier = progress.quiz_results.get(&quiz.id);
        if earlier.is_some_and(|result| result.correct) {
            let right = &quiz.choices[quiz.answer()];
            return self.show(&format!(
                "**❓ 퀴즈 {}.** {}\n\n✅ 이미 맞힌 문제예요. 정답: **{}**\n",
                quiz.number, quiz.question, right.text
            ));
        }
        self.header_rows.set(0);
        println!("{}", format!("❓ 퀴즈 {}", quiz.number).bold());
        // A new order on every attempt: where the right answer sat last time tells nothing.
        let order = quiz.display_order(earlier.map_or(0, |result| result.attempts));
        let options: Vec<Labelled<usize>> = order
            .iter()
            .enumerate()
            .map(|(shown, &index)| Labelled {
                label: format!("{}. {}", shown + 1, self.inline(&quiz.choices[index].text)),
                value: index,
            })
            .collect();
        // No filtering: a stray key (a `q` meant for the pager) must not hide every choice.
        let answer = Select::new(&self.inline(&quiz.question), options)
            .with_help_message(QUIZ_HELP)
            .without_filtering()
            .prompt();
        let Some(chosen) = answered(answer)? else {
            println!("{}", "퀴즈를 건너뛰었어요. 이 쪽에 다시 오면 풀 수 있어요.".dimmed());
            return Ok(());
        };
        let correct = quiz.choices[chosen.value].correct;
        self.record(|progress| progress.record_quiz(&quiz.id, correct));
        println!();
        self.show(&quiz.feedback_markdown(chosen.value, &order))
    }

    /// Predict, then run: asks for a prediction, runs the drill's command and compares.
    pub(super) fn drill(&self, drill: &Drill) -> Result<()> {
        self.show(&drill.question_markdown())?;
        if let Some(last) = self.progress().drill_results.get(&drill.id) {
            let mark = if last.close { "✅" } else { "❌" };
            println!(
                "{}",
                format!("지난번: 예측 {} → 측정 {} {mark}", last.prediction, last.measured).dimmed()
            );
        }
        let prediction = if drill.wants_number() {
            let typed = answered(
                Text::new("내 예측 (숫자):")
                    .with_help_message("숫자만 적어도 돼요 (예: 10) · Enter 실행 · Esc 건너뛰기")
                    .with_validator({
                        // The same reading the drill applies, so the prompt never accepts a
                        // prediction the drill then refuses ("약 10", "10 req/s", "100%").
                        let drill = drill.clone();
                        move |text: &str| {
                            Ok(match drill.parse_prediction(text) {
                                Ok(_) => inquire::validator::Validation::Valid,
                                Err(err) => inquire::validator::Validation::Invalid(err.to_string().into()),
                            })
                        }
                    })
                    .prompt(),
            )?;
            typed.map(|text| drill.parse_prediction(&text)).transpose()?
        } else {
            let options: Vec<Labelled<usize>> = drill
                .choices
                .iter()
                .enumerate()
                .map(|(index, choice)| Labelled { label: format!("{}. {choice}", index + 1), value: index })
                .collect();
            select_short("내 예측:", options)?.map(|choice| Prediction::Choice(choice.value))
        };
        let Some(prediction) = prediction else {
            println!("{}", "예측해 보기를 건너뛰었어요. 이 쪽에 다시 오면 해 볼 수 있어요.".dimmed());
            return Ok(());
        };
        println!("{}", "예측을 적어 뒀어요. 이제 실제로 돌려서 확인해 볼게요.".dimmed());
        println!("{}", format!("$ {}", crate::places::command(&drill.run_line)).dimmed());
        match drill.run(&prediction, self.hooks) {
            Ok(outcome) => {
                if let Err(err) = drill.record(&prediction, &outcome) {
                    eprintln!("{} {err:#}", "⚠️".yellow());
                }
                println!();
                self.show(&drill.outcome_markdown(&prediction, &outcome))
            }
            Err(err) => {
                println!("{} {err:#}", "실행해서 확인하지 못했어요:".red());
                Ok(())
            }
        }
    }
}
