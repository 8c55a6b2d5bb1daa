//! A serde deserializer straight over an Automerge document, so the server reads a record into
//! its Rust types without building a tree first (the phone reads through autosurgeon instead,
//! see `read_record`).
//!
//! Hydrating the document into Automerge's tree cost as much again as walking its objects:
//! over 5,000 typical checks loaded at once, walking every object with `map_range` and
//! `list_range` took 21 µs a check, hydrating the whole tree 42 µs, and hydrating it and
//! reading the record from it 45 µs (`cargo bench -p stallside-shared --bench judge`, one
//! record read over and over: 0.042 ms through the tree, 0.026 ms here). Here each object is
//! read as serde asks for it. A struct's unknown key is seen where serde meets it (derived
//! structs hand the value of a key they do not know to `deserialize_ignored_any`), so the
//! closed schema costs nothing on a record that keeps to it.
//!
//! Values read as the layout [`crate::layout`] writes them: a 16-byte value is a UUID (read as
//! its hyphenated string, which `uuid` and a `String` both take), other bytes a list of
//! numbers; text and strings are strings; `Int` and `Timestamp` signed, `Uint` unsigned; a
//! `Null` (or a counter or a value from a future Automerge) is unit, and `None` where an option
//! is expected. A struct is read only from a map, a closed list's value only from its code.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Display;

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValueRef, ValueRef, ROOT};
use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use thiserror::Error;

use super::DocError;

/// The node of a map's or a list's item: its object id is looked up only for an object.
macro_rules! node {
    ($item:expr) => {
        match $item.value {
            ValueRef::Object(kind) => Node::Object($item.id(), kind),
            ValueRef::Scalar(scalar) => Node::Scalar(scalar),
        }
    };
}

/// A value of the document that does not make the type read from it (a missing field, a
/// value of the wrong type, a code not on a closed list).
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ReadError(String);

impl de::Error for ReadError {
    fn custom<T: Display>(msg: T) -> Self {
        ReadError(msg.to_string())
    }
}

/// Reads `T` from the document's root, refusing any map key `T`'s layout does not have.
///
/// Every key is read before an unknown one is reported, and the one reported is the first in
/// key order (map keys sorted, list items by index, depth first): a document that also fails
/// to read is refused as malformed, and the path named does not depend on the order keys are
/// met in.
pub fn read<T: DeserializeOwned>(doc: &AutoCommit) -> Result<T, DocError> {
    let unknown = RefCell::new(None);
    let value = T::deserialize(Live {
        doc,
        node: Node::Object(ROOT, ObjType::Map),
        path: Path::Root,
        unknown: &unknown,
    })?;
    match unknown.into_inner() {
        None => Ok(value),
        Some(path) => Err(DocError::UnknownField(dotted(&path))),
    }
}

/// The text at `key` of the map at `path` from the root (a string, a text object or a UUID's
/// bytes), if there is one.
pub fn text_at(doc: &AutoCommit, path: &[&str], key: &str) -> Option<String> {
    let mut obj = ROOT;
    for step in path {
        match doc.get(&obj, *step).ok()?? {
            (automerge::Value::Object(ObjType::Map | ObjType::Table), id) => obj = id,
            _ => return None,
        }
    }
    let item = doc
        .map_range(&obj, key.to_owned()..=key.to_owned())
        .next()?;
    let node = node!(item);
    text_of(doc, &node).map(Cow::into_owned)
}

/// One value of the document: an object, or a scalar borrowed from the document.
enum Node<'a> {
    Object(ObjId, ObjType),
    Scalar(ScalarValueRef<'a>),
}

/// The text a value reads as: a string, a text object, or a 16-byte value's UUID (the layout
/// writes a UUID as its bytes).
fn text_of<'n>(doc: &AutoCommit, node: &'n Node<'_>) -> Option<Cow<'n, str>> {
    match node {
        Node::Object(id, ObjType::Text) => doc.text(id).ok().map(Cow::Owned),
        Node::Scalar(ScalarValueRef::Str(s)) => Some(Cow::Borrowed(s.as_ref())),
        Node::Scalar(ScalarValueRef::Bytes(bytes)) => uuid::Uuid::from_slice(bytes)
            .ok()
            .map(|id| Cow::Owned(id.to_string())),
        _ => None,
    }
}

/// One step from the root to a value.
#[derive(Debug, Clone, Copy)]
enum Step<'k> {
    Key(&'k str),
    Index(usize),
}

/// A step kept once the value it leads to is read: how an unknown key is remembered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kept {
    Key(String),
    Index(usize),
}

/// Where a value is, as a chain of borrowed steps: nothing is built unless a key is unknown.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Under(&'p Path<'p>, Step<'p>),
}

impl Path<'_> {
    fn kept(&self) -> Vec<Kept> {
        let mut steps = Vec::new();
        let mut here = self;
        while let Path::Under(parent, step) = here {
            steps.push(match step {
                Step::Key(key) => Kept::Key((*key).to_owned()),
                Step::Index(i) => Kept::Index(*i),
            });
            here = parent;
        }
        steps.reverse();
        steps
    }
}

/// "check.something", "follow_up.attempts.0.x": at most 80 characters, as people read it.
fn dotted(steps: &[Kept]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Kept::Key(key) => key.clone(),
            Kept::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".").chars().take(80).collect()
}

/// The first unknown key met so far, in key order.
type Unknown = RefCell<Option<Vec<Kept>>>;

/// A deserializer over one value of the document.
struct Live<'a, 'p> {
    doc: &'a AutoCommit,
    node: Node<'a>,
    path: Path<'p>,
    unknown: &'p Unknown,
}

impl Live<'_, '_> {
    fn invalid<'de, V: Visitor<'de>>(&self, visitor: &V) -> ReadError {
        let unexpected = match &self.node {
            Node::Object(_, ObjType::Map | ObjType::Table) => de::Unexpected::Map,
            Node::Object(_, ObjType::List) => de::Unexpected::Seq,
            Node::Object(_, ObjType::Text) => de::Unexpected::Other("text"),
            Node::Scalar(scalar) => match scalar {
                ScalarValueRef::Bytes(bytes) => de::Unexpected::Bytes(bytes),
                ScalarValueRef::Str(s) => de::Unexpected::Str(s),
                ScalarValueRef::Int(n) | ScalarValueRef::Timestamp(n) => de::Unexpected::Signed(*n),
                ScalarValueRef::Uint(n) => de::Unexpected::Unsigned(*n),
                ScalarValueRef::F64(f) => de::Unexpected::Float(*f),
                ScalarValueRef::Boolean(b) => de::Unexpected::Bool(*b),
                ScalarValueRef::Counter(_)
                | ScalarValueRef::Unknown { .. }
                | ScalarValueRef::Null => de::Unexpected::Unit,
            },
        };
        de::Error::invalid_type(unexpected, visitor)
    }
}

impl<'de> de::Deserializer<'de> for Live<'_, '_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if let Some(text) = text_of(self.doc, &self.node) {
            return match text {
                Cow::Borrowed(s) => visitor.visit_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            };
        }
        match &self.node {
            Node::Object(id, ObjType::Map | ObjType::Table) => visitor.visit_map(Fields {
                doc: self.doc,
                entries: self.doc.map_range(id, ..),
                next: None,
                path: &self.path,
                unknown: self.unknown,
            }),
            // An empty list (most of a check's lists) is settled by its length: counting a
            // list costs less than setting up Automerge's list range. In a typical check the
            // lists with items, walked twice, cost less than the empty ones save (a read
            // 0.028 -> 0.026 ms).
            Node::Object(id, ObjType::List) if self.doc.length(id) == 0 => {
                SeqDeserializer::new(std::iter::empty::<u64>()).deserialize_any(visitor)
            }
            Node::Object(id, _) => {
                let mut items = Items {
                    doc: self.doc,
                    items: self.doc.list_range(id, ..),
                    index: 0,
                    path: &self.path,
                    unknown: self.unknown,
                };
                let value = visitor.visit_seq(&mut items)?;
                match items.items.next() {
                    None => Ok(value),
                    Some(_) => Err(de::Error::invalid_length(
                        self.doc.length(id),
                        &"fewer items",
                    )),
                }
            }
            Node::Scalar(ScalarValueRef::Bytes(bytes)) => {
                SeqDeserializer::new(bytes.iter().map(|b| u64::from(*b))).deserialize_any(visitor)
            }
            Node::Scalar(ScalarValueRef::Int(n) | ScalarValueRef::Timestamp(n)) => {
                visitor.visit_i64(*n)
            }
            Node::Scalar(ScalarValueRef::Uint(n)) => visitor.visit_u64(*n),
            Node::Scalar(ScalarValueRef::F64(f)) => visitor.visit_f64(*f),
            Node::Scalar(ScalarValueRef::Boolean(b)) => visitor.visit_bool(*b),
            // Null, a counter or a value from a future Automerge (text was read above).
            Node::Scalar(_) => visitor.visit_unit(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.node {
            Node::Scalar(
                ScalarValueRef::Null | ScalarValueRef::Counter(_) | ScalarValueRef::Unknown { .. },
            ) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self.node {
            Node::Object(_, ObjType::Map | ObjType::Table) => self.deserialize_any(visitor),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match text_of(self.doc, &self.node) {
            Some(code) => visitor.visit_enum(StrDeserializer::<ReadError>::new(&code)),
            None => Err(self.invalid(&visitor)),
        }
    }

    /// Derived structs read the value of a key they do not know here: the key is noted (the
    /// first in key order wins) and the value is not looked at.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let steps = self.path.kept();
        let mut unknown = self.unknown.borrow_mut();
        if unknown.as_ref().is_none_or(|first| steps < *first) {
            *unknown = Some(steps);
        }
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map identifier
    }
}

/// A map's entries, in key order.
struct Fields<'a, 'p> {
    doc: &'a AutoCommit,
    entries: automerge::iter::MapRange<'a>,
    next: Option<(Cow<'a, str>, Node<'a>)>,
    path: &'p Path<'p>,
    unknown: &'p Unknown,
}

impl<'de> de::MapAccess<'de> for Fields<'_, '_> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        match self.entries.next() {
            None => Ok(None),
            Some(item) => {
                let node = node!(item);
                let key = seed.deserialize(item.key.as_ref().into_deserializer())?;
                self.next = Some((item.key, node));
                Ok(Some(key))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let (key, node) = self
            .next
            .take()
            .ok_or_else(|| de::Error::custom("a map value was read before its key"))?;
        seed.deserialize(Live {
            doc: self.doc,
            node,
            path: Path::Under(self.path, Step::Key(&key)),
            unknown: self.unknown,
        })
    }
}

/// A list's items, counted for their paths.
struct Items<'a, 'p> {
    doc: &'a AutoCommit,
    items: automerge::iter::ListRange<'a>,
    index: usize,
    path: &'p Path<'p>,
    unknown: &'p Unknown,
}

impl<'de> de::SeqAccess<'de> for &mut Items<'_, '_> {
    type Error = ReadError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(Live {
            doc: self.doc,
            node: node!(item),
            path: Path::Under(self.path, Step::Index(index)),
            unknown: self.unknown,
        })
        .map(Some)
    }
}
