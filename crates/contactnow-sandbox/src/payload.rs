//! Parsing write payloads (JSON arrays, `<dxi>` XML documents) into raw records.

use std::{borrow::Cow, collections::BTreeMap};

use quick_xml::{escape::resolve_predefined_entity, events::Event, Reader};

/// A field value as sent: text, a JSON number, or something no field accepts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A string (JSON) or element text (XML).
    Text(String),
    /// A JSON number, as written.
    Number(serde_json::Number),
    /// null, a boolean, an array or an object.
    Invalid(&'static str),
}

/// One record of a batch: its fields by name.
pub(crate) type RawRecord = BTreeMap<String, Value>;

/// Parses a JSON payload: an array of objects.
pub(crate) fn parse_json(body: &[u8]) -> Result<Vec<RawRecord>, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("Malformed JSON payload: {e}"))?;
    let serde_json::Value::Array(items) = value else {
        return Err("Malformed JSON payload: expected an array of records, e.g. [{\"agentid\":\"1234\",...}]".into());
    };
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let serde_json::Value::Object(object) = item else {
            return Err(format!("Malformed JSON payload: record {} is not an object", index + 1));
        };
        let record = object
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    serde_json::Value::String(s) => Value::Text(s),
                    serde_json::Value::Number(n) => Value::Number(n),
                    serde_json::Value::Null => Value::Invalid("null"),
                    serde_json::Value::Bool(_) => Value::Invalid("a boolean"),
                    serde_json::Value::Array(_) => Value::Invalid("an array"),
                    serde_json::Value::Object(_) => Value::Invalid("an object"),
                };
                (name, value)
            })
            .collect();
        records.push(record);
    }
    Ok(records)
}

/// Parses an XML payload: `<dxi>` with records wrapped in `<wrapper>` elements, or one
/// record's fields directly under `<dxi>` (the documents show both).
pub(crate) fn parse_xml(body: &[u8], wrapper: &str) -> Result<Vec<RawRecord>, String> {
    let text = to_utf8(body)?;
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    // End tags are checked here, so that the documents' `</default />` typo is tolerated.
    config.check_end_names = false;

    loop {
        match next(&mut reader)? {
            Event::Start(start) if start.name().as_ref() == b"dxi" => break,
            Event::Empty(start) if start.name().as_ref() == b"dxi" => return Ok(Vec::new()),
            Event::Start(start) | Event::Empty(start) => {
                return Err(format!(
                    "Malformed XML payload: expected a <dxi> document, found <{}>",
                    String::from_utf8_lossy(start.name().as_ref())
                ))
            }
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                return Err("Malformed XML payload: text outside <dxi>".into())
            }
            Event::Eof => return Err("Malformed XML payload: no <dxi> element".into()),
            _ => {}
        }
    }

    let mut records: Vec<RawRecord> = Vec::new();
    let mut direct: Option<RawRecord> = None;
    loop {
        match next(&mut reader)? {
            Event::Start(start) => {
                let name = element_name(start.name().as_ref())?;
                // A wrapper or a field: look at what follows.
                match read_element(&mut reader, &name)? {
                    Element::Text(value) => {
                        if !records.is_empty() {
                            return Err(format!(
                                "Malformed XML payload: field <{name}> mixed with <{wrapper}> records"
                            ));
                        }
                        direct.get_or_insert_with(BTreeMap::new).insert(name, Value::Text(value));
                    }
                    Element::Record(fields) => {
                        if name != wrapper {
                            return Err(format!(
                                "Malformed XML payload: unexpected record element <{name}>; expected <{wrapper}>"
                            ));
                        }
                        if direct.is_some() {
                            return Err(format!(
                                "Malformed XML payload: <{wrapper}> records mixed with fields directly under <dxi>"
                            ));
                        }
                        records.push(fields);
                    }
                }
            }
            Event::Empty(start) => {
                let name = element_name(start.name().as_ref())?;
                if name == wrapper {
                    records.push(BTreeMap::new());
                } else {
                    direct.get_or_insert_with(BTreeMap::new).insert(name, Value::Text(String::new()));
                }
            }
            Event::End(end) => {
                check_end(end.name().as_ref(), "dxi")?;
                break;
            }
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                return Err("Malformed XML payload: text directly inside <dxi>".into())
            }
            Event::Eof => return Err("Malformed XML payload: document ends before </dxi>".into()),
            _ => {}
        }
    }
    loop {
        match next(&mut reader)? {
            Event::Eof => break,
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            Event::Comment(_) | Event::PI(_) => {}
            _ => return Err("Malformed XML payload: content after </dxi>".into()),
        }
    }
    Ok(match direct {
        Some(record) => vec![record],
        None => records,
    })
}

enum Element {
    Text(String),
    Record(RawRecord),
}

/// Reads an element's content after its start tag: text (a field) or child fields (a record).
fn read_element(reader: &mut Reader<&[u8]>, name: &str) -> Result<Element, String> {
    let mut text = String::new();
    let mut fields: Option<RawRecord> = None;
    loop {
        match next(reader)? {
            Event::Text(t) => {
                let piece = t.xml_content().map_err(|e| format!("Malformed XML payload: <{name}>: {e}"))?;
                text.push_str(&piece);
            }
            Event::CData(t) => {
                let piece = t.xml_content().map_err(|e| format!("Malformed XML payload: <{name}>: {e}"))?;
                text.push_str(&piece);
            }
            Event::GeneralRef(r) => {
                let resolved = r.resolve_char_ref().map_err(|e| format!("Malformed XML payload: <{name}>: {e}"))?;
                if let Some(c) = resolved {
                    text.push(c);
                } else {
                    let entity = r.decode().map_err(|e| format!("Malformed XML payload: <{name}>: {e}"))?;
                    let resolved = resolve_predefined_entity(&entity)
                        .ok_or_else(|| format!("Malformed XML payload: <{name}>: unknown entity &{entity};"))?;
                    text.push_str(resolved);
                }
            }
            Event::Start(start) => {
                let field = element_name(start.name().as_ref())?;
                let value = match read_element(reader, &field)? {
                    Element::Text(value) => value,
                    Element::Record(_) => {
                        return Err(format!("Malformed XML payload: <{field}> inside <{name}> has child elements"))
                    }
                };
                fields.get_or_insert_with(BTreeMap::new).insert(field, Value::Text(value));
            }
            Event::Empty(start) => {
                let field = element_name(start.name().as_ref())?;
                fields.get_or_insert_with(BTreeMap::new).insert(field, Value::Text(String::new()));
            }
            Event::End(end) => {
                check_end(end.name().as_ref(), name)?;
                return Ok(match fields {
                    Some(fields) => {
                        if !text.trim().is_empty() {
                            return Err(format!("Malformed XML payload: <{name}> mixes text and elements"));
                        }
                        Element::Record(fields)
                    }
                    None => Element::Text(text),
                });
            }
            Event::Eof => return Err(format!("Malformed XML payload: document ends inside <{name}>")),
            _ => {}
        }
    }
}

/// Accepts `</name>` and, as the tod_policy document prints it, `</name />`.
fn check_end(found: &[u8], expected: &str) -> Result<(), String> {
    let found = String::from_utf8_lossy(found);
    let trimmed = found.trim_end().trim_end_matches('/').trim_end();
    if trimmed == expected {
        Ok(())
    } else {
        Err(format!("Malformed XML payload: </{found}> does not close <{expected}>"))
    }
}

fn element_name(raw: &[u8]) -> Result<String, String> {
    std::str::from_utf8(raw)
        .map(str::to_owned)
        .map_err(|_| "Malformed XML payload: element name is not UTF-8".to_owned())
}

fn next<'a>(reader: &mut Reader<&'a [u8]>) -> Result<Event<'a>, String> {
    reader.read_event().map_err(|e| format!("Malformed XML payload at byte {}: {e}", reader.error_position()))
}

/// The body as UTF-8; a body declaring ISO-8859-1 (or Latin-1) is transcoded.
fn to_utf8(body: &[u8]) -> Result<Cow<'_, str>, String> {
    let prolog = String::from_utf8_lossy(&body[..body.len().min(100)]).to_ascii_lowercase();
    let latin1 = prolog.trim_start().starts_with("<?xml")
        && ["iso-8859-1", "latin1", "latin-1"].iter().any(|enc| prolog.contains(enc));
    if latin1 {
        return Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect()));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text))),
        Err(e) => Err(format!("Malformed XML payload: not valid UTF-8 (at byte {})", e.valid_up_to())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn xml_both_wrappings() {
        let wrapped = b"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<dxi>\n <priority>\n <agentid>1234</agentid>\n <qid>1234</qid>\n <level>100</level>\n </priority>\n</dxi>";
        let records = parse_xml(wrapped, "priority").unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["agentid"], text("1234"));
        let direct = b"<?xml version='1.0' encoding='utf-8' ?>\n<dxi>\n    <agentid>1234</agentid>\n    <qid>1007</qid>\n    <level>100</level>\n</dxi>";
        let records = parse_xml(direct, "priority").unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["qid"], text("1007"));
        let two = b"<dxi><priority><agentid>1</agentid></priority><priority><agentid>2</agentid></priority></dxi>";
        assert_eq!(parse_xml(two, "priority").unwrap().len(), 2);
    }

    #[test]
    fn xml_document_typo_and_entities() {
        let doc = b"<?xml version='1.0' encoding='utf-8' ?>\n<dxi>\n    <description>OutOfHours</description>\n    <default>hangup</default />\n</dxi>";
        let records = parse_xml(doc, "tod_policy").unwrap();
        assert_eq!(records[0]["default"], text("hangup"));
        let doc = "<dxi><tod_policy><description>Nuit &amp; &quot;W&quot; &lt;caf\u{e9}&gt; &#9;&#x260E;</description></tod_policy></dxi>";
        let records = parse_xml(doc.as_bytes(), "tod_policy").unwrap();
        assert_eq!(records[0]["description"], text("Nuit & \"W\" <caf\u{e9}> \t\u{260E}"));
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><dxi><description>Caf\xe9</description></dxi>";
        assert_eq!(parse_xml(latin1, "tod_policy").unwrap()[0]["description"], text("Caf\u{e9}"));
    }

    #[test]
    fn xml_rejects_garbage() {
        for bad in [
            &b"<dxi><agentid>1</agentid>"[..],
            b"<dxi><agentid>1</qid></dxi>",
            b"<other/>",
            b"not xml",
            b"<dxi><priority><agentid>1</agentid></priority><qid>2</qid></dxi>",
            b"<dxi><record><agentid>1</agentid></record></dxi>",
            b"<dxi><agentid>&bogus;</agentid></dxi>",
            b"<dxi></dxi><dxi></dxi>",
            b"",
        ] {
            assert!(parse_xml(bad, "priority").is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn json_shapes() {
        let records = parse_json(br#"[{"agentid":"1234","qid":1234,"level":null}]"#).unwrap();
        assert_eq!(records[0]["agentid"], text("1234"));
        assert!(matches!(records[0]["qid"], Value::Number(_)));
        assert_eq!(records[0]["level"], Value::Invalid("null"));
        assert!(parse_json(br#"{"agentid":"1"}"#).is_err());
        assert!(parse_json(br#"[1]"#).is_err());
        assert!(parse_json(br#"[{"agentid":"1""#).is_err());
    }
}
