//! The app's state, as signals shared through context, and the start-up that fills them
//! from the phone's store.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stallside_shared::api::LoginResponse;
use stallside_shared::crdt::Role;
use stallside_shared::events::PhoneEvents;
use stallside_shared::sync::client::{status, Status};
use stallside_shared::sync::wire::Event;
use stallside_shared::triage::ProgrammeSettings;
use uuid::Uuid;

use crate::store::{self, LocalRecord, StoreError};

/// A signed-in user, as the device keeps them: the server's sign-in answer as it came (the
/// token works offline until it expires).
pub type Session = LoginResponse;

/// This phone's identity: made once, kept for ever. (Its Automerge actor ids are per user:
/// see [`crate::store::Store::actor_for`].)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Sent at sign-in; sessions are per device.
    pub device_id: String,
}

/// Where the person is in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Opening the store.
    Loading,
    /// Sign in.
    SignIn,
    /// Choose or start today's stall.
    Stall,
    /// Record a check, or correct one.
    Capture(Option<Uuid>),
    /// Today's and earlier checks.
    Records,
    /// Supervisor: flagged readings.
    Flags,
    /// Coordinator: reach and equity.
    Dashboard,
    /// Coordinator: events.
    Events,
    /// Coordinator: volunteer accounts.
    Volunteers,
    /// Coordinator: record review.
    Review,
    /// Coordinator: volunteers' phones, and stopping a lost one.
    Phones,
    /// Coordinator: the audit trail.
    Audit,
    /// Coordinator: the programme settings (retention, reviewed translations only).
    Settings,
    /// Coordinator: print participant cards.
    Cards,
}

impl Screen {
    /// The first screen for a role after signing in.
    pub fn home(role: Role, stall_chosen: bool) -> Screen {
        match (role, stall_chosen) {
            (Role::Supervisor, _) => Screen::Flags,
            (Role::Coordinator, _) => Screen::Dashboard,
            (Role::Volunteer, false) => Screen::Stall,
            (Role::Volunteer, true) => Screen::Capture(None),
        }
    }
}

/// What the sync is doing, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncView {
    /// A sync is under way.
    pub running: bool,
    /// Why the last one failed.
    pub last_error: Option<String>,
    /// When one last finished, milliseconds.
    pub last_success_ms: Option<i64>,
}

/// Every signal the screens share.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The session, if signed in (kept when it expires, so records wait for the next one).
    pub session: RwSignal<Option<Session>>,
    /// The session ended on the server: unsynced checks wait for a new sign-in.
    pub signed_out: RwSignal<bool>,
    /// This phone.
    pub device: RwSignal<Option<Device>>,
    /// Every check on the phone.
    pub records: RwSignal<Vec<LocalRecord>>,
    /// Events from the server and those started on this phone.
    pub events: RwSignal<Vec<Event>>,
    /// Today's stall.
    pub stall: RwSignal<Option<Event>>,
    /// Stalls started and debriefs filed on this phone, until the server has them.
    pub phone_events: RwSignal<PhoneEvents>,
    /// Sync progress.
    pub sync: RwSignal<SyncView>,
    /// Bumped to ask the sync loop to run now.
    pub sync_kick: RwSignal<u32>,
    /// The screen.
    pub screen: RwSignal<Screen>,
    /// Deadlines from the server.
    pub settings: RwSignal<ProgrammeSettings>,
    /// The phone's storage failed: nothing can be saved.
    pub storage_error: RwSignal<Option<String>>,
    /// The person's own screen is showing: no header, menu or sync status.
    pub participant_view: RwSignal<bool>,
    /// A check is part-way through: leaving it asks first.
    pub check_in_progress: RwSignal<bool>,
    /// Where the volunteer asked to go from a check part-way through, while the app asks.
    pub leaving: RwSignal<Option<Screen>>,
    /// A coordinator stopped this phone and it erased itself: the sign-in screen says so.
    pub stopped: RwSignal<bool>,
}

impl AppState {
    /// Fresh signals.
    pub fn new() -> Self {
        AppState {
            session: RwSignal::new(None),
            signed_out: RwSignal::new(false),
            device: RwSignal::new(None),
            records: RwSignal::new(Vec::new()),
            events: RwSignal::new(Vec::new()),
            stall: RwSignal::new(None),
            phone_events: RwSignal::new(PhoneEvents::default()),
            sync: RwSignal::new(SyncView::default()),
            sync_kick: RwSignal::new(0),
            screen: RwSignal::new(Screen::Loading),
            settings: RwSignal::new(ProgrammeSettings::default()),
            storage_error: RwSignal::new(None),
            participant_view: RwSignal::new(false),
            check_in_progress: RwSignal::new(false),
            leaving: RwSignal::new(None),
            stopped: RwSignal::new(false),
        }
    }

    /// Goes to a screen from the menu; from a check part-way through, asks first.
    pub fn go_to(&self, screen: Screen) {
        let in_check = matches!(self.screen.get_untracked(), Screen::Capture(_));
        if in_check
            && self.check_in_progress.get_untracked()
            && screen != self.screen.get_untracked()
        {
            self.leaving.set(Some(screen));
        } else {
            self.screen.set(screen);
        }
    }

    /// Checks on the phone the server does not have yet.
    pub fn unsynced(&self) -> Memo<usize> {
        let records = self.records;
        Memo::new(move |_| {
            records.with(|all| {
                all.iter()
                    .filter(|r| status(&r.sync, &r.heads) != Status::Synced)
                    .count()
            })
        })
    }

    /// The signed-in user's boroughs as (ONS code, name), for the borough questions.
    pub fn my_boroughs(&self) -> Vec<(&'static str, &'static str)> {
        let areas = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.user.areas.clone()));
        stallside_shared::record::LONDON_BOROUGHS
            .iter()
            .filter(|(code, _)| areas.as_ref().is_some_and(|a| a.iter().any(|c| c == code)))
            .copied()
            .collect()
    }

    /// Asks the sync loop to run now.
    pub fn kick_sync(&self) {
        self.sync_kick.update(|k| *k = k.wrapping_add(1));
        crate::sync::wake();
    }

    /// Replaces or adds entries in the records signal.
    pub fn put_records(&self, entries: impl IntoIterator<Item = LocalRecord>) {
        let entries: Vec<LocalRecord> = entries.into_iter().collect();
        if entries.is_empty() {
            return;
        }
        self.records.update(|all| {
            // By position, not by scanning: a page of a new phone's pull adds hundreds of
            // records to thousands.
            let mut at: HashMap<Uuid, usize> =
                all.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
            for entry in entries {
                match at.get(&entry.id) {
                    Some(&i) => all[i] = entry,
                    None => {
                        at.insert(entry.id, all.len());
                        all.push(entry);
                    }
                }
            }
        });
    }

    /// Removes records erased on request from the records signal.
    pub fn drop_records(&self, ids: &[Uuid]) {
        if ids.is_empty() {
            return;
        }
        self.records
            .update(|all| all.retain(|r| !ids.contains(&r.id)));
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// A new identity for this phone, stored: at first start, and after a coordinator stopped it.
pub async fn new_device(store: &store::Store) -> Result<Device, StoreError> {
    let device = Device {
        device_id: Uuid::new_v4().to_string(),
    };
    store.set_meta("device", &device).await?;
    Ok(device)
}

/// The store's name for [`AppState::phone_events`].
pub const PHONE_EVENTS: &str = "phone_events";

/// The state from context.
pub fn app_state() -> AppState {
    expect_context::<AppState>()
}

/// Loads everything from the phone's store and picks the first screen. The staff app keeps
/// no records, so it passes `with_records: false` and skips reading them.
pub async fn start(state: AppState, with_records: bool) -> Result<(), StoreError> {
    let store = store::get().await?;
    store::idb::request_persistence();
    let device = match store.meta::<Device>("device").await? {
        Some(device) => device,
        None => new_device(&store).await?,
    };
    state.device.set(Some(device));
    if with_records {
        let mut records = store.records().await?;
        store::newest_first(&mut records);
        state.records.set(records);
    }
    state.events.set(
        store
            .meta::<Vec<Event>>("events")
            .await?
            .unwrap_or_default(),
    );
    if let Some(events) = store.meta::<PhoneEvents>(PHONE_EVENTS).await? {
        state.phone_events.set(events);
    }
    if let Some(settings) = store.meta::<ProgrammeSettings>("settings").await? {
        state.settings.set(settings);
    }
    let today = stallside_shared::calendar::date(stallside_shared::clock::now_ms());
    let stall = store
        .meta::<Event>("stall")
        .await?
        .filter(|event| event.date == today);
    state.stall.set(stall.clone());
    let session = store.meta::<Session>("session").await?;
    let expired = session
        .as_ref()
        .is_some_and(|s| s.expires_at_ms <= stallside_shared::clock::now_ms());
    state.signed_out.set(expired);
    state.screen.set(match (&session, expired) {
        (Some(session), false) => Screen::home(session.user.role, stall.is_some()),
        _ => Screen::SignIn,
    });
    state.session.set(session);
    Ok(())
}
