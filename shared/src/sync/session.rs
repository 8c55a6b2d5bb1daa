//! One sync session on the phone, as a state machine in the style of quinn-proto's
//! `Connection`: no network, no store and no clock inside.
//!
//! The driver (the app over `fetch` and IndexedDB, or the in-memory [`Replica`]) asks for the
//! next request with the records that may need pushing, sends it however it likes, and feeds
//! the answer back; the session returns the [`Effect`]s to store, in order and as one unit, and
//! says when there is nothing left to push and no page left to pull. The session owns the
//! cursor and what is in flight, so every driver agrees on when a record is acknowledged, when
//! a contact number may be forgotten and when sync is done.
//!
//! [`Replica`]: crate::sync::replica::Replica

use std::collections::HashMap;

use uuid::Uuid;

use crate::sync::client::{forget_sent_contact, needs_push, Outgoing, SyncState};
use crate::sync::wire::{
    ContactDetails, Event, PushDoc, PushResult, Summary, SyncRequest, SyncResponse, MAX_PAGE_SIZE,
};
use crate::triage::ProgrammeSettings;

/// A session's sizes: how much one request carries and how long a session may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Records pushed per request at most.
    pub batch: usize,
    /// Records pushed by a session's first request at most. Nothing goes ahead of that
    /// request (see [`Session::push_ahead`]), so its batch is judged and stored while the
    /// phone waits; a small one starts the pipelined rounds sooner.
    pub first_batch: usize,
    /// Documents pulled per request at most.
    pub page_size: u32,
    /// Documents pulled per request at most by a session starting from cursor 0 (a new
    /// phone's first pull): fewer, bigger pages mean fewer round trips and store commits, and
    /// nothing is being typed yet that a longer commit would hold up.
    pub first_pull_page_size: u32,
    /// Round trips per session at most: a server that keeps answering "more" cannot keep a
    /// phone busy for ever; the next session resumes from the stored cursor.
    pub max_rounds: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            batch: 200,
            first_batch: 200,
            page_size: 500,
            first_pull_page_size: MAX_PAGE_SIZE,
            max_rounds: 10_000,
        }
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The next request may be taken with [`Session::poll_request`].
    Ready,
    /// A request is out: feed its answer to [`Session::handle_response`], or report it lost.
    /// A push sent ahead ([`Session::push_ahead`]) may be out beside it, answered on its own.
    /// After [`Session::prefetch`], the answer is taken only once [`Session::stored`] says the
    /// answer before it is stored.
    Waiting,
    /// Nothing was left to push and no page was left to pull.
    Done,
    /// Ended early: the request or its answer was lost, or the round limit was reached.
    /// Everything stored so far stands; a new session from the stored cursor resumes.
    Interrupted,
    /// A coordinator stopped this phone, and it has sent everything the server would take:
    /// the driver now erases the phone's records and its session.
    Stopped,
}

/// Something the driver must store, in order, and all of one response's effects together
/// (one IndexedDB transaction), so a crash never keeps the cursor without the documents.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The server committed the record at these heads (the phone's heads when it pushed).
    Acknowledged {
        /// Record id.
        id: Uuid,
        /// New server heads.
        server_heads: Vec<String>,
        /// The contact details that went with the push: pass them to
        /// [`forget_sent_contact`](crate::sync::client::forget_sent_contact), so a number
        /// typed during the round trip is kept.
        sent_contact: Option<ContactDetails>,
    },
    /// The server refused the record.
    Rejected {
        /// Record id.
        id: Uuid,
        /// A stable code.
        code: String,
        /// The reason to show.
        reason: String,
        /// The phone's heads when it pushed.
        pushed_heads: Vec<String>,
    },
    /// A document changed on the server: merge it into the phone's copy (or store it).
    Merge {
        /// Record id.
        id: Uuid,
        /// The server's whole document.
        doc: Vec<u8>,
        /// The server's heads, which the phone will hold after merging.
        server_heads: Vec<String>,
        /// The list's summary, from the server's projection.
        summary: Option<Summary>,
    },
    /// The record was erased on request: drop its document, its entry and any contact number.
    Erase {
        /// Record id.
        id: Uuid,
    },
    /// Events the user works at changed: add or replace these by id.
    Events(Vec<Event>),
    /// The programme settings in force.
    Settings(ProgrammeSettings),
    /// The cursor to resume from, stored with the rest of the response's effects.
    Cursor(u64),
}

impl Effect {
    /// The record this effect is about, if it is about one.
    pub fn record(&self) -> Option<Uuid> {
        match self {
            Effect::Acknowledged { id, .. }
            | Effect::Rejected { id, .. }
            | Effect::Merge { id, .. }
            | Effect::Erase { id } => Some(*id),
            Effect::Events(_) | Effect::Settings(_) | Effect::Cursor(_) => None,
        }
    }

    /// Applies this effect's bookkeeping to one record's sync state and the contact number
    /// held beside it: every driver calls this, so they agree on when a record is synced and
    /// when a number may be forgotten. The document itself (merging, dropping) is the driver's.
    pub fn update_record(&self, state: &mut SyncState, contact: &mut Option<ContactDetails>) {
        match self {
            Effect::Acknowledged {
                server_heads,
                sent_contact,
                ..
            } => {
                state.acknowledged(server_heads.clone());
                forget_sent_contact(contact, sent_contact.as_ref());
            }
            Effect::Rejected {
                code,
                reason,
                pushed_heads,
                ..
            } => state.refused(code, reason.clone(), pushed_heads.clone()),
            Effect::Merge { server_heads, .. } => state.merged(server_heads.clone()),
            Effect::Erase { .. } => {
                *state = SyncState::default();
                *contact = None;
            }
            Effect::Events(_) | Effect::Settings(_) | Effect::Cursor(_) => {}
        }
    }
}

/// A call the session's state did not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// An answer arrived with no request out: a duplicated or late delivery, to be ignored.
    #[error("an answer arrived when no request was waiting for one")]
    NotWaiting,
    /// A prefetched page's answer arrived before the driver said the page before it was
    /// stored: taking it could store its cursor ahead of documents not yet committed.
    #[error("a page arrived before the page before it was stored")]
    NotStored,
}

/// One sync session: from the stored cursor until nothing is left to exchange.
#[derive(Debug, Clone)]
pub struct Session {
    cursor: u64,
    limits: Limits,
    phase: Phase,
    page_size: u32,
    in_flight: InFlight,
    /// The records of a push-only request sent while the main one was out
    /// ([`Session::push_ahead`]), until its answer is taken or it is lost.
    ahead: Option<InFlight>,
    /// An answer was taken: the session's first request (the one that carries the phone's
    /// report of what it holds) is committed, so later requests may be out at once.
    answered: bool,
    page_waiting: bool,
    /// The last request's push was a full batch, so more records may be waiting to go: they
    /// go before any prefetched page.
    batch_full: bool,
    /// A page was prefetched and the answer before it is not yet stored.
    unstored: bool,
    stopping: bool,
    rounds: u32,
}

/// What the request out carried, to match its answer against.
#[derive(Debug, Clone, Default)]
struct InFlight {
    pushed: HashMap<Uuid, Pushed>,
}

/// One pushed record: the phone's heads then, and the contact details that went with it.
#[derive(Debug, Clone)]
struct Pushed {
    heads: Vec<String>,
    contact: Option<ContactDetails>,
}

impl Session {
    /// A session resuming from the cursor the phone stored last. The first request always
    /// goes, even with nothing to push, to pull what changed on the server.
    pub fn new(cursor: u64, limits: Limits) -> Self {
        let page_size = if cursor == 0 {
            limits.first_pull_page_size
        } else {
            limits.page_size
        };
        Session {
            cursor,
            limits,
            page_size,
            phase: Phase::Ready,
            in_flight: InFlight::default(),
            ahead: None,
            answered: false,
            page_waiting: true,
            batch_full: false,
            unstored: false,
            stopping: false,
            rounds: 0,
        }
    }

    /// The next request, built from the records that may need pushing (those the server
    /// already has, or already refused at these heads, are left out), or `None` when the
    /// session has ended or a request is still out.
    pub fn poll_request<'a>(
        &mut self,
        outgoing: impl IntoIterator<Item = Outgoing<'a>>,
    ) -> Option<SyncRequest> {
        if self.phase != Phase::Ready {
            return None;
        }
        if self.rounds >= self.limits.max_rounds {
            self.phase = Phase::Interrupted;
            return None;
        }
        let mut request = self.pull_request();
        let in_flight = self.collect_push(&mut request, outgoing);
        if request.push.is_empty() && !self.page_waiting {
            if self.ahead.is_some() {
                // The push sent ahead may still come back refused or lost: wait for it.
                return None;
            }
            self.phase = if self.stopping {
                Phase::Stopped
            } else {
                Phase::Done
            };
            return None;
        }
        self.batch_full = request.push.len() >= self.batch_size();
        self.in_flight = in_flight;
        self.rounds += 1;
        self.phase = Phase::Waiting;
        Some(request)
    }

    /// A push-only request to send while the request out is answered, so the phone builds and
    /// the server judges one batch while the other is stored: a phone with more records than
    /// a batch otherwise leaves a core idle in every round trip. It carries the next batch of
    /// records not already in flight and asks for no page (a page size of 0; an older server
    /// that still sends one is not listened to: its cursor is not taken). `None` unless a
    /// request is out, nothing was sent ahead already, the last push filled its batch, the
    /// phone is not being stopped, rounds are left and something is left to push; and not
    /// while the session's first request is out, whose report of what the phone holds the
    /// server then counts down from.
    ///
    /// Its answer goes to [`handle_ahead_response`](Self::handle_ahead_response), in either
    /// order with the other; a lost one to [`handle_ahead_lost`](Self::handle_ahead_lost).
    pub fn push_ahead<'a>(
        &mut self,
        outgoing: impl IntoIterator<Item = Outgoing<'a>>,
    ) -> Option<SyncRequest> {
        if !self.may_push_ahead() {
            return None;
        }
        let mut request = self.pull_request();
        request.page_size = Some(0);
        let ahead = self.collect_push(&mut request, outgoing);
        if request.push.is_empty() {
            return None;
        }
        self.ahead = Some(ahead);
        self.rounds += 1;
        Some(request)
    }

    /// Whether [`push_ahead`](Self::push_ahead) could send anything now, so a driver reads
    /// the next batch from its storage only when it may go: most syncs carry less than a
    /// batch and never send ahead.
    pub fn may_push_ahead(&self) -> bool {
        self.phase == Phase::Waiting
            && self.answered
            && self.ahead.is_none()
            && self.batch_full
            && !self.stopping
            && self.rounds < self.limits.max_rounds
    }

    /// Takes the answer to the request sent [ahead](Self::push_ahead): what the server
    /// decided of each record it carried. Nothing else in it is taken (the cursor and pages
    /// belong to the main requests), so it may come before or after the other answer.
    pub fn handle_ahead_response(
        &mut self,
        response: &SyncResponse,
    ) -> Result<Vec<Effect>, SessionError> {
        let ahead = self.ahead.take().ok_or(SessionError::NotWaiting)?;
        // A stopped phone pulls nothing more, whichever answer told it.
        self.stopping |= response.stop;
        self.page_waiting &= !self.stopping;
        Ok(push_effects(&ahead, response))
    }

    /// The request sent ahead, or its answer, was lost: its records are not acknowledged and
    /// go again in a later request. The session goes on.
    pub fn handle_ahead_lost(&mut self) {
        self.ahead = None;
    }

    /// Records the next request may push: fewer in a session's first.
    fn batch_size(&self) -> usize {
        if self.answered {
            self.limits.batch
        } else {
            self.limits.first_batch.min(self.limits.batch)
        }
    }

    /// Moves the records that need pushing into `request`, up to a batch, leaving out those
    /// already in flight, and returns what went.
    fn collect_push<'a>(
        &self,
        request: &mut SyncRequest,
        outgoing: impl IntoIterator<Item = Outgoing<'a>>,
    ) -> InFlight {
        let mut in_flight = InFlight::default();
        let out = |id: &Uuid| {
            self.in_flight.pushed.contains_key(id)
                || self
                    .ahead
                    .as_ref()
                    .is_some_and(|a| a.pushed.contains_key(id))
        };
        let batch = self.batch_size();
        for item in outgoing {
            if request.push.len() >= batch {
                break;
            }
            let mut doc = item.doc;
            let heads = doc.heads();
            if !needs_push(item.state, &heads)
                || in_flight.pushed.contains_key(&item.id)
                || out(&item.id)
            {
                continue;
            }
            let server_heads: Vec<automerge::ChangeHash> = item
                .state
                .server_heads
                .iter()
                .filter_map(|h| h.parse().ok())
                .collect();
            request.push.push(PushDoc {
                id: item.id,
                changes: doc.to_push(&server_heads),
                heads: heads.clone(),
                contact: item.contact.clone(),
            });
            in_flight.pushed.insert(
                item.id,
                Pushed {
                    heads,
                    contact: item.contact,
                },
            );
        }
        in_flight
    }

    /// The next page's request, to send while the driver is still storing the effects of the
    /// answer just taken, so the round trip overlaps the store's commit (a new phone's first
    /// pull is otherwise round trips and commits in series). It only pulls: the records'
    /// states from that answer are not stored yet, so pushes wait for
    /// [`poll_request`](Self::poll_request). `None` unless another page is waiting, the phone
    /// is not being stopped, rounds are left, and the last push did not fill its batch
    /// (records still waiting to go come first).
    ///
    /// Its answer is refused until [`stored`](Self::stored) says the answer before it is
    /// committed, so a page's cursor is never stored ahead of the page before it.
    pub fn prefetch(&mut self) -> Option<SyncRequest> {
        if self.phase != Phase::Ready
            || !self.page_waiting
            || self.stopping
            || self.batch_full
            || self.rounds >= self.limits.max_rounds
        {
            return None;
        }
        self.in_flight = InFlight::default();
        self.batch_full = false;
        self.unstored = true;
        self.rounds += 1;
        self.phase = Phase::Waiting;
        Some(self.pull_request())
    }

    /// The driver has committed the effects of the last answer taken: the answer to a
    /// [`prefetch`](Self::prefetch)ed page may now be taken.
    pub fn stored(&mut self) {
        self.unstored = false;
    }

    /// A request that pulls the page after the cursor and pushes nothing (yet).
    fn pull_request(&self) -> SyncRequest {
        SyncRequest {
            cursor: self.cursor,
            push: Vec::new(),
            page_size: Some(self.page_size),
            device: None,
            events: Vec::new(),
        }
    }

    /// Takes the answer to the request out and returns what to store. An answer with no
    /// request out (a duplicated delivery) is refused, so it cannot acknowledge anything.
    pub fn handle_response(
        &mut self,
        response: &SyncResponse,
    ) -> Result<Vec<Effect>, SessionError> {
        if self.phase != Phase::Waiting {
            return Err(SessionError::NotWaiting);
        }
        if self.unstored {
            return Err(SessionError::NotStored);
        }
        let in_flight = std::mem::take(&mut self.in_flight);
        let mut effects = push_effects(&in_flight, response);
        effects.reserve(response.pulled.len() + 3);
        effects.extend(response.pulled.iter().map(|pulled| Effect::Merge {
            id: pulled.id,
            doc: pulled.doc.clone(),
            server_heads: pulled.heads.clone(),
            summary: pulled.summary.clone(),
        }));
        effects.extend(response.erased.iter().map(|id| Effect::Erase { id: *id }));
        if !response.events.is_empty() {
            effects.push(Effect::Events(response.events.clone()));
        }
        effects.push(Effect::Settings(response.settings));
        effects.push(Effect::Cursor(response.cursor));
        self.cursor = response.cursor;
        // A stopped phone still sends what it holds, but pulls nothing more: it is about to
        // erase what it has.
        self.stopping |= response.stop;
        self.page_waiting = response.more && !self.stopping;
        self.answered = true;
        self.phase = Phase::Ready;
        Ok(effects)
    }

    /// The request or its answer was lost (no network, a timeout, a server error), or the
    /// driver could not store an answer's effects: nothing in flight is known to have been
    /// stored, so nothing is acknowledged, and the session ends. The records stay unsynced
    /// and go again in the next session.
    pub fn handle_lost(&mut self) {
        self.in_flight = InFlight::default();
        self.unstored = false;
        self.phase = Phase::Interrupted;
    }

    /// Whether a request sent [ahead](Self::push_ahead) is still out: its answer (or its
    /// loss) is to be taken before the session is done or stopped (a lost request or the
    /// round limit ends it sooner, and the answer may still be taken then).
    pub fn ahead_out(&self) -> bool {
        self.ahead.is_some()
    }

    /// Where the session stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the session has ended, finished or not.
    pub fn is_over(&self) -> bool {
        matches!(
            self.phase,
            Phase::Done | Phase::Interrupted | Phase::Stopped
        )
    }

    /// The cursor of the last answer taken (the stored one before any).
    pub fn cursor(&self) -> u64 {
        self.cursor
    }
}

/// What an answer says of the records one request carried: an answer about a record that
/// request did not carry (a late or duplicated delivery of another) acknowledges nothing.
fn push_effects(in_flight: &InFlight, response: &SyncResponse) -> Vec<Effect> {
    response
        .results
        .iter()
        .filter_map(|result| match result {
            PushResult::Accepted { id, .. } => {
                in_flight.pushed.get(id).map(|pushed| Effect::Acknowledged {
                    id: *id,
                    server_heads: pushed.heads.clone(),
                    sent_contact: pushed.contact.clone(),
                })
            }
            PushResult::Rejected { id, code, reason } => {
                in_flight.pushed.get(id).map(|pushed| Effect::Rejected {
                    id: *id,
                    code: code.clone(),
                    reason: reason.clone(),
                    pushed_heads: pushed.heads.clone(),
                })
            }
        })
        .collect()
}
