//! What pushed Automerge bytes would cost to load, read without loading them.
//!
//! Automerge stores operations in columns that are run-length encoded, so a chunk of a hundred
//! bytes can claim a million operations (or 2^64), and Automerge walks every one of them while
//! it verifies a change or loads a document, before anyone can count them. [`shape`] reads
//! only the chunk headers and the run headers of each column and sums the counts the runs
//! claim, so the server can refuse a bomb in time linear in its length, never in its claims.
//!
//! The format is Automerge's binary format as automerge 0.12 reads it
//! (`automerge/src/storage/` and `columnar/encoding/`, hexane for documents): each chunk is
//! the magic bytes `85 6f 4a 83`, a 4-byte checksum, a type byte (0 document, 1 change,
//! 2 deflated change, 3 bundle) and the body's length as unsigned LEB128. A change body holds
//! its header fields, then its op columns' metadata (column spec and byte length, as LEB128),
//! then the columns. A document body holds its actors and heads, the metadata of its
//! change-metadata columns and of its op columns, then both blocks of column data. A column
//! spec is `id << 4 | deflate (0b1000) | type (low 3 bits)`. Anything deflated is refused
//! outright: phones never send it, and inflating it is the bomb this module exists to avoid.
//! The checksum is not verified here; Automerge verifies it when it loads.

use thiserror::Error;

/// The magic bytes every Automerge chunk starts with.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The length of a change hash (a dependency or a head).
const HASH_LEN: u64 = 32;
/// The deflate bit of a column spec.
const DEFLATE_BIT: u32 = 0b1000;

/// What a pushed byte string would cost to load, read from its chunk headers and column run
/// lengths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// How many change chunks it holds.
    pub change_chunks: usize,
    /// How many document chunks (whole saved documents) it holds.
    pub document_chunks: usize,
    /// How many changes it holds: one per change chunk, and for a document chunk the largest
    /// entry count of its change-metadata columns. That is its number of changes, or its total
    /// number of dependencies where merges make that larger: loading walks both.
    pub changes: u64,
    /// An upper bound on the operation rows loading it walks: for each chunk, the largest
    /// entry count of any of its encoded op columns (every column but raw value bytes),
    /// counting a group column's claimed total of grouped entries too, summed over chunks and
    /// saturating at `u64::MAX`. For a real change chunk that is max(`Change::len()`, its
    /// total preds); for a real document, max(its ops other than deletes, its total succs),
    /// as a document stores a delete only as a succ of what it deleted.
    pub op_rows: u64,
    /// How many actor ids its chunks list: a change's author and the other actors its ops
    /// name, a document's actor list. Loading a document removes every listed actor no change
    /// uses, one at a time and rescanning the list each time, so a long list of unused ids (a
    /// byte each) costs time quadratic in its length.
    pub actors: u64,
}

/// Why bytes are refused before Automerge sees them. `offset` is where the chunk starts in
/// the pushed bytes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChunkError {
    /// The bytes at `offset` are not an Automerge chunk.
    #[error("the bytes at {offset} are not an Automerge chunk (wrong magic bytes)")]
    NotAutomerge {
        /// Where the chunk starts.
        offset: usize,
    },
    /// A chunk type Automerge does not define.
    #[error("the chunk at {offset} has unknown type {chunk_type}")]
    UnknownChunkType {
        /// Where the chunk starts.
        offset: usize,
        /// The type byte.
        chunk_type: u8,
    },
    /// A change chunk deflated whole (type 2): inflating it is a decompression bomb, and
    /// phones never send one.
    #[error("the chunk at {offset} is a deflate-compressed change, which is not accepted")]
    CompressedChunk {
        /// Where the chunk starts.
        offset: usize,
    },
    /// A bundle chunk (type 3): phones never send one.
    #[error("the chunk at {offset} is a bundle, which is not accepted")]
    Bundle {
        /// Where the chunk starts.
        offset: usize,
    },
    /// A column with its deflate bit set: inflating it is a decompression bomb, and phones
    /// never send one.
    #[error(
        "column {spec:#x} of the chunk at {offset} is deflate-compressed, which is not accepted"
    )]
    DeflatedColumn {
        /// Where the chunk starts.
        offset: usize,
        /// The column's spec.
        spec: u32,
    },
    /// A length or count runs past the end of the bytes (or of the chunk).
    #[error("the {part} of the chunk at {offset} runs past the end of its bytes")]
    Truncated {
        /// Where the chunk starts.
        offset: usize,
        /// Which part was cut short.
        part: &'static str,
    },
    /// A LEB128 number in a chunk or column header is overlong (padded with zero groups) or
    /// too large for its field.
    #[error("the {part} of the chunk at {offset} is an overlong or too large number")]
    BadNumber {
        /// Where the chunk starts.
        offset: usize,
        /// Which field.
        part: &'static str,
    },
    /// A column's data does not parse as its encoding.
    #[error("column {spec:#x} of the chunk at {offset} does not parse: {fault}")]
    BadColumn {
        /// Where the chunk starts.
        offset: usize,
        /// The column's spec.
        spec: u32,
        /// What is wrong with it.
        fault: Fault,
    },
}

/// What went wrong reading a number or a run of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Fault {
    /// The data ended first.
    #[error("it ends in the middle of a value")]
    End,
    /// A LEB128 number padded with zero groups.
    #[error("a number is overlong")]
    Overlong,
    /// A LEB128 number wider than 64 bits.
    #[error("a number is too large")]
    TooLarge,
}

/// Reads the shape of `bytes`: one or more concatenated Automerge chunks, as
/// `AutoCommit::load` and `load_incremental` accept them (an empty string has no chunks).
///
/// # Errors
/// Any [`ChunkError`]: bytes that are not plain change or document chunks, or whose headers
/// or columns do not parse. Never panics, and takes time linear in `bytes.len()`.
pub fn shape(bytes: &[u8]) -> Result<Shape, ChunkError> {
    let mut shape = Shape::default();
    let mut offset = 0;
    while offset < bytes.len() {
        let (kind, body, end) = chunk_at(bytes, offset)?;
        let at = Context { offset };
        match kind {
            ChunkKind::Change => {
                shape.change_chunks += 1;
                shape.changes = shape.changes.saturating_add(1);
                let (ops, actors) = change_body(body, at)?;
                shape.op_rows = shape.op_rows.saturating_add(ops);
                shape.actors = shape.actors.saturating_add(actors);
            }
            ChunkKind::Document => {
                shape.document_chunks += 1;
                let (changes, ops, actors) = document_body(body, at)?;
                shape.changes = shape.changes.saturating_add(changes);
                shape.op_rows = shape.op_rows.saturating_add(ops);
                shape.actors = shape.actors.saturating_add(actors);
            }
        }
        offset = end;
    }
    Ok(shape)
}

/// Whether `bytes` are one whole document with no deflated column and nothing after it: the
/// form the server takes a new record in as it came. Only the chunk header and the document's
/// column metadata are read, not the columns (the phone asks this of every record it pushes
/// as saved, and its download carries this code), so a document corrupt further in passes
/// here and is refused by the server, with its reason, beside that one record.
pub fn is_plain_document(bytes: &[u8]) -> bool {
    match chunk_at(bytes, 0) {
        Ok((ChunkKind::Document, body, end)) => {
            end == bytes.len()
                && document_header(&mut Reader::new(body), Context { offset: 0 }).is_ok()
        }
        _ => false,
    }
}

/// The change chunks `bytes` holds, a slice each, as `automerge::Change::try_from` takes them;
/// `None` if anything else is there (a document, a bundle, a compressed chunk, junk). Only
/// the chunk headers are read: the caller decodes what it has counted with [`shape`].
pub fn change_chunks(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut chunks = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let (kind, _, end) = chunk_at(bytes, offset).ok()?;
        if !matches!(kind, ChunkKind::Change) {
            return None;
        }
        chunks.push(&bytes[offset..end]);
        offset = end;
    }
    Some(chunks)
}

/// The chunk types [`shape`] reads.
enum ChunkKind {
    Document,
    Change,
}

/// The chunk starting at `offset`: its type, its body and where it ends.
fn chunk_at(bytes: &[u8], offset: usize) -> Result<(ChunkKind, &[u8], usize), ChunkError> {
    let at = Context { offset };
    let mut r = Reader::new(&bytes[offset..]);
    let magic = r.rest().get(..MAGIC.len()).unwrap_or(r.rest());
    if !MAGIC.starts_with(magic) {
        return Err(ChunkError::NotAutomerge { offset });
    }
    r.take(MAGIC.len() + 4).map_err(at.fault("chunk header"))?;
    let chunk_type = r.byte().map_err(at.fault("chunk header"))?;
    let kind = match chunk_type {
        0 => ChunkKind::Document,
        1 => ChunkKind::Change,
        2 => return Err(ChunkError::CompressedChunk { offset }),
        3 => return Err(ChunkError::Bundle { offset }),
        other => {
            return Err(ChunkError::UnknownChunkType {
                offset,
                chunk_type: other,
            })
        }
    };
    let body = r.prefixed().map_err(at.fault("chunk body"))?;
    Ok((kind, body, offset + r.pos))
}

/// The op rows and the actor ids (its author and the others it names) of a change chunk's
/// body.
fn change_body(body: &[u8], at: Context) -> Result<(u64, u64), ChunkError> {
    let mut r = Reader::new(body);
    let deps = r.uleb().map_err(at.fault("dependencies"))?;
    r.take_n(deps, HASH_LEN).map_err(at.fault("dependencies"))?;
    r.prefixed().map_err(at.fault("actor"))?;
    r.uleb().map_err(at.fault("sequence number"))?;
    r.uleb().map_err(at.fault("start op"))?;
    r.sleb().map_err(at.fault("timestamp"))?;
    r.prefixed().map_err(at.fault("message"))?;
    let others = actors(&mut r, at)?;
    let columns = column_metadata(&mut r, at)?;
    let data = r
        .take(total_len(&columns, at)?)
        .map_err(at.fault("op columns"))?;
    Ok((columns_max(&columns, data, at)?, others.saturating_add(1)))
}

/// The change rows, op rows and actor ids of a document chunk's body.
fn document_body(body: &[u8], at: Context) -> Result<(u64, u64, u64), ChunkError> {
    let mut r = Reader::new(body);
    let (actors, change_columns, op_columns) = document_header(&mut r, at)?;
    let change_data = r
        .take(total_len(&change_columns, at)?)
        .map_err(at.fault("change columns"))?;
    let op_data = r
        .take(total_len(&op_columns, at)?)
        .map_err(at.fault("op columns"))?;
    Ok((
        columns_max(&change_columns, change_data, at)?,
        columns_max(&op_columns, op_data, at)?,
        actors,
    ))
}

/// A document body's header: how many actor ids it lists, and its change and op columns'
/// metadata (refusing a deflated column), leaving `r` at the columns' data.
fn document_header(
    r: &mut Reader<'_>,
    at: Context,
) -> Result<(u64, Vec<ColumnMeta>, Vec<ColumnMeta>), ChunkError> {
    let actors = actors(r, at)?;
    let heads = r.uleb().map_err(at.fault("heads"))?;
    r.take_n(heads, HASH_LEN).map_err(at.fault("heads"))?;
    let change_columns = column_metadata(r, at)?;
    let op_columns = column_metadata(r, at)?;
    Ok((actors, change_columns, op_columns))
}

/// Skips a length-prefixed list of actor ids and says how many it held.
fn actors(r: &mut Reader<'_>, at: Context) -> Result<u64, ChunkError> {
    let count = r.uleb().map_err(at.fault("actors"))?;
    // Each actor takes at least its length byte, so this stops at the data's end.
    for _ in 0..count {
        r.prefixed().map_err(at.fault("actors"))?;
    }
    Ok(count)
}

/// One column's spec and byte length, as the column metadata lists it.
struct ColumnMeta {
    spec: u32,
    len: usize,
}

/// Reads a column metadata list, refusing any deflated column.
fn column_metadata(r: &mut Reader<'_>, at: Context) -> Result<Vec<ColumnMeta>, ChunkError> {
    let count = r.uleb().map_err(at.fault("column metadata"))?;
    let mut columns = Vec::new();
    // Each column takes at least two bytes, so this stops at the data's end.
    for _ in 0..count {
        let spec = r.uleb().map_err(at.fault("column metadata"))?;
        let spec = u32::try_from(spec).map_err(|_| ChunkError::BadNumber {
            offset: at.offset,
            part: "column metadata",
        })?;
        if spec & DEFLATE_BIT != 0 {
            return Err(ChunkError::DeflatedColumn {
                offset: at.offset,
                spec,
            });
        }
        let len = r.uleb().map_err(at.fault("column metadata"))?;
        let len = usize::try_from(len).map_err(|_| at.truncated("column metadata"))?;
        columns.push(ColumnMeta { spec, len });
    }
    Ok(columns)
}

/// The bytes the columns' data takes.
fn total_len(columns: &[ColumnMeta], at: Context) -> Result<usize, ChunkError> {
    columns
        .iter()
        .try_fold(0usize, |sum, c| sum.checked_add(c.len))
        .ok_or_else(|| at.truncated("column metadata"))
}

/// The largest entry count over the columns whose data follows one another in `data`.
fn columns_max(columns: &[ColumnMeta], data: &[u8], at: Context) -> Result<u64, ChunkError> {
    let mut start = 0;
    let mut most = 0;
    for column in columns {
        // total_len checked that the columns fit in `data`.
        let end = start + column.len;
        let entries = column_entries(column.spec, &data[start..end]).map_err(|fault| {
            ChunkError::BadColumn {
                offset: at.offset,
                spec: column.spec,
                fault,
            }
        })?;
        most = most.max(entries);
        start = end;
    }
    Ok(most)
}

/// Column types, the low three bits of a spec.
const GROUP: u32 = 0;
const DELTA_INTEGER: u32 = 3;
const BOOLEAN: u32 = 4;
const STRING: u32 = 5;
const VALUE_BYTES: u32 = 7;

/// How many entries a column's runs claim (for a group column, the larger of its own entries
/// and the grouped entries its values claim), never expanding a run.
fn column_entries(spec: u32, data: &[u8]) -> Result<u64, Fault> {
    let mut r = Reader::new(data);
    let mut entries: u64 = 0;
    match spec & 0b111 {
        VALUE_BYTES => {}
        BOOLEAN => {
            // Alternating run lengths, false first.
            while !r.is_empty() {
                entries = entries.saturating_add(r.uleb()?);
            }
        }
        kind => {
            // Run-length encoded: a positive run repeats one value, a negative run is that
            // many literal values, a zero is followed by a count of nulls.
            let mut grouped: u64 = 0;
            while !r.is_empty() {
                let run = r.sleb()?;
                if run > 0 {
                    let run = run.unsigned_abs();
                    let value = r.value(kind)?;
                    entries = entries.saturating_add(run);
                    grouped = grouped.saturating_add(run.saturating_mul(value));
                } else if run < 0 {
                    // Each literal takes at least one byte, so this stops at the data's end.
                    for _ in 0..run.unsigned_abs() {
                        let value = r.value(kind)?;
                        entries = entries.saturating_add(1);
                        grouped = grouped.saturating_add(value);
                    }
                } else {
                    entries = entries.saturating_add(r.uleb()?);
                }
            }
            if kind == GROUP {
                entries = entries.max(grouped);
            }
        }
    }
    Ok(entries)
}

/// Where the chunk being read starts, to say so in errors.
#[derive(Clone, Copy)]
struct Context {
    offset: usize,
}

impl Context {
    fn truncated(self, part: &'static str) -> ChunkError {
        ChunkError::Truncated {
            offset: self.offset,
            part,
        }
    }

    fn fault(self, part: &'static str) -> impl Fn(Fault) -> ChunkError {
        move |fault| match fault {
            Fault::End => self.truncated(part),
            Fault::Overlong | Fault::TooLarge => ChunkError::BadNumber {
                offset: self.offset,
                part,
            },
        }
    }
}

/// A cursor over bytes that never reads past their end.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn rest(&self) -> &'a [u8] {
        &self.bytes[self.pos..]
    }

    fn is_empty(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8, Fault> {
        let byte = *self.bytes.get(self.pos).ok_or(Fault::End)?;
        self.pos += 1;
        Ok(byte)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], Fault> {
        let taken = self.rest().get(..len).ok_or(Fault::End)?;
        self.pos += len;
        Ok(taken)
    }

    /// Skips `count` items of `size` bytes each.
    fn take_n(&mut self, count: u64, size: u64) -> Result<(), Fault> {
        let len = count.checked_mul(size).ok_or(Fault::End)?;
        self.take(usize::try_from(len).map_err(|_| Fault::End)?)?;
        Ok(())
    }

    /// Bytes prefixed by their length as unsigned LEB128.
    fn prefixed(&mut self) -> Result<&'a [u8], Fault> {
        let len = self.uleb()?;
        self.take(usize::try_from(len).map_err(|_| Fault::End)?)
    }

    /// One value of a run-length encoded column of type `kind`: a length-prefixed string, or
    /// a LEB128 number (read as unsigned, which is its value in group and count columns).
    fn value(&mut self, kind: u32) -> Result<u64, Fault> {
        match kind {
            STRING => self.prefixed().map(|_| 0),
            DELTA_INTEGER => self.sleb().map(|_| 0),
            _ => self.uleb(),
        }
    }

    /// An unsigned LEB128 number, refused if overlong or over 64 bits, as Automerge does.
    fn uleb(&mut self) -> Result<u64, Fault> {
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = self.byte()?;
            if shift == 63 && byte > 1 {
                return Err(Fault::TooLarge);
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if shift > 0 && byte == 0 {
                    return Err(Fault::Overlong);
                }
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// A signed LEB128 number, refused if overlong or over 64 bits, as Automerge does.
    fn sleb(&mut self) -> Result<i64, Fault> {
        let mut value: i64 = 0;
        let mut shift = 0;
        let mut previous = 0u8;
        loop {
            let byte = self.byte()?;
            if shift == 63 && byte != 0 && byte != 0x7f {
                return Err(Fault::TooLarge);
            }
            value |= i64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                let sign_only =
                    (byte == 0 && previous & 0x40 == 0) || (byte == 0x7f && previous & 0x40 != 0);
                if shift > 7 && sign_only {
                    return Err(Fault::Overlong);
                }
                if shift < 64 && byte & 0x40 != 0 {
                    value |= -1 << shift;
                }
                return Ok(value);
            }
            previous = byte;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, Reader};

    #[test]
    fn leb128_numbers_read_as_automerge_reads_them() {
        let unsigned: &[(&[u8], Result<u64, Fault>)] = &[
            (&[0x00], Ok(0)),
            (&[0x7f], Ok(127)),
            (&[0x80, 0x01], Ok(128)),
            (&[0xc0, 0x84, 0x3d], Ok(1_000_000)),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
                Ok(u64::MAX),
            ),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                Err(Fault::TooLarge),
            ),
            (
                &[
                    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
                ],
                Err(Fault::TooLarge),
            ),
            (&[0x80, 0x00], Err(Fault::Overlong)),
            (&[0x80], Err(Fault::End)),
            (&[], Err(Fault::End)),
        ];
        for (bytes, expected) in unsigned {
            assert_eq!(Reader::new(bytes).uleb(), *expected, "{bytes:x?}");
        }
        let signed: &[(&[u8], Result<i64, Fault>)] = &[
            (&[0x00], Ok(0)),
            (&[0x7f], Ok(-1)),
            (&[0x3f], Ok(63)),
            (&[0xc0, 0x00], Ok(64)),
            (&[0x40], Ok(-64)),
            (&[0xc0, 0x84, 0x3d], Ok(1_000_000)),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00],
                Ok(i64::MAX),
            ),
            (
                &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f],
                Ok(i64::MIN),
            ),
            (
                &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
                Err(Fault::TooLarge),
            ),
            (&[0x80, 0x00], Err(Fault::Overlong)),
            (&[0xff, 0x7f], Err(Fault::Overlong)),
            (&[0xff], Err(Fault::End)),
        ];
        for (bytes, expected) in signed {
            assert_eq!(Reader::new(bytes).sleb(), *expected, "{bytes:x?}");
        }
    }
}
