//! How a record's parts are written into its Automerge document: serde's view of each part,
//! applied as the smallest edit.
//!
//! A part is a map of its fields; a list is an Automerge list edited in place (items kept where
//! they are, new ones inserted at the end, surplus ones deleted); a closed list's value is its
//! code; a UUID is its 16 bytes; unsigned numbers are `Uint` and signed ones `Int`; an absent
//! optional value is `Null`. That is the layout the documents already on phones and servers
//! have (autosurgeon wrote it before, and autosurgeon's `Hydrate` still reads it on the
//! phone), so old and new documents read the same. Writing through serde's derive, which the
//! record has anyway for the wire, replaced autosurgeon's reconciler: one generic writer
//! instead of one per field type cut about 30 KB (brotli) from the phone's first download.
//!
//! Automerge itself drops a put that changes nothing, so writing an unchanged part adds no
//! operation and an edit holds only the fields that changed.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, AutomergeError, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value};
use serde::ser::{self, Impossible, Serialize};
use thiserror::Error;

/// Why a value could not be written.
#[derive(Debug, Error)]
pub enum LayoutError {
    /// The value has a shape the document layout has no place for (a top-level value that
    /// is not a map, a map key that is not a string, an enum variant carrying fields).
    #[error("cannot be stored in a record document: {0}")]
    Shape(String),
    /// Automerge refused the edit.
    #[error(transparent)]
    Automerge(#[from] AutomergeError),
}

impl ser::Error for LayoutError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        LayoutError::Shape(msg.to_string())
    }
}

/// Writes every field of `value` (a struct) into the document's root map.
pub fn put_fields<T: Serialize>(doc: &mut AutoCommit, value: &T) -> Result<(), LayoutError> {
    match value.serialize(NodeSerializer)? {
        Node::Map(fields) => fields
            .into_iter()
            .try_for_each(|(key, node)| put_at(doc, &ObjId::Root, Prop::Map(key), node)),
        _ => Err(LayoutError::Shape("a record is a map of fields".into())),
    }
}

/// Writes `value` at `key` of the document's root map.
pub fn put_field<T: Serialize>(
    doc: &mut AutoCommit,
    key: &str,
    value: &T,
) -> Result<(), LayoutError> {
    let node = value.serialize(NodeSerializer)?;
    put_at(doc, &ObjId::Root, Prop::Map(key.to_owned()), node)
}

/// A value as the document holds it.
#[derive(Debug)]
enum Node {
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
    Scalar(ScalarValue),
}

/// Puts `node` at `prop` of `obj`, editing a map or list already there in place.
fn put_at(doc: &mut AutoCommit, obj: &ObjId, prop: Prop, node: Node) -> Result<(), LayoutError> {
    match node {
        Node::Scalar(value) => doc.put(obj, prop, value)?,
        Node::Map(fields) => {
            let map = child(doc, obj, prop, ObjType::Map)?;
            for (key, node) in fields {
                put_at(doc, &map, Prop::Map(key), node)?;
            }
        }
        Node::List(items) => {
            let list = child(doc, obj, prop, ObjType::List)?;
            put_items(doc, &list, items)?;
        }
    }
    Ok(())
}

/// The object of `kind` at `prop`, made there when something else (or nothing) is.
fn child(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: Prop,
    kind: ObjType,
) -> Result<ObjId, LayoutError> {
    match doc.get(obj, prop.clone())? {
        Some((Value::Object(held), id)) if held == kind => Ok(id),
        _ => Ok(doc.put_object(obj, prop, kind)?),
    }
}

/// Makes the list hold `items`: those at an index the list has are edited in place, the rest
/// inserted after them, and what the list held beyond them deleted.
fn put_items(doc: &mut AutoCommit, list: &ObjId, items: Vec<Node>) -> Result<(), LayoutError> {
    let held = doc.length(list);
    let count = items.len();
    for (index, node) in items.into_iter().enumerate() {
        if index < held {
            put_at(doc, list, Prop::Seq(index), node)?;
            continue;
        }
        match node {
            Node::Scalar(value) => doc.insert(list, index, value)?,
            Node::Map(fields) => {
                let map = doc.insert_object(list, index, ObjType::Map)?;
                for (key, node) in fields {
                    put_at(doc, &map, Prop::Map(key), node)?;
                }
            }
            Node::List(items) => {
                let inner = doc.insert_object(list, index, ObjType::List)?;
                put_items(doc, &inner, items)?;
            }
        }
    }
    for index in (count..held).rev() {
        doc.delete(list, index)?;
    }
    Ok(())
}

/// serde's view of a value, as [`Node`]s. Not human-readable, so a UUID gives its bytes.
struct NodeSerializer;

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = LayoutError;
    type SerializeSeq = ListBuilder;
    type SerializeTuple = ListBuilder;
    type SerializeTupleStruct = ListBuilder;
    type SerializeTupleVariant = Impossible<Node, LayoutError>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = Impossible<Node, LayoutError>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Boolean(v)))
    }

    fn serialize_i8(self, v: i8) -> Result<Node, LayoutError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<Node, LayoutError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<Node, LayoutError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Int(v)))
    }

    fn serialize_u8(self, v: u8) -> Result<Node, LayoutError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<Node, LayoutError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<Node, LayoutError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Uint(v)))
    }

    fn serialize_f32(self, v: f32) -> Result<Node, LayoutError> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::F64(v)))
    }

    fn serialize_char(self, v: char) -> Result<Node, LayoutError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Str(v.into())))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Bytes(v.to_vec())))
    }

    fn serialize_none(self) -> Result<Node, LayoutError> {
        Ok(Node::Scalar(ScalarValue::Null))
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Node, LayoutError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Node, LayoutError> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, LayoutError> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, LayoutError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node, LayoutError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<Node, LayoutError> {
        Err(LayoutError::Shape(format!(
            "{name}::{variant} carries a value"
        )))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<ListBuilder, LayoutError> {
        Ok(ListBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<ListBuilder, LayoutError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<ListBuilder, LayoutError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, LayoutError> {
        Err(LayoutError::Shape(format!(
            "{name}::{variant} carries values"
        )))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, LayoutError> {
        Ok(MapBuilder {
            fields: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder, LayoutError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, LayoutError> {
        Err(LayoutError::Shape(format!(
            "{name}::{variant} carries fields"
        )))
    }
}

/// A list's items as they are serialised.
struct ListBuilder(Vec<Node>);

impl ser::SerializeSeq for ListBuilder {
    type Ok = Node;
    type Error = LayoutError;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), LayoutError> {
        self.0.push(value.serialize(NodeSerializer)?);
        Ok(())
    }

    fn end(self) -> Result<Node, LayoutError> {
        Ok(Node::List(self.0))
    }
}

impl ser::SerializeTuple for ListBuilder {
    type Ok = Node;
    type Error = LayoutError;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), LayoutError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Node, LayoutError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for ListBuilder {
    type Ok = Node;
    type Error = LayoutError;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), LayoutError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Node, LayoutError> {
        ser::SerializeSeq::end(self)
    }
}

/// A map's or struct's fields as they are serialised.
struct MapBuilder {
    fields: Vec<(String, Node)>,
    key: Option<String>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Node;
    type Error = LayoutError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), LayoutError> {
        match key.serialize(NodeSerializer)? {
            Node::Scalar(ScalarValue::Str(key)) => {
                self.key = Some(key.to_string());
                Ok(())
            }
            _ => Err(LayoutError::Shape("a map key that is not text".into())),
        }
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), LayoutError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| LayoutError::Shape("a map value without its key".into()))?;
        self.fields.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }

    fn end(self) -> Result<Node, LayoutError> {
        Ok(Node::Map(self.fields))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Node;
    type Error = LayoutError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), LayoutError> {
        self.fields
            .push((key.to_owned(), value.serialize(NodeSerializer)?));
        Ok(())
    }

    fn end(self) -> Result<Node, LayoutError> {
        Ok(Node::Map(self.fields))
    }
}
