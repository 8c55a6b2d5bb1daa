//! The supervisors' queue, live: `GET /api/flags/live` is a server-sent event stream that
//! names each flag in the supervisor's boroughs that is new or changed, as it is committed,
//! so an emergency reaches someone without anyone pressing Refresh. Events carry the record
//! id and band only, never anything about the person.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use rusqlite::params;
use stallside_shared::api::LiveFlag;
use stallside_shared::crdt::Role;

use crate::auth::Session;
use crate::db::in_areas_of;
use crate::error::ApiError;
use crate::AppState;

/// The stream of flags as they change.
#[utoipa::path(get, path = "/api/flags/live", tag = "flags",
    responses((status = 200, content_type = "text/event-stream", body = LiveFlag),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn live(
    State(state): State<AppState>,
    session: Session,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    session.require(Role::Supervisor)?;
    let user = session.user_id.clone();
    let seen = state
        .db
        .read(move |conn| {
            Ok(
                conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM checks", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            )
        })
        .await?;
    let commits = state.commits.subscribe();
    let flags = stream::unfold(
        (state, user, commits, seen),
        |(state, user, mut commits, seen)| async move {
            commits.changed().await.ok()?;
            let asked = user.clone();
            let (changed, seen) = state
                .db
                .read(move |conn| changed_since(conn, &asked, seen))
                .await
                .ok()?;
            Some((stream::iter(changed), (state, user, commits, seen)))
        },
    )
    .flatten()
    .map(|flag| {
        Ok(Event::default()
            .event("flag")
            .json_data(flag)
            .unwrap_or_default())
    });
    Ok(Sse::new(flags).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}

/// Flags in the user's boroughs committed after `seen`, and the newest sequence number read.
fn changed_since(
    conn: &rusqlite::Connection,
    user: &str,
    seen: i64,
) -> Result<(Vec<LiveFlag>, i64), ApiError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT c.id, c.band, c.seq FROM checks c
         WHERE c.seq > ?1 AND c.flagged = 1 AND {}
         ORDER BY c.seq",
        in_areas_of("c.borough", "?2")
    ))?;
    let mut newest = seen;
    let rows = statement.query_map(params![seen, user], |r| {
        Ok((
            LiveFlag {
                id: r.get(0)?,
                band: crate::db::coded(r, 1)?,
            },
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut flags = Vec::new();
    for row in rows {
        let (flag, seq) = row?;
        newest = newest.max(seq);
        flags.push(flag);
    }
    Ok((flags, newest))
}
