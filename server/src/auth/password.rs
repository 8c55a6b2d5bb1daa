//! Password hashing with Argon2id (the argon2 crate's defaults: OWASP's recommended cost).

use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{mpsc, oneshot};

use crate::error::ApiError;

/// Threads that check sign-in passwords, each with its own 19 MiB of Argon2 memory: a few
/// fixed threads (not the runtime's blocking pool of hundreds) keep a burst of sign-ins,
/// hostile or not, to a fixed amount of memory, and two use both cores of a small host.
pub const CHECK_THREADS: usize = 2;
/// Checks waiting for a thread; more wait in their handlers, holding nothing.
const QUEUE: usize = 64;

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

/// Whether a password matches a stored Argon2 hash, computed in `memory` (grown to the hash's
/// cost once, then reused, so a checking thread holds one 19 MiB buffer rather than leaving
/// a freed one behind in the allocator after every sign-in). The comparison is the
/// constant-time one of the `password-hash` crate's `Output`.
pub fn verify(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version.unwrap_or_default(), params)
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            &mut memory[..blocks],
        )
        .is_ok()
        && Output::new(&computed).is_ok_and(|computed| computed == expected)
}

/// Checks sign-in passwords in constant work: an unknown or disabled account is checked
/// against a dummy hash with the same parameters, so the time taken does not tell an attacker
/// which usernames exist.
pub struct Verifier {
    jobs: mpsc::Sender<Job>,
}

/// One check: the password, the stored hash (none for an unknown account), and where to
/// answer.
struct Job {
    password: String,
    stored: Option<String>,
    answer: oneshot::Sender<bool>,
}

impl Verifier {
    /// Makes the dummy hash (one Argon2 run, at start, so no sign-in pays for it) and starts
    /// the [`CHECK_THREADS`] checking threads.
    pub fn new() -> Result<Self, ApiError> {
        let dummy: Arc<str> = hash(&super::token::new_password()?)?.into();
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..CHECK_THREADS {
            let (queue, dummy) = (Arc::clone(&queue), Arc::clone(&dummy));
            std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || check_loop(&queue, &dummy))
                .map_err(|_| ApiError::Internal("cannot start password checks"))?;
        }
        Ok(Verifier { jobs })
    }

    /// Whether `password` matches `stored`; with no stored hash, runs the same check against
    /// the dummy and answers `false`.
    pub async fn check(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            password,
            stored,
            answer,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::Internal("password checks stopped"))?;
        answered
            .await
            .map_err(|_| ApiError::Internal("password check failed"))
    }
}

/// One checking thread: takes jobs until the server stops.
fn check_loop(queue: &Mutex<mpsc::Receiver<Job>>, dummy: &str) {
    let mut memory = Vec::new();
    loop {
        let job = queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .blocking_recv();
        let Some(job) = job else {
            return;
        };
        let matches = match &job.stored {
            Some(stored) => verify(&job.password, stored, &mut memory),
            None => {
                std::hint::black_box(verify(&job.password, dummy, &mut memory));
                false
            }
        };
        let _ = job.answer.send(matches);
    }
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
        let mut memory = Vec::new();
        assert!(verify("correct horse battery", &a, &mut memory));
        assert!(!verify("wrong horse battery", &a, &mut memory));
        assert!(!verify("anything", "not a hash", &mut memory));
        assert!(
            verify("correct horse battery", &b, &mut memory),
            "memory reused"
        );
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("changeme").is_err());
        assert!(check_strength("short").is_err());
        assert!(check_strength("Stallside2026!!").is_err());
        assert!(check_strength("tulip-lantern-orbit-42").is_ok());
    }
}
