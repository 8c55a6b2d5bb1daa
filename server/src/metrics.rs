//! Prometheus metrics at `/metrics`, for the people who run a programme's server: is sync
//! working, why are records refused, how long judging and committing take, how many flags
//! wait and how many are overdue, how big the database is, whether backups are being taken.
//!
//! Labels are only bounded codes (a rejection code, a band, an HTTP status): never a user, a
//! device, a record or an address, so the metrics hold no personal data. The server cannot
//! know how many phones hold unsynced checks (a phone that has not synced has not spoken to
//! it), so there is no such metric; the sync request rate and rejections stand for it.
//!
//! The page is served only to the addresses in `--metrics-allow` (loopback by default): it
//! says how busy the programme is, which is nobody else's business.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use rusqlite::Connection;
use stallside_shared::sync::wire::PushResult;
use stallside_shared::triage::Band;

use crate::error::ApiError;
use crate::AppState;

/// Sync requests answered, by HTTP status.
pub const SYNC_REQUESTS: &str = "stallside_sync_requests_total";
/// Pushed documents, by result (`accepted`, `rejected`) and, when rejected, the judge's code.
pub const SYNC_DOCUMENTS: &str = "stallside_sync_documents_total";
/// Seconds spent judging one push (decoding and checking its documents).
pub const JUDGE_SECONDS: &str = "stallside_sync_judge_seconds";
/// Seconds spent storing one judged push in its transaction, the fsync included.
pub const COMMIT_SECONDS: &str = "stallside_sync_commit_seconds";
/// Flagged readings whose follow-up is not closed, by band.
pub const OPEN_FLAGS: &str = "stallside_open_flags";
/// Open flags past their follow-up deadline.
pub const OVERDUE_FLAGS: &str = "stallside_overdue_flags";
/// Bytes on disk, by file (`main`, `wal`).
pub const DATABASE_BYTES: &str = "stallside_database_bytes";
/// Scheduled backups, by result (`ok`, `failed`).
pub const BACKUPS: &str = "stallside_backups_total";
/// Seconds one scheduled backup took, copy and verification together.
pub const BACKUP_SECONDS: &str = "stallside_backup_seconds";
/// When the last verified backup was taken (Unix seconds).
pub const LAST_BACKUP: &str = "stallside_backup_last_success_timestamp_seconds";

/// Histogram buckets in seconds: from a small push (milliseconds) to a slow backup.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// How often histograms are folded into the page.
const UPKEEP: Duration = Duration::from_secs(5);

/// What the operations endpoints need: the metrics page, who may read it, where the
/// database is, and whether the dashboard's facts are loaded (for `/readyz`).
pub struct Ops {
    handle: PrometheusHandle,
    allow: Vec<Cidr>,
    database: PathBuf,
    /// Set once the dashboard's facts are in memory.
    pub facts_loaded: AtomicBool,
}

impl Ops {
    /// Installs the process's metrics recorder (once per process) and keeps it folding
    /// histograms in the background.
    pub fn install(allow: Vec<Cidr>, database: PathBuf) -> Result<Self, ApiError> {
        let handle = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .and_then(PrometheusBuilder::install_recorder)
            .map_err(|_| ApiError::Internal("cannot install the metrics recorder"))?;
        let upkeep = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP);
            loop {
                every.tick().await;
                upkeep.run_upkeep();
            }
        });
        Ok(Ops {
            handle,
            allow,
            database,
            facts_loaded: AtomicBool::new(false),
        })
    }

    /// Whether the dashboard's facts are loaded.
    pub fn facts_ready(&self) -> bool {
        self.facts_loaded.load(Ordering::Acquire)
    }

    fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.allow.iter().any(|range| range.contains(ip))
    }
}

/// `GET /metrics`: the Prometheus text page, to allowed addresses only (403 to others).
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Result<Response, ApiError> {
    if !state.ops.allows(peer.ip()) {
        return Err(ApiError::Forbidden(
            "Metrics are served only to the addresses in --metrics-allow",
        ));
    }
    let now = stallside_shared::clock::now_ms();
    let flags = state.db.read(move |conn| open_flags(conn, now)).await?;
    let mut overdue = 0;
    for band in Band::ALL {
        let (open, late) = flags
            .iter()
            .find(|f| f.band == band.code())
            .map_or((0, 0), |f| (f.open, f.overdue));
        gauge!(OPEN_FLAGS, "band" => band.code()).set(open as f64);
        overdue += late;
    }
    gauge!(OVERDUE_FLAGS).set(overdue as f64);
    for (file, path) in [
        ("main", state.ops.database.clone()),
        ("wal", state.ops.database.with_extension("sqlite-wal")),
    ] {
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        gauge!(DATABASE_BYTES, "file" => file).set(bytes as f64);
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.ops.handle.render(),
    )
        .into_response())
}

/// Open flags of one band, and how many of them are past their deadline.
struct OpenFlags {
    band: String,
    open: u64,
    overdue: u64,
}

/// The open flags by band (through the partial index the supervisors' queue uses).
fn open_flags(conn: &Connection, now_ms: i64) -> Result<Vec<OpenFlags>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT band, COUNT(*), COALESCE(SUM(deadline_at_ms < ?1), 0) FROM checks
         WHERE flagged = 1 AND follow_up_state <> 'closed' GROUP BY band",
    )?;
    let rows = statement.query_map([now_ms], |row| {
        Ok(OpenFlags {
            band: row.get(0)?,
            open: row.get(1)?,
            overdue: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Counts sync requests by status (a middleware on every route; only `/api/sync` counts).
pub async fn count_sync(request: Request, next: Next) -> Response {
    let is_sync = request.uri().path() == "/api/sync";
    let response = next.run(request).await;
    if is_sync {
        counter!(SYNC_REQUESTS, "status" => response.status().as_str().to_owned()).increment(1);
    }
    response
}

/// Counts a push's documents by result and rejection code.
pub fn pushed(results: &[PushResult]) {
    for result in results {
        match result {
            PushResult::Accepted { .. } => {
                counter!(SYNC_DOCUMENTS, "result" => "accepted").increment(1);
            }
            PushResult::Rejected { code, .. } => {
                counter!(SYNC_DOCUMENTS, "result" => "rejected", "code" => code.clone())
                    .increment(1);
            }
        }
    }
}

/// Records how long judging a push took, from `started`.
pub fn judged(started: Instant) {
    histogram!(JUDGE_SECONDS).record(started.elapsed());
}

/// Records how long committing a push took, from `started`.
pub fn committed(started: Instant) {
    histogram!(COMMIT_SECONDS).record(started.elapsed());
}

/// An address range written `address/prefix` (`10.0.0.0/8`, `::1/128`); a bare address is
/// the range of that one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` lies in this range (an IPv4 address never lies in an IPv6 range).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(
                u128::from(net.to_bits()),
                u128::from(ip.to_bits()),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(net.to_bits(), ip.to_bits(), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` of `width` bits of `a` and `b` agree.
fn same_prefix(a: u128, b: u128, width: u8, prefix: u8) -> bool {
    let ignored = u32::from(width - prefix);
    a.checked_shr(ignored).unwrap_or(0) == b.checked_shr(ignored).unwrap_or(0)
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = text.split_once('/').unwrap_or((text, ""));
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{text} is not an address or address/prefix"))?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            width
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{text}: the prefix must be 0 to {width}"))?
        };
        Ok(Cidr {
            network: network.to_canonical(),
            prefix,
        })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn ranges_hold_their_addresses_only() {
        let loopback: Cidr = "127.0.0.1/32".parse().unwrap();
        assert!(loopback.contains("127.0.0.1".parse().unwrap()));
        assert!(!loopback.contains("127.0.0.2".parse().unwrap()));
        let private: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(private.contains("10.200.3.4".parse().unwrap()));
        assert!(!private.contains("11.0.0.1".parse().unwrap()));
        let everyone: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(everyone.contains("192.0.2.1".parse().unwrap()));
        assert!(!everyone.contains("::1".parse().unwrap()));
        let six: Cidr = "::1".parse().unwrap();
        assert!(six.contains("::1".parse().unwrap()));
        assert_eq!(six.to_string(), "::1/128");
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("example.org".parse::<Cidr>().is_err());
    }
}
