//! Stallside's clinical core, compiled natively for the server and to WASM for the phone.
//!
//! Everything here is plain functions and data: no network, storage or clock inside (the one
//! clock helper in [`clock`] is for the edges), so the rules a volunteer's advice and a
//! supervisor's queue depend on are tested fast and natively, and run identically on both sides.

#[macro_use]
mod vocab_macro;

pub use vocab_macro::Vocab;

pub mod api;
pub mod area;
pub mod calendar;
pub mod card;
pub mod clock;
pub mod crdt;
pub mod events;
pub mod follow_up;
mod layout;
pub mod localise;
pub mod privacy;
pub mod published;
pub mod readings;
pub mod record;
pub mod reports;
pub mod retention;
pub mod review;
pub mod suppression;
pub mod sync;
pub mod synthetic;
pub mod text;
pub mod triage;
pub mod validation;
pub mod wording;
