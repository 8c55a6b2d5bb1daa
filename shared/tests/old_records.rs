//! Records from phones older than a field still read on the server (see
//! `common/old_records.rs`; the same check runs in Chromium in `wasm.rs`).

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/old_records.rs"]
mod old_records;

#[test]
fn a_record_without_a_later_key_reads_as_not_said() {
    old_records::check_missing_keys_read_as_not_said(1_800_000_000_000, 1_800_000_000);
}
