//! How a learner types a loadlab command, both ways: the words a lesson's command line splits
//! into (quotes group words; a leading `loadlab` or `cargo run --release --` is dropped), and
//! the command line shown for a list of arguments.

use anyhow::{Result, bail};

/// `cargo run --release -- run ...` (see [`crate::places::command`]), with arguments quoted
/// where a shell needs it.
pub fn command_line(args: &[String]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|arg| {
            let plain =
                !arg.is_empty() && arg.chars().all(|ch| ch.is_alphanumeric() || "-_./:=,%@+".contains(ch));
            if plain { arg.clone() } else { format!("\"{}\"", arg.replace('"', "\\\"")) }
        })
        .collect();
    crate::places::command(&quoted.join(" "))
}

/// Splits a command line into arguments (double and single quotes group words). A leading
/// `loadlab` or `cargo run --release --` is dropped: lessons may show the full command.
pub fn command_args(line: &str) -> Result<Vec<String>> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    args.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        bail!("따옴표가 닫히지 않았어요");
    }
    if in_word {
        args.push(current);
    }
    let skip = if args.first().is_some_and(|a| a == "loadlab") {
        1
    } else if args.len() >= 4 && args[..2] == ["cargo", "run"] {
        args.iter().position(|a| a == "--").map_or(0, |at| at + 1)
    } else {
        0
    };
    Ok(args.split_off(skip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_like_a_shell() {
        let args =
            command_args(r#"cargo run --release -- run TodoUser --check "p95<500ms, fail<0.1%""#).unwrap();
        assert_eq!(args, ["run", "TodoUser", "--check", "p95<500ms, fail<0.1%"]);
        assert_eq!(command_args("loadlab serve --port 8000").unwrap(), ["serve", "--port", "8000"]);
        assert!(command_args("run 'unclosed").is_err());
    }
}
