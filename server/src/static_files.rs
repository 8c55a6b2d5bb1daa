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

/// The shortest hash taken as Trunk's. Trunk 0.21 names the app's `.js` and `_bg.wasm` with
/// its 64-bit hash in lower-case hex without leading zeros (`{hash:x}`), so 15 digits in one
/// build of 16, 14 in one of 256, and so on; CSS and other assets get 16, zero-padded. Fewer
/// than 8 digits happens once in four billion builds, and a floor keeps names like
/// `icon-192.png` out.
const MIN_HASH_DIGITS: usize = 8;

/// Trunk's hashed file names: `name-0123456789abcdef.js`, `..._bg.wasm`, `.css`, with 8 to
/// 16 lower-case hex digits.
fn is_hashed_asset(path: &str) -> bool {
    let Some((stem, _)) = path.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (MIN_HASH_DIGITS..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/stallside-app-310cadf4611e4a5f_bg.wasm"));
        assert!(is_hashed_asset("/stallside-app-310cadf4611e4a5f.js"));
        assert!(is_hashed_asset("/nhsuk-frontend.min-ad02698e089ca590.css"));
        assert!(
            is_hashed_asset("/stallside-app-10cadf4611e4a5f_bg.wasm"),
            "15 digits"
        );
        assert!(
            is_hashed_asset("/stallside-app-10cadf4611e4a5f.js"),
            "15 digits"
        );
        assert!(is_hashed_asset(
            "/staff/stallside-staff-cadf4611e4a5f_bg.wasm"
        ));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(
            !is_hashed_asset("/stallside-app-310cadf4611e4a5f0.js"),
            "17 digits"
        );
        assert!(
            !is_hashed_asset("/stallside-app-310CADF4611E4A5F.js"),
            "not Trunk's case"
        );
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/api/sync"));
    }
}
