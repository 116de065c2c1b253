//! (placeholder until the lab server lands: same public API, no server)

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

pub enum Storage {
    File(PathBuf),
    InMemory,
}

#[derive(Clone, Default)]
pub struct Faults {
    pub error_rate: f64,
    pub vanish_rate: f64,
}

pub struct ServerConfig {
    pub host: IpAddr,
    pub port: u16,
    pub storage: Storage,
    pub faults: Faults,
    pub test_routes: bool,
}

impl ServerConfig {
    pub fn in_memory() -> Self {
        ServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            storage: Storage::InMemory,
            faults: Faults::default(),
            test_routes: false,
        }
    }
}

pub struct LabServer {
    addr: SocketAddr,
}

impl LabServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub async fn shutdown(self) {}
}

pub async fn start(_config: ServerConfig) -> anyhow::Result<LabServer> {
    anyhow::bail!("lab server not merged yet")
}

pub async fn serve_forever(_config: ServerConfig) -> anyhow::Result<()> {
    anyhow::bail!("lab server not merged yet")
}
