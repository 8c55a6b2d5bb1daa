//! Accepting connections with limits, so that slow or half-sent requests cannot hold the
//! server's sockets: a deadline for a request's headers (which is also how long an idle
//! keep-alive connection stays open), a deadline between body chunks and for a whole request,
//! and a cap on open connections below the process's file limit. Connections past the cap
//! wait in the kernel's queue, not in the server.
//!
//! `axum::serve` sets none of these, so this is its accept loop with hyper's HTTP/1 builder,
//! configured (the app speaks HTTP/1.1; TLS, and HTTP/2 with it, belong to the proxy in front);
//! ctrl-c stops accepting and lets open requests finish.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::error::ApiError;

/// How long open requests may run on after ctrl-c.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// The pause after a failed accept (out of file descriptors, say) before trying again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The limits on connections and requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for a request's headers to arrive, counted from when the connection is
    /// ready for the next request: also the idle keep-alive timeout.
    pub header_timeout: Duration,
    /// Time allowed between two chunks of a request body.
    pub body_timeout: Duration,
    /// Time allowed for a whole request, body and answer, before it gets 408.
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Limits {
    /// Adds the body and whole-request deadlines to the app's routes.
    pub fn apply(&self, app: Router) -> Router {
        app.layer(RequestBodyTimeoutLayer::new(self.body_timeout))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                self.request_timeout,
            ))
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then waits up to
/// [`SHUTDOWN_GRACE`] for open requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
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
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
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
