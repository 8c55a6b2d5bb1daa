//! The sync request as it arrives: JSON with base64 changes, then each document's change
//! chunks. Neither step may panic or run away, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stallside_shared::crdt::decode_changes;
use stallside_shared::sync::wire::SyncRequest;

fuzz_target!(|data: &[u8]| {
    let _ = decode_changes(data);
    if let Ok(request) = serde_json::from_slice::<SyncRequest>(data) {
        for doc in &request.push {
            let _ = decode_changes(&doc.changes);
        }
    }
});
