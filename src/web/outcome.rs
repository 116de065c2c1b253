//! What a finished run leaves on the page: the Korean explanation (the same findings as the
//! console's `explain`), the saturation point of a shaped run, the practice news, and the
//! report files to download (HTML, Locust's CSV files, JSON), written into a folder of their
//! own that disappears with the outcome.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use crate::engine::RunResult;
use crate::explain::{self, Explanation};
use crate::ops::run::{Outputs, RunSettings, Written};

/// A file the page offers for download.
#[derive(Debug, Clone, Serialize)]
pub struct Download {
    /// The file name, also its address under `/download/`.
    pub name: String,
    /// What it holds, in Korean.
    pub label: &'static str,
}

/// The outcome of one finished run.
pub struct Outcome {
    pub result: RunResult,
    explanation: Explanation,
    saturation: Option<String>,
    news: Vec<String>,
    downloads: Vec<Download>,
    folder: tempfile::TempDir,
}

/// The console's words for an early stop, and the page's (its Stop button, not Ctrl-C).
const CONSOLE_STOP: [(&str, &str); 2] =
    [("Ctrl-C로 중단됨", "멈추기로 중단됨"), ("Ctrl-C로 일찍 끝남", "멈추기로 일찍 끝남")];

fn page_words(text: &str) -> String {
    CONSOLE_STOP.iter().fold(text.to_string(), |text, (console, page)| text.replace(console, page))
}

/// Locust's CSV prefix inside the outcome's folder: `loadlab_stats.csv`, …
const CSV_PREFIX: &str = "loadlab";

impl Outcome {
    /// Explains `result` and writes its report files; ticks practices when `record_practice`.
    pub fn new(result: RunResult, settings: &RunSettings, record_practice: bool) -> anyhow::Result<Outcome> {
        let folder = tempfile::Builder::new()
            .prefix("loadlab-web-")
            .tempdir()
            .context("보고서를 둘 임시 폴더를 만들 수 없어요")?;
        let outputs = Outputs {
            json: Some(folder.path().join("result.json")),
            csv: Some(folder.path().join(CSV_PREFIX).to_string_lossy().into_owned()),
            html: Some(folder.path().join("report.html")),
        };
        let written = crate::ops::run::write_reports(&outputs, &result)?;
        let downloads = written
            .iter()
            .filter_map(|(kind, path)| {
                let name = path.file_name()?.to_string_lossy().into_owned();
                let label = match kind {
                    Written::Html => "HTML 보고서",
                    Written::Json => "JSON 결과 (explain·compare의 입력)",
                    Written::Csv => "Locust 형식 CSV",
                };
                Some(Download { name, label })
            })
            .collect();
        let saturation =
            settings.shape.as_ref().and_then(|_| explain::saturation::find(&result)).map(|found| {
                let mut text = found.render();
                if let Some(further) = found.push_further() {
                    text.push_str(&format!("\n{further}"));
                }
                text
            });
        let news = if record_practice {
            crate::ops::run::record_practice(&result, settings)
                .unwrap_or_else(|error| vec![format!("진행 상황 파일을 저장하지 못했어요: {error}")])
        } else {
            Vec::new()
        };
        Ok(Outcome { explanation: explain::explain(&result), result, saturation, news, downloads, folder })
    }

    /// The outcome as the page draws it.
    pub fn view(&self) -> serde_json::Value {
        let explanation = &self.explanation;
        let metrics: Vec<_> = explanation
            .metrics
            .iter()
            .map(|metric| {
                serde_json::json!({
                    "label": metric.label, "value": metric.value, "target": metric.target,
                    "mark": mark_name(metric.mark), "meaning": page_words(&metric.meaning),
                })
            })
            .collect();
        let findings: Vec<_> = explanation
            .findings
            .iter()
            .map(|finding| {
                serde_json::json!({
                    "id": finding.id.as_str(), "severity": severity_name(finding.severity),
                    "title": finding.title, "evidence": finding.evidence, "advice": finding.advice,
                })
            })
            .collect();
        serde_json::json!({
            "headline": page_words(&crate::engine::console::headline(&self.result)),
            "interrupted": self.result.interrupted,
            "healthy": explanation.healthy,
            "verdict": explanation.verdict,
            "metrics": metrics,
            "findings": findings,
            "text": explanation.render(false),
            "saturation": self.saturation,
            "news": self.news,
            "downloads": self.downloads,
        })
    }

    /// The file `name` among the downloads (any other name is not served).
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        self.downloads.iter().any(|download| download.name == name).then(|| self.folder.path().join(name))
    }
}

/// The page draws marks as coloured badges (an emoji font is not everywhere).
fn mark_name(mark: explain::Mark) -> &'static str {
    match mark {
        explain::Mark::Good => "good",
        explain::Mark::Warn => "warn",
        explain::Mark::Bad => "bad",
        explain::Mark::Info => "info",
    }
}

fn severity_name(severity: explain::Severity) -> &'static str {
    match severity {
        explain::Severity::Problem => "problem",
        explain::Severity::Warning => "warning",
        explain::Severity::Note => "note",
    }
}
