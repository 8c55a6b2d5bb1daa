//! `POST /api/sync`: one round trip that pushes a phone's unacknowledged changes and pulls
//! what changed on the server after its cursor.
//!
//! The push is judged document by document ([`stallside_shared::sync::judge`]) and committed
//! in one SQLite transaction before anything is acknowledged; a rejected document is answered
//! with its reason and the rest of the batch is stored.

pub mod edit;
pub(crate) mod projection;
mod pull;
pub(crate) mod push;

use std::collections::HashMap;

use axum::extract::State;
use stallside_shared::clock::now_ms;
use stallside_shared::sync::wire::{
    PushResult, SyncRequest, SyncResponse, MAX_PAGE_SIZE, MAX_PUSH_DOCS,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Session;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

pub use projection::project;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sync))
}

/// Pushes unacknowledged changes and pulls what changed after the cursor.
#[utoipa::path(post, path = "/api/sync", tag = "sync", request_body = SyncRequest,
    responses((status = 200, body = SyncResponse), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn sync(
    State(state): State<AppState>,
    session: Session,
    ApiJson(mut request): ApiJson<SyncRequest>,
) -> Result<ApiJson<SyncResponse>, ApiError> {
    if request.push.len() > MAX_PUSH_DOCS {
        return Err(ApiError::TooLarge(format!(
            "Send at most {MAX_PUSH_DOCS} records in one sync"
        )));
    }
    if i64::try_from(request.cursor).is_err() {
        return Err(ApiError::BadRequest(
            "The cursor is not one this server gave out: sync again from 0".into(),
        ));
    }
    // 0: the phone pushes ahead of the request it has out, and pulls nothing with it.
    let page_size = request
        .page_size
        .unwrap_or(MAX_PAGE_SIZE)
        .min(MAX_PAGE_SIZE);
    let client_heads: HashMap<uuid::Uuid, Vec<String>> = request
        .push
        .iter()
        .map(|doc| (doc.id, doc.heads.clone()))
        .collect();
    let policy = state.policy.get();
    let pusher = session.pusher();
    let push_count = request.push.len();
    let report = request.device.take();
    let event_pushes = std::mem::take(&mut request.events);
    let judged = if request.push.is_empty() {
        None
    } else {
        let ids: Vec<uuid::Uuid> = request.push.iter().map(|d| d.id).collect();
        let stored = state
            .db
            .read(move |conn| push::load_stored(conn, &ids))
            .await?;
        let judging = std::time::Instant::now();
        let judged =
            push::judge_push(request.push, stored, pusher.clone(), policy, now_ms()).await?;
        crate::metrics::judged(judging);
        Some(judged)
    };
    let noted = session.clone();
    let committing = std::time::Instant::now();
    let (event_results, results, stop) = state
        .db
        .write_grouped(move |conn| {
            // Events first, so a stall started on the phone is stored before its checks.
            let event_results = if event_pushes.is_empty() {
                Vec::new()
            } else {
                crate::events::apply_pushes(conn, &pusher, &event_pushes)?
            };
            let stored = match judged {
                Some(judged) => push::store_judged(conn, &pusher, judged, &policy, now_ms())?,
                None => push::StoredPush {
                    results: Vec::new(),
                    accepted: 0,
                    changed: 0,
                },
            };
            let held = crate::devices::Held {
                report: report.as_ref(),
                accepted: stored.accepted,
                changed: stored.changed,
            };
            let stop = crate::devices::note_sync(conn, &noted, held, true)?;
            Ok((event_results, stored.results, stop))
        })
        .await?;
    if !results.is_empty() {
        crate::metrics::committed(committing);
        crate::metrics::pushed(&results);
    }
    if results
        .iter()
        .any(|r| matches!(r, PushResult::Accepted { .. }))
    {
        state.commits.send_modify(|n| *n = n.wrapping_add(1));
    }
    let cursor = request.cursor;
    let settings = state.policy.get().settings;
    let page = if page_size == 0 {
        pull::Page::none(cursor)
    } else {
        state
            .db
            .read(move |conn| pull::page(conn, &session, cursor, page_size, &client_heads))
            .await?
    };
    tracing::debug!(pushed = push_count, pulled = page.docs.len(), "sync");
    Ok(ApiJson(SyncResponse {
        results,
        pulled: page.docs,
        cursor: page.cursor,
        more: page.more,
        events: page.events,
        settings,
        erased: page.erased,
        stop,
        event_results,
    }))
}
