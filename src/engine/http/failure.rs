//! Why a request got no answer: each kind renders as one stable Korean message (with the
//! Python exception name Locust users know), so the failures table groups a kind in one row.

/// Why a request got no answer. Each kind renders as one stable message, so the failures table
/// groups all of a kind in one row.
#[derive(Debug)]
pub(crate) enum Failure {
    Refused,
    Reset,
    NameResolution,
    Connect(String),
    Tls(String),
    ConnectTimeout,
    Timeout,
    /// The connection closed before a whole answer came.
    Closed,
    Protocol(String),
    Decode,
    /// The body passed the per-response limit (`--max-body`), in bytes.
    TooLarge(usize),
    /// A gzip body decoded past the per-response limit, in bytes (a compression bomb).
    DecodedTooLarge(usize),
    /// The answers being read at once passed the run's budget, in bytes.
    BudgetExceeded(usize),
    InvalidUrl(String),
    TooManyRedirects,
}

impl Failure {
    pub fn message(&self) -> String {
        match self {
            Failure::Refused => {
                "ConnectionRefusedError: 연결이 거부됐어요 (서버가 꺼져 있거나 주소·포트가 틀렸어요)".into()
            }
            Failure::Reset | Failure::Closed => "ConnectionResetError: 서버가 연결을 끊었어요".into(),
            Failure::NameResolution => "NameResolutionError: 호스트 이름을 찾을 수 없어요".into(),
            Failure::Connect(detail) => format!("ConnectionError: 연결 실패 ({detail})"),
            Failure::Tls(detail) => format!("SSLError: TLS 연결 실패 — {detail}"),
            Failure::ConnectTimeout => "Timeout: 연결 시간 초과".into(),
            Failure::Timeout => "Timeout: 응답 시간 초과".into(),
            Failure::Protocol(detail) => format!("RequestError: HTTP 응답을 읽을 수 없어요 ({detail})"),
            Failure::Decode => "RequestError: gzip 응답 본문을 풀 수 없어요".into(),
            Failure::TooLarge(limit) => format!(
                "RequestError: 응답 본문이 한도 {}를 넘어서 연결을 끊었어요 (--max-body로 바꿀 수 있어요)",
                mebibytes(*limit)
            ),
            Failure::DecodedTooLarge(limit) => format!(
                "RequestError: gzip을 푼 응답 본문이 한도 {}를 넘어서 읽기를 멈췄어요 (--max-body로 바꿀 수 있어요)",
                mebibytes(*limit)
            ),
            Failure::BudgetExceeded(budget) => format!(
                "RequestError: 동시에 읽는 응답 본문이 모두 {}를 넘어서 연결을 끊었어요 (부하 생성기의 메모리를 지켜요)",
                mebibytes(*budget)
            ),
            Failure::InvalidUrl(detail) => format!("InvalidURL: 요청 주소가 올바르지 않아요 ({detail})"),
            Failure::TooManyRedirects => "TooManyRedirects: 리다이렉트가 너무 많아요 (30번 넘게)".into(),
        }
    }

    pub(super) fn from_io(error: &std::io::Error) -> Failure {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::ConnectionRefused => Failure::Refused,
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted => {
                Failure::Reset
            }
            ErrorKind::UnexpectedEof => Failure::Closed,
            _ => Failure::Connect(error.to_string()),
        }
    }

    /// Whether a fresh connection may succeed where a reused one failed (the server closed an
    /// idle keep-alive connection as the request went out).
    pub fn stale_connection(&self) -> bool {
        matches!(self, Failure::Closed | Failure::Reset)
    }
}

/// `67108864` → `64MiB`.
fn mebibytes(bytes: usize) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 1.0 { format!("{}MiB", crate::text::short_number(mib)) } else { format!("{}KiB", bytes / 1024) }
}

/// The TLS message a learner can act on: which check failed and the two flags that help.
pub(super) fn describe_tls(error: &std::io::Error) -> String {
    let detail = error.get_ref().map_or_else(|| error.to_string(), |inner| inner.to_string());
    if detail.contains("certificate") || detail.contains("Certificate") {
        format!(
            "서버 인증서를 믿을 수 없어요 ({detail}). 사설 인증 기관이면 --ca-cert FILE, 실습용 자체 서명 인증서면 --insecure"
        )
    } else {
        detail
    }
}
