//! The tutor's dialogs beyond reading: exercises and grading, a load test with its parameters
//! (classes named from the registries), and the bottleneck lab. Each asks with inquire and
//! calls the operation ([`crate::ops::console`]) the same command would, showing that command
//! line first so the learner can type it next time.

use super::{App, Labelled, SERVE_NOTE, SOLUTION_WARNING, answered, confirm, select, words};
use crate::checklist::{ITEMS, Item};
use crate::exit::UsageError;
use crate::ops::console::hunt::{HuntStep, hunt};
use crate::ops::console::run::ConsoleOptions;
use crate::ops::console::serve::{Serve, serve};
use crate::ops::console::{block_on, check, practice, solution};
use crate::ops::run::{Outputs, RunSettings};
use anyhow::Result;
use inquire::{CustomType, Text};
use std::fmt;

const WEB_NOTE_OPEN: &str = "브라우저에서 이 주소를 여세요: ";
const WEB_NOTE_HOW: &str = "사용자 수와 투입 속도를 적고 '시작'을 누르면 돼요.\n\
                            멈추려면 Ctrl-C를 누르세요. 대시보드가 닫히면 메뉴로 돌아와요.";

enum ExerciseAction {
    CheckAll,
    Check,
    Hint,
    Solution,
    Back,
}

impl fmt::Display for ExerciseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExerciseAction::CheckAll => write!(f, "전체 채점 (check)"),
            ExerciseAction::Check => write!(f, "항목 하나 채점 (check 항목)"),
            ExerciseAction::Hint => write!(f, "힌트 보기 (hint 항목)"),
            ExerciseAction::Solution => write!(f, "정답 보기 (solution 항목)"),
            ExerciseAction::Back => write!(f, "◀ 메뉴로"),
        }
    }
}

impl App<'_> {
    fn pick_item(&self, prompt: &str) -> Result<Option<&'static Item>> {
        let progress = self.progress();
        let options: Vec<Labelled<&'static Item>> = ITEMS
            .iter()
            .map(|item| {
                let mark = if progress.is_item_done(item.id) { "✅" } else { "⬜" };
                Labelled { label: format!("{mark} {} — {}", item.id, item.title), value: item }
            })
            .collect();
        Ok(select(prompt, options, 0)?.map(|choice| choice.value))
    }

    pub(super) fn exercises(&self) -> Result<()> {
        loop {
            let actions = vec![
                ExerciseAction::CheckAll,
                ExerciseAction::Check,
                ExerciseAction::Hint,
                ExerciseAction::Solution,
                ExerciseAction::Back,
            ];
            let Some(action) = select("실습 과제: 무엇을 할까요?", actions, 0)? else {
                return Ok(());
            };
            let (command, item) = match action {
                ExerciseAction::Back => return Ok(()),
                ExerciseAction::CheckAll => {
                    self.perform(&words(&["check"]), || block_on(check::check(None, false)));
                    continue;
                }
                ExerciseAction::Check => ("check", self.pick_item("어느 항목을 채점할까요?")?),
                ExerciseAction::Hint => ("hint", self.pick_item("어느 항목의 힌트를 볼까요?")?),
                ExerciseAction::Solution => ("solution", self.pick_item("어느 항목의 정답을 볼까요?")?),
            };
            let Some(item) = item else { continue };
            if command == "solution" && confirm(SOLUTION_WARNING, false)? != Some(true) {
                continue;
            }
            self.perform(&words(&[command, item.id]), || match command {
                "check" => block_on(check::check(Some(item.id), false)),
                "hint" => crate::tutor::print_hint(item.id),
                _ => solution::show(item.id),
            });
        }
    }

    /// Asks the run's parameters (Locust's defaults for 실습 1) and runs it.
    /// "웹 UI로 실행": the dashboard for the chosen scenarios, until Ctrl-C, with its address
    /// as a link the terminal can open.
    pub(super) fn web_ui(&self) -> Result<()> {
        let sources = vec![
            Labelled { label: "완성된 정답 시나리오 (solutions/)".to_string(), value: true },
            Labelled { label: "내가 작성한 시나리오 (exercises/)".to_string(), value: false },
        ];
        let Some(source) = select("어떤 시나리오로 대시보드를 열까요?", sources, 0)? else {
            return Ok(());
        };
        let url = format!("http://127.0.0.1:{}", crate::web::DEFAULT_PORT);
        let link = if crate::tutor::render::hyperlinks_supported() && self.color {
            format!("\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\")
        } else {
            url
        };
        println!("{WEB_NOTE_OPEN}{link}\n{WEB_NOTE_HOW}");
        let mut args = vec!["web".to_string()];
        if source.value {
            args.push("--solutions".to_string());
        }
        let loopback = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        self.perform(&args, || {
            crate::web::open::open_dashboard(source.value, loopback, crate::web::DEFAULT_PORT)
        });
        Ok(())
    }

    pub(super) fn load_test(&self) -> Result<()> {
        let sources = vec![
            Labelled { label: "완성된 정답 시나리오 (solutions/)".to_string(), value: true },
            Labelled { label: "내가 작성한 시나리오 (exercises/)".to_string(), value: false },
        ];
        let Some(source) = select("어떤 시나리오를 실행할까요?", sources, 0)? else {
            return Ok(());
        };
        let registered = if source.value {
            super::super::classes::solution_classes()
        } else {
            super::super::classes::exercise_classes(&crate::places::workbook_dir())
        };
        let Some(run) = ask_run(&registered)? else {
            return Ok(());
        };
        let mut args = vec!["run".to_string()];
        if source.value {
            args.push("--solutions".into());
        }
        args.extend(run.flags());
        if source.value {
            self.perform(&args, || run.solutions());
        } else {
            self.perform(&args, || crate::ops::console::run::run_learner(&run.flags()));
        }
        Ok(())
    }

    /// The bottleneck lab: a server with a chosen (or secret) bottleneck, the hunt's guess and
    /// proof, and 실습 3's questions.
    pub(super) fn lab(&self) -> Result<()> {
        let actions = vec![
            Labelled {
                label: "병목을 켠 실습 서버 시작 (serve --bottleneck)".to_string(), value: 0
            },
            Labelled { label: "🕵️ 수수께끼 병목 맞히기 (hunt guess)".to_string(), value: 1 },
            Labelled {
                label: "개선 증명하기: before/after 결과 비교 (hunt prove)".to_string(), value: 2
            },
            Labelled {
                label: "실습 3: 내 스트레스 테스트 결과 질문에 답하기 (practice 3)".to_string(),
                value: 3,
            },
            Labelled { label: "병목 찾기 안내 (hunt)".to_string(), value: 4 },
            Labelled { label: "◀ 메뉴로".to_string(), value: 5 },
        ];
        let Some(action) = select("병목 실험실", actions, 0)? else { return Ok(()) };
        let bottlenecks = || {
            crate::server::Bottleneck::ALL
                .iter()
                .map(|b| Labelled {
                    label: format!("{:<16} {}", b.name(), b.describe()),
                    value: b.name().to_string(),
                })
                .collect::<Vec<_>>()
        };
        match action.value {
            0 => {
                let mut options = vec![Labelled {
                    label: "mystery          무엇인지 모르는 병목 하나 (병목 찾기 실습)".to_string(),
                    value: "mystery".to_string(),
                }];
                options.extend(bottlenecks());
                options.push(Labelled {
                    label: "(병목 없음)      고친 서버: 병목 찾기의 after.json용".to_string(),
                    value: String::new(),
                });
                if let Some(choice) = select("어떤 병목을 켤까요?", options, 0)? {
                    println!("{SERVE_NOTE}");
                    // In memory: the hunt's before and after runs start from the same empty table.
                    let mut args = words(&["serve", "--port", "8000", "--in-memory"]);
                    let mut options = Serve { in_memory: true, ..Serve::on_guide_port() };
                    if !choice.value.is_empty() {
                        args.extend(["--bottleneck".to_string(), choice.value.clone()]);
                        options.bottlenecks.push(choice.value);
                    }
                    self.perform(&args, || block_on(serve(options)));
                }
            }
            1 => {
                if let Some(choice) = select("어떤 병목일까요?", bottlenecks(), 0)? {
                    let args = words(&["hunt", "guess", &choice.value]);
                    self.perform(&args, || hunt(HuntStep::Guess(choice.value)));
                }
            }
            2 => {
                let before = answered(
                    inquire::Text::new("고치기 전 결과 (JSON):").with_default("before.json").prompt(),
                )?;
                let after =
                    answered(inquire::Text::new("고친 뒤 결과 (JSON):").with_default("after.json").prompt())?;
                if let (Some(before), Some(after)) = (before, after) {
                    let args = words(&["hunt", "prove", &before, &after]);
                    let step = HuntStep::Prove { before: before.into(), after: after.into() };
                    self.perform(&args, || hunt(step));
                }
            }
            3 => self.perform(&words(&["practice", "3"]), || practice::practice(3, None)),
            4 => self.perform(&words(&["hunt"]), || hunt(HuntStep::Guide)),
            _ => {}
        }
        Ok(())
    }
}

/// A load test as the dialog asks it: Locust's parameters for 실습 1, as typed.
struct AskedRun {
    classes: String,
    users: u32,
    spawn_rate: f64,
    run_time: String,
}

/// Asks the run's parameters (Locust's defaults for 실습 1); `None` when the learner goes back.
fn ask_run(registered: &[String]) -> Result<Option<AskedRun>> {
    let Some(classes) = ask_classes(registered)? else { return Ok(None) };
    let users = ask_number(
        "사용자 수 (-u, --users):",
        20u32,
        "1 이상의 정수를 적어 주세요.",
        |n| *n > 0,
        "1 이상이어야 해요.",
    )?;
    let Some(users) = users else { return Ok(None) };
    let spawn_rate = ask_number(
        "투입 속도: 1초에 투입할 사용자 수 (-r, --spawn-rate):",
        5.0f64,
        "0보다 큰 수를 적어 주세요.",
        |n| *n > 0.0 && n.is_finite(),
        "0보다 커야 해요.",
    )?;
    let Some(spawn_rate) = spawn_rate else { return Ok(None) };
    let Some(run_time) = ask_run_time()? else { return Ok(None) };
    Ok(Some(AskedRun { classes, users, spawn_rate, run_time: run_time.trim().to_string() }))
}

/// A number typed in, with a default; `not_a_number` when it does not read as one, `refused`
/// when `valid` turns it down. `None` when the learner goes back.
fn ask_number<T>(
    prompt: &str,
    default: T,
    not_a_number: &str,
    valid: fn(&T) -> bool,
    refused: &'static str,
) -> Result<Option<T>>
where
    T: Clone + std::str::FromStr + ToString + 'static,
{
    answered(
        CustomType::<T>::new(prompt)
            .with_default(default)
            .with_error_message(not_a_number)
            .with_validator(move |n: &T| {
                Ok(if valid(n) {
                    inquire::validator::Validation::Valid
                } else {
                    inquire::validator::Validation::Invalid(refused.into())
                })
            })
            .prompt(),
    )
}

/// The user classes to run, named from the registry.
fn ask_classes(registered: &[String]) -> Result<Option<String>> {
    let help = format!("등록된 클래스: {} · 여러 개는 띄어 써요", registered.join(", "));
    answered(
        Text::new("사용자 클래스:")
            .with_default("TodoUser")
            .with_help_message(&help)
            .with_validator(|text: &str| {
                let ok =
                    text.split_whitespace().all(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'));
                Ok(if ok && !text.trim().is_empty() {
                    inquire::validator::Validation::Valid
                } else {
                    inquire::validator::Validation::Invalid("클래스 이름을 띄어 써서 적어 주세요.".into())
                })
            })
            .prompt(),
    )
}

fn ask_run_time() -> Result<Option<String>> {
    answered(
        Text::new("실행 시간 (-t, --run-time):")
            .with_default("15s")
            .with_help_message("예: 15s, 1m, 1m30s")
            .with_validator(|text: &str| {
                Ok(if valid_run_time(text) {
                    inquire::validator::Validation::Valid
                } else {
                    inquire::validator::Validation::Invalid("15s, 1m, 1m30s처럼 적어 주세요.".into())
                })
            })
            .prompt(),
    )
}

impl AskedRun {
    /// `run`'s flags for this run: the classes, `-u`, `-r`, `-t`.
    fn flags(&self) -> Vec<String> {
        let mut flags: Vec<String> = self.classes.split_whitespace().map(String::from).collect();
        flags.extend([
            "-u".into(),
            self.users.to_string(),
            "-r".into(),
            self.spawn_rate.to_string(),
            "-t".into(),
            self.run_time.clone(),
        ]);
        flags
    }

    /// Runs the finished scenarios in this process. The values pass the checks `run`'s flags
    /// pass, with the same one-line message when they do not.
    fn solutions(&self) -> Result<i32> {
        fn flag(name: &'static str) -> impl Fn(String) -> UsageError {
            move |why| UsageError(format!("{name}: {why} (도움말: loadlab --help)"))
        }
        let settings = RunSettings {
            classes: self.classes.split_whitespace().map(String::from).collect(),
            users: crate::limits::users_text(&self.users.to_string()).map_err(flag("--users"))?,
            spawn_rate: crate::limits::spawn_rate_text(&self.spawn_rate.to_string())
                .map_err(flag("--spawn-rate"))?,
            run_time: Some(crate::limits::run_time(&self.run_time).map_err(flag("--run-time"))?),
            ..RunSettings::default()
        };
        let run =
            crate::ops::console::run::run_solutions(settings, Outputs::default(), ConsoleOptions::default());
        block_on(run)
    }
}

/// What `-t` accepts, so the tutor never asks for a run time the command line then refuses.
fn valid_run_time(text: &str) -> bool {
    crate::engine::shape::parse_duration(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asked_run_is_the_command_line_it_shows() {
        let run = AskedRun {
            classes: "TodoUser  StressTestUser".into(),
            users: 20,
            spawn_rate: 5.0,
            run_time: "15s".into(),
        };
        assert_eq!(run.flags(), ["TodoUser", "StressTestUser", "-u", "20", "-r", "5", "-t", "15s"]);
    }

    #[test]
    fn an_asked_run_refuses_what_the_flags_refuse_in_the_same_words() {
        let run = AskedRun {
            classes: "TodoUser".into(),
            users: 2_000_000,
            spawn_rate: 5.0,
            run_time: "15s".into(),
        };
        let error = run.solutions().unwrap_err().to_string();
        let why = crate::limits::users_text("2000000").unwrap_err();
        assert_eq!(error, format!("--users: {why} (도움말: loadlab --help)"));
    }

    #[test]
    fn run_times_follow_locust() {
        for ok in ["15s", "1m", "1m30s", "2h", "90"] {
            assert!(valid_run_time(ok), "{ok}");
        }
        for bad in ["", "s", "15x", "m30"] {
            assert!(!valid_run_time(bad), "{bad}");
        }
    }
}
