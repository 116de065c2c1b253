//! HTTPS settings: the run's one rustls client configuration, built from [`TlsOptions`]
//! (public roots, plus a private authority from `--ca-cert`, or no certificate check at all with
//! `--insecure`), and the Korean messages for a certificate file that cannot be used.
//!
//! Pure Rust (rustls with ring): nothing to install, no OpenSSL.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How `https://` targets are checked (`--insecure`, `--ca-cert FILE`).
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Accept any server certificate (a self-signed lab target). The connection is still
    /// encrypted, but anyone in between could read it.
    pub insecure: bool,
    /// A PEM file of certificate authorities to trust besides the public ones.
    pub ca_cert: Option<PathBuf>,
}

impl TlsOptions {
    /// The rustls configuration these options describe, or a one-line Korean error about the
    /// certificate file.
    pub fn client_config(&self) -> anyhow::Result<Arc<ClientConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .context("TLS 설정을 만들 수 없어요")?;
        let mut config = if self.insecure {
            let verifier = AnyCertificate { algorithms: provider.signature_verification_algorithms };
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth()
        } else {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(path) = &self.ca_cert {
                add_authorities(&mut roots, path)?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        // One connection carries one request at a time: HTTP/1.1, as for plain http.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Adds every certificate in the PEM file at `path` to `roots`.
fn add_authorities(roots: &mut RootCertStore, path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    let bytes = crate::limits::read_file(path)
        .map_err(|e| anyhow::anyhow!("--ca-cert 파일을 읽을 수 없어요: {shown} ({e})"))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert =
            cert.map_err(|e| anyhow::anyhow!("--ca-cert 파일 {shown} 의 PEM 형식이 올바르지 않아요 ({e})"))?;
        roots
            .add(cert)
            .map_err(|e| anyhow::anyhow!("--ca-cert 파일 {shown} 의 인증서를 쓸 수 없어요 ({e})"))?;
        added += 1;
    }
    if added == 0 {
        bail!("--ca-cert 파일 {shown} 에 PEM 인증서(-----BEGIN CERTIFICATE-----)가 없어요");
    }
    Ok(())
}

/// `--insecure`: trusts any certificate for any name, but still checks that the server holds
/// the key of the certificate it sent (so the handshake itself stays sound).
#[derive(Debug)]
struct AnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_certificate_file_is_one_clear_line() {
        let missing = TlsOptions { insecure: false, ca_cert: Some("/nonexistent/ca.pem".into()) };
        let message = missing.client_config().unwrap_err().to_string();
        assert!(message.starts_with("--ca-cert 파일을 읽을 수 없어요: /nonexistent/ca.pem"), "{message}");
        assert!(!message.contains('\n'), "{message}");

        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "not a certificate\n").unwrap();
        let empty = TlsOptions { insecure: false, ca_cert: Some(file.path().to_path_buf()) };
        let message = empty.client_config().unwrap_err().to_string();
        assert!(message.contains("PEM 인증서(-----BEGIN CERTIFICATE-----)가 없어요"), "{message}");
    }

    #[test]
    fn public_roots_and_insecure_configs_build() {
        assert!(TlsOptions::default().client_config().is_ok());
        assert!(TlsOptions { insecure: true, ca_cert: None }.client_config().is_ok());
    }
}
