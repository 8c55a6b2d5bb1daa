//! The record ↔ Automerge round trip and the clock, in Chromium (wasm32): the code paths the
//! phone runs, where `SystemTime::now()` would panic and randomness comes from the browser.

#![cfg(target_arch = "wasm32")]

use stallside_shared::clock::{now_ms, now_secs};
use stallside_shared::crdt::{ActorId, ChangeMeta, RecordDoc};
use stallside_shared::record::{CheckRecord, ReviewState, VenueType};
use stallside_shared::synthetic::{self, Stall};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn stall() -> Stall {
    Stall {
        event_id: "event".into(),
        volunteer_id: "volunteer".into(),
        borough: "E09000003".into(),
        venue_type: VenueType::Library,
    }
}

#[wasm_bindgen_test]
fn the_clock_reads_the_browser() {
    assert!(now_ms() > 1_577_836_800_000, "after 2020");
    assert_eq!(now_secs(), now_ms() / 1000);
}

#[wasm_bindgen_test]
fn records_round_trip_and_merge_in_the_browser() {
    let actor = ActorId::random();
    for seed in 0..50 {
        let check = synthetic::check(seed, &stall(), now_ms());
        let record = CheckRecord::new(Uuid::from_u128(seed.into()), check, false);
        let meta = ChangeMeta {
            actor: actor.clone(),
            time_secs: now_secs(),
        };
        let mut doc = RecordDoc::create(&record, &meta).unwrap();
        let mut loaded = RecordDoc::load(&doc.save()).unwrap();
        assert_eq!(loaded.record().unwrap(), record);

        let mut review = record.review.clone();
        review.state = ReviewState::Approved;
        let coordinator = ChangeMeta {
            actor: ActorId::random(),
            time_secs: now_secs(),
        };
        loaded.write_review(&review, &coordinator).unwrap();
        doc.merge(&mut loaded).unwrap();
        assert_eq!(doc.record().unwrap().review.state, ReviewState::Approved);
        let edits = doc.edits_since(&[]);
        assert_eq!(edits.len(), 2);
        assert!(edits.iter().all(|e| e.time_secs > 1_577_836_800));
    }
}

#[path = "common/old_records.rs"]
mod old_records;

#[wasm_bindgen_test]
fn a_record_without_a_later_key_reads_as_not_said_in_the_browser() {
    old_records::check_missing_keys_read_as_not_said(now_ms(), now_secs());
}

#[path = "common/wording_grid.rs"]
mod wording_grid;

#[wasm_bindgen_test]
fn the_card_and_the_persons_screen_never_contradict_in_the_browser() {
    assert!(wording_grid::check_grid(3) > 100_000);
}
