//! Built-in TLS: the certificate chain and key from PEM files become a rustls acceptor, and
//! the accept loop wraps each TCP stream in it before HTTP is spoken.
//!
//! warp 0.4 dropped its own TLS support, so this lives in our accept loop. With TLS
//! configured the port speaks only TLS: a plain HTTP request fails the handshake and the
//! connection is closed. HTTP/1.1 is the only protocol offered (ALPN), as the server
//! speaks no HTTP/2.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::crypto::ring;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::config::TlsFiles;
use crate::limits::TLS_PEM_FILE_BYTES_MAX;

/// Why the TLS files are unusable.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("TLS file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// A file is above [`TLS_PEM_FILE_BYTES_MAX`].
    #[error("TLS file {0} is larger than {TLS_PEM_FILE_BYTES_MAX} bytes")]
    TooLarge(PathBuf),
    /// The certificate file holds no readable certificate.
    #[error("TLS certificate file {path}: {reason}")]
    Certificate {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The key file holds no readable private key.
    #[error("TLS key file {path}: {reason}")]
    Key {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// rustls refused the pair (e.g. the key does not match the certificate).
    #[error("TLS certificate and key are unusable: {0}")]
    Rejected(#[from] rustls::Error),
}

/// Reads a PEM file of at most [`TLS_PEM_FILE_BYTES_MAX`] bytes.
fn read_bounded(path: &Path) -> Result<Vec<u8>, TlsError> {
    let io_error = |source| TlsError::Read {
        path: path.to_owned(),
        source,
    };
    let mut bytes = Vec::new();
    File::open(path)
        .map_err(io_error)?
        .take(TLS_PEM_FILE_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > TLS_PEM_FILE_BYTES_MAX {
        return Err(TlsError::TooLarge(path.to_owned()));
    }
    Ok(bytes)
}

/// The server side of TLS, ready to wrap accepted streams.
#[derive(Clone)]
pub struct ServerTls(TlsAcceptor);

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerTls")
    }
}

impl ServerTls {
    /// Runs the TLS handshake on an accepted stream.
    pub async fn accept(&self, stream: TcpStream) -> io::Result<Transport> {
        let stream = self.0.accept(stream).await?;
        Ok(Transport::Tls(Box::new(stream)))
    }
}

/// The acceptor for `files`: the chain (leaf first) and its private key (PKCS#8, PKCS#1 or
/// SEC1), TLS 1.2 and 1.3 with rustls's safe defaults and the ring provider.
pub fn acceptor(files: &TlsFiles) -> Result<ServerTls, TlsError> {
    let cert_pem = read_bounded(&files.cert)?;
    let certificates = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| TlsError::Certificate {
            path: files.cert.clone(),
            reason: err.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(TlsError::Certificate {
            path: files.cert.clone(),
            reason: "no CERTIFICATE block".into(),
        });
    }
    let key_pem = read_bounded(&files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|err| TlsError::Key {
        path: files.key.clone(),
        reason: err.to_string(),
    })?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certificates, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(ServerTls(TlsAcceptor::from(Arc::new(config))))
}

/// An accepted connection, with or without TLS, so one serve path handles both.
#[derive(Debug)]
pub enum Transport {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP, after the handshake.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(stream) => Pin::new(stream).poll_read(cx, buf),
            Transport::Tls(stream) => Pin::new(stream.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(stream) => Pin::new(stream).poll_write(cx, buf),
            Transport::Tls(stream) => Pin::new(stream.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(stream) => Pin::new(stream).poll_flush(cx),
            Transport::Tls(stream) => Pin::new(stream.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(stream) => Pin::new(stream).poll_shutdown(cx),
            Transport::Tls(stream) => Pin::new(stream.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Transport::Tls(stream) => Pin::new(stream.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Transport::Plain(stream) => stream.is_write_vectored(),
            Transport::Tls(stream) => stream.is_write_vectored(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(bytes).expect("write");
        file
    }

    #[test]
    fn unusable_files_are_typed_errors() {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let cert = file_with(generated.cert.pem().as_bytes());
        let key = file_with(generated.signing_key.serialize_pem().as_bytes());
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let other_key = file_with(other.signing_key.serialize_pem().as_bytes());
        let garbage = file_with(b"not pem at all");
        let files = |cert: &tempfile::NamedTempFile, key: &tempfile::NamedTempFile| TlsFiles {
            cert: cert.path().to_owned(),
            key: key.path().to_owned(),
        };
        assert!(acceptor(&files(&cert, &key)).is_ok());
        assert!(matches!(
            acceptor(&files(&garbage, &key)),
            Err(TlsError::Certificate { .. })
        ));
        assert!(matches!(
            acceptor(&files(&cert, &garbage)),
            Err(TlsError::Key { .. })
        ));
        assert!(matches!(
            acceptor(&files(&key, &cert)),
            Err(TlsError::Certificate { .. })
        ));
        assert!(matches!(
            acceptor(&files(&cert, &other_key)),
            Err(TlsError::Rejected(_))
        ));
        let missing = TlsFiles {
            cert: "/nonexistent/cert.pem".into(),
            key: key.path().to_owned(),
        };
        assert!(matches!(acceptor(&missing), Err(TlsError::Read { .. })));
    }
}
