//! HTTPS served by the server itself, with certificates made in the test (rcgen): a phone
//! that trusts the certificate signs in and syncs; HSTS is sent over TLS only; a renewed
//! certificate is served without a restart (on file change and on SIGHUP), and a broken one
//! leaves the current one in use.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::checks::checks;
use common::phone::Phone;
use common::{agent_trusting, fresh_dir, trust, Server};

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM files into `dir`
/// under `name`; returns the certificate file, the key file and the certificate (DER).
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf, Vec<u8>) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("certificate");
    let cert_file = dir.join(format!("{name}.crt"));
    let key_file = dir.join(format!("{name}.key"));
    std::fs::write(&cert_file, cert.pem()).expect("write certificate");
    std::fs::write(&key_file, signing_key.serialize_pem()).expect("write key");
    (cert_file, key_file, cert.der().to_vec())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn tls_server(cert: &Path, key: &Path) -> Server {
    Server::start_in(
        fresh_dir(),
        &["--demo", "--tls-cert", path(cert), "--tls-key", path(key)],
    )
}

/// The HSTS header of `url` (whatever its status), as a client trusting `roots` sees it.
fn hsts(url: &str, roots: &[Vec<u8>]) -> Option<String> {
    let response = agent_trusting(roots).get(url).call().expect("GET");
    response
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().expect("ascii").to_owned())
}

/// Whether a client trusting only `der` completes a request to the server within `within`.
fn trusted_within(url: &str, der: &[u8], within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if agent_trusting(&[der.to_vec()])
            .get(format!("{url}/healthz"))
            .call()
            .is_ok()
        {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_phone_signs_in_and_syncs_over_https_and_hsts_is_sent_on_tls_only() {
    let dir = fresh_dir();
    let (cert, key, der) = certificate(&dir, "stallside");
    trust(&der);
    let server = tls_server(&cert, &key);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );

    let mut phone = Phone::new(server.demo("volunteer", "tls-phone"));
    for check in checks(&phone, 3, 11) {
        phone.record(check, None);
    }
    let report = phone.sync().expect("sync over HTTPS");
    assert_eq!(report.accepted, 3, "{:?}", report.rejected);
    assert_eq!(server.count("SELECT COUNT(*) FROM documents"), 3);

    let roots = [der.clone()];
    for page in ["/", "/healthz", "/api/openapi.json"] {
        assert_eq!(
            hsts(&format!("{}{page}", server.url), &roots).as_deref(),
            Some("max-age=31536000"),
            "{page}"
        );
    }
    // A client that does not trust the certificate does not get through.
    assert!(agent_trusting(&[])
        .get(format!("{}/healthz", server.url))
        .call()
        .is_err());
    // Plain HTTP never sends HSTS (a browser would ignore it there, and a proxy in front
    // sets its own).
    let plain = Server::start();
    assert_eq!(hsts(&format!("{}/healthz", plain.url), &[]), None);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_renewed_certificate_is_served_without_a_restart() {
    let dir = fresh_dir();
    let (cert, key, first) = certificate(&dir, "live");
    let server = tls_server(&cert, &key);
    assert!(trusted_within(&server.url, &first, Duration::ZERO));

    // Renewal by a certificate client: the files are replaced; the server notices.
    let (new_cert, new_key, second) = certificate(&dir, "renewed");
    std::fs::rename(&new_key, &key).expect("replace key");
    std::fs::rename(&new_cert, &cert).expect("replace certificate");
    assert!(
        trusted_within(&server.url, &second, Duration::from_secs(15)),
        "the renewed certificate is served"
    );

    // A half-written or broken file is not taken: the current certificate stays.
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nbroken\n").expect("break");
    std::thread::sleep(Duration::from_secs(4));
    assert!(trusted_within(&server.url, &second, Duration::ZERO));

    // SIGHUP reloads at once.
    let (new_cert, new_key, third) = certificate(&dir, "hup");
    std::fs::rename(&new_key, &key).expect("replace key");
    std::fs::rename(&new_cert, &cert).expect("replace certificate");
    let status = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .expect("kill -HUP");
    assert!(status.success());
    assert!(
        trusted_within(&server.url, &third, Duration::from_secs(5)),
        "the certificate is reloaded on SIGHUP"
    );
    let _ = std::fs::remove_dir_all(dir);
}
