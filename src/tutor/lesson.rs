//! The lesson model: a lesson file (`lessons/NN-name.md`) parsed into pages and steps.
//!
//! Format: line 1 `# N. 제목`; line 2 `<!-- guide: ## heading | ### heading -->` (the guide
//! sections the lesson covers); an intro; then each `## ` heading starts a page (the intro is
//! shown with the first page). Fenced blocks with special tags are steps rather than code:
//! `loadlab-run` (a command to try), `quiz`, `loadlab-drill` (predict, then run: see
//! [`super::drill`]), `loadlab-exercise` (`item:` / `file:` lines) and `loadlab-checklist`.
//!
//! Lessons are embedded at compile time (see `build.rs`); `LOADLAB_LESSONS=DIR` reads them from
//! a folder instead, so a lesson author can preview edits without rebuilding.

use super::drill::Drill;
use super::quiz::Quiz;
use crate::checklist;
use anyhow::{Context, Result, bail};
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

/// The environment variable naming a folder of lessons to use instead of the embedded ones.
pub const LESSONS_ENV: &str = "LOADLAB_LESSONS";

/// One lesson.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// `N` of the title line.
    pub number: usize,
    pub title: String,
    /// File name without `.md`; quiz ids start with it.
    pub stem: String,
    /// Guide headings from the line-2 comment, with their `## ` / `### ` markers.
    pub guide: Vec<String>,
    pub pages: Vec<Page>,
}

/// One page: the text under one `## ` heading (the first page also holds the title and intro).
#[derive(Debug, Clone)]
pub struct Page {
    /// The `## ` heading (the lesson title for a lesson without one).
    pub title: String,
    pub steps: Vec<Step>,
}

/// A piece of a page, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Markdown(String),
    /// A loadlab command line to offer to run (`run --solutions TodoUser -u 20 ...`).
    Run(Vec<String>),
    Quiz(Quiz),
    Drill(Drill),
    Exercise(Exercise),
    Checklist,
}

/// An exercise step: which checklist item, in which file.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub item: String,
    pub file: String,
    /// The function (or type) to look for in the file; derived from the item when absent.
    pub function: Option<String>,
}

impl Lesson {
    /// Parses a lesson file. Errors name the file and say what is wrong, in Korean.
    pub fn parse(file_name: &str, text: &str) -> Result<Lesson> {
        Self::parse_inner(file_name, text).with_context(|| format!("레슨 파일을 읽을 수 없어요: {file_name}"))
    }

    fn parse_inner(file_name: &str, text: &str) -> Result<Lesson> {
        let stem = file_name.strip_suffix(".md").unwrap_or(file_name).to_string();
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let Some((number, title)) =
            first.strip_prefix("# ").and_then(|rest| rest.split_once(". ")).and_then(|(number, title)| {
                Some((number.trim().parse::<usize>().ok()?, title.trim().to_string()))
            })
        else {
            bail!("첫 줄이 `# N. 제목` 형식이 아니에요: {first:?}");
        };
        let guide = lines.next().and_then(parse_guide_comment).unwrap_or_default();

        let mut pages: Vec<(String, String)> = vec![(title.clone(), String::new())];
        let mut fence: Option<(char, usize)> = None;
        let mut seen_section = false;
        for line in text.lines() {
            fence = fence_after(fence, line);
            if fence.is_none()
                && let Some(heading) = line.strip_prefix("## ")
            {
                if seen_section {
                    pages.push((heading.trim().to_string(), String::new()));
                } else {
                    pages[0].0 = heading.trim().to_string();
                }
                seen_section = true;
            }
            let page = &mut pages.last_mut().expect("one page at least").1;
            page.push_str(line);
            page.push('\n');
        }

        let mut counts = Counts::default();
        let pages = pages
            .into_iter()
            .map(|(title, text)| {
                let steps =
                    parse_steps(&text, &stem, &mut counts).with_context(|| format!("`{title}` 쪽"))?;
                Ok(Page { title, steps })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Lesson { number, title, stem, guide, pages })
    }

    /// Every quiz of the lesson, in order.
    pub fn quizzes(&self) -> impl Iterator<Item = &Quiz> {
        self.pages.iter().flat_map(|page| &page.steps).filter_map(|step| match step {
            Step::Quiz(quiz) => Some(quiz),
            _ => None,
        })
    }

    /// Every predict-then-run drill of the lesson, in order.
    pub fn drills(&self) -> impl Iterator<Item = &Drill> {
        self.pages.iter().flat_map(|page| &page.steps).filter_map(|step| match step {
            Step::Drill(drill) => Some(drill),
            _ => None,
        })
    }

    /// `N. 제목`
    pub fn label(&self) -> String {
        format!("{}. {}", self.number, self.title)
    }
}

/// The headings of a `<!-- guide: ## a | ### b -->` line.
pub fn parse_guide_comment(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let list = inner.strip_prefix("guide:")?;
    Some(
        list.split('|')
            .map(|entry| entry.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|e| !e.is_empty())
            .collect(),
    )
}

/// Tracks fenced code blocks: the open fence (character and length) after `line`.
fn fence_after(open: Option<(char, usize)>, line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let marker = trimmed.chars().next().filter(|ch| *ch == '`' || *ch == '~');
    let run = marker.map_or(0, |ch| trimmed.chars().take_while(|c| *c == ch).count());
    match (open, marker) {
        (None, Some(ch)) if run >= 3 && indent < 4 => Some((ch, run)),
        (Some((ch, length)), Some(marker))
            if marker == ch && run >= length && trimmed[run..].trim().is_empty() =>
        {
            None
        }
        (open, _) => open,
    }
}

/// Quizzes and drills seen so far in a lesson: their ids count through the lesson.
#[derive(Default)]
struct Counts {
    quizzes: usize,
    drills: usize,
}

/// Splits a page's Markdown into text and special steps.
fn parse_steps(text: &str, stem: &str, counts: &mut Counts) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let mut markdown = String::new();
    let mut special: Option<(String, String)> = None;
    let mut fence = None;
    for line in text.lines() {
        let before = fence;
        fence = fence_after(fence, line);
        if let Some((tag, body)) = special.as_mut() {
            if fence.is_none() {
                let (tag, body) = (std::mem::take(tag), std::mem::take(body));
                special = None;
                steps.extend(special_step(&tag, &body, stem, counts)?);
                continue;
            }
            body.push_str(line);
            body.push('\n');
            continue;
        }
        if before.is_none()
            && let Some(opening) = fence
        {
            let tag = line.trim_start().trim_start_matches(opening.0).trim();
            if matches!(
                tag,
                "loadlab-run" | "quiz" | "loadlab-drill" | "loadlab-exercise" | "loadlab-checklist"
            ) {
                if !markdown.trim().is_empty() {
                    steps.push(Step::Markdown(std::mem::take(&mut markdown)));
                }
                markdown.clear();
                special = Some((tag.to_string(), String::new()));
                continue;
            }
        }
        markdown.push_str(line);
        markdown.push('\n');
    }
    if let Some((tag, _)) = special {
        bail!("```{tag} 블록이 닫히지 않았어요");
    }
    if !markdown.trim().is_empty() {
        steps.push(Step::Markdown(markdown));
    }
    Ok(steps)
}

fn special_step(tag: &str, body: &str, stem: &str, counts: &mut Counts) -> Result<Vec<Step>> {
    match tag {
        "loadlab-run" => {
            let line = body.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("");
            let args = super::command::command_args(line)
                .with_context(|| format!("loadlab-run 명령을 읽을 수 없어요: {line:?}"))?;
            if args.is_empty() {
                bail!("loadlab-run 블록에 명령이 없어요");
            }
            Ok(vec![Step::Run(args)])
        }
        "quiz" => {
            let quizzes = Quiz::parse_block(body, stem, counts.quizzes)?;
            counts.quizzes += quizzes.len();
            Ok(quizzes.into_iter().map(Step::Quiz).collect())
        }
        "loadlab-drill" => {
            let drill = Drill::parse_block(body, stem, counts.drills)?;
            counts.drills += 1;
            Ok(vec![Step::Drill(drill)])
        }
        "loadlab-exercise" => {
            let (mut item, mut file, mut function) = (None, None, None);
            for line in body.lines().filter(|line| !line.trim().is_empty()) {
                let Some((key, value)) = line.split_once(':') else {
                    bail!("loadlab-exercise 블록의 줄은 `키: 값` 형식이어야 해요: {line:?}");
                };
                let value = Some(value.trim().to_string());
                match key.trim() {
                    "item" => item = value,
                    "file" => file = value,
                    "fn" | "function" => function = value,
                    other => bail!("loadlab-exercise 블록에 모르는 키가 있어요: {other}"),
                }
            }
            let item = item.context("loadlab-exercise 블록에 `item:` 줄이 없어요")?;
            let file = file.context("loadlab-exercise 블록에 `file:` 줄이 없어요")?;
            let Some(listed) = checklist::find(&item) else {
                bail!("loadlab-exercise의 item이 체크리스트(src/checklist.rs)에 없어요: `{item}`");
            };
            if !file.ends_with(listed.file) {
                bail!(
                    "loadlab-exercise의 file `{file}`이 체크리스트의 파일과 달라요: exercises/{}",
                    listed.file
                );
            }
            Ok(vec![Step::Exercise(Exercise { item, file, function })])
        }
        _ => Ok(vec![Step::Checklist]),
    }
}

/// Every lesson, sorted by file name: from `LOADLAB_LESSONS` if set, else the embedded ones.
/// A file that does not parse is an error: lessons are data the tests check.
pub fn all() -> Result<Vec<Lesson>> {
    match std::env::var_os(LESSONS_ENV) {
        Some(dir) if !dir.is_empty() => from_dir(Path::new(&dir)),
        _ => embedded().into_iter().map(|(name, text)| Lesson::parse(name, text)).collect(),
    }
}

/// The lessons built into the binary: (file name, text).
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    embedded::EMBEDDED.to_vec()
}

/// Reads every `*.md` of a folder as lessons.
pub fn from_dir(dir: &Path) -> Result<Vec<Lesson>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("레슨 폴더를 읽지 못했어요: {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("파일을 읽지 못했어요: {}", path.display()))?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            Lesson::parse(name, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "# 3. 테스트 종류
<!-- guide: ## 성능 테스트의 종류 | ### 1. 부하 테스트 -->

소개 문단이에요.

## 부하 테스트

```text
## 코드 안의 제목은 쪽을 나누지 않아요
```

```loadlab-run
run --solutions TodoUser -u 20 -r 5 -t 15s
```

## 퀴즈

```quiz
? 부하 테스트의 목적은?
- 한계점 찾기
  > 그건 스트레스 테스트예요.
+ 예상 트래픽에서의 동작 확인
  > 맞아요.
```

```loadlab-exercise
item: update_todo
file: exercises/todo_user.rs
```

```loadlab-checklist
```
";

    #[test]
    fn parses_title_guide_pages_and_steps() {
        let lesson = Lesson::parse("03-test-types.md", LESSON).unwrap();
        assert_eq!(lesson.number, 3);
        assert_eq!(lesson.title, "테스트 종류");
        assert_eq!(lesson.stem, "03-test-types");
        assert_eq!(lesson.guide, vec!["## 성능 테스트의 종류", "### 1. 부하 테스트"]);
        let titles: Vec<&str> = lesson.pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["부하 테스트", "퀴즈"]);

        let first = &lesson.pages[0].steps;
        assert!(
            matches!(&first[0], Step::Markdown(md) if md.contains("소개 문단") && md.contains("## 코드 안의 제목"))
        );
        assert_eq!(
            first[1],
            Step::Run(
                ["run", "--solutions", "TodoUser", "-u", "20", "-r", "5", "-t", "15s"]
                    .map(String::from)
                    .to_vec()
            )
        );

        let second = &lesson.pages[1].steps;
        let Step::Quiz(quiz) = &second[1] else { panic!("{second:?}") };
        assert_eq!(quiz.id, "03-test-types#1");
        assert_eq!(quiz.choices.len(), 2);
        assert_eq!(
            second[2],
            Step::Exercise(Exercise {
                item: "update_todo".into(),
                file: "exercises/todo_user.rs".into(),
                function: None
            })
        );
        assert_eq!(second[3], Step::Checklist);
        assert_eq!(lesson.quizzes().count(), 1);
    }

    #[test]
    fn bad_lessons_are_errors() {
        assert!(Lesson::parse("x.md", "제목 없음\n").is_err());
        let unknown_item = "# 1. 제목\n\n```loadlab-exercise\nitem: no_such_item\nfile: a.rs\n```\n";
        let err = format!("{:#}", Lesson::parse("x.md", unknown_item).unwrap_err());
        assert!(err.contains("no_such_item"), "{err}");
        let unclosed = "# 1. 제목\n\n```quiz\n? 질문\n";
        assert!(Lesson::parse("x.md", unclosed).is_err());
    }
}
