//! Browser hardening headers: on every response no MIME sniffing and no referrer; on every
//! document (pages, API answers) and the service worker a Content-Security-Policy that lets
//! the Trunk-built WASM app run and nothing else, and no framing.
//!
//! Trunk starts each app with an inline `<script type="module">` that imports the hashed
//! loader, and the phone app's page registers its service worker inline. Their text changes
//! with every build (it names the hashed files), so the policy allows exactly the inline
//! scripts of the build being served: their SHA-256 hashes are read from the built pages (at
//! start, and again whenever a page's modification time changes). Any other inline script,
//! `eval`, plug-in, foreign origin or framing page is refused.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::header::{
    HeaderName, HeaderValue, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for API answers: JSON and CSV that no browser should run or frame.
pub const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// HSTS for a server that serves TLS: a year, the common preload-ready minimum.
const HSTS: &str = "max-age=31536000";

/// The phone app's service worker script, which carries the app's policy for the worker.
const SERVICE_WORKER: &str = "/sw.js";

/// The built pages whose inline scripts the policy allows, relative to the dist folder.
const PAGES: &[&str] = &["index.html", "staff/index.html"];

/// The app's policy for the build being served, remade when a built page changes (a new
/// build deployed without a restart must not be refused its own loader).
pub struct SecurityHeaders {
    dist: PathBuf,
    current: Mutex<Current>,
    hsts: bool,
}

/// The policy and the pages' modification times it was made from.
struct Current {
    stamps: Vec<Option<SystemTime>>,
    policy: HeaderValue,
}

impl SecurityHeaders {
    /// Allows the inline scripts of the built pages in `dist` by hash. Pages that are missing
    /// (a server run without a build) add nothing.
    pub fn from_dist(dist: &Path) -> Self {
        let stamps = page_stamps(dist);
        SecurityHeaders {
            current: Mutex::new(Current {
                policy: policy_of(dist),
                stamps,
            }),
            dist: dist.to_owned(),
            hsts: false,
        }
    }

    /// Adds `Strict-Transport-Security` (a year) when `on`: only a server that serves TLS
    /// itself may tell browsers to insist on HTTPS for it (behind a TLS proxy, the proxy does).
    pub fn with_hsts(self, on: bool) -> Self {
        SecurityHeaders { hsts: on, ..self }
    }

    /// The app's policy, remade first if a page changed since it was made.
    fn app_policy(&self) -> HeaderValue {
        let stamps = page_stamps(&self.dist);
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.stamps != stamps {
            current.policy = policy_of(&self.dist);
            current.stamps = stamps;
        }
        current.policy.clone()
    }
}

/// When each built page was last written.
fn page_stamps(dist: &Path) -> Vec<Option<SystemTime>> {
    PAGES
        .iter()
        .map(|page| {
            std::fs::metadata(dist.join(page))
                .and_then(|m| m.modified())
                .ok()
        })
        .collect()
}

/// The app's policy with the hashes of the inline scripts of the pages in `dist`.
fn policy_of(dist: &Path) -> HeaderValue {
    let hashes: Vec<String> = PAGES
        .iter()
        .filter_map(|page| std::fs::read_to_string(dist.join(page)).ok())
        .flat_map(|html| {
            inline_scripts(&html)
                .into_iter()
                .map(script_hash)
                .collect::<Vec<_>>()
        })
        .collect();
    HeaderValue::from_str(&policy_with(&hashes))
        .unwrap_or_else(|_| HeaderValue::from_static(API_POLICY))
}

/// The app's policy: its own files, WebAssembly compilation, the inline scripts with these
/// hashes, and the API on the same origin.
pub fn policy_with(script_hashes: &[String]) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        scripts.push_str(&format!(" '{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the headers: the strict API policy under `/api/`, the app's on its pages and its
/// service worker, no sniffing and no referrer everywhere.
///
/// The policy, framing refusal and opener isolation are sent only where a browser applies
/// them: to documents (the pages, and an API answer opened as one) and to the service worker,
/// which takes its policy from its own script. Style sheets, module scripts and WASM run
/// under the page that loads them, so sending the policy with each of them only made the
/// phone's first visit half a kilobyte a file larger.
pub async fn add(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let policy = if path.starts_with("/api/") {
        Some(HeaderValue::from_static(API_POLICY))
    } else if path == SERVICE_WORKER {
        Some(headers.app_policy())
    } else {
        None
    };
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let set = response.headers_mut();
    if let Some(policy) = policy.or_else(|| is_page.then(|| headers.app_policy())) {
        set.insert(CONTENT_SECURITY_POLICY, policy);
        set.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        set.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    set.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    set.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if headers.hsts {
        set.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// The text of each inline `<script>` (one with no `src`) in a page, exactly as served.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|i| from + i) {
        let Some(open_end) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|i| open_end + i) else {
            break;
        };
        let tag = &lower[start..open_end];
        if !tag.contains(" src=") && !tag.contains("\tsrc=") && !tag.contains("\nsrc=") {
            scripts.push(&html[open_end..close]);
        }
        from = close;
    }
    scripts
}

/// A CSP source expression for a script's text: `sha256-` and its base64 SHA-256.
fn script_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let page = "<html><head><script type=\"module\" src=\"/a.js\"></script>\
            <SCRIPT>alert(1)</SCRIPT></head><body>\n<script type=\"module\">\nimport init from '/app-0123456789abcde.js';\n</script></body></html>";
        let found = inline_scripts(page);
        assert_eq!(
            found,
            [
                "alert(1)",
                "\nimport init from '/app-0123456789abcde.js';\n"
            ]
        );
        // The hash CSP expects for `alert(1)` (as browsers and `openssl dgst -sha256 -binary`
        // compute it).
        assert_eq!(
            script_hash("alert(1)"),
            "sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="
        );
        let policy = policy_with(&[script_hash("alert(1)")]);
        assert!(policy.contains(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        ));
        assert!(!policy.contains("unsafe-inline"));
    }
}
