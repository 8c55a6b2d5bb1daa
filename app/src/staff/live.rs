//! The supervisors' queue, live: follows the server's event stream of flags in their
//! boroughs (`/api/flags/live`, read with `fetch` so the token travels in a header, not the
//! address), reconnecting after a drop, and sounds a short tone for an urgent one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use stallside_shared::api::LiveFlag;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::sync::sleep;

/// Time to wait before reconnecting after the stream drops.
const RECONNECT_MS: u64 = 5_000;

/// Follows the stream while `alive` holds, calling `on_flag` for each flag announced.
pub fn follow(alive: Arc<AtomicBool>, token: String, on_flag: impl Fn(LiveFlag) + 'static) {
    leptos::task::spawn_local(async move {
        while alive.load(Ordering::Relaxed) {
            match api::open_stream("/api/flags/live", &token).await {
                Ok(response) => read_events(response, &alive, &on_flag).await,
                Err(ApiError::SignedOut) => return,
                Err(_) => {}
            }
            if alive.load(Ordering::Relaxed) {
                sleep(RECONNECT_MS).await;
            }
        }
    });
}

/// Reads the stream until it ends, fails or is no longer wanted.
async fn read_events(
    response: web_sys::Response,
    alive: &Arc<AtomicBool>,
    on_flag: &impl Fn(LiveFlag),
) {
    let Some(reader) = response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .ok()
    }) else {
        return;
    };
    let mut buffer = String::new();
    while alive.load(Ordering::Relaxed) {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            return;
        };
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return;
        }
        if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
        for flag in take_flags(&mut buffer) {
            on_flag(flag);
        }
    }
    let _ = reader.cancel();
}

/// Takes the complete events off the front of `buffer` and returns the flags among them; an
/// event cut off mid-way stays for the next chunk.
pub fn take_flags(buffer: &mut String) -> Vec<LiveFlag> {
    let mut flags = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let event: String = buffer.drain(..end + 2).collect();
        let mut kind = "message";
        let mut data = String::new();
        for line in event.lines() {
            if let Some(value) = line.strip_prefix("event:") {
                kind = value.trim();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push_str(value.trim());
            }
        }
        if kind == "flag" {
            if let Ok(flag) = serde_json::from_str(&data) {
                flags.push(flag);
            }
        }
    }
    flags
}

/// A short two-note tone, where the browser allows sound.
pub fn chime() {
    let Ok(audio) = web_sys::AudioContext::new() else {
        return;
    };
    let now = audio.current_time();
    for (i, pitch) in [880.0_f32, 660.0].into_iter().enumerate() {
        let (Ok(tone), Ok(volume)) = (audio.create_oscillator(), audio.create_gain()) else {
            return;
        };
        tone.frequency().set_value(pitch);
        volume.gain().set_value(0.2);
        let start = now + i as f64 * 0.25;
        if tone.connect_with_audio_node(&volume).is_ok()
            && volume.connect_with_audio_node(&audio.destination()).is_ok()
        {
            let _ = tone.start_with_when(start);
            let _ = tone.stop_with_when(start + 0.2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::take_flags;
    use stallside_shared::triage::Band;

    #[test]
    fn events_are_read_whole_across_chunks() {
        let mut buffer = String::from(": keep-alive\n\nevent: flag\ndata: {\"id\":\"a\",\"band\":\"emergency\"}\n\nevent: flag\ndata: {\"id\":\"b\"");
        let flags = take_flags(&mut buffer);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].id, "a");
        assert_eq!(flags[0].band, Band::Emergency);
        buffer.push_str(",\"band\":\"stage2\"}\n\n");
        let flags = take_flags(&mut buffer);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].band, Band::Stage2);
        assert!(buffer.is_empty());
    }
}
