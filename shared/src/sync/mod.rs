//! The sync protocol: one HTTP round trip pushes what the server has not acknowledged and pulls
//! what changed on the server after the client's cursor (in the style of CouchDB's changes
//! feed and Simple.org's process token, which scale to many small documents).
//!
//! Sans-IO: [`wire`] is the messages, [`client`] the phone's per-record sync state,
//! [`session`] the phone's side of one sync as a state machine, [`judge`] the server's decision on each pushed document,
//! [`chunk`] what pushed Automerge bytes would cost to load, read before loading them, and
//! [`backoff`] the retry schedule. None of them touches a network, a store or a clock.

pub mod backoff;
pub mod chunk;
pub mod client;
pub mod judge;
pub mod replica;
pub mod session;
pub mod wire;
