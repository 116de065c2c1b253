//! `import`: reads a recording, a document or a log, writes the scenario into the learner's
//! `exercises/` and registers it in `exercises/main.rs`, so `run NAME`, `--check`, the dashboard
//! and the worker use it at once.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::exit::UsageError;
use crate::import::access_log::Traffic;
use crate::import::{Imported, access_log, har, names, openapi, render};

/// What to import.
#[derive(Debug, Clone)]
pub enum Input {
    Har { file: PathBuf, host_filter: Option<String> },
    OpenApi { location: String },
    AccessLog { file: PathBuf, openapi: Option<String> },
}

/// What was written.
pub struct Written {
    pub file: PathBuf,
    /// Whether `exercises/main.rs` gained the class (false when it was there already).
    pub registered: bool,
    pub imported: Imported,
    pub traffic: Option<Traffic>,
}

/// Imports `input` as class `class` into `workbook`'s `exercises/`.
pub async fn import(input: &Input, class: &str, force: bool, workbook: &Path) -> anyhow::Result<Written> {
    names::check_class(class).map_err(|error| UsageError(error.0))?;
    let exercises = workbook.join("exercises");
    let main = exercises.join("main.rs");
    let main_text = std::fs::read_to_string(&main)
        .with_context(|| format!("{}를 읽을 수 없어요 (실습서 폴더가 맞나요?)", main.display()))?;
    let module = names::snake_case(class);
    let file = exercises.join(format!("{module}.rs"));
    let registered_already = main_text.contains(&format!("::{class}>()"));
    if !force && (file.exists() || registered_already) {
        return Err(UsageError(format!(
            "같은 이름의 클래스가 이미 있어요: {class} ({}). 덮어쓰려면 --force를 붙이세요",
            if file.exists() {
                format!("exercises/{module}.rs")
            } else {
                "exercises/main.rs에 등록됨".to_string()
            }
        ))
        .into());
    }
    let (imported, traffic) = read(input, class).await?;
    let code = layout(&render::render(&imported.scenario)?, workbook);
    std::fs::write(&file, code).with_context(|| format!("{}에 쓸 수 없어요", file.display()))?;
    let registered = if registered_already {
        false
    } else {
        let updated = register(&main_text, &module, class)
            .map_err(|reason| anyhow::anyhow!("{reason}: exercises/main.rs에 직접 등록하세요 — `mod {module};`과 `UserClass::of::<{module}::{class}>(),`"))?;
        std::fs::write(&main, updated).with_context(|| format!("{}에 쓸 수 없어요", main.display()))?;
        true
    };
    Ok(Written { file, registered, imported, traffic })
}

/// The generated file laid out as `cargo fmt` would (the workbook's `rustfmt.toml` applies), or
/// by prettyplease when rustfmt is not installed.
fn layout(code: &str, workbook: &Path) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let formatted = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .current_dir(workbook)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()
        .and_then(|mut child| {
            child.stdin.take()?.write_all(code.as_bytes()).ok()?;
            let output = child.wait_with_output().ok()?;
            output.status.success().then(|| String::from_utf8(output.stdout).ok()).flatten()
        });
    formatted.or_else(|| render::pretty(code).ok()).unwrap_or_else(|| code.to_string())
}

async fn read(input: &Input, class: &str) -> anyhow::Result<(Imported, Option<Traffic>)> {
    let refused = |error: crate::import::ImportError| anyhow::Error::from(UsageError(error.0));
    match input {
        Input::Har { file, host_filter } => {
            let text = read_text(&file.display().to_string()).await?;
            Ok((har::import(&text, &file_name(file), class, host_filter.as_deref()).map_err(refused)?, None))
        }
        Input::OpenApi { location } => {
            let text = read_text(location).await?;
            Ok((openapi::import(&text, &short(location), class).map_err(refused)?, None))
        }
        Input::AccessLog { file, openapi } => {
            let text = read_text(&file.display().to_string()).await?;
            let document = match openapi {
                Some(location) => Some((read_text(location).await?, short(location))),
                None => None,
            };
            let (traffic, imported) = access_log::import(
                &text,
                &file_name(file),
                class,
                document.as_ref().map(|(text, origin)| (text.as_str(), origin.as_str())),
            )
            .map_err(refused)?;
            Ok((imported, Some(traffic)))
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

fn short(location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        location.to_string()
    } else {
        file_name(Path::new(location))
    }
}

/// A file's text, or a document fetched once over HTTP(S) (`/openapi.json` of a running service),
/// both held to [`crate::limits::MAX_INPUT_FILE`] like every other file loadlab reads.
async fn read_text(location: &str) -> anyhow::Result<String> {
    let too_big =
        || UsageError(format!("너무 커요 ({} MiB 넘음): {location}", crate::limits::MAX_INPUT_FILE >> 20));
    if location.starts_with("http://") || location.starts_with("https://") {
        let mut response = reqwest::Client::new()
            .get(location)
            .timeout(std::time::Duration::from_secs(30))
            .send()
            .await
            .map_err(|error| UsageError(format!("문서를 받을 수 없어요: {location} ({error})")))?;
        if !response.status().is_success() {
            bail!(UsageError(format!("문서를 받을 수 없어요: {location} (HTTP {})", response.status())));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| UsageError(format!("문서를 받다가 끊겼어요: {location} ({error})")))?
        {
            if (bytes.len() + chunk.len()) as u64 > crate::limits::MAX_INPUT_FILE {
                bail!(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    let path = Path::new(location);
    let metadata = std::fs::metadata(path)
        .map_err(|error| UsageError(format!("파일을 열 수 없어요: {location} ({error})")))?;
    if !metadata.is_file() {
        bail!(UsageError(format!("파일이 아니에요: {location}")));
    }
    if metadata.len() > crate::limits::MAX_INPUT_FILE {
        bail!(too_big());
    }
    let bytes = crate::limits::read_file(path)
        .map_err(|error| UsageError(format!("파일을 읽을 수 없어요: {location} ({error})")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `main.rs` with `mod module;` after the last module line and the class in `user_classes()`.
pub fn register(main: &str, module: &str, class: &str) -> Result<String, &'static str> {
    let function = main.find("fn user_classes()").ok_or("user_classes()를 찾을 수 없어요")?;
    let open = function
        + main[function..].find("vec![").ok_or("user_classes()의 vec![를 찾을 수 없어요")?
        + "vec![".len();
    let mut depth = 1;
    let mut close = None;
    for (offset, ch) in main[open..].char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + offset);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or("user_classes()의 목록이 닫히지 않았어요")?;
    let before_close = main[..close].trim_end();
    let separator = if before_close.ends_with(',') || before_close.ends_with('[') { "" } else { "," };
    let mut updated = String::new();
    updated.push_str(before_close);
    updated.push_str(separator);
    updated.push_str(&format!("\n        UserClass::of::<{module}::{class}>(),\n    "));
    updated.push_str(&main[close..]);
    let module_line = format!("mod {module};\n");
    let insert_at = updated
        .match_indices("\nmod ")
        .last()
        .and_then(|(at, _)| updated[at + 1..].find('\n').map(|end| at + 1 + end + 1))
        .unwrap_or(0);
    updated.insert_str(insert_at, &module_line);
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_is_registered_in_the_workbooks_main() {
        let main = include_str!("../../exercises/main.rs");
        let updated = register(main, "lab_api_user", "LabApiUser").unwrap();
        assert!(updated.contains("mod todo_user;\nmod lab_api_user;\n"), "{updated}");
        assert!(updated.contains("UserClass::of::<setup_user::SetupUser>(),\n        UserClass::of::<lab_api_user::LabApiUser>(),\n    ]"), "{updated}");
        syn::parse_file(&updated).unwrap();
        assert!(register("fn main() {}", "a", "A").is_err());
    }
}
