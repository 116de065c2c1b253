//! `-H https://…` against a TLS server started here on 127.0.0.1, with a private authority and a
//! server certificate generated here (rcgen): `--insecure` is accepted, `--ca-cert` trusts the
//! authority, and with neither every request is a failure that names the certificate problem
//! and the two flags — never a panic.

use crate::http_support;

use std::sync::Arc;
use std::time::Duration;

use http_support::{Mode, Server, response};
use loadlab::engine::http::TlsOptions;
use loadlab::engine::{RunConfig, RunResult, run};
use loadlab::prelude::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A private certificate authority (its PEM) and a TLS server on 127.0.0.1 whose certificate it
/// signed, answering `ok` to everything.
async fn tls_server() -> (Server, String) {
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "loadlab test authority");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let handler: http_support::Handler = Arc::new(|_| response(200, &[], b"ok"));
    let server = http_support::start_with(Mode::KeepAlive, handler, move |tcp| {
        let acceptor = acceptor.clone();
        async move { acceptor.accept(tcp).await.ok() }
    })
    .await;
    (server, ca_cert.pem())
}

#[derive(Default)]
struct HealthUser;

impl User for HealthUser {
    fn tasks() -> Vec<Task<Self>> {
        Vec::new()
    }
    async fn on_start(&mut self, client: &Client) {
        for _ in 0..5 {
            client.get("/health").send().await;
        }
    }
}

async fn run_against(server: &Server, tls: TlsOptions) -> RunResult {
    let host = format!("https://127.0.0.1:{}", server.port);
    let mut config =
        RunConfig::new(vec![UserClass::of::<HealthUser>()], host, 1, 100.0, Duration::from_millis(500));
    config.stop_timeout = Duration::from_secs(60);
    config.tls = tls;
    run(config).await.expect("run completes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_accepts_a_self_signed_lab_target() {
    let (server, _) = tls_server().await;
    let result = run_against(&server, TlsOptions { insecure: true, ca_cert: None }).await;
    assert_eq!((result.total.num_requests, result.total.num_failures), (5, 0), "{:?}", result.errors);
    assert_eq!(server.connections(), 1, "one TLS connection kept alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_cert_trusts_a_private_authority() {
    let (server, ca_pem) = tls_server().await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), ca_pem).unwrap();
    let result =
        run_against(&server, TlsOptions { insecure: false, ca_cert: Some(file.path().into()) }).await;
    assert_eq!((result.total.num_requests, result.total.num_failures), (5, 0), "{:?}", result.errors);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_either_flag_the_certificate_is_refused_as_failures() {
    let (server, _) = tls_server().await;
    let result = run_against(&server, TlsOptions::default()).await;
    assert_eq!((result.total.num_requests, result.total.num_failures), (5, 5));
    assert_eq!(result.total.status_codes.get(&0), Some(&5));
    assert_eq!(result.errors.len(), 1, "one stable message: {:?}", result.errors);
    let message = &result.errors[0].error;
    assert!(message.starts_with("SSLError: "), "{message}");
    assert!(
        message.contains("인증서") && message.contains("--ca-cert") && message.contains("--insecure"),
        "{message}"
    );
    assert!(server.requests().is_empty(), "nothing was sent over an unverified connection");
}
