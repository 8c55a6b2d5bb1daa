//! Email escalation against a local SMTP sink started by the test: an emergency flag is
//! emailed when it is stored, a flag past its deadline by the periodic sweep, each once, to the
//! supervisors of the record's borough only, with a link and the band and nothing personal.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::checks::severe;
use common::phone::Phone;
use common::smtp::{Mail, SmtpSink};
use common::{add_user_with, fresh_dir, Server, CAMDEN, ISLINGTON};
use stallside_shared::record::RedFlag;

const PUBLIC_URL: &str = "https://stallside.test";

#[test]
fn emergency_and_overdue_flags_are_emailed_to_the_boroughs_supervisors_only() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    // Same-day deadlines of 0 hours: a severe reading is overdue as soon as it is stored.
    let server = Server::start_in(
        fresh_dir(),
        &[
            "--demo",
            "--smtp-url",
            &smtp,
            "--public-url",
            PUBLIC_URL,
            "--escalation-every",
            "1s",
            "--same-day-hours",
            "0",
        ],
    );
    let add = |username: &str, areas: &str, email: &[&str]| {
        add_user_with(
            &server.data_dir,
            username,
            "supervisor",
            areas,
            "supervisor-pass-123",
            email,
        );
    };
    add(
        "islington-lead",
        ISLINGTON,
        &["--email", "lead@islington.test"],
    );
    add("camden-lead", CAMDEN, &["--email", "lead@camden.test"]);
    add("no-email", ISLINGTON, &[]);
    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));

    let mut emergency = severe(&volunteer);
    emergency.red_flags = vec![RedFlag::ChestPain];
    let emergency = volunteer.record(emergency, Some("07700 900123"));
    volunteer.sync().unwrap();
    let islington: BTreeSet<String> = ["lead@islington.test", "supervisor@stallside.invalid"]
        .map(String::from)
        .into();
    let first = sink.wait_for(2, Duration::from_secs(20));
    assert_eq!(recipients(&first), islington, "{first:#?}");
    for mail in &first {
        assert!(mail.data.contains("emergency"), "{}", mail.data);
        assert!(
            mail.data
                .contains(&format!("{PUBLIC_URL}/staff/#flag-{emergency}")),
            "a link to the flag: {}",
            mail.data
        );
        assert!(mail.data.contains("Emergency"), "the band: {}", mail.data);
    }

    let overdue = volunteer.record(severe(&volunteer), Some("07700 900456"));
    volunteer.sync().unwrap();
    let all = sink.wait_for(4, Duration::from_secs(20));
    let second: Vec<Mail> = all[2..].to_vec();
    assert_eq!(recipients(&second), islington, "{all:#?}");
    for mail in &second {
        assert!(mail.data.contains("past its deadline"), "{}", mail.data);
        assert!(
            mail.data
                .contains(&format!("{PUBLIC_URL}/staff/#flag-{overdue}")),
            "{}",
            mail.data
        );
    }

    // Once per flag and reason: more sweeps send nothing more (the emergency's deadline had
    // passed when its email went out, so it is not emailed again as overdue).
    std::thread::sleep(Duration::from_millis(3_500));
    let all = sink.mails();
    assert_eq!(all.len(), 4, "{all:#?}");
    assert_eq!(server.count("SELECT COUNT(*) FROM escalations"), 2);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'escalation'"),
        2
    );
    for mail in &all {
        // The message id and date are the mail system's, random digits and the time.
        let written: String = mail
            .data
            .lines()
            .filter(|l| !l.starts_with("Message-ID:") && !l.starts_with("Date:"))
            .collect();
        for personal in [
            "07700",
            "900123",
            "900456",
            "190",
            "186",
            "125",
            "121",
            "Amina",
            "Grace",
            "volunteer",
            "Chest",
            "chest",
        ] {
            assert!(
                !written.contains(personal),
                "{personal} in an email: {}",
                mail.data
            );
        }
    }
}

fn recipients(mails: &[Mail]) -> BTreeSet<String> {
    mails.iter().flat_map(|m| m.to.iter().cloned()).collect()
}

/// A supervisor the coordinator invites with an email address is emailed like one made on the
/// command line; a bad address, an address for a volunteer and a coordinator's account are
/// refused at invitation, naming the field.
#[test]
fn a_supervisor_invited_with_an_email_address_is_emailed() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let server = Server::start_in(
        fresh_dir(),
        &["--demo", "--smtp-url", &smtp, "--public-url", PUBLIC_URL],
    );
    let coordinator = server.demo("coordinator", "laptop-c");
    let invite = |username: &str, role: &str, email: &str| {
        coordinator.post_raw(
            "/api/users",
            &serde_json::json!({ "username": username, "display_name": "Invited lead",
                                 "areas": [ISLINGTON], "role": role, "email": email }),
        )
    };
    let refused = [
        ("bad-email", "supervisor", "not-an-address", 400, "Email:"),
        (
            "two-ats",
            "supervisor",
            "lead@@islington.test",
            400,
            "Email:",
        ),
        (
            "volunteer-email",
            "volunteer",
            "me@islington.test",
            400,
            "Email:",
        ),
        ("new-coordinator", "coordinator", "", 403, ""),
    ];
    for (username, role, email, status, field) in refused {
        let (got, body) = invite(username, role, email);
        assert_eq!(got, status, "{username}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with(field),
            "{username}: {body}"
        );
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM users WHERE display_name = 'Invited lead'"),
        0
    );

    let (status, body) = invite("invited-lead", "supervisor", " invited@islington.test ");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM users WHERE username = 'invited-lead' AND role = 'supervisor'
               AND email = 'invited@islington.test'"
        ),
        1
    );

    let mut volunteer = Phone::new(server.demo("volunteer", "phone-a"));
    let mut emergency = severe(&volunteer);
    emergency.red_flags = vec![RedFlag::ChestPain];
    volunteer.record(emergency, Some("07700 900123"));
    volunteer.sync().unwrap();
    let mails = sink.wait_for(2, Duration::from_secs(20));
    let expected: BTreeSet<String> = ["invited@islington.test", "supervisor@stallside.invalid"]
        .map(String::from)
        .into();
    assert_eq!(recipients(&mails), expected, "{mails:#?}");
}
