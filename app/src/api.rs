//! Calls to the Stallside server with the browser's `fetch`.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// How long a call may take before it counts as no connection.
const TIMEOUT_MS: i32 = 30_000;

/// Why a call to the server failed.
#[derive(Debug, Clone, Error)]
pub enum ApiError {
    /// No connection (offline, server down, or cut mid-way).
    #[error("No connection to the server")]
    Offline,
    /// The session ended: sign in again.
    #[error("Your session has ended: sign in again")]
    SignedOut,
    /// The server refused, with its message.
    #[error("{0}")]
    Refused(String),
    /// The answer could not be read.
    #[error("The server's answer could not be read")]
    Garbled,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// POSTs JSON and reads JSON back.
pub async fn post<B: Serialize, R: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, ApiError> {
    with_json("POST", path, token, body).await
}

/// PUTs JSON (a replacement: the programme settings, an event's plan) and reads JSON back.
pub async fn put<B: Serialize, R: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, ApiError> {
    with_json("PUT", path, token, body).await
}

async fn with_json<B: Serialize, R: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::Garbled)?;
    let response = send(method, path, token, Some(&text)).await?;
    read(response).await
}

/// GETs JSON.
pub async fn get<R: DeserializeOwned>(path: &str, token: Option<&str>) -> Result<R, ApiError> {
    let response = send("GET", path, token, None).await?;
    read(response).await
}

/// POSTs JSON and expects no body back (204).
pub async fn post_empty<B: Serialize>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<(), ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::Garbled)?;
    let response = send("POST", path, token, Some(&text)).await?;
    match response.status() {
        200..=299 => Ok(()),
        _ => read::<IgnoredAny>(response).await.map(|_| ()),
    }
}

/// DELETEs a resource (204 expected).
pub async fn delete(path: &str, token: Option<&str>) -> Result<(), ApiError> {
    let response = send("DELETE", path, token, None).await?;
    match response.status() {
        200..=299 => Ok(()),
        _ => read::<IgnoredAny>(response).await.map(|_| ()),
    }
}

/// GETs a file (a CSV export) and hands it to the browser as a download, under the name the
/// server gives it (its table and the day), so the name is decided in one place.
pub async fn download(path: &str, token: &str) -> Result<(), ApiError> {
    let response = send("GET", path, Some(token), None).await?;
    if !response.ok() {
        return read::<IgnoredAny>(response).await.map(|_| ());
    }
    let filename = response
        .headers()
        .get("content-disposition")
        .ok()
        .flatten()
        .and_then(|d| {
            d.split_once("filename=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(name, _)| name.to_owned())
        })
        .unwrap_or_else(|| "stallside.csv".to_owned());
    let blob = JsFuture::from(response.blob().map_err(|_| ApiError::Garbled)?)
        .await
        .map_err(|_| ApiError::Offline)?
        .dyn_into::<web_sys::Blob>()
        .map_err(|_| ApiError::Garbled)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::Garbled)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(ApiError::Garbled)?;
    let link = document
        .create_element("a")
        .map_err(|_| ApiError::Garbled)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| ApiError::Garbled)?;
    link.set_href(&url);
    link.set_download(&filename);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Opens a long-lived GET (a server-sent event stream) and hands back the response once the
/// server has answered, for the caller to read as it arrives.
pub async fn open_stream(path: &str, token: &str) -> Result<Response, ApiError> {
    let response = send("GET", path, Some(token), None).await?;
    if response.ok() {
        Ok(response)
    } else {
        read::<IgnoredAny>(response)
            .await
            .and(Err(ApiError::Garbled))
    }
}

async fn send(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<Response, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    // A stalled connection must not stall sync: give up after 30 s, then the loop retries.
    let abort = web_sys::AbortController::new().map_err(|_| ApiError::Garbled)?;
    init.set_signal(Some(&abort.signal()));
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Garbled)?;
    let headers = request.headers();
    let _ = headers.set("content-type", "application/json");
    if let Some(token) = token {
        let _ = headers.set("authorization", &format!("Bearer {token}"));
    }
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let timeout = wasm_bindgen::closure::Closure::once(move || abort.abort());
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            timeout.as_ref().unchecked_ref(),
            TIMEOUT_MS,
        )
        .ok();
    let response = JsFuture::from(window.fetch_with_request(&request)).await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    drop(timeout);
    let response = response.map_err(|_| ApiError::Offline)?;
    response
        .dyn_into::<Response>()
        .map_err(|_| ApiError::Garbled)
}

async fn read<R: DeserializeOwned>(response: Response) -> Result<R, ApiError> {
    let text = answer_text(response).await?;
    serde_json::from_str(&text).map_err(|_| ApiError::Garbled)
}

/// A successful answer's text, or the server's refusal as an error: compiled once, not once
/// for every type [`read`] is asked for (the phone's download pays for each copy).
async fn answer_text(response: Response) -> Result<String, ApiError> {
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(|_| ApiError::Garbled)?)
        .await
        .map_err(|_| ApiError::Offline)?
        .as_string()
        .unwrap_or_default();
    match status {
        200..=299 => Ok(text),
        401 => Err(ApiError::SignedOut),
        _ => Err(ApiError::Refused(
            serde_json::from_str::<ErrorBody>(&text)
                .map(|b| b.message)
                .unwrap_or_else(|_| format!("The server answered {status}")),
        )),
    }
}
