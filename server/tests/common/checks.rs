//! Checks the tests record: synthetic, valid, at an Islington stall.

use stallside_shared::record::{CheckPart, Reading};
use stallside_shared::synthetic::{self, Stall};

use super::phone::{now, with_readings, Phone};
use super::ISLINGTON;

pub fn checks(phone: &Phone, n: u64, seed: u64) -> Vec<CheckPart> {
    let stall = Stall::library(&phone.client.user_id, ISLINGTON);
    (0..n)
        .map(|i| synthetic::check(seed + i, &stall, now() - 60_000))
        .collect()
}

pub fn severe(phone: &Phone) -> CheckPart {
    let readings = vec![Reading::bp(190, 125), Reading::bp(186, 121)];
    let mut check = with_readings(checks(phone, 1, 1).remove(0), readings);
    check.consent_to_contact = true;
    check
}

/// A check in the healthy range: not flagged.
pub fn healthy(phone: &Phone, seed: u64) -> CheckPart {
    with_readings(checks(phone, 1, seed).remove(0), vec![Reading::bp(118, 76)])
}
