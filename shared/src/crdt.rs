//! A check record as an Automerge document, and who may change which part of it.
//!
//! One document per check. The volunteer creates it with all three parts in place; after that
//! each role writes only its own part (see [`Role::part`]), so concurrent edits by different
//! roles touch different maps and merge without conflict, while concurrent edits to one field
//! resolve deterministically with the loser kept in history.
//!
//! Every change carries its author's actor id (one per device, bound to a user by the server)
//! and a wall-clock time in seconds, so the history is an audit trail. Time comes from the
//! caller: this module has no clock (see [`crate::clock`] for the one the edges use).

use std::collections::BTreeSet;

use automerge::transaction::CommitOptions;
use automerge::{AutoCommit, Change, ChangeHash, PatchAction, Prop, ROOT};
use autosurgeon::hydrate_prop;
use serde::Serialize;

use crate::layout::{self, LayoutError};
use thiserror::Error;

use crate::record::{CheckPart, CheckRecord, FollowUpPart, ReviewPart, SCHEMA_VERSION};
use crate::sync::chunk::{self, Shape};

pub use automerge::ActorId;

#[cfg(not(target_arch = "wasm32"))]
mod reader;

vocab! {
    /// The roles of people who use Stallside.
    Role {
        Volunteer = "volunteer" => "Volunteer",
        Coordinator = "coordinator" => "Coordinator",
        Supervisor = "supervisor" => "Supervisor",
    }
}

vocab! {
    /// The parts of a record; each belongs to one role.
    Part {
        Check = "check" => "Check",
        Review = "review" => "Review",
        FollowUp = "follow_up" => "Follow-up",
    }
}

impl Role {
    /// The one part of a record this role may write.
    pub fn part(self) -> Part {
        match self {
            Role::Volunteer => Part::Check,
            Role::Coordinator => Part::Review,
            Role::Supervisor => Part::FollowUp,
        }
    }
}

/// What a change touched: a role's part, or the envelope (`schema`, `id`, or anything else at
/// the top level), which only the creating change may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Touched {
    /// A part owned by a role.
    Part(Part),
    /// The top level outside the parts.
    Envelope,
}

/// Why a document could not be read or written.
#[derive(Debug, Error)]
pub enum DocError {
    /// The bytes are not an Automerge document or changes.
    #[error("the record is not a valid document: {0}")]
    Decode(#[from] automerge::AutomergeError),
    /// The document does not have the shape of a check record.
    #[error("the record does not have the shape of a check: {0}")]
    Shape(#[from] autosurgeon::HydrateError),
    /// The document's values do not make a check record (read natively; the phone's
    /// autosurgeon reports [`DocError::Shape`]).
    #[cfg(not(target_arch = "wasm32"))]
    #[error("the record does not have the shape of a check: {0}")]
    Layout(#[from] reader::ReadError),
    /// Writing the record into the document failed.
    #[error("the record could not be written: {0}")]
    Write(#[from] LayoutError),
    /// A layout version this code does not know.
    #[error("the record has layout version {0}, this version of Stallside knows {SCHEMA_VERSION}")]
    UnknownSchema(u64),
    /// Pushed bytes that are neither a run of Automerge change chunks nor a saved document (a
    /// bundle, or junk).
    #[error("the record's changes are not in the format phones send")]
    NotChanges,
    /// Pushed bytes whose chunk or column headers do not read, or that hold something phones
    /// never send (a deflated column or chunk, a bundle).
    #[error("the record's bytes are not in the format phones send: {0}")]
    Chunk(#[from] crate::sync::chunk::ChunkError),
    /// A change chunk that does not decode.
    #[error("a change does not decode: {0}")]
    Change(#[from] automerge::LoadChangeError),
    /// A key the record's layout does not have: the schema is closed, so nothing (a note, a
    /// number, an identifier) can ride along in the document's history for ever.
    #[error("the record has a field Stallside does not know: {0}")]
    UnknownField(String),
    /// A main language code that is not on the closed list: from a phone newer or older than
    /// this server, or crafted. Named apart from a malformed record so the volunteer and the
    /// coordinator see exactly which answer to change.
    #[error("the person's main language \"{0}\" is not on Stallside's list of languages: choose it again from the list")]
    UnknownLanguage(String),
}

/// Who makes a change and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMeta {
    /// The device's actor id.
    pub actor: ActorId,
    /// Wall-clock time, seconds since the Unix epoch.
    pub time_secs: i64,
}

/// One change in a record's history as people read it: who (by actor id), when, which fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldEdit {
    /// The author's actor id (bound on the server to a user and device).
    pub actor: ActorId,
    /// Seconds since the Unix epoch, as the author's device said.
    pub time_secs: i64,
    /// "part.field" names changed, or "created".
    pub fields: BTreeSet<String>,
}

/// One change in a document's history: who made it, when, and what it touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The change's hash.
    pub hash: ChangeHash,
    /// The author's actor id.
    pub actor: ActorId,
    /// Seconds since the Unix epoch, as the author's device said.
    pub time_secs: i64,
    /// What the change touched.
    pub touched: BTreeSet<Touched>,
    /// Whether the change has no dependencies, i.e. created the document.
    pub is_root: bool,
}

/// A check record's Automerge document.
#[derive(Debug, Clone)]
pub struct RecordDoc {
    doc: AutoCommit,
}

impl RecordDoc {
    /// Creates the document of a new record in one change by the volunteer.
    pub fn create(record: &CheckRecord, meta: &ChangeMeta) -> Result<Self, DocError> {
        let mut doc = AutoCommit::new();
        doc.set_actor(meta.actor.clone());
        layout::put_fields(&mut doc, record)?;
        doc.commit_with(CommitOptions::default().with_time(meta.time_secs));
        Ok(RecordDoc { doc })
    }

    /// A document with no history, for applying a first push or pull to.
    pub fn empty() -> Self {
        RecordDoc {
            doc: AutoCommit::new(),
        }
    }

    /// Loads a document saved by [`RecordDoc::save`] (or a concatenation of changes).
    pub fn load(bytes: &[u8]) -> Result<Self, DocError> {
        Ok(RecordDoc {
            doc: AutoCommit::load(bytes)?,
        })
    }

    /// The record the document holds now, after checking its layout version.
    ///
    /// Read natively straight from the document through serde rather than autosurgeon's
    /// `Hydrate`: the server reads every pushed document, and serde over Automerge's own
    /// hydrated tree already measured three times faster for a check record (reading without
    /// the tree is a third faster again). Writes go through [`crate::layout`], and the
    /// property tests hold the readers and the writer to the same layout.
    pub fn record(&self) -> Result<CheckRecord, DocError> {
        let schema: u64 = hydrate_prop(&self.doc, ROOT, "schema")?;
        if schema != SCHEMA_VERSION {
            return Err(DocError::UnknownSchema(schema));
        }
        read_record(&self.doc)
    }

    /// The volunteer's correction of the check part.
    pub fn write_check(&mut self, check: &CheckPart, meta: &ChangeMeta) -> Result<(), DocError> {
        self.write_part(Part::Check, check, meta)
    }

    /// The coordinator's review.
    pub fn write_review(&mut self, review: &ReviewPart, meta: &ChangeMeta) -> Result<(), DocError> {
        self.write_part(Part::Review, review, meta)
    }

    /// The supervisor's follow-up.
    pub fn write_follow_up(
        &mut self,
        follow_up: &FollowUpPart,
        meta: &ChangeMeta,
    ) -> Result<(), DocError> {
        self.write_part(Part::FollowUp, follow_up, meta)
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The whole document with its columns left uncompressed, as phones and the server store
    /// it. A check's columns are mostly under the size Automerge would deflate anyway; never
    /// calling the deflate encoder keeps it out of the phone's download (about 14 KB brotli),
    /// spares the server a fifth of judging a new check, and the document loads faster (no
    /// inflating). It is about a quarter larger, and the HTTP layer gzips it on its way to a
    /// phone. Compressed documents (stored before) still load.
    pub fn save_uncompressed(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    /// The current heads: what a peer acknowledges having.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The changes a peer that has `heads` is missing, encoded for the wire.
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    /// What a peer that has `heads` needs, for a push: everything after them, and for a peer
    /// that has nothing the whole document, saved uncompressed. A new record is most of what a
    /// phone pushes, and Automerge rebuilds changes from its op set while it writes a saved
    /// document straight from it: measured per check, saving takes a sixth of the time of
    /// rebuilding the changes on the phone, and the server loads a saved document in half the
    /// time it takes to apply the same changes.
    pub fn to_push(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        if heads.is_empty() {
            self.save_uncompressed()
        } else {
            self.changes_since(heads)
        }
    }

    /// Applies changes from [`RecordDoc::changes_since`] (or a whole saved document).
    /// Applying changes the document already has changes nothing.
    pub fn apply(&mut self, bytes: &[u8]) -> Result<(), DocError> {
        self.doc.load_incremental(bytes)?;
        Ok(())
    }

    /// Applies changes already decoded by [`decode_changes`] (and so already counted).
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<(), DocError> {
        self.doc.apply_changes(changes)?;
        Ok(())
    }

    /// Merges another replica's changes into this one.
    pub fn merge(&mut self, other: &mut RecordDoc) -> Result<(), DocError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// Whether the document holds the change with this hash (hex).
    pub fn has_change(&mut self, hash_hex: &str) -> bool {
        hash_hex
            .parse::<ChangeHash>()
            .is_ok_and(|hash| self.doc.get_change_meta_by_hash(&hash).is_some())
    }

    /// How many changes are not ancestors of `heads`.
    pub fn change_count_since(&mut self, heads: &[ChangeHash]) -> usize {
        self.doc.get_changes_meta(heads).len()
    }

    /// How many operations the whole history holds: what every later merge of this record
    /// pays for.
    pub fn op_count(&mut self) -> usize {
        self.doc
            .get_changes_meta(&[])
            .iter()
            .map(|c| (c.max_op + 1).saturating_sub(c.start_op) as usize)
            .sum()
    }

    /// Whether the document has changes it depends on but does not hold.
    pub fn is_missing_changes(&mut self) -> bool {
        !self.doc.get_missing_deps(&[]).is_empty()
    }

    /// Every change after `heads`, in causal order, with what each touched. The server uses
    /// this to check who changed what; each change is judged by its own effect on the state it
    /// was made on, so a concurrent winner elsewhere cannot hide what it did.
    ///
    /// Reads the changes' metadata only: rebuilding whole changes from the op set was about an
    /// eighth of judging a new check in the server's profile.
    pub fn edits_since(&mut self, heads: &[ChangeHash]) -> Vec<Edit> {
        let changes: Vec<(ChangeHash, Vec<ChangeHash>, ActorId, i64)> = self
            .doc
            .get_changes_meta(heads)
            .into_iter()
            .map(|meta| {
                (
                    meta.hash,
                    meta.deps,
                    meta.actor.into_owned(),
                    meta.timestamp,
                )
            })
            .collect();
        changes
            .into_iter()
            .map(|(hash, deps, actor, time_secs)| {
                let is_root = deps.is_empty();
                // A root change creates the document, so it touches everything; no need to diff.
                let touched = if is_root {
                    Part::ALL
                        .iter()
                        .map(|p| Touched::Part(*p))
                        .chain([Touched::Envelope])
                        .collect()
                } else {
                    let patches = self.doc.diff(&deps, &[hash]);
                    patches.iter().map(touched_by).collect()
                };
                Edit {
                    hash,
                    actor,
                    time_secs,
                    touched,
                    is_root,
                }
            })
            .collect()
    }

    /// Every change in the document's history, oldest first, with the fields it changed
    /// ("check.readings", "follow_up.attempts"; "created" for the change that made the
    /// record): who changed what is read from the history itself, which every edit is bound to.
    pub fn field_history(&mut self) -> Vec<FieldEdit> {
        let changes = self.doc.get_changes(&[]);
        changes
            .iter()
            .map(|change| {
                let fields = if change.deps().is_empty() {
                    BTreeSet::from(["created".to_owned()])
                } else {
                    let after = [change.hash()];
                    let patches = self.doc.diff(change.deps(), &after);
                    patches.iter().filter_map(field_of).collect()
                };
                FieldEdit {
                    actor: change.actor_id().clone(),
                    time_secs: change.timestamp(),
                    fields,
                }
            })
            .collect()
    }

    /// The actor of the change that added each contact attempt, in the attempts' order:
    /// attempts carry no author (the document would keep one that was forged), so who made
    /// each is read from the change history, which the server binds to real users. `None`
    /// for all when the history does not account for the list as it stands.
    pub fn attempt_actors(&mut self) -> Vec<Option<ActorId>> {
        let mut actors: Vec<Option<ActorId>> = Vec::new();
        let changes = self.doc.get_changes(&[]);
        for change in changes.iter().filter(|c| !c.deps().is_empty()) {
            for patch in self.doc.diff(change.deps(), &[change.hash()]) {
                let on_attempts = patch.path.len() == 2
                    && field_of(&patch).as_deref() == Some("follow_up.attempts");
                match patch.action {
                    PatchAction::Insert { index, values, .. } if on_attempts => {
                        let at = index.min(actors.len());
                        let added =
                            std::iter::repeat_n(Some(change.actor_id().clone()), values.len());
                        actors.splice(at..at, added);
                    }
                    PatchAction::DeleteSeq { index, length } if on_attempts => {
                        let end = (index + length).min(actors.len());
                        actors.drain(index.min(end)..end);
                    }
                    _ => {}
                }
            }
        }
        let held = self.record().map_or(0, |r| r.follow_up.attempts.len());
        if actors.len() == held {
            actors
        } else {
            vec![None; held]
        }
    }

    fn write_part<T: Serialize>(
        &mut self,
        part: Part,
        value: &T,
        meta: &ChangeMeta,
    ) -> Result<(), DocError> {
        self.doc.commit();
        self.doc.set_actor(meta.actor.clone());
        layout::put_field(&mut self.doc, part.code(), value)?;
        self.doc
            .commit_with(CommitOptions::default().with_time(meta.time_secs));
        Ok(())
    }
}

/// What one pushed record carries, decoded: the changes after what the server acknowledged,
/// or, for a record it never acknowledged, the whole saved document ([`RecordDoc::to_push`]).
pub enum Pushed {
    /// Change chunks, not applied yet.
    Changes(Vec<Change>),
    /// A saved document, loaded on its own (boxed: an Automerge document is kilobytes).
    Document(Box<RecordDoc>),
}

impl Pushed {
    /// Decodes pushed bytes whose [`Shape`] the caller has read and held to its budget (what
    /// decoding costs grows with the operations the shape counts): a run of change chunks, or
    /// a saved document (with any change chunks after it) as [`RecordDoc::to_push`] makes it.
    pub fn decode(bytes: &[u8], shape: &Shape) -> Result<Self, DocError> {
        if shape.document_chunks > 0 {
            Ok(Pushed::Document(Box::new(RecordDoc::load(bytes)?)))
        } else {
            decode_changes(bytes).map(Pushed::Changes)
        }
    }

    /// The document it makes on top of `stored` (none, for a new record).
    pub fn onto(self, stored: Option<RecordDoc>) -> Result<RecordDoc, DocError> {
        match (stored, self) {
            (None, Pushed::Document(doc)) => Ok(*doc),
            (stored, Pushed::Changes(changes)) => {
                let mut doc = stored.unwrap_or_else(RecordDoc::empty);
                doc.apply_changes(changes)?;
                Ok(doc)
            }
            (Some(mut doc), Pushed::Document(mut pushed)) => {
                doc.merge(&mut pushed)?;
                Ok(doc)
            }
        }
    }
}

/// Decodes pushed bytes as the run of change chunks that [`RecordDoc::changes_since`] makes,
/// without applying them, so the caller can count their operations against a budget before
/// paying for the merge. Anything else (a whole document, a bundle, a truncated chunk) is
/// refused.
pub fn decode_changes(bytes: &[u8]) -> Result<Vec<Change>, DocError> {
    let chunks = chunk::change_chunks(bytes).ok_or(DocError::NotChanges)?;
    chunks
        .into_iter()
        .map(|chunk| Ok(Change::try_from(chunk)?))
        .collect()
}

/// Reads the record natively straight from the document (the fast path the server needs),
/// refusing any key the layout does not have (see [`reader`]).
#[cfg(not(target_arch = "wasm32"))]
fn read_record(doc: &AutoCommit) -> Result<CheckRecord, DocError> {
    if let Some(code) = unknown_language(doc) {
        return Err(DocError::UnknownLanguage(code));
    }
    reader::read(doc)
}

/// The main language the document holds, when it is not a code of [`Language`] (a value of
/// another type is left to the reader, which refuses it as the wrong shape).
///
/// [`Language`]: crate::record::Language
#[cfg(not(target_arch = "wasm32"))]
fn unknown_language(doc: &AutoCommit) -> Option<String> {
    let code = reader::text_at(doc, &["check"], "main_language")?;
    crate::record::Language::from_code(&code)
        .is_none()
        .then(|| code.chars().take(40).collect())
}

/// Reads the record on the phone through autosurgeon: the phone reads one record at a time,
/// and this keeps a second deserialiser out of the download.
#[cfg(target_arch = "wasm32")]
fn read_record(doc: &AutoCommit) -> Result<CheckRecord, DocError> {
    Ok(autosurgeon::hydrate(doc)?)
}

/// "part.field" for a patch: the record's part and the field in it the patch changed.
fn field_of(patch: &automerge::Patch) -> Option<String> {
    let key = |prop: &Prop| match prop {
        Prop::Map(key) => Some(key.to_string()),
        Prop::Seq(_) => None,
    };
    let action_key = match &patch.action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.to_string()),
        _ => None,
    };
    let mut path = patch.path.iter().map(|(_, prop)| key(prop));
    match (path.next(), path.next()) {
        (Some(Some(part)), Some(Some(field))) => Some(format!("{part}.{field}")),
        (Some(Some(part)), None) => Some(match action_key {
            Some(field) => format!("{part}.{field}"),
            None => part,
        }),
        (None, _) => action_key,
        _ => None,
    }
}

/// The top-level key a patch is under: the part it touched, or the envelope.
fn touched_by(patch: &automerge::Patch) -> Touched {
    let key = match patch.path.first() {
        Some((_, Prop::Map(key))) => Some(key.as_str()),
        Some((_, Prop::Seq(_))) => None,
        None => match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.as_str()),
            _ => None,
        },
    };
    key.and_then(Part::from_code)
        .map_or(Touched::Envelope, Touched::Part)
}
