//! The learner's progress: one small JSON file, `loadlab-progress.json`, in the workbook folder
//! (see [`crate::places::progress_dir`]).
//!
//! Promises: a missing file is a fresh start; a damaged or hand-broken file is never a crash —
//! it is moved aside to `loadlab-progress.json.broken`, a Korean warning says so, and progress
//! starts again. Saving is atomic (a temporary file renamed over the old one), so a crash while
//! saving never leaves half a file. Fields have defaults, so files written by older versions load.
//!
//! Several parts write this file (the tutor, the grader, `run`, `watch`), in one process or in
//! several at once (`watch` in one terminal, `run` in another). Every change goes through
//! [`Progress::update`]: it takes an advisory lock on `loadlab-progress.json.lock`, loads the
//! file fresh, applies the change and saves, so no change overwrites another.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The file name inside the workbook folder.
pub const FILE_NAME: &str = "loadlab-progress.json";
/// The format version written by this build.
pub const VERSION: u32 = 1;

/// The result of one quiz question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizResult {
    /// Whether the latest answer was right.
    pub correct: bool,
    /// How many times the question was answered.
    pub attempts: u32,
}

/// The latest try at one predict-then-run drill.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrillResult {
    /// The prediction as the learner typed it, read back (`약 20 req/s`).
    pub prediction: String,
    /// What the run measured, as shown (`19.4 req/s`).
    pub measured: String,
    /// Whether the prediction was close enough.
    pub close: bool,
    /// How many times the drill was run.
    pub attempts: u32,
}

/// Everything the workbook remembers about a learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub version: u32,
    /// Number of the lesson the learner was reading last (`None` before the first lesson).
    pub current_lesson: Option<usize>,
    /// Page (0-based) of that lesson.
    pub current_page: usize,
    /// Numbers of the lessons read to the end.
    pub lessons_done: BTreeSet<usize>,
    /// Quiz id (`03-test-types#1`) to its result.
    pub quiz_results: BTreeMap<String, QuizResult>,
    /// Drill id (`02-why!1`) to its latest result.
    pub drill_results: BTreeMap<String, DrillResult>,
    /// Checklist item id to the time (RFC 3339) it was ticked.
    pub items_done: BTreeMap<String, String>,
    /// The learner's own runs, as the run command records them.
    pub practice_runs: Vec<serde_json::Value>,
    /// The learner's guesses in the bottleneck exercises.
    pub bottleneck_guesses: Vec<serde_json::Value>,
    /// The bottleneck `serve --bottleneck mystery` switched on, kept secret until guessed.
    pub mystery_bottleneck: Option<String>,
    #[serde(skip)]
    path: PathBuf,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            current_lesson: None,
            current_page: 0,
            lessons_done: BTreeSet::new(),
            quiz_results: BTreeMap::new(),
            drill_results: BTreeMap::new(),
            items_done: BTreeMap::new(),
            practice_runs: Vec::new(),
            bottleneck_guesses: Vec::new(),
            mystery_bottleneck: None,
            path: default_path(),
        }
    }
}

/// Where the progress file lives.
pub fn default_path() -> PathBuf {
    crate::places::progress_dir().join(FILE_NAME)
}

impl Progress {
    /// Loads the progress file of the workbook folder. The second value is a Korean warning to
    /// show when the file was damaged and progress was started again.
    pub fn load() -> (Progress, Option<String>) {
        Self::load_from(&default_path())
    }

    /// Loads a progress file from `path` (see [`Progress::load`]).
    pub fn load_from(path: &Path) -> (Progress, Option<String>) {
        let fresh = Progress { path: path.to_path_buf(), ..Progress::default() };
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (fresh, None),
            Err(err) => {
                let warning = format!(
                    "진행 상황 파일을 읽지 못했어요: {} ({err}). 이번에는 새 진행 상황으로 시작해요.",
                    path.display()
                );
                return (fresh, Some(warning));
            }
        };
        // Only an object is a progress file: serde would also read a struct from an array.
        let parsed = serde_json::from_slice::<serde_json::Value>(&text).and_then(|value| {
            if value.is_object() {
                serde_json::from_value::<Progress>(value)
            } else {
                Err(serde::de::Error::custom("JSON 객체가 아니에요"))
            }
        });
        match parsed {
            Ok(mut progress) => {
                progress.path = path.to_path_buf();
                (progress, None)
            }
            Err(err) => {
                let backup = backup_path(path);
                let kept = match std::fs::rename(path, &backup) {
                    Ok(()) => format!("원래 파일은 {}에 보관했어요.", backup.display()),
                    Err(rename_err) => format!("원래 파일을 옮기지 못했어요: {rename_err}."),
                };
                // Rebuild at once, so the next reader finds a valid file, not the damage again.
                let rebuilt = match fresh.save() {
                    Ok(()) => "진행 상황을 새로 만들었어요.".to_string(),
                    Err(save_err) => format!("새 파일을 쓰지 못했어요 ({save_err})."),
                };
                let warning = format!(
                    "진행 상황 파일이 손상되어 읽을 수 없어요: {} ({err}). {rebuilt} {kept}",
                    path.display()
                );
                (fresh, Some(warning))
            }
        }
    }

    /// Loads the progress, applies `change`, and saves it: the safe way to record one thing
    /// without overwriting what another part saved in the meantime. Returns the saved progress
    /// and the warning of [`Progress::load`], if any.
    pub fn update(change: impl FnOnce(&mut Progress)) -> Result<(Progress, Option<String>)> {
        let path = default_path();
        let _lock = lock(&path)?;
        let (mut progress, warning) = Self::load_from(&path);
        change(&mut progress);
        progress.save()?;
        Ok((progress, warning))
    }

    /// The file this progress is loaded from and saved to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves atomically: writes a temporary file beside the real one, then renames it.
    pub fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("진행 상황 폴더를 만들지 못했어요: {}", dir.display()))?;
        }
        let mut saved = self.clone();
        saved.version = VERSION;
        let json = serde_json::to_string_pretty(&saved).context("진행 상황을 JSON으로 바꾸지 못했어요")?;
        let mut temp = self.path.clone().into_os_string();
        temp.push(format!(".tmp{}", std::process::id()));
        let temp = PathBuf::from(temp);
        std::fs::write(&temp, json + "\n")
            .with_context(|| format!("진행 상황 임시 파일을 쓰지 못했어요: {}", temp.display()))?;
        if let Err(err) = std::fs::rename(&temp, &self.path) {
            let _ = std::fs::remove_file(&temp);
            return Err(err)
                .with_context(|| format!("진행 상황 파일을 저장하지 못했어요: {}", self.path.display()));
        }
        Ok(())
    }

    /// Ticks a checklist item now (keeps the first time if it was ticked already).
    pub fn mark_item_done(&mut self, id: &str) {
        self.items_done.entry(id.to_string()).or_insert_with(|| chrono::Local::now().to_rfc3339());
    }

    /// Unticks a checklist item (`loadlab reset ITEM`).
    pub fn unmark_item(&mut self, id: &str) {
        self.items_done.remove(id);
    }

    pub fn is_item_done(&self, id: &str) -> bool {
        self.items_done.contains_key(id)
    }

    /// Records an answer to a quiz question.
    pub fn record_quiz(&mut self, quiz_id: &str, correct: bool) {
        let result = self.quiz_results.entry(quiz_id.to_string()).or_default();
        result.correct = correct;
        result.attempts += 1;
    }

    /// Records a drill's latest prediction and measurement.
    pub fn record_drill(&mut self, drill_id: &str, prediction: String, measured: String, close: bool) {
        let result = self.drill_results.entry(drill_id.to_string()).or_default();
        result.attempts += 1;
        result.prediction = prediction;
        result.measured = measured;
        result.close = close;
    }

    /// `(right, answered)`: questions whose latest answer was right, and questions answered.
    pub fn quiz_score(&self) -> (usize, usize) {
        let right = self.quiz_results.values().filter(|r| r.correct).count();
        (right, self.quiz_results.len())
    }

    /// Remembers where the learner is reading.
    pub fn set_position(&mut self, lesson: usize, page: usize) {
        self.current_lesson = Some(lesson);
        self.current_page = page;
    }

    pub fn mark_lesson_done(&mut self, lesson: usize) {
        self.lessons_done.insert(lesson);
    }

    pub fn is_lesson_done(&self, lesson: usize) -> bool {
        self.lessons_done.contains(&lesson)
    }

    /// Appends one of the learner's runs (its shape is the run command's business).
    pub fn record_practice_run(&mut self, run: serde_json::Value) {
        self.practice_runs.push(run);
    }
}

/// Blocks until this process holds the advisory lock of the progress file at `path` (released
/// when the returned file is dropped, or when the process ends, however it ends).
fn lock(path: &Path) -> Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("진행 상황 폴더를 만들지 못했어요: {}", dir.display()))?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("진행 상황 잠금 파일을 열지 못했어요: {}", lock_path.display()))?;
    file.lock().with_context(|| format!("진행 상황 파일을 잠그지 못했어요: {}", lock_path.display()))?;
    Ok(file)
}

fn backup_path(path: &Path) -> PathBuf {
    let mut backup = path.as_os_str().to_owned();
    backup.push(".broken");
    PathBuf::from(backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        (dir, path)
    }

    #[test]
    fn missing_file_is_a_fresh_start_without_warning() {
        let (_dir, path) = temp_file();
        let (progress, warning) = Progress::load_from(&path);
        assert!(warning.is_none());
        assert_eq!(progress.current_lesson, None);
        assert!(progress.items_done.is_empty());
    }

    #[test]
    fn saves_and_loads_everything() {
        let (_dir, path) = temp_file();
        let (mut progress, _) = Progress::load_from(&path);
        progress.set_position(3, 2);
        progress.mark_lesson_done(1);
        progress.mark_item_done("update_todo");
        progress.record_quiz("03-test-types#1", false);
        progress.record_quiz("03-test-types#1", true);
        progress.record_drill("02-why!1", "약 20 req/s".into(), "19.4 req/s".into(), true);
        progress.record_practice_run(serde_json::json!({"item": "practice1", "users": 20}));
        progress.save().unwrap();

        let (loaded, warning) = Progress::load_from(&path);
        assert!(warning.is_none());
        assert_eq!(loaded, progress);
        assert!(loaded.is_item_done("update_todo"));
        assert!(!loaded.is_item_done("delete_todo"));
        assert_eq!(loaded.quiz_results["03-test-types#1"], QuizResult { correct: true, attempts: 2 });
        let drill = DrillResult {
            prediction: "약 20 req/s".into(),
            measured: "19.4 req/s".into(),
            close: true,
            attempts: 1,
        };
        assert_eq!(loaded.drill_results["02-why!1"], drill);
        assert_eq!(loaded.quiz_score(), (1, 1));
        let stamp = &loaded.items_done["update_todo"];
        assert!(chrono::DateTime::parse_from_rfc3339(stamp).is_ok(), "{stamp}");
        // No temporary file is left behind.
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
    }

    #[test]
    fn older_files_with_missing_fields_load() {
        let (_dir, path) = temp_file();
        std::fs::write(
            &path,
            r#"{"current_lesson": 4, "items_done": {"create_todo": "2024-01-01T00:00:00+09:00"}}"#,
        )
        .unwrap();
        let (progress, warning) = Progress::load_from(&path);
        assert!(warning.is_none());
        assert_eq!(progress.current_lesson, Some(4));
        assert_eq!(progress.current_page, 0);
        assert!(progress.is_item_done("create_todo"));
        assert!(progress.quiz_results.is_empty());
    }

    #[test]
    fn damaged_files_are_reported_kept_and_rebuilt() {
        for damaged in ["{ this is not json", r#"{"current_lesson": "three"}"#, "", "[1, 2]"] {
            let (_dir, path) = temp_file();
            std::fs::write(&path, damaged).unwrap();
            let (progress, warning) = Progress::load_from(&path);
            let warning = warning.unwrap_or_else(|| panic!("no warning for {damaged:?}"));
            assert!(warning.contains("손상"), "{warning}");
            assert!(warning.contains(".broken"), "{warning}");
            assert_eq!(progress.current_lesson, None);
            let backup = backup_path(&path);
            assert_eq!(std::fs::read_to_string(&backup).unwrap(), damaged);

            // The rebuilt progress saves and then loads cleanly.
            progress.save().unwrap();
            let (_, warning) = Progress::load_from(&path);
            assert!(warning.is_none());
        }
    }

    #[test]
    fn ticking_twice_keeps_the_first_time_and_reset_unticks() {
        let (_dir, path) = temp_file();
        let (mut progress, _) = Progress::load_from(&path);
        progress.items_done.insert("delete_todo".into(), "2020-01-01T00:00:00+00:00".into());
        progress.mark_item_done("delete_todo");
        assert_eq!(progress.items_done["delete_todo"], "2020-01-01T00:00:00+00:00");
        progress.unmark_item("delete_todo");
        assert!(!progress.is_item_done("delete_todo"));
    }
}
