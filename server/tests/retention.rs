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
            warned: 0
        }
    );
    assert_eq!(
        sweep(&mut conn, &settings, added + 8 * DAY).unwrap(),
        Swept {
            erased: 0,
            warned: 1
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
            warned: 0
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
