//! Decoding JSON response bodies with serde, borrowing from the body where it can.

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{envelope::Envelope, record::WireRecord, scalar::Scalar};

/// Decodes a JSON body into an envelope; `Err` is the reason, naming the field at fault.
pub(crate) fn decode<T: WireRecord>(body: &[u8]) -> Result<Envelope<T>, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope = EnvelopeSeed::<T>(PhantomData).deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(envelope)
}

/// A string key, borrowed from the body unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The slot of a record's field name in `T::FIELDS`, `None` for a field it does not read.
struct Slot(Option<usize>);

/// Reads a record's field name straight into its [`Slot`], without keeping the name.
struct SlotSeed<T>(PhantomData<T>);

impl<'de, T: WireRecord> DeserializeSeed<'de> for SlotSeed<T> {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: WireRecord> Visitor<'de> for SlotSeed<T> {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot, E> {
        Ok(Slot(T::slot(v)))
    }
}

/// Any JSON value, reduced to a [`Scalar`].
struct AnyScalar<'de>(Scalar<'de>);

/// Reads any JSON value as a [`Scalar`].
struct AnyScalarVisitor;

impl<'de> Visitor<'de> for AnyScalarVisitor {
    type Value = AnyScalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Bool(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Unsigned(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(if v >= 0 { Scalar::Unsigned(v as u64) } else { Scalar::Signed(v) }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Float(v)))
    }
    #[inline]
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Text(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Text(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E>(self, v: String) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Text(Cow::Owned(v))))
    }
    fn visit_unit<E>(self) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Null))
    }
    fn visit_none<E>(self) -> Result<AnyScalar<'de>, E> {
        Ok(AnyScalar(Scalar::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyScalar<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(AnyScalar(Scalar::Nested))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyScalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(AnyScalar(Scalar::Nested))
    }
}

impl<'de> de::Deserialize<'de> for AnyScalar<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyScalarVisitor)
    }
}

struct EnvelopeSeed<T>(PhantomData<T>);

impl<'de, T: WireRecord> DeserializeSeed<'de> for EnvelopeSeed<T> {
    type Value = Envelope<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: WireRecord> Visitor<'de> for EnvelopeSeed<T> {
    type Value = Envelope<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with a success field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<T>, A::Error> {
        let mut envelope = Envelope::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if key == "list" && T::HAS_LIST {
                envelope.list = Some(map.next_value_seed(ListSeed::<T>(PhantomData))?);
            } else {
                let AnyScalar(value) = map.next_value()?;
                envelope.field(&key, value).map_err(de::Error::custom)?;
            }
        }
        Ok(envelope)
    }
}

/// A list: an array of records, an object whose values are records (PHP's keyed arrays),
/// or `null`.
struct ListSeed<T>(PhantomData<T>);

impl<'de, T: WireRecord> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: WireRecord> Visitor<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_unit<E>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(record) = seq.next_element_seed(RecordSeed::<T>(records.len(), PhantomData))? {
            records.push(record);
        }
        Ok(records)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut records = Vec::new();
        while map.next_key::<IgnoredAny>()?.is_some() {
            records.push(map.next_value_seed(RecordSeed::<T>(records.len(), PhantomData))?);
        }
        Ok(records)
    }
}

/// One record, at position `.0` of the list (for error messages).
struct RecordSeed<T>(usize, PhantomData<T>);

impl<'de, T: WireRecord> DeserializeSeed<'de> for RecordSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: WireRecord> Visitor<'de> for RecordSeed<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "list[{}] to be a record object", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let index = self.0;
        let mut builder = T::Builder::default();
        if T::NAMED {
            while let Some(name) = map.next_key::<String>()? {
                let AnyScalar(value) = map.next_value()?;
                T::named(&mut builder, &name, value)
                    .map_err(|why| de::Error::custom(format!("list[{index}].{why}")))?;
            }
            return T::finish(builder).map_err(|why| de::Error::custom(format!("list[{index}]: {why}")));
        }
        while let Some(Slot(slot)) = map.next_key_seed(SlotSeed::<T>(PhantomData))? {
            let Some(slot) = slot else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let AnyScalar(value) = map.next_value()?;
            T::field(&mut builder, slot, value).map_err(|why| de::Error::custom(format!("list[{index}].{why}")))?;
        }
        T::finish(builder).map_err(|why| de::Error::custom(format!("list[{index}]: {why}")))
    }
}
