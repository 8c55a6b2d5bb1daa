//! Accepting connections with limits, so that slow or half-sent requests cannot hold the
//! server's sockets: a deadline for a request's headers (which is also how long an idle
//! keep-alive connection stays open), a deadline between body chunks and for a whole request,
//! and a cap on open connections below the process's file limit. Connections past the cap
//! wait in the kernel's queue, not in the server.
//!
//! `axum::serve` sets none of these, so this is its accept loop with hyper's HTTP/1 builder,
//! configured (the app speaks HTTP/1.1), over TLS when the server has a certificate (the TLS
//! handshake gets the header deadline too); ctrl-c stops accepting and lets open requests
//! finish.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::error::ApiError;
use crate::tls::Tls;

/// How long open requests may run on after ctrl-c.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// The pause after a failed accept (out of file descriptors, say) before trying again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// Open files kept for SQLite (database, WAL, shared memory, per connection), the app's files
/// being served, and logs, when the connection cap is fitted under the process's file limit.
const FILES_KEPT: usize = 64;
/// A request slower than this is logged.
const SLOW_REQUEST: Duration = Duration::from_secs(5);

/// The limits on connections and requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for a request's headers to arrive, counted from when the connection is
    /// ready for the next request: also the idle keep-alive timeout.
    pub header_timeout: Duration,
    /// Time allowed between two chunks of a request body.
    pub body_timeout: Duration,
    /// Time allowed for a whole request, its body read and its answer made, before it gets 408.
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Limits {
    /// These limits with the connection cap lowered, if need be, to fit under the process's
    /// open-file limit (read from `/proc/self/limits`), so that connections can never take
    /// the files the database needs.
    pub fn within_file_limit(self) -> Self {
        let Some(files) = open_file_limit() else {
            return self;
        };
        let fits = files.saturating_sub(FILES_KEPT).max(1);
        if fits < self.max_connections {
            tracing::warn!(
                files,
                max_connections = fits,
                "connection cap lowered to fit the open-file limit"
            );
        }
        Limits {
            max_connections: self.max_connections.min(fits),
            ..self
        }
    }

    /// Adds the body and whole-request deadlines to the app's routes.
    pub fn apply(&self, app: Router) -> Router {
        app.layer(RequestBodyTimeoutLayer::new(self.body_timeout))
            .layer(axum::middleware::from_fn_with_state(
                self.request_timeout,
                deadline,
            ))
    }
}

/// Answers 408 when a request, reading its body included, runs past `limit`; one whose answer
/// takes longer than [`SLOW_REQUEST`] to start is logged by its route pattern (never its ids
/// or content), so a stall a user sees as "nothing happened" leaves a trace.
async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = tokio::time::timeout(limit, next.run(request))
        .await
        .unwrap_or_else(|_| ApiError::Timeout.into_response());
    let took = started.elapsed();
    if took > SLOW_REQUEST {
        let route = route.as_ref().map_or("(files)", MatchedPath::as_str);
        tracing::warn!(%method, route, status = response.status().as_u16(), ms = took.as_millis(), "slow request");
    }
    response
}

/// The soft limit on open files, where the system says (Linux).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Serves `app` on `listener` within `limits` (over TLS when `tls` is given) until `shutdown`
/// completes, then waits up to [`SHUTDOWN_GRACE`] for open requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Arc<Tls>>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ApiError> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => {
                permit.map_err(|_| ApiError::Internal("connection limit closed"))?
            }
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(Body::new)
            },
        ));
        let (http, watcher) = (http.clone(), graceful.watcher());
        let acceptor = tls.as_ref().map(|tls| tls.acceptor());
        let handshake = limits.header_timeout;
        tokio::spawn(async move {
            let stream: Option<Box<dyn Stream>> = match acceptor {
                None => Some(Box::new(stream)),
                Some(acceptor) => {
                    match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => Some(Box::new(stream)),
                        Ok(Err(error)) => {
                            tracing::debug!(%error, "TLS handshake failed");
                            None
                        }
                        Err(_) => {
                            tracing::debug!("TLS handshake timed out");
                            None
                        }
                    }
                }
            };
            if let Some(stream) = stream {
                let connection =
                    watcher.watch(http.serve_connection(TokioIo::new(stream), service));
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "connection ended");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open requests cut off at shutdown");
    }
    Ok(())
}

/// A connection's byte stream, plain TCP or TLS over it.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}
