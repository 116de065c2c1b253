//! Where and why Python's `json.loads` refuses a text, for FastAPI's `json_invalid` answers.
//!
//! Owns: a re-implementation of CPython's C JSON scanner as far as its errors go (3.11/3.12
//! wording). Promises: for any text, [`python_json_error`] gives the message and character
//! position CPython's `JSONDecodeError` gives, or `None` where Python would decode it (NaN,
//! Infinity, huge numbers, lone surrogates); nesting beyond [`MAX_SCAN_DEPTH`] is reported as
//! too deep (Python's RecursionError). Pure: no server types.

/// Why Python refuses a text.
pub enum PyJsonError {
    /// `json.JSONDecodeError`: the message without "line/column", and the character index.
    Decode { pos: usize, msg: &'static str },
    /// Nesting beyond what we are willing to scan (Python raises RecursionError: 400).
    TooDeep,
}

pub const MAX_SCAN_DEPTH: usize = 1000;

/// Where and why Python's `json.loads` fails on `text`, or `None` if Python accepts it.
/// Positions count characters (Python indexes the decoded `str`), equal to bytes for ASCII.
pub fn python_json_error(text: &str) -> Option<PyJsonError> {
    let s: Vec<char> = text.chars().collect();
    let scan = Scanner { s: &s };
    let start = scan.skip_ws(0);
    match scan.value(start, 0) {
        Err(ScanFail::Stop(idx)) => Some(PyJsonError::Decode { pos: idx, msg: "Expecting value" }),
        Err(ScanFail::Decode(pos, msg)) => Some(PyJsonError::Decode { pos, msg }),
        Err(ScanFail::TooDeep) => Some(PyJsonError::TooDeep),
        Ok(end) => {
            let end = scan.skip_ws(end);
            (end != s.len()).then_some(PyJsonError::Decode { pos: end, msg: "Extra data" })
        }
    }
}

enum ScanFail {
    /// StopIteration(idx): surfaces as "Expecting value" at idx.
    Stop(usize),
    Decode(usize, &'static str),
    TooDeep,
}

struct Scanner<'a> {
    s: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')) {
            i += 1;
        }
        i
    }

    fn starts(&self, i: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(k, c)| self.at(i + k) == Some(c))
    }

    fn value(&self, idx: usize, depth: usize) -> Result<usize, ScanFail> {
        if depth > MAX_SCAN_DEPTH {
            return Err(ScanFail::TooDeep);
        }
        match self.at(idx) {
            None => Err(ScanFail::Stop(idx)),
            Some('"') => self.string(idx + 1),
            Some('{') => self.object(idx + 1, depth + 1),
            Some('[') => self.array(idx + 1, depth + 1),
            Some('n') if self.starts(idx, "null") => Ok(idx + 4),
            Some('t') if self.starts(idx, "true") => Ok(idx + 4),
            Some('f') if self.starts(idx, "false") => Ok(idx + 5),
            Some('N') if self.starts(idx, "NaN") => Ok(idx + 3),
            Some('I') if self.starts(idx, "Infinity") => Ok(idx + 8),
            Some('-') if self.starts(idx, "-Infinity") => Ok(idx + 9),
            Some(_) => self.number(idx),
        }
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn number(&self, start: usize) -> Result<usize, ScanFail> {
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i) {
            Some('1'..='9') => {
                i += 1;
                while self.digit(i) {
                    i += 1;
                }
            }
            Some('0') => i += 1,
            _ => return Err(ScanFail::Stop(start)),
        }
        if self.at(i) == Some('.') && self.digit(i + 1) {
            i += 2;
            while self.digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let e_start = i;
            i += 1;
            if matches!(self.at(i), Some('-' | '+')) {
                i += 1;
            }
            while self.digit(i) {
                i += 1;
            }
            if !self.digit(i - 1) {
                i = e_start;
            }
        }
        Ok(i)
    }

    /// `begin_content` is just after the opening quote.
    fn string(&self, begin_content: usize) -> Result<usize, ScanFail> {
        let begin = begin_content - 1;
        let unterminated = ScanFail::Decode(begin, "Unterminated string starting at");
        let mut i = begin_content;
        loop {
            let c = loop {
                match self.at(i) {
                    None => return Err(unterminated),
                    Some(c @ ('"' | '\\')) => break c,
                    Some(c) if (c as u32) <= 0x1f => {
                        return Err(ScanFail::Decode(i, "Invalid control character at"));
                    }
                    Some(_) => i += 1,
                }
            };
            if c == '"' {
                return Ok(i + 1);
            }
            i += 1; // past the backslash
            let Some(esc) = self.at(i) else {
                return Err(unterminated);
            };
            if esc != 'u' {
                if !matches!(esc, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') {
                    return Err(ScanFail::Decode(i - 1, "Invalid \\escape"));
                }
                i += 1;
                continue;
            }
            let u_pos = i;
            let end = i + 5;
            if end >= self.s.len() {
                return Err(ScanFail::Decode(u_pos, "Invalid \\uXXXX escape"));
            }
            if !(i + 1..end).all(|k| self.at(k).is_some_and(|c| c.is_ascii_hexdigit())) {
                return Err(ScanFail::Decode(u_pos, "Invalid \\uXXXX escape"));
            }
            let hex: String = self.s[i + 1..end].iter().collect();
            let code = u32::from_str_radix(&hex, 16).unwrap_or(0);
            i = end;
            // A high surrogate takes a following \uXXXX along, which must be hex too.
            if (0xd800..0xdc00).contains(&code)
                && end + 6 < self.s.len()
                && self.at(end) == Some('\\')
                && self.at(end + 1) == Some('u')
            {
                if !(end + 2..end + 6).all(|k| self.at(k).is_some_and(|c| c.is_ascii_hexdigit())) {
                    return Err(ScanFail::Decode(end + 1, "Invalid \\uXXXX escape"));
                }
                i = end + 6;
            }
        }
    }

    fn object(&self, after_brace: usize, depth: usize) -> Result<usize, ScanFail> {
        let mut i = self.skip_ws(after_brace);
        if self.at(i) == Some('}') {
            return Ok(i + 1);
        }
        loop {
            if self.at(i) != Some('"') {
                return Err(ScanFail::Decode(i, "Expecting property name enclosed in double quotes"));
            }
            i = self.string(i + 1)?;
            i = self.skip_ws(i);
            if self.at(i) != Some(':') {
                return Err(ScanFail::Decode(i, "Expecting ':' delimiter"));
            }
            i = self.skip_ws(i + 1);
            i = self.value(i, depth)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some('}') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(ScanFail::Decode(i, "Expecting ',' delimiter")),
            }
        }
    }

    fn array(&self, after_bracket: usize, depth: usize) -> Result<usize, ScanFail> {
        let mut i = self.skip_ws(after_bracket);
        if self.at(i) == Some(']') {
            return Ok(i + 1);
        }
        loop {
            i = self.value(i, depth)?;
            i = self.skip_ws(i);
            match self.at(i) {
                Some(']') => return Ok(i + 1),
                Some(',') => i = self.skip_ws(i + 1),
                _ => return Err(ScanFail::Decode(i, "Expecting ',' delimiter")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_err(text: &str) -> (usize, &'static str) {
        match python_json_error(text) {
            Some(PyJsonError::Decode { pos, msg }) => (pos, msg),
            _ => panic!("no decode error for {text:?}"),
        }
    }

    #[test]
    fn python_json_errors_match_cpython() {
        // Positions and messages as CPython's json.loads reports them.
        assert_eq!(decode_err("{\"title\": }"), (10, "Expecting value"));
        assert_eq!(decode_err("{title: 1}"), (1, "Expecting property name enclosed in double quotes"));
        assert_eq!(decode_err("{\"a\" 1}"), (5, "Expecting ':' delimiter"));
        assert_eq!(decode_err("{\"a\": 1 \"b\": 2}"), (8, "Expecting ',' delimiter"));
        assert_eq!(decode_err("{\"a\": \"abc"), (6, "Unterminated string starting at"));
        assert_eq!(decode_err("{} x"), (3, "Extra data"));
        assert_eq!(decode_err("[1,]"), (3, "Expecting value"));
        assert_eq!(decode_err("{\"a\":1,}"), (7, "Expecting property name enclosed in double quotes"));
        assert_eq!(decode_err("\"a\\qb\""), (2, "Invalid \\escape"));
        assert_eq!(decode_err("\"\\u12x4\""), (2, "Invalid \\uXXXX escape"));
        assert_eq!(decode_err("\"a\u{1}\""), (2, "Invalid control character at"));
        assert_eq!(decode_err("   "), (3, "Expecting value"));
        // Characters, not bytes: Hangul before the error counts once per syllable.
        assert_eq!(decode_err("{\"제목\": }"), (7, "Expecting value"));
        assert!(python_json_error("{\"a\": [1, 2.5e3, -0, true, null, \"\\u00e9\"]}").is_none());
        assert!(python_json_error("NaN").is_none());
    }
}
