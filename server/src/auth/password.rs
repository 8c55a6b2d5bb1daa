//! Password hashing with Argon2id (the argon2 crate's defaults: OWASP's recommended cost).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::ApiError;

/// The shortest password accepted for a real (non-demo) account.
pub const MIN_LENGTH: usize = 12;

/// Passwords that must never protect a real account.
const DEFAULT_PASSWORDS: &[&str] = &[
    "password",
    "password123",
    "changeme",
    "stallside",
    "admin",
    "volunteer-demo",
    "coordinator-demo",
    "supervisor-demo",
];

/// Hashes a password for storage.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| ApiError::Internal("no randomness"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| ApiError::Internal("salt"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::Internal("password hashing failed"))
}

/// Whether a password matches a stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Refuses passwords too short or well known for a real account.
pub fn check_strength(password: &str) -> Result<(), ApiError> {
    let lowered = password.to_lowercase();
    if DEFAULT_PASSWORDS.iter().any(|p| lowered.contains(p)) {
        return Err(ApiError::BadRequest(
            "That password is a default or well-known one: choose another".into(),
        ));
    }
    if password.chars().count() < MIN_LENGTH {
        return Err(ApiError::BadRequest(format!(
            "A password must be at least {MIN_LENGTH} characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("changeme").is_err());
        assert!(check_strength("short").is_err());
        assert!(check_strength("Stallside2026!!").is_err());
        assert!(check_strength("tulip-lantern-orbit-42").is_ok());
    }
}
