//! Stallside's server: serves the app, the batched sync endpoint, sign-in, and the
//! coordinator and supervisor APIs, on one SQLite file.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod cards;
pub mod config;
pub mod db;
pub mod demo;
pub mod devices;
pub mod error;
pub mod escalation;
pub mod events;
pub mod flags;
pub mod health;
pub mod listen;
pub mod metrics;
pub mod records;
pub mod reports;
pub mod retention;
pub mod security_headers;
pub mod settings;
pub mod static_files;
pub mod sync;
pub mod tls;
pub mod users;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::password::Verifier;
use crate::auth::rate_limit::{HourlyBudget, RateLimiter};
use crate::config::ServeArgs;
use crate::db::Db;
use crate::error::ApiError;
use crate::security_headers::SecurityHeaders;

/// The largest request body accepted (after decompression): a full push batch.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Sync rules and programme settings, as coordinators last set them.
    pub policy: Arc<settings::LivePolicy>,
    /// Sign-in attempts.
    pub login_limiter: Arc<RateLimiter>,
    /// Participant-card lookups, per volunteer per hour.
    pub card_lookups: Arc<HourlyBudget>,
    /// Sign-in password checks (the same work for unknown and real accounts).
    pub passwords: Arc<Verifier>,
    /// The dashboard's in-memory facts.
    pub facts: Arc<std::sync::Mutex<reports::facts::FactCache>>,
    /// Health, readiness and metrics.
    pub ops: Arc<metrics::Ops>,
    /// Bumped after every commit of a record change, so live screens (the supervisors'
    /// queue) look again at once instead of polling.
    pub commits: tokio::sync::watch::Sender<u64>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Stallside API", description = "Sync, sign-in, and the coordinator and supervisor APIs."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The whole HTTP surface: API routes (with their OpenAPI document) and the app's files.
pub fn router(state: AppState, args: &ServeArgs) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::routes())
        .merge(users::routes())
        .merge(devices::routes())
        .merge(audit::routes())
        .merge(events::routes())
        .merge(sync::routes())
        .merge(flags::routes())
        .merge(records::routes())
        .merge(cards::routes())
        .merge(reports::routes())
        .merge(settings::routes())
        .split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_default();
    let index = args.dist.join("index.html");
    let app_files = ServeDir::new(&args.dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    api.route(
        "/api/openapi.json",
        axum::routing::get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                openapi_json,
            )
        }),
    )
    .route(
        "/api/{*rest}",
        axum::routing::any(|| async { ApiError::NotFound }),
    )
    .route("/healthz", axum::routing::get(health::healthz))
    .route("/readyz", axum::routing::get(health::readyz))
    .route("/metrics", axum::routing::get(metrics::page))
    .with_state(state)
    .fallback_service(app_files)
    .layer(axum::middleware::from_fn(static_files::cache_headers))
    .layer(axum::middleware::from_fn_with_state(
        Arc::new(SecurityHeaders::from_dist(&args.dist).with_hsts(args.tls_cert.is_some())),
        security_headers::add,
    ))
    .layer(axum::middleware::from_fn(metrics::count_sync))
    .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
    .layer(RequestDecompressionLayer::new())
    .layer(CompressionLayer::new())
}

/// Opens the database, applies the demo or production rule, and serves until stopped.
pub async fn serve(data_dir: &std::path::Path, args: ServeArgs) -> Result<(), ApiError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|_| ApiError::Internal("cannot create the data directory"))?;
    let database = data_dir.join("stallside.sqlite");
    let db = Db::open(&database)?;
    let policy = {
        let mut conn = db.writer_blocking();
        if args.demo {
            demo::seed(&mut conn)?;
        } else {
            demo::guard_production(&conn)?;
        }
        settings::LivePolicy::load(&conn, args.policy())?
    };
    let state = AppState {
        db,
        policy: Arc::new(policy),
        login_limiter: Arc::new(RateLimiter::default()),
        card_lookups: Arc::new(HourlyBudget::new(args.card_lookups_per_hour)),
        passwords: Arc::new(Verifier::new()?),
        facts: Arc::default(),
        ops: Arc::new(metrics::Ops::install(
            args.metrics_allow.clone(),
            database.clone(),
        )?),
        commits: tokio::sync::watch::Sender::new(0),
    };
    warm_reports(&state);
    retention::spawn(state.db.clone(), Arc::clone(&state.policy));
    if let Some(mailer) = args.mailer()? {
        mailer.spawn(
            state.db.clone(),
            args.escalation_every,
            state.commits.subscribe(),
        );
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = Arc::new(tls::Tls::load(cert, key)?);
            Arc::clone(&tls).watch();
            Some(tls)
        }
        _ => None,
    };
    if let Some(schedule) = args.backups() {
        schedule.spawn(database)?;
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|_| ApiError::Internal("cannot listen on the bind address"))?;
    let url = format!(
        "{}://{}",
        if tls.is_some() { "https" } else { "http" },
        listener
            .local_addr()
            .map_err(|_| ApiError::Internal("no address"))?
    );
    if args.demo {
        println!("{}", demo::banner(&url));
    } else {
        println!("Stallside is running at {url}");
    }
    let limits = args.limits();
    let app = limits.apply(router(state, &args));
    listen::serve(listener, app, limits, tls, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Loads the dashboard's facts in the background at start, so the first report is quick.
fn warm_reports(state: &AppState) {
    let cache = Arc::clone(&state.facts);
    let db = state.db.clone();
    let ops = Arc::clone(&state.ops);
    tokio::spawn(async move {
        let loaded = db
            .read(move |conn| {
                let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
                cache.refresh(conn)
            })
            .await;
        match loaded {
            Ok(_) => ops
                .facts_loaded
                .store(true, std::sync::atomic::Ordering::Release),
            Err(error) => tracing::warn!(%error, "report facts not preloaded"),
        }
    });
}
