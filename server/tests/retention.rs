//! The retention schedule on a real server and SQLite file, with the sweep's clock chosen by
//! the test (no sleeping): a contact number is kept, then shown with a warning in the
//! supervisors' queue, then erased at N days even though its flag is still open; audited.

mod common;

use common::checks;
use common::phone::Phone;
use common::Server;
use stallside_server::retention::{sweep, Swept};
use stallside_shared::triage::ProgrammeSettings;

const DAY: i64 = 86_400_000;

#[test]
fn retention_erases_contact_numbers_at_n_days_and_warns_before() {
    let server = Server::start_in(
        common::fresh_dir(),
        &[
            "--demo",
            "--contact-retention-days",
            "10",
            "--contact-warning-days",
            "3",
        ],
    );
    let settings = ProgrammeSettings {
        contact_retention_days: 10,
        contact_warning_days: 3,
        ..ProgrammeSettings::default()
    };
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let id = phone.record(checks::severe(&phone), Some("07700 900123"));
    phone.sync().unwrap();
    let sync_settings = phone.replica.settings;
    assert_eq!(
        sync_settings.contact_retention_days, 10,
        "the schedule rides along with sync"
    );
    let added: i64 = server.value_of("SELECT added_at_ms FROM contacts WHERE record_id = ?1", id);

    let supervisor = server.demo("supervisor", "laptop");
    let flag = |supervisor: &common::Client| {
        let (status, queue) = supervisor.get_raw("/api/flags");
        assert_eq!(status, 200);
        queue
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id.to_string())
            .unwrap()
            .clone()
    };
    assert_eq!(flag(&supervisor)["has_contact"], true);
    assert!(
        flag(&supervisor).get("contact_erased_at_ms").is_none(),
        "no warning yet"
    );

    let mut conn = server.sqlite();
    assert_eq!(
        sweep(&mut conn, &settings, added + 6 * DAY).unwrap(),
        Swept {
            erased: 0,
            warned: 0,
            ..Swept::default()
        }
    );
    assert_eq!(
        sweep(&mut conn, &settings, added + 8 * DAY).unwrap(),
        Swept {
            erased: 0,
            warned: 1,
            ..Swept::default()
        }
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM contacts"),
        1,
        "kept through the warning"
    );

    // The number was taken eight days ago: the queue warns of its erasure two days from now.
    conn.execute(
        "UPDATE contacts SET added_at_ms = added_at_ms - ?1",
        [8 * DAY],
    )
    .unwrap();
    let warned = flag(&supervisor);
    assert_eq!(
        warned["contact_erased_at_ms"],
        added - 8 * DAY + 10 * DAY,
        "{warned}"
    );
    assert_eq!(warned["has_contact"], true);

    let swept = sweep(&mut conn, &settings, added + 10 * DAY - 8 * DAY).unwrap();
    assert_eq!(
        swept,
        Swept {
            erased: 1,
            warned: 0,
            ..Swept::default()
        }
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 0);
    let after = flag(&supervisor);
    assert_eq!(
        (after["state"].as_str(), after["has_contact"].as_bool()),
        (Some("open"), Some(false)),
        "the flag stays open"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'retention' AND detail = 'contact numbers erased 1'"),
        1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE detail LIKE '%07700%'"),
        0
    );
    assert_eq!(
        sweep(&mut conn, &settings, added + 30 * DAY).unwrap(),
        Swept::default(),
        "nothing left"
    );
}

/// After M years a check is pseudonymised in its document, its history and its row, the
/// phones holding it are told to drop their copy, a younger check is untouched, and the
/// reports still count it.
#[test]
fn checks_older_than_m_years_are_pseudonymised_everywhere_and_still_counted() {
    use stallside_shared::crdt::RecordDoc;
    use stallside_shared::retention::CUT_LINK;

    let server = Server::start();
    let settings = ProgrammeSettings {
        pseudonymise_after_years: 1,
        ..ProgrammeSettings::default()
    };
    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    let now = common::phone::now();
    let mut old_check = checks::severe(&phone);
    old_check.recorded_at_ms = now - 400 * DAY;
    old_check.goal = Some("Walk to the market every day".into());
    let old = phone.record(old_check, Some("07700 900123"));
    let young = phone.record(checks::healthy(&phone, 3), None);
    phone.correct(old, |c| {
        c.lsoa = Some("E01000001".into());
        c.imd_decile = Some(2);
    });
    let synced = phone.sync().unwrap();
    assert_eq!(
        (synced.accepted, synced.rejected.len()),
        (2, 0),
        "{synced:?}"
    );
    let coordinator = server.demo("coordinator", "laptop");
    let (_, before) = coordinator.get_raw("/api/reports/dashboard");
    let young_doc_before: Vec<u8> =
        server.value_of("SELECT doc FROM documents WHERE id = ?1", young);
    let old_changes_before = RecordDoc::load(
        &server.value_of::<Vec<u8>>("SELECT doc FROM documents WHERE id = ?1", old),
    )
    .unwrap()
    .field_history()
    .len();
    assert_eq!(old_changes_before, 2, "created, then corrected");

    let mut conn = server.sqlite();
    let swept = sweep(&mut conn, &settings, now).unwrap();
    assert_eq!(swept.pseudonymised, 1, "{swept:?}");

    let mut doc = RecordDoc::load(
        &server.value_of::<Vec<u8>>("SELECT doc FROM documents WHERE id = ?1", old),
    )
    .unwrap();
    let kept = doc.record().unwrap();
    assert_eq!(kept.check.goal, None);
    assert_eq!(kept.check.lsoa, None);
    assert_eq!(kept.check.volunteer_id, CUT_LINK);
    assert_eq!(kept.check.event_id, CUT_LINK);
    let month = stallside_shared::calendar::month_start_ms(now - 400 * DAY);
    assert_eq!(kept.check.recorded_at_ms, month);
    assert_eq!(kept.check.readings, phone.record_of(old).check.readings);
    assert_eq!(
        kept.check.imd_decile,
        Some(2),
        "the area's decile stays for reports"
    );
    assert_eq!(
        doc.field_history().len(),
        1,
        "the history that held the goal, the area and the day is gone"
    );
    let saved = doc.save();
    assert!(
        !saved
            .windows(b"Walk to the market".len())
            .any(|w| w == b"Walk to the market")
            && !saved.windows(b"E01000001".len()).any(|w| w == b"E01000001"),
        "no old value is left anywhere in the bytes"
    );
    let row = |column: &str, id| -> Option<String> {
        server.value_of(
            &format!("SELECT CAST({column} AS TEXT) FROM checks WHERE id = ?1"),
            id,
        )
    };
    assert_eq!(row("lsoa", old), None);
    assert_eq!(row("volunteer_id", old).as_deref(), Some(CUT_LINK));
    assert_eq!(row("recorded_at_ms", old), Some(month.to_string()));
    assert_eq!(
        row("received_at_ms", old).map(|ms| ms.parse::<i64>().unwrap() % DAY),
        Some(0)
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM contacts"), 0);
    assert_eq!(
        server.value_of::<Vec<u8>>("SELECT doc FROM documents WHERE id = ?1", young),
        young_doc_before,
        "a younger check is untouched"
    );
    assert_eq!(
        row("volunteer_id", young).as_deref(),
        Some(phone.client.user_id.as_str())
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'retention' AND detail = 'checks pseudonymised 1'"),
        1
    );

    let (_, after) = coordinator.get_raw("/api/reports/dashboard");
    assert_eq!(
        after["totals"]["checks"], before["totals"]["checks"],
        "still counted"
    );
    assert_eq!(after["totals"]["severe"], before["totals"]["severe"]);
    assert_eq!(after["bands"], before["bands"]);
    assert_eq!(after["by_age_band"], before["by_age_band"]);

    assert!(phone.records.contains_key(&old));
    let report = phone.sync().unwrap();
    assert_eq!(
        report.erased, 1,
        "the phone is told to drop its copy: {report:?}"
    );
    assert!(!phone.records.contains_key(&old) && phone.records.contains_key(&young));

    assert_eq!(
        sweep(&mut conn, &settings, now).unwrap(),
        Swept::default(),
        "once is enough"
    );
}
