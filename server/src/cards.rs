//! Participant cards: the earlier visits of a card a person shows at a stall.
//!
//! A volunteer may ask only by a card presented in person: the code comes from the card in
//! their hand (scanned or typed), never from a search, so the endpoint takes one code and
//! answers only dates and readings. Each volunteer has an hourly budget of lookups
//! (`--card-lookups-per-hour`); every lookup, and every refusal past the budget, is audited.
//!
//! Who may ask: volunteers only. Coordinators and supervisors do not meet the person at a
//! stall, and read what they need through their own screens (reports count people without
//! showing anyone's visits; a supervisor reads the flagged check itself). Which boroughs: all.
//! A person carries the card across borough lines, the answer holds nothing about where the
//! checks were taken, and the card in the volunteer's hand is the person's consent to show it.
//!
//! Nothing is stored when cards are printed: a card is only a random code until a check names
//! it, so there is no table of cards to keep, leak or erase, and an unknown card is simply one
//! with no checks yet (answered as an empty list with a message, never an error that stops the
//! check).

use axum::extract::{Path, State};
use rusqlite::params;
use stallside_shared::api::{CardVisit, CardVisits};
use stallside_shared::card::CardCode;
use stallside_shared::clock::now_ms;
use stallside_shared::crdt::Role;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Action};
use crate::auth::Session;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

/// The most visits answered for one card (years of monthly checks).
const MAX_VISITS: u32 = 100;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(card_visits))
}

/// The earlier visits of a participant card shown in person: dates and readings, oldest first.
#[utoipa::path(get, path = "/api/cards/{code}/visits", tag = "cards",
    params(("code" = String, Path, description = "The card's code as printed, typed or scanned")),
    responses((status = 200, body = CardVisits), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn card_visits(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
) -> Result<ApiJson<CardVisits>, ApiError> {
    if session.role != Role::Volunteer {
        return Err(ApiError::Forbidden(
            "Only a volunteer at a stall can look up a card's earlier visits, with the card in front of them",
        ));
    }
    let card = CardCode::parse(&code)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?
        .canonical();
    let user = session.user_id.clone();
    if !state.card_lookups.spend(&user, now_ms()) {
        state
            .db
            .write(move |conn| {
                audit::record(
                    conn,
                    Some(&user),
                    Action::CardLookupRefused,
                    &format!("card {card}"),
                )
            })
            .await?;
        return Err(ApiError::OverBudget(
            "You have looked up many cards in the last hour, so earlier visits cannot be shown now. Carry on with the check: the card is still saved with it.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let visits = {
                let mut statement = conn.prepare_cached(
                    "SELECT id, recorded_at_ms, systolic, diastolic FROM checks
                     WHERE card_id = ?1 AND systolic > 0 ORDER BY recorded_at_ms LIMIT ?2",
                )?;
                let rows = statement.query_map(params![card, MAX_VISITS], |r| {
                    let id: String = r.get(0)?;
                    Ok(CardVisit {
                        id: id.parse().unwrap_or_default(),
                        recorded_at_ms: r.get(1)?,
                        systolic: r.get(2)?,
                        diastolic: r.get(3)?,
                    })
                })?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            audit::record(
                conn,
                Some(&user),
                Action::CardLookup,
                &format!("card {card} visits {}", visits.len()),
            )?;
            let message = visits.is_empty().then(|| {
                "No earlier checks with this card: it is new, or its checks have not reached the server yet. Carry on with the check.".to_owned()
            });
            Ok(ApiJson(CardVisits {
                card,
                visits,
                message,
            }))
        })
        .await
}
