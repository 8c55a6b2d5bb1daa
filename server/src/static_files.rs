//! The app's files: Trunk's build, served with precompressed copies and cache headers that
//! let a phone keep hashed assets for good and always revalidate the page and service worker.

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL};
use axum::middleware::Next;
use axum::response::Response;

/// Sets Cache-Control by path: hashed assets are immutable, API answers (which may hold
/// personal data) are never stored, everything else revalidates.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let value = if path.starts_with("/api/") {
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Trunk's hashed file names: `name-0123456789abcdef.js`, `..._bg.wasm`, `.css`.
fn is_hashed_asset(path: &str) -> bool {
    let Some((stem, _)) = path.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/stallside-app-310cadf4611e4a5f_bg.wasm"));
        assert!(is_hashed_asset("/stallside-app-310cadf4611e4a5f.js"));
        assert!(is_hashed_asset("/nhsuk-frontend.min-ad02698e089ca590.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/api/sync"));
    }
}
