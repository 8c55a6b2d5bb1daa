//! A serde deserializer over Automerge's hydrated tree, so the server reads a record straight
//! into its Rust types (the phone reads through autosurgeon instead, see `read_record`).
//!
//! Going through a JSON tree cloned every key and string, and refusing unknown keys meant
//! writing the record back to JSON and comparing the two trees: about 7 % of the server's CPU
//! with 200 phones syncing. Here a struct's unknown key is seen where serde meets it (derived
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

use automerge::hydrate::{ListValue, MapValue, Value};
use automerge::ScalarValue;
use serde::de::value::{BorrowedStrDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use thiserror::Error;

use super::DocError;

/// A hydrated value that does not make the type read from it (a missing field, a value of the
/// wrong type, a code not on a closed list).
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ReadError(String);

impl de::Error for ReadError {
    fn custom<T: Display>(msg: T) -> Self {
        ReadError(msg.to_string())
    }
}

/// Reads `T` from a hydrated tree, refusing any map key `T`'s layout does not have.
///
/// Every key is read before an unknown one is reported, and the one reported is the first in
/// key order (map keys sorted, list items by index, depth first): a document that also fails
/// to read is refused as malformed, and the path named does not depend on the order Automerge
/// hands out a map's keys in.
pub fn read<T: DeserializeOwned>(tree: &Value) -> Result<T, DocError> {
    let unknown = RefCell::new(None);
    let value = T::deserialize(Hydrated {
        value: tree,
        path: Path::Root,
        unknown: &unknown,
    })?;
    match unknown.into_inner() {
        None => Ok(value),
        Some(path) => Err(DocError::UnknownField(dotted(&path))),
    }
}

/// The text a value reads as: a string, or a 16-byte value's UUID (the layout writes a UUID as
/// its bytes).
pub fn text_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Text(text) => Some(Cow::Owned(String::from(text))),
        Value::Scalar(ScalarValue::Str(s)) => Some(Cow::Borrowed(s.as_str())),
        Value::Scalar(ScalarValue::Bytes(bytes)) => uuid::Uuid::from_slice(bytes)
            .ok()
            .map(|id| Cow::Owned(id.to_string())),
        _ => None,
    }
}

/// One step from the root to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step<'de> {
    Key(&'de str),
    Index(usize),
}

/// Where a value is, as a chain of borrowed steps: nothing is built unless a key is unknown.
#[derive(Clone, Copy)]
enum Path<'p, 'de> {
    Root,
    Under(&'p Path<'p, 'de>, Step<'de>),
}

impl<'de> Path<'_, 'de> {
    fn steps(&self) -> Vec<Step<'de>> {
        let mut steps = Vec::new();
        let mut here = self;
        while let Path::Under(parent, step) = here {
            steps.push(*step);
            here = parent;
        }
        steps.reverse();
        steps
    }
}

/// "check.something", "follow_up.attempts.0.x": at most 80 characters, as people read it.
fn dotted(steps: &[Step<'_>]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Key(key) => (*key).to_owned(),
            Step::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".").chars().take(80).collect()
}

/// The first unknown key met so far, in key order.
type Unknown<'de> = RefCell<Option<Vec<Step<'de>>>>;

/// A deserializer over one value of the tree.
struct Hydrated<'de, 'p> {
    value: &'de Value,
    path: Path<'p, 'de>,
    unknown: &'p Unknown<'de>,
}

impl<'de, 'p> Hydrated<'de, 'p> {
    fn invalid<V: Visitor<'de>>(&self, visitor: &V) -> ReadError {
        let unexpected = match self.value {
            Value::Map(_) => de::Unexpected::Map,
            Value::List(_) => de::Unexpected::Seq,
            Value::Text(_) => de::Unexpected::Other("text"),
            Value::Scalar(scalar) => match scalar {
                ScalarValue::Bytes(bytes) => de::Unexpected::Bytes(bytes),
                ScalarValue::Str(s) => de::Unexpected::Str(s),
                ScalarValue::Int(n) | ScalarValue::Timestamp(n) => de::Unexpected::Signed(*n),
                ScalarValue::Uint(n) => de::Unexpected::Unsigned(*n),
                ScalarValue::F64(f) => de::Unexpected::Float(*f),
                ScalarValue::Boolean(b) => de::Unexpected::Bool(*b),
                ScalarValue::Counter(_) | ScalarValue::Unknown { .. } | ScalarValue::Null => {
                    de::Unexpected::Unit
                }
            },
        };
        de::Error::invalid_type(unexpected, visitor)
    }
}

impl<'de> de::Deserializer<'de> for Hydrated<'de, '_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if let Some(text) = text_of(self.value) {
            return match text {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            };
        }
        match self.value {
            Value::Map(map) => visitor.visit_map(Fields {
                entries: map.iter(),
                next: None,
                path: &self.path,
                unknown: self.unknown,
            }),
            Value::List(list) => {
                let mut items = Items {
                    items: list.iter(),
                    index: 0,
                    path: &self.path,
                    unknown: self.unknown,
                };
                let value = visitor.visit_seq(&mut items)?;
                match items.items.next() {
                    None => Ok(value),
                    Some(_) => Err(de::Error::invalid_length(list.len(), &"fewer items")),
                }
            }
            Value::Scalar(ScalarValue::Bytes(bytes)) => {
                SeqDeserializer::new(bytes.iter().map(|b| u64::from(*b))).deserialize_any(visitor)
            }
            Value::Scalar(ScalarValue::Int(n) | ScalarValue::Timestamp(n)) => visitor.visit_i64(*n),
            Value::Scalar(ScalarValue::Uint(n)) => visitor.visit_u64(*n),
            Value::Scalar(ScalarValue::F64(f)) => visitor.visit_f64(*f),
            Value::Scalar(ScalarValue::Boolean(b)) => visitor.visit_bool(*b),
            // Null, a counter or a value from a future Automerge (text was read above).
            _ => visitor.visit_unit(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.value {
            Value::Scalar(
                ScalarValue::Null | ScalarValue::Counter(_) | ScalarValue::Unknown { .. },
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
        match self.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match text_of(self.value) {
            Some(Cow::Borrowed(code)) => {
                visitor.visit_enum(BorrowedStrDeserializer::<ReadError>::new(code))
            }
            Some(Cow::Owned(code)) => visitor.visit_enum(StrDeserializer::<ReadError>::new(&code)),
            None => Err(self.invalid(&visitor)),
        }
    }

    /// Derived structs read the value of a key they do not know here: the key is noted (the
    /// first in key order wins) and the value is not looked at.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let steps = self.path.steps();
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

/// A map's entries, keys as borrowed strings.
struct Fields<'de, 'p, I> {
    entries: I,
    next: Option<(&'de str, &'de Value)>,
    path: &'p Path<'p, 'de>,
    unknown: &'p Unknown<'de>,
}

impl<'de, I> de::MapAccess<'de> for Fields<'de, '_, I>
where
    I: Iterator<Item = (&'de String, &'de MapValue)>,
{
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, entry)) => {
                self.next = Some((key.as_str(), &entry.value));
                seed.deserialize(key.as_str().into_deserializer()).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let (key, value) = self
            .next
            .take()
            .ok_or_else(|| de::Error::custom("a map value was read before its key"))?;
        seed.deserialize(Hydrated {
            value,
            path: Path::Under(self.path, Step::Key(key)),
            unknown: self.unknown,
        })
    }
}

/// A list's items, counted for their paths.
struct Items<'de, 'p, I> {
    items: I,
    index: usize,
    path: &'p Path<'p, 'de>,
    unknown: &'p Unknown<'de>,
}

impl<'de, I> de::SeqAccess<'de> for &mut Items<'de, '_, I>
where
    I: Iterator<Item = &'de ListValue>,
{
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
        seed.deserialize(Hydrated {
            value: &item.value,
            path: Path::Under(self.path, Step::Index(index)),
            unknown: self.unknown,
        })
        .map(Some)
    }
}
