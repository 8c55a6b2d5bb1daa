//! Browser hardening headers on every response: a Content-Security-Policy that lets the
//! Trunk-built WASM app run and nothing else, no MIME sniffing, no referrer, no framing.
//!
//! Trunk starts each app with an inline `<script type="module">` that imports the hashed
//! loader, and the phone app's page registers its service worker inline. Their text changes
//! with every build (it names the hashed files), so the policy allows exactly the inline
//! scripts of the build being served: their SHA-256 hashes are read from the built pages at
//! start. Any other inline script, `eval`, plug-in, foreign origin or framing page is refused.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    HeaderName, HeaderValue, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for API answers: JSON and CSV that no browser should run or frame.
pub const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The built pages whose inline scripts the policy allows, relative to the dist folder.
const PAGES: &[&str] = &["index.html", "staff/index.html"];

/// The headers, made once at start from the build being served.
#[derive(Clone)]
pub struct SecurityHeaders {
    app_policy: HeaderValue,
}

impl SecurityHeaders {
    /// Reads the built pages in `dist` and allows their inline scripts by hash. Pages that are
    /// missing (a server run without a build) add nothing.
    pub fn from_dist(dist: &Path) -> Self {
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
        let policy = app_policy(&hashes);
        SecurityHeaders {
            app_policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static(API_POLICY)),
        }
    }
}

/// The app's policy: its own files, WebAssembly compilation, the inline scripts with these
/// hashes, and the API on the same origin.
pub fn app_policy(script_hashes: &[String]) -> String {
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

/// Adds the headers: the strict API policy under `/api/`, the app's elsewhere.
pub async fn add(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let policy = if request.uri().path().starts_with("/api/") {
        HeaderValue::from_static(API_POLICY)
    } else {
        headers.app_policy.clone()
    };
    let mut response = next.run(request).await;
    let set = response.headers_mut();
    set.insert(CONTENT_SECURITY_POLICY, policy);
    set.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    set.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    set.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    set.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
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
        let policy = app_policy(&[script_hash("alert(1)")]);
        assert!(policy.contains(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        ));
        assert!(!policy.contains("unsafe-inline"));
    }
}
