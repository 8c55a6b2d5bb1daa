//! Test harness: the real `stallside-server` binary on a loopback port with a real SQLite file
//! in a fresh directory, and a real HTTP client.

#![allow(dead_code)]

pub mod checks;
pub mod phone;
pub mod raw;
pub mod smtp;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Demo boroughs: Barnet and Islington.
pub const BARNET: &str = "E09000003";
pub const ISLINGTON: &str = "E09000019";
pub const CAMDEN: &str = "E09000007";

/// A running server process.
pub struct Server {
    child: Option<Child>,
    pub url: String,
    pub data_dir: PathBuf,
    keep_dir: bool,
}

impl Server {
    /// A fresh server with demo accounts in a new data directory.
    pub fn start() -> Self {
        Self::start_in(fresh_dir(), &["--demo"])
    }

    /// A server on an existing data directory with extra flags.
    pub fn start_in(data_dir: PathBuf, flags: &[&str]) -> Self {
        let command = Command::new(env!("CARGO_BIN_EXE_stallside-server"));
        Self::spawn(command, data_dir, flags)
    }

    /// A fresh demo server with extra flags whose process may open at most `files` files
    /// (`ulimit -n`), as on a small host.
    pub fn start_with_file_limit(files: u32, flags: &[&str]) -> Self {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_stallside-server"))
            .arg("--demo");
        Self::spawn(command, fresh_dir(), flags)
    }

    /// A fresh demo server serving the app files in `dist`.
    pub fn start_with_dist(dist: &Path) -> Self {
        let dist = dist.to_str().expect("utf-8 path").to_owned();
        Self::start_in(fresh_dir(), &["--demo", "--dist", &dist])
    }

    fn spawn(mut command: Command, data_dir: PathBuf, flags: &[&str]) -> Self {
        command
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--bind", "127.0.0.1:0"]);
        if !flags.contains(&"--dist") {
            command.arg("--dist").arg(data_dir.join("no-dist"));
        }
        let mut child = command
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start stallside-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("server exited before it was ready")
                .expect("read stdout");
            if let Some(at) = line.find("https://").or_else(|| line.find("http://")) {
                break line[at..].trim().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Server {
            child: Some(child),
            url,
            data_dir,
            keep_dir: false,
        }
    }

    /// Kills the process with SIGKILL, as a power cut or OOM kill would, keeping the data.
    pub fn kill(mut self) -> PathBuf {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reap");
        }
        self.keep_dir = true;
        self.data_dir.clone()
    }

    /// One number from the database, e.g. a `COUNT(*)`.
    pub fn count(&self, sql: &str) -> i64 {
        self.sqlite()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    }

    /// One column of record `id`'s row, read with `sql` (which takes the id as `?1`).
    pub fn value_of<T: rusqlite::types::FromSql>(&self, sql: &str, id: uuid::Uuid) -> T {
        self.sqlite()
            .query_row(sql, [id.to_string()], |r| r.get(0))
            .expect("row of the record")
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// CPU seconds (user + system) the server process has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&self.pid().to_string())
    }

    /// A direct connection to the server's SQLite file, for checking what was committed.
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data_dir.join("stallside.sqlite")).expect("open db")
    }

    /// Signs in a demo account.
    pub fn login(&self, username: &str, password: &str, device: &str) -> Client {
        let (status, body) = self.post_json(
            "/api/login",
            None,
            &json!({ "username": username, "password": password, "device_id": device }),
        );
        assert_eq!(status, 200, "login {username}: {body}");
        Client {
            url: self.url.clone(),
            token: body["token"].as_str().unwrap().to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            device: device.to_owned(),
        }
    }

    /// Signs in a demo account by role name ("volunteer", "coordinator", "supervisor").
    pub fn demo(&self, who: &str, device: &str) -> Client {
        self.login(who, &format!("{who}-demo"), device)
    }

    /// POSTs JSON; returns status and parsed body.
    pub fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        request(&self.url, "POST", path, token, Some(body))
    }

    /// GETs; returns status and parsed body.
    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        request(&self.url, "GET", path, token, None)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if !self.keep_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

/// A signed-in user on one device.
#[derive(Clone)]
pub struct Client {
    pub url: String,
    pub token: String,
    pub user_id: String,
    pub device: String,
}

impl Client {
    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> T {
        let (status, value) = request(&self.url, "POST", path, Some(&self.token), Some(body));
        assert!((200..300).contains(&status), "{path}: {status} {value}");
        serde_json::from_value(value).expect("response shape")
    }

    pub fn post_raw(&self, path: &str, body: &Value) -> (u16, Value) {
        request(&self.url, "POST", path, Some(&self.token), Some(body))
    }

    pub fn get_raw(&self, path: &str) -> (u16, Value) {
        request(&self.url, "GET", path, Some(&self.token), None)
    }

    pub fn put_raw(&self, path: &str, body: &Value) -> (u16, Value) {
        request(&self.url, "PUT", path, Some(&self.token), Some(body))
    }
}

/// One HTTP request with a real client; any status is returned, not raised.
pub fn request(
    url: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let agent = agent();
    let full = format!("{url}{path}");
    let auth = token.map(|t| format!("Bearer {t}"));
    let response = match (method, body) {
        ("GET", _) => {
            let mut req = agent.get(&full);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.call()
        }
        ("DELETE", _) => {
            let mut req = agent.delete(&full);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.call()
        }
        ("PUT", body) => {
            let mut req = agent.put(&full);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.send_json(body.cloned().unwrap_or(Value::Null))
        }
        (_, body) => {
            let mut req = agent.post(&full);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.send_json(body.cloned().unwrap_or(Value::Null))
        }
    };
    let mut response = response.expect("HTTP exchange");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Certificates (DER) that [`agent`] trusts besides the public roots: the test's own.
static TRUSTED: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Makes every later [`agent`] of this test process trust the certificate `der`.
pub fn trust(der: &[u8]) {
    TRUSTED.lock().expect("trust list").push(der.to_vec());
}

/// A client that returns error statuses instead of raising them, and trusts the
/// certificates given to [`trust`].
pub fn agent() -> ureq::Agent {
    let trusted = TRUSTED.lock().expect("trust list").clone();
    agent_trusting(&trusted)
}

/// A client that returns error statuses instead of raising them and trusts only `roots`
/// for HTTPS (the public roots when `roots` is empty).
pub fn agent_trusting(roots: &[Vec<u8>]) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(60)));
    if !roots.is_empty() {
        let certificates = roots
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der).to_owned())
            .collect();
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certificates)))
                .build(),
        );
    }
    config.build().into()
}

/// CPU seconds (user + system) process `pid` (or `self`) has used so far, from `/proc`.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

/// A new empty directory under the system temp dir.
pub fn fresh_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stallside-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Adds an account with the real `add-user` command.
pub fn add_user(data_dir: &Path, username: &str, role: &str, areas: &str, password: &str) {
    add_user_with(data_dir, username, role, areas, password, &[]);
}

/// Adds an account with the real `add-user` command and its `extra` flags (`--email`...).
pub fn add_user_with(
    data_dir: &Path,
    username: &str,
    role: &str,
    areas: &str,
    password: &str,
    extra: &[&str],
) {
    let output = Command::new(env!("CARGO_BIN_EXE_stallside-server"))
        .args([
            "add-user",
            "--username",
            username,
            "--display-name",
            username,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--role", role, "--areas", areas])
        .args(extra)
        .env("STALLSIDE_PASSWORD", password)
        .output()
        .expect("run add-user");
    assert!(
        output.status.success(),
        "add-user {username}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
