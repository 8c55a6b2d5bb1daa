//! Session tokens: 256 random bits given to the device once, stored only as a SHA-256 hash,
//! so a copy of the database does not let anyone sign in.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// A new random token, URL-safe base64.
pub fn new_token() -> Result<String, ApiError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// The hash stored for a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A random password for an invited account, shown to the coordinator once.
pub fn new_password() -> Result<String, ApiError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<12>()?))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::Internal("no randomness"))?;
    Ok(bytes)
}
