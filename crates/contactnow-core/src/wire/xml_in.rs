//! Decoding XML response bodies (`<result>...</result>`) with quick-xml.
//!
//! Layout, as documented: scalar fields are child elements of `<result>`; a read's records
//! sit in `<list>`, each wrapped in an element (`<priority>`, `<tod_policy>`) whose children
//! are the fields. Unknown elements are skipped. A document that ends before `</result>`
//! is an error, never a shorter result.

use std::borrow::Cow;

use quick_xml::{
    escape::resolve_predefined_entity,
    events::{BytesStart, Event},
    Reader,
};

use super::{envelope::Envelope, record::WireRecord, scalar::Scalar};

/// Decodes an XML body into an envelope; `Err` is the reason.
pub(crate) fn decode<T: WireRecord>(body: &[u8]) -> Result<Envelope<T>, String> {
    let text = to_utf8(body)?;
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = false;

    loop {
        match next(&mut reader)? {
            Event::Start(start) if start.name().as_ref() == b"result" => break,
            Event::Start(start) | Event::Empty(start) => {
                return Err(format!("expected a <result> document, found <{}>", name(&start)))
            }
            Event::Text(t) if is_blank(&t) => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                return Err("expected a <result> document, found text".into())
            }
            Event::Eof => return Err("expected a <result> document, found no element".into()),
            _ => {}
        }
    }

    let mut envelope = Envelope::<T>::default();
    loop {
        match next(&mut reader)? {
            Event::Start(start) if start.name().as_ref() == b"list" && T::HAS_LIST => {
                envelope.list = Some(read_list::<T>(&mut reader)?);
            }
            Event::Start(start) => {
                let field = name(&start);
                if is_envelope_field(&field) {
                    let value = read_text(&mut reader, &field)?;
                    envelope.field(&field, Scalar::Text(value))?;
                } else {
                    skip(&mut reader, &start)?;
                }
            }
            Event::Empty(start) => {
                let field = name(&start);
                if field != "list" {
                    envelope.field(&field, Scalar::Text(Cow::Borrowed("")))?;
                } else if T::HAS_LIST {
                    envelope.list = Some(Vec::new());
                }
            }
            Event::End(_) => return Ok(envelope),
            Event::Eof => return Err("document ends before </result> (truncated?)".into()),
            _ => {}
        }
    }
}

fn is_envelope_field(name: &str) -> bool {
    matches!(name, "success" | "account_id" | "total" | "bad" | "key" | "error" | "token" | "expire")
}

/// Reads the records of `<list>` up to its end tag.
fn read_list<T: WireRecord>(reader: &mut Reader<&[u8]>) -> Result<Vec<T>, String> {
    let mut records = Vec::new();
    loop {
        match next(reader)? {
            Event::Start(_) => {
                let index = records.len();
                records.push(read_record::<T>(reader, index)?);
            }
            Event::Empty(_) => {
                let index = records.len();
                records.push(T::finish(T::Builder::default()).map_err(|why| format!("list[{index}]: {why}"))?);
            }
            Event::End(_) => return Ok(records),
            Event::Eof => return Err("document ends inside <list> (truncated?)".into()),
            _ => {}
        }
    }
}

/// Reads one record's fields up to its end tag.
fn read_record<T: WireRecord>(reader: &mut Reader<&[u8]>, index: usize) -> Result<T, String> {
    let mut builder = T::Builder::default();
    loop {
        match next(reader)? {
            Event::Start(start) => {
                let field = name(&start);
                let value = read_text(reader, &field).map_err(|why| format!("list[{index}].{why}"))?;
                if let Some(slot) = T::slot(&field) {
                    T::field(&mut builder, slot, Scalar::Text(value)).map_err(|why| format!("list[{index}].{why}"))?;
                } else if T::NAMED {
                    T::named(&mut builder, &field, Scalar::Text(value))
                        .map_err(|why| format!("list[{index}].{why}"))?;
                }
            }
            Event::Empty(start) => {
                let field = name(&start);
                if let Some(slot) = T::slot(&field) {
                    T::field(&mut builder, slot, Scalar::Text(Cow::Borrowed("")))
                        .map_err(|why| format!("list[{index}].{why}"))?;
                } else if T::NAMED {
                    T::named(&mut builder, &field, Scalar::Text(Cow::Borrowed("")))
                        .map_err(|why| format!("list[{index}].{why}"))?;
                }
            }
            Event::End(_) => return T::finish(builder).map_err(|why| format!("list[{index}]: {why}")),
            Event::Eof => return Err(format!("document ends inside list[{index}] (truncated?)")),
            _ => {}
        }
    }
}

/// Reads the text content of element `field` up to its end tag, resolving references.
/// A value made of one plain text run is borrowed from the body, not copied.
#[inline]
fn read_text<'a>(reader: &mut Reader<&'a [u8]>, field: &str) -> Result<Cow<'a, str>, String> {
    let mut value = Cow::Borrowed("");
    let append = |value: &mut Cow<'a, str>, piece: Cow<'a, str>| {
        if value.is_empty() {
            *value = piece;
        } else {
            value.to_mut().push_str(&piece);
        }
    };
    loop {
        match next(reader)? {
            Event::Text(t) => append(&mut value, t.xml_content().map_err(|e| format!("{field}: {e}"))?),
            Event::CData(t) => append(&mut value, t.xml_content().map_err(|e| format!("{field}: {e}"))?),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| format!("{field}: {e}"))? {
                    value.to_mut().push(c);
                } else {
                    let entity = r.decode().map_err(|e| format!("{field}: {e}"))?;
                    let resolved = resolve_predefined_entity(&entity)
                        .ok_or_else(|| format!("{field}: unknown entity &{entity};"))?;
                    value.to_mut().push_str(resolved);
                }
            }
            Event::Start(start) | Event::Empty(start) => {
                return Err(format!("{field}: unexpected element <{}> inside a value", name(&start)))
            }
            Event::End(_) => return Ok(value),
            Event::Eof => return Err(format!("document ends inside <{field}> (truncated?)")),
            _ => {}
        }
    }
}

/// Skips an unknown element and everything inside it.
fn skip(reader: &mut Reader<&[u8]>, start: &BytesStart<'_>) -> Result<(), String> {
    let end = start.to_end().into_owned();
    reader
        .read_to_end(end.name())
        .map(|_| ())
        .map_err(|e| format!("inside <{}> at byte {}: {e}", name(start), reader.error_position()))
}

fn next<'a>(reader: &mut Reader<&'a [u8]>) -> Result<Event<'a>, String> {
    reader.read_event().map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))
}

/// An element's name; valid UTF-8 (always, but in a broken body) is borrowed.
#[inline]
fn name<'a>(start: &'a BytesStart<'_>) -> Cow<'a, str> {
    let bytes = start.name().into_inner();
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// The body as UTF-8. A body that is not UTF-8 but declares ISO-8859-1 (as the API's
/// documented responses do) is transcoded from Latin-1; any other non-UTF-8 body is an error.
fn to_utf8(body: &[u8]) -> Result<Cow<'_, str>, String> {
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text))),
        Err(e) => {
            let prolog = String::from_utf8_lossy(&body[..body.len().min(100)]).to_ascii_lowercase();
            let latin1 = prolog.starts_with("<?xml")
                && ["iso-8859-1", "latin1", "latin-1", "windows-1252"].iter().any(|enc| prolog.contains(enc));
            if latin1 {
                Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect()))
            } else {
                Err(format!("body is not valid UTF-8 (at byte {})", e.valid_up_to()))
            }
        }
    }
}
