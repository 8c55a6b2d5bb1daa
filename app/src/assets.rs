//! Static files the phone fetches after its first download (the postcode table, the person's
//! languages); the service worker keeps them for offline use once fetched.

use wasm_bindgen::JsCast;

/// The text of a file served with the app; `None` when it cannot be had (offline and never
/// fetched, or the server refused).
pub async fn fetch_text(path: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path))
        .await
        .ok()?
        .dyn_into::<web_sys::Response>()
        .ok()?;
    if !response.ok() {
        return None;
    }
    wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}
