//! Before a run against a given host: can it be reached at all? A refused or silent port is
//! a clear sentence on the page rather than a run of connection failures.

use std::time::Duration;

const CONNECT_LIMIT: Duration = Duration::from_secs(3);

/// Connects once to `host`'s address and port (`http://…` or `https://…`).
pub async fn check(host: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(host).map_err(|_| format!("호스트 주소를 읽을 수 없어요: {host}"))?;
    let (Some(name), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(format!("호스트 주소에 서버 이름이 없어요: {host}"));
    };
    let name = name.trim_start_matches('[').trim_end_matches(']').to_string();
    match tokio::time::timeout(CONNECT_LIMIT, tokio::net::TcpStream::connect((name.as_str(), port))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!(
            "{host}에 연결할 수 없어요 ({error}). 서버가 켜져 있는지, 주소와 포트가 맞는지 확인해 주세요. \
             호스트를 비우면 내장 실습 서버로 실행해요."
        )),
        Err(_) => Err(format!(
            "{host}에서 {}초 안에 응답이 없었어요. 주소와 방화벽을 확인해 주세요.",
            CONNECT_LIMIT.as_secs()
        )),
    }
}
