//! Quizzes: multiple choice with a Korean explanation for every choice.
//!
//! Block format (in a ```` ```quiz ```` fence): `? question`, then choices `- wrong` /
//! `+ right`, each followed by an indented `  > explanation` line. A block may hold several
//! questions. Promises: a parsed quiz has one right answer and an explanation for every choice
//! (anything else is a parse error, so a broken quiz never reaches a learner). Choices are shown
//! in a shuffled order ([`Quiz::display_order`]) seeded by the quiz id and the attempt, so the
//! right answer's place in the file gives nothing away while tests see a fixed order; answers
//! are judged by the choice itself, never by its position on screen.

use anyhow::{Result, bail};
use rand::SeedableRng;
use rand::seq::SliceRandom;

#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    /// `lesson-stem#N`: the key in the progress file.
    pub id: String,
    /// N: counted from 1 through the lesson.
    pub number: usize,
    pub question: String,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    /// Why this choice is right or wrong.
    pub explanation: String,
}

impl Quiz {
    /// Parses a quiz block. `earlier` is the number of quizzes before it in the lesson.
    pub fn parse_block(body: &str, stem: &str, earlier: usize) -> Result<Vec<Quiz>> {
        let mut quizzes: Vec<Quiz> = Vec::new();
        for line in body.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            if let Some(question) = trimmed.strip_prefix('?') {
                let number = earlier + quizzes.len() + 1;
                let id = format!("{stem}#{number}");
                quizzes.push(Quiz { id, number, question: question.trim().to_string(), choices: Vec::new() });
                continue;
            }
            let Some(quiz) = quizzes.last_mut() else {
                bail!("퀴즈는 `? 질문` 줄로 시작해야 해요: {trimmed:?}");
            };
            let unindented = !line.starts_with([' ', '\t']);
            if let Some((marker, text)) = trimmed.split_at_checked(1).filter(|(m, rest)| {
                unindented && (*m == "-" || *m == "+") && (rest.is_empty() || rest.starts_with(' '))
            }) {
                quiz.choices.push(Choice {
                    text: text.trim().to_string(),
                    correct: marker == "+",
                    explanation: String::new(),
                });
            } else if let Some(explanation) = trimmed.strip_prefix('>') {
                let Some(choice) = quiz.choices.last_mut() else {
                    bail!("설명(`>`)보다 선택지(`-`/`+`)가 먼저 와야 해요: {trimmed:?}");
                };
                append(&mut choice.explanation, explanation.trim());
            } else if quiz.choices.is_empty() {
                append(&mut quiz.question, trimmed);
            } else {
                bail!("퀴즈에서 알 수 없는 줄이에요 (선택지는 `- `/`+ `, 설명은 `  > `): {trimmed:?}");
            }
        }
        if quizzes.is_empty() {
            bail!("quiz 블록에 질문(`? ...`)이 없어요");
        }
        for quiz in &quizzes {
            quiz.validate()?;
        }
        Ok(quizzes)
    }

    /// Checks the promises: a question, two choices or more, one right answer, every choice
    /// explained.
    pub fn validate(&self) -> Result<()> {
        let name = format!("퀴즈 {} ({:?})", self.id, self.question);
        if self.question.is_empty() {
            bail!("{name}: 질문이 비어 있어요");
        }
        if self.choices.len() < 2 {
            bail!("{name}: 선택지가 둘 이상이어야 해요");
        }
        let right = self.choices.iter().filter(|choice| choice.correct).count();
        if right != 1 {
            bail!("{name}: 정답(`+`)이 정확히 하나여야 하는데 {right}개예요");
        }
        if let Some(choice) =
            self.choices.iter().find(|choice| choice.explanation.is_empty() || choice.text.is_empty())
        {
            bail!("{name}: 선택지 {:?}에 내용이나 설명(`  > ...`)이 없어요", choice.text);
        }
        Ok(())
    }

    /// Index of the right choice (in the file's order).
    pub fn answer(&self) -> usize {
        self.choices.iter().position(|choice| choice.correct).unwrap_or(0)
    }

    /// The order to show the choices in: indices into `choices`, shuffled with a seed made of
    /// the quiz id and `attempt` (how many times the learner answered before). The same quiz
    /// and attempt always give the same order; a second try gives another.
    pub fn display_order(&self, attempt: u32) -> Vec<usize> {
        // FNV-1a: a stable seed from the id (std's hasher may change between Rust releases).
        let seed =
            self.id.bytes().chain(attempt.to_le_bytes()).fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
            });
        let mut order: Vec<usize> = (0..self.choices.len()).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        order
    }

    /// Where the right choice is shown (0-based) in `order`.
    fn shown_answer(&self, order: &[usize]) -> usize {
        order.iter().position(|&index| index == self.answer()).unwrap_or(0)
    }

    /// Markdown of the question with choices numbered in `order`, no answer (print mode).
    pub fn question_markdown(&self, order: &[usize]) -> String {
        let mut md = format!("**❓ 퀴즈 {}.** {}\n\n", self.number, self.question);
        for (shown, &index) in order.iter().enumerate() {
            md.push_str(&format!("{}. {}\n", shown + 1, self.choices[index].text));
        }
        md
    }

    /// Markdown of the answer with every choice's explanation, numbered in `order` (print mode,
    /// end of the page).
    pub fn answer_markdown(&self, order: &[usize]) -> String {
        let right = &self.choices[self.answer()];
        let mut md =
            format!("**퀴즈 {} 정답: {}. {}**\n\n", self.number, self.shown_answer(order) + 1, right.text);
        for (shown, &index) in order.iter().enumerate() {
            let choice = &self.choices[index];
            let mark = if choice.correct { "✅" } else { "❌" };
            md.push_str(&format!("- {mark} {}. {} — {}\n", shown + 1, choice.text, choice.explanation));
        }
        md
    }

    /// Markdown of the feedback on choice `chosen` (an index into `choices`), with the right
    /// answer numbered as it was shown in `order` (interactive mode).
    pub fn feedback_markdown(&self, chosen: usize, order: &[usize]) -> String {
        let choice = &self.choices[chosen];
        if choice.correct {
            return format!("✅ **정답이에요!** {}\n", choice.explanation);
        }
        let right = &self.choices[self.answer()];
        format!(
            "❌ **아쉽지만 틀렸어요.** {}\n\n정답은 {}번이에요: **{}** {}\n",
            choice.explanation,
            self.shown_answer(order) + 1,
            right.text,
            right.explanation
        )
    }
}

fn append(text: &mut String, more: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "? 스파이크 테스트가 확인하는 것은?
  (하나만 고르세요)
- 장시간 운영 시 메모리 누수
  > 그건 내구성 테스트의 목적이에요.
+ 갑작스러운 트래픽 급증에 대한 대응
  > 맞아요. 0 → 200 → 0처럼 급격히 바뀌는 부하를 봐요.
- 평소 트래픽에서의 동작
  > 그건 부하 테스트예요.
? 두 번째 질문
+ 맞음
  > 설명 하나
  > 이어지는 설명
- 틀림
  > 설명 둘
";

    #[test]
    fn parses_questions_choices_and_explanations() {
        let quizzes = Quiz::parse_block(BLOCK, "04-types", 2).unwrap();
        assert_eq!(quizzes.len(), 2);
        let first = &quizzes[0];
        assert_eq!(first.id, "04-types#3");
        assert_eq!(first.question, "스파이크 테스트가 확인하는 것은? (하나만 고르세요)");
        assert_eq!(first.choices.len(), 3);
        assert_eq!(first.answer(), 1);
        assert_eq!(first.choices[0].explanation, "그건 내구성 테스트의 목적이에요.");
        assert_eq!(quizzes[1].id, "04-types#4");
        assert_eq!(quizzes[1].choices[0].explanation, "설명 하나 이어지는 설명");
    }

    #[test]
    fn rejects_quizzes_that_break_the_promises() {
        let no_right = "? 질문\n- 가\n  > 설명\n- 나\n  > 설명\n";
        let two_right = "? 질문\n+ 가\n  > 설명\n+ 나\n  > 설명\n";
        let unexplained = "? 질문\n+ 가\n  > 설명\n- 나\n";
        let one_choice = "? 질문\n+ 가\n  > 설명\n";
        let no_question = "+ 가\n  > 설명\n";
        for bad in [no_right, two_right, unexplained, one_choice, no_question, ""] {
            assert!(Quiz::parse_block(bad, "x", 0).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn the_display_order_is_a_seeded_shuffle() {
        let quiz = &Quiz::parse_block(BLOCK, "04-types", 0).unwrap()[0];
        let order = quiz.display_order(0);
        assert_eq!(order, quiz.display_order(0), "same quiz and attempt, same order");
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2], "a permutation of the choices");
        // Over many quizzes the right answer lands on every position, not where the file put it.
        let mut seen = [0usize; 3];
        for n in 0..60 {
            let other = Quiz { id: format!("x#{n}"), ..quiz.clone() };
            seen[other.shown_answer(&other.display_order(0))] += 1;
        }
        assert!(seen.iter().all(|&count| count >= 10), "right answer positions: {seen:?}");
        // Another attempt may reorder: over a few attempts at least two orders appear.
        let orders: std::collections::BTreeSet<Vec<usize>> = (0..6).map(|a| quiz.display_order(a)).collect();
        assert!(orders.len() >= 2, "{orders:?}");
    }

    #[test]
    fn print_mode_numbers_the_choices_as_shown_and_folds_the_answer_away() {
        let quiz = &Quiz::parse_block(BLOCK, "04-types", 0).unwrap()[0];
        let order = [2, 0, 1];
        let question = quiz.question_markdown(&order);
        assert!(question.contains("1. 평소 트래픽에서의 동작"), "{question}");
        assert!(question.contains("3. 갑작스러운 트래픽 급증에 대한 대응"), "{question}");
        assert!(!question.contains("맞아요"));
        let answer = quiz.answer_markdown(&order);
        assert!(answer.contains("정답: 3. 갑작스러운"), "{answer}");
        assert!(quiz.choices.iter().all(|c| answer.contains(&c.explanation)));
    }

    #[test]
    fn feedback_judges_the_choice_itself_and_names_the_right_one_as_shown() {
        let quiz = &Quiz::parse_block(BLOCK, "04-types", 0).unwrap()[0];
        let order = [2, 0, 1];
        let right = quiz.feedback_markdown(1, &order);
        assert!(right.starts_with("✅") && right.contains("0 → 200 → 0"), "{right}");
        let wrong = quiz.feedback_markdown(0, &order);
        assert!(
            wrong.starts_with("❌") && wrong.contains("내구성") && wrong.contains("0 → 200 → 0"),
            "{wrong}"
        );
        assert!(wrong.contains("정답은 3번이에요"), "{wrong}");
    }
}
