//! HTTPS served by the server itself: phones install the app and run its service worker only
//! from a secure origin, so a programme without a TLS proxy needs the server to speak TLS.
//!
//! The certificate chain and key are PEM files (as Let's Encrypt's clients and most CAs write
//! them). Certificates are renewed every few weeks, so the files are read again on SIGHUP and
//! whenever either file's modification time or size changes (checked every few seconds): a
//! renewal takes effect without a restart, on new connections. A file that does not load
//! (half-written, mismatched) is logged and the current certificate kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use crate::error::ApiError;

/// How often the files' modification times are checked.
const POLL: Duration = Duration::from_secs(3);

/// The certificate and key files and the TLS configuration last loaded from them.
pub struct Tls {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Loaded>,
}

/// A configuration and the stamps of the files it was loaded from.
struct Loaded {
    stamps: Stamps,
    acceptor: TlsAcceptor,
}

/// Modification time and size of the certificate and the key file.
type Stamps = [Option<(SystemTime, u64)>; 2];

impl Tls {
    /// Loads the certificate chain and key; fails (so the server does not start) if they do
    /// not load or do not match.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, ApiError> {
        let stamps = stamps(cert, key);
        Ok(Tls {
            current: RwLock::new(Loaded {
                acceptor: acceptor(cert, key)?,
                stamps,
            }),
            cert: cert.to_owned(),
            key: key.to_owned(),
        })
    }

    /// The acceptor for a new connection.
    pub fn acceptor(&self) -> TlsAcceptor {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .acceptor
            .clone()
    }

    /// Reads the files again and uses them from the next connection on.
    pub fn reload(&self) -> Result<(), ApiError> {
        let stamps = stamps(&self.cert, &self.key);
        let acceptor = acceptor(&self.cert, &self.key)?;
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Loaded { stamps, acceptor };
        Ok(())
    }

    /// Whether either file changed since it was last loaded.
    fn changed(&self) -> bool {
        let now = stamps(&self.cert, &self.key);
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .stamps
            != now
    }

    /// Reloads on SIGHUP and when the files change, for as long as the server runs.
    pub fn watch(self: Arc<Self>) {
        tokio::spawn(async move {
            let mut hangup = hangups();
            loop {
                let signalled = tokio::select! {
                    () = tokio::time::sleep(POLL) => false,
                    () = next_hangup(&mut hangup) => true,
                };
                if signalled || self.changed() {
                    match self.reload() {
                        Ok(()) => tracing::info!(signalled, "TLS certificate reloaded"),
                        Err(error) => {
                            tracing::error!(%error, "TLS certificate not reloaded; the previous one stays in use");
                        }
                    }
                }
            }
        });
    }
}

/// The SIGHUP stream, if the platform has one.
fn hangups() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .inspect_err(|error| tracing::warn!(%error, "SIGHUP will not reload the certificate"))
        .ok()
}

/// The next SIGHUP, or never.
async fn next_hangup(hangup: &mut Option<tokio::signal::unix::Signal>) {
    match hangup {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

fn stamps(cert: &Path, key: &Path) -> Stamps {
    [cert, key].map(|path| {
        std::fs::metadata(path)
            .and_then(|m| Ok((m.modified()?, m.len())))
            .ok()
    })
}

/// A TLS 1.2/1.3 acceptor (ring's safe defaults) for HTTP/1.1 with this chain and key.
fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, ApiError> {
    let unreadable = |what: &str, path: &Path, error: &dyn std::fmt::Display| {
        ApiError::BadRequest(format!(
            "cannot read the TLS {what} {}: {error}",
            path.display()
        ))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable("certificate", cert, &e))?;
    if chain.is_empty() {
        return Err(unreadable(
            "certificate",
            cert,
            &"no certificate in the file",
        ));
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| unreadable("key", key, &e))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| ApiError::BadRequest(format!("TLS set-up failed: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| {
            ApiError::BadRequest(format!(
                "the TLS certificate and key do not go together: {e}"
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
