//! The programme settings screen's API on a real server and SQLite file: only coordinators
//! read or change the settings; bad values (negative, zero years, words, a warning after the
//! erasure) are refused and nothing is saved; a change is audited, rides along with the next
//! sync to phones, and survives a restart.

mod common;

use common::phone::Phone;
use common::{request, Server};
use serde_json::{json, Value};

fn put(client: &common::Client, body: &Value) -> (u16, Value) {
    request(
        &client.url,
        "PUT",
        "/api/settings",
        Some(&client.token),
        Some(body),
    )
}

#[test]
fn only_coordinators_change_the_settings_and_bad_values_change_nothing() {
    let server = Server::start();
    let coordinator = server.demo("coordinator", "laptop");
    let (status, current) = coordinator.get_raw("/api/settings");
    assert_eq!(status, 200);
    assert_eq!(
        current,
        json!({
            "contact_retention_days": 28,
            "contact_warning_days": 7,
            "pseudonymise_after_years": 8,
            "reviewed_languages_only": false
        }),
        "the flags' values until a coordinator saves"
    );
    let wanted = json!({
        "contact_retention_days": 14,
        "contact_warning_days": 3,
        "pseudonymise_after_years": 6,
        "reviewed_languages_only": true
    });

    let mut phone = Phone::new(server.demo("volunteer", "phone"));
    for other in [phone.client.clone(), server.demo("supervisor", "laptop")] {
        assert_eq!(put(&other, &wanted).0, 403, "only coordinators change them");
        assert_eq!(other.get_raw("/api/settings").0, 403);
    }
    assert_eq!(
        request(&server.url, "PUT", "/api/settings", None, Some(&wanted)).0,
        401
    );

    for bad in [
        json!({ "contact_retention_days": -5, "contact_warning_days": 3, "pseudonymise_after_years": 6, "reviewed_languages_only": true }),
        json!({ "contact_retention_days": 14, "contact_warning_days": 3, "pseudonymise_after_years": 0, "reviewed_languages_only": true }),
        json!({ "contact_retention_days": "fourteen", "contact_warning_days": 3, "pseudonymise_after_years": 6, "reviewed_languages_only": true }),
        json!({ "contact_retention_days": 14, "contact_warning_days": 14, "pseudonymise_after_years": 6, "reviewed_languages_only": true }),
        json!({ "contact_retention_days": 0, "contact_warning_days": 0, "pseudonymise_after_years": 6, "reviewed_languages_only": true }),
        json!({ "contact_retention_days": 14.5, "contact_warning_days": 3, "pseudonymise_after_years": 6, "reviewed_languages_only": true }),
    ] {
        let (status, body) = put(&coordinator, &bad);
        assert_eq!(status, 400, "{bad} was taken: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM programme_settings"), 0);
    assert_eq!(
        coordinator.get_raw("/api/settings").1,
        current,
        "nothing saved"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'settings_change'"),
        0
    );

    let (status, saved) = put(&coordinator, &wanted);
    assert_eq!((status, &saved), (200, &wanted));
    assert_eq!(coordinator.get_raw("/api/settings").1, wanted);
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM audit WHERE action = 'settings_change' AND user_id = '{}'
             AND detail LIKE '%contact numbers 28 days%-> contact numbers 14 days, warning 3 days, pseudonymise after 6 years, reviewed languages only on'",
            coordinator.user_id
        )),
        1
    );

    phone.sync().unwrap();
    let on_phone = phone.replica.settings;
    assert_eq!(
        (
            on_phone.contact_retention_days,
            on_phone.contact_warning_days,
            on_phone.pseudonymise_after_years,
            on_phone.reviewed_languages_only
        ),
        (14, 3, 6, true),
        "the settings ride along with sync"
    );

    let data_dir = server.kill();
    let restarted = Server::start_in(data_dir, &["--demo"]);
    assert_eq!(
        restarted
            .demo("coordinator", "laptop")
            .get_raw("/api/settings")
            .1,
        wanted,
        "kept over a restart, over the flags"
    );
}
