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

/// Parses a JSON payload: an array of objects. A key given twice in one object is malformed
/// (a plain `serde_json::Value` would keep the last one silently).
pub(crate) fn parse_json(body: &[u8]) -> Result<Vec<RawRecord>, String> {
    // Every JSON value is a valid item, so a data error can only mean the top is no array.
    let items: Vec<JsonItem> = serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            "Malformed JSON payload: expected an array of records, e.g. [{\"agentid\":\"1234\",...}]".to_owned()
        }
        _ => format!("Malformed JSON payload: {e}"),
    })?;
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let JsonItem::Object(entries) = item else {
            return Err(format!("Malformed JSON payload: record {} is not an object", index + 1));
        };
        let mut record = RawRecord::new();
        for (name, value) in entries {
            if record.contains_key(&name) {
                return Err(format!(
                    "Malformed JSON payload: field {} appears more than once in record {}; give each field once per record",
                    serde_json::Value::String(name),
                    index + 1
                ));
            }
            let value = match value {
                serde_json::Value::String(s) => Value::Text(s),
                serde_json::Value::Number(n) => Value::Number(n),
                serde_json::Value::Null => Value::Invalid("null"),
                serde_json::Value::Bool(_) => Value::Invalid("a boolean"),
                serde_json::Value::Array(_) => Value::Invalid("an array"),
                serde_json::Value::Object(_) => Value::Invalid("an object"),
            };
            record.insert(name, value);
        }
        records.push(record);
    }
    Ok(records)
}

/// An item of the array: an object's entries in order, repeats included, or anything else.
enum JsonItem {
    Object(Vec<(String, serde_json::Value)>),
    Other,
}

impl<'de> serde::Deserialize<'de> for JsonItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = JsonItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonItem, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    entries.push(entry);
                }
                Ok(JsonItem::Object(entries))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonItem, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(JsonItem::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
            fn visit_unit<E>(self) -> Result<JsonItem, E> {
                Ok(JsonItem::Other)
            }
        }
        deserializer.deserialize_any(Visit)
    }
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
                        insert_field(direct.get_or_insert_with(BTreeMap::new), name, value, DIRECT)?;
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
                        let place = format!("in <{wrapper}> record {}", records.len() + 1);
                        let mut record = RawRecord::new();
                        for (field, value) in fields {
                            insert_field(&mut record, field, value, &place)?;
                        }
                        records.push(record);
                    }
                }
            }
            Event::Empty(start) => {
                let name = element_name(start.name().as_ref())?;
                if name == wrapper {
                    if direct.is_some() {
                        return Err(format!(
                            "Malformed XML payload: <{wrapper}> records mixed with fields directly under <dxi>"
                        ));
                    }
                    records.push(BTreeMap::new());
                } else {
                    if !records.is_empty() {
                        return Err(format!("Malformed XML payload: field <{name}> mixed with <{wrapper}> records"));
                    }
                    insert_field(direct.get_or_insert_with(BTreeMap::new), name, String::new(), DIRECT)?;
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
    /// Child fields in document order, repeats included (the caller rejects them).
    Record(Vec<(String, String)>),
}

/// Reads the content of an element directly under `<dxi>`, after its start tag: text (a
/// field) or child fields (a record).
///
/// Nesting is bounded by construction: a child element is read by [`read_field`], which
/// never descends further, so no body can make the parser recurse deeper than this.
fn read_element(reader: &mut Reader<&[u8]>, name: &str) -> Result<Element, String> {
    let mut text = String::new();
    let mut fields: Option<Vec<(String, String)>> = None;
    loop {
        let event = next(reader)?;
        if push_text(&event, &mut text, name)? {
            continue;
        }
        match event {
            Event::Start(start) => {
                let field = element_name(start.name().as_ref())?;
                let value = read_field(reader, &field, name)?;
                fields.get_or_insert_with(Vec::new).push((field, value));
            }
            Event::Empty(start) => {
                let field = element_name(start.name().as_ref())?;
                fields.get_or_insert_with(Vec::new).push((field, String::new()));
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

/// Reads a field of a record (`<name>` inside `<parent>`) after its start tag: text only.
/// A child element is malformed as soon as its start tag is seen, without reading into it,
/// so deep nesting costs neither stack nor time.
fn read_field(reader: &mut Reader<&[u8]>, name: &str, parent: &str) -> Result<String, String> {
    let mut text = String::new();
    loop {
        let event = next(reader)?;
        if push_text(&event, &mut text, name)? {
            continue;
        }
        match event {
            Event::Start(_) | Event::Empty(_) => {
                return Err(format!("Malformed XML payload: <{name}> inside <{parent}> has child elements"))
            }
            Event::End(end) => {
                check_end(end.name().as_ref(), name)?;
                return Ok(text);
            }
            Event::Eof => return Err(format!("Malformed XML payload: document ends inside <{name}>")),
            _ => {}
        }
    }
}

/// Appends the content of a text, CDATA or entity event inside `<name>` to `text`; returns
/// `false`, appending nothing, for any other event.
fn push_text(event: &Event<'_>, text: &mut String, name: &str) -> Result<bool, String> {
    match event {
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
        _ => return Ok(false),
    }
    Ok(true)
}

/// Where a lone record's fields are, for [`insert_field`]'s message.
const DIRECT: &str = "directly under <dxi>";

/// Adds a field to an XML record; a field given twice in one record is malformed (the
/// sandbox does not guess which value was meant). `place` says where, for the message.
fn insert_field(record: &mut RawRecord, field: String, value: String, place: &str) -> Result<(), String> {
    if record.contains_key(&field) {
        return Err(format!(
            "Malformed XML payload: field <{field}> appears more than once {place}; give each field once per record"
        ));
    }
    record.insert(field, Value::Text(value));
    Ok(())
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
    fn xml_deep_nesting_is_refused_without_recursing() {
        // 100,000 levels (700 KB, under the default 1 MiB body limit), parsed on a small
        // stack: recursing once per level would overflow it and abort the process.
        let depth = 100_000;
        let doc = format!("<dxi>{}{}</dxi>", "<a>".repeat(depth), "</a>".repeat(depth));
        assert!(doc.len() < 1 << 20);
        let unclosed = format!("<dxi><priority>{}", "<agentid>".repeat(depth));
        let whys = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || (parse_xml(doc.as_bytes(), "priority"), parse_xml(unclosed.as_bytes(), "priority")))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(whys.0.unwrap_err(), "Malformed XML payload: <a> inside <a> has child elements");
        assert_eq!(whys.1.unwrap_err(), "Malformed XML payload: <agentid> inside <priority> has child elements");
        // One level too deep answers as it always did.
        for bad in [
            &b"<dxi><priority><agentid><x>1</x></agentid></priority></dxi>"[..],
            b"<dxi><priority><agentid><x/></agentid></priority></dxi>",
            b"<dxi><priority><agentid>1<x><y>2</y></x></agentid></priority></dxi>",
        ] {
            let why = parse_xml(bad, "priority").unwrap_err();
            assert_eq!(why, "Malformed XML payload: <agentid> inside <priority> has child elements", "{why}");
        }
        let why = parse_xml(b"<dxi><agentid><x><y/></x></agentid></dxi>", "priority").unwrap_err();
        assert_eq!(why, "Malformed XML payload: <x> inside <agentid> has child elements");
    }

    #[test]
    fn xml_rejects_a_repeated_field() {
        let bare = b"<dxi><agentid>1</agentid><agentid>2</agentid><qid>3</qid><level>4</level></dxi>";
        let why = parse_xml(bare, "priority").unwrap_err();
        assert_eq!(
            why,
            "Malformed XML payload: field <agentid> appears more than once directly under <dxi>; \
             give each field once per record"
        );
        let empty_repeat = b"<dxi><description>A</description><description/></dxi>";
        assert!(parse_xml(empty_repeat, "tod_policy").unwrap_err().contains("field <description>"));
        let wrapped = b"<dxi><priority><agentid>1</agentid><qid>2</qid><level>3</level></priority>\
            <priority><agentid>1</agentid><qid>2</qid><qid>5</qid><level>3</level></priority></dxi>";
        let why = parse_xml(wrapped, "priority").unwrap_err();
        assert!(why.contains("field <qid> appears more than once in <priority> record 2"), "{why}");
        let wrapped_empty = b"<dxi><tod_policy><default/><description>A</description><default/></tod_policy></dxi>";
        assert!(parse_xml(wrapped_empty, "tod_policy").unwrap_err().contains("field <default>"));
        // The same name in different records is fine.
        let two = b"<dxi><priority><agentid>1</agentid></priority><priority><agentid>2</agentid></priority></dxi>";
        assert_eq!(parse_xml(two, "priority").unwrap().len(), 2);
    }

    #[test]
    fn xml_rejects_empty_elements_mixing_the_forms() {
        for bad in [
            &b"<dxi><priority><agentid>1</agentid></priority><level/></dxi>"[..],
            b"<dxi><agentid>1</agentid><priority/></dxi>",
        ] {
            let why = parse_xml(bad, "priority").unwrap_err();
            assert!(why.contains("mixed with"), "{why}");
        }
    }

    #[test]
    fn json_rejects_a_repeated_field() {
        let why = parse_json(br#"[{"agentid":"1","qid":"2","level":"3"},{"agentid":"1","agentid":2}]"#).unwrap_err();
        assert_eq!(
            why,
            "Malformed JSON payload: field \"agentid\" appears more than once in record 2; give each field once per record"
        );
        // Nested objects are values, not records: only the record's own keys are checked.
        assert!(parse_json(br#"[{"agentid":{"a":1,"a":2}}]"#).is_ok());
    }

    #[test]
    fn json_shapes() {
        let records = parse_json(br#"[{"agentid":"1234","qid":1234,"level":null}]"#).unwrap();
        assert_eq!(records[0]["agentid"], text("1234"));
        assert!(matches!(records[0]["qid"], Value::Number(_)));
        assert_eq!(records[0]["level"], Value::Invalid("null"));
        assert!(parse_json(br#"{"agentid":"1"}"#).unwrap_err().contains("expected an array of records"));
        assert!(parse_json(br#""text""#).unwrap_err().contains("expected an array of records"));
        assert_eq!(parse_json(br#"[1]"#).unwrap_err(), "Malformed JSON payload: record 1 is not an object");
        assert_eq!(parse_json(br#"[{}, [1], null]"#).unwrap_err(), "Malformed JSON payload: record 2 is not an object");
        assert!(parse_json(br#"[{"agentid":"1""#).unwrap_err().contains("EOF"));
        assert!(parse_json(br#"[] x"#).unwrap_err().contains("trailing characters"));
        assert!(parse_json(br#"[]"#).unwrap().is_empty());
    }
}
