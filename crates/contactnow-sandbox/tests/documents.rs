//! The documents' own example requests, sent as printed, get the documented answer shapes.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;

const XML: &str = "application/xml";
const JSON: &str = "application/json";

#[test]
fn priority_create_json_as_documented() {
    let sb = start(Seed::Empty);
    let a = agent();
    let url = db_url(&sb, "priority", "create", "json", "");
    let answer = post(&a, &url, JSON, r#"[{"agentid":"1234","qid":"1234","level":"100"}]"#);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(answer.body, r#"{"success":true,"account_id":"10278","total":1,"bad":0,"key":550423}"#);
    // "If the record already exists it will NOT add a new record and will return success true/1 and total = 0"
    let again = post(&a, &url, JSON, r#"[{"agentid":"1234","qid":"1234","level":"100"}]"#);
    assert_eq!(again.body, r#"{"success":true,"account_id":"10278","total":0,"bad":0,"key":0}"#);
}

#[test]
fn priority_create_xml_wrapped_as_documented() {
    let sb = start(Seed::Empty);
    let body = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<dxi>\n    <priority>\n        <agentid>1234</agentid>\n        <qid>1234</qid>\n        <level>100</level>\n    </priority>\n</dxi>";
    let answer = post(&agent(), &db_url(&sb, "priority", "create", "xml", ""), XML, body);
    assert_eq!(answer.content_type, "text/xml; charset=ISO-8859-1");
    assert_eq!(
        answer.body,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>1</success><account_id>10278</account_id><total>1</total><bad>0</bad><key>550423</key></result>\n"
    );
}

#[test]
fn priority_read_as_documented() {
    let sb = start(Seed::Demo);
    let a = agent();
    let answer = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=1234&qid=1007"));
    assert_eq!(answer.body, r#"{"success":true,"total":1,"list":[{"agentid":"1234","qid":"1007","level":"0"}]}"#);
    let answer = get(&a, &db_url(&sb, "priority", "read", "xml", "&agent=1234"));
    assert_eq!(
        answer.body,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>1</success><total>2</total><list><priority><agentid>1234</agentid><qid>1007</qid><level>0</level></priority><priority><agentid>1234</agentid><qid>1234</qid><level>100</level></priority></list></result>\n"
    );
    // The document's read URL has no raw=1 and no filters.
    let url = format!("{}/database.php?token={}&format=json&method=priority&action=read", sb.base_url(), sb.token());
    assert_eq!(get(&a, &url).json()["total"], 12);
    let empty = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=999"));
    assert_eq!(empty.body, r#"{"success":true,"total":0,"list":[]}"#);
}

#[test]
fn priority_update_json_and_unwrapped_xml_as_documented() {
    let sb = start(Seed::Demo);
    let a = agent();
    let answer = post(
        &a,
        &db_url(&sb, "priority", "update", "json", ""),
        JSON,
        r#"[{"agentid":"1234","qid":"1007","level":"100"}]"#,
    );
    assert_eq!(answer.body, r#"{"success":true,"account_id":"10278","total":1,"bad":0,"key":0}"#);
    let body = "<?xml version='1.0' encoding='utf-8' ?>\n<dxi>\n    <agentid>1234</agentid>\n    <qid>1007</qid>\n    <level>100</level>\n</dxi>";
    let answer = post(&a, &db_url(&sb, "priority", "update", "xml", ""), XML, body);
    assert!(answer.body.ends_with("<result><success>1</success><account_id>10278</account_id><total>1</total><bad>0</bad><key>0</key></result>\n"), "{}", answer.body);
    let body = "<dxi><agentid>1234</agentid><qid>1007</qid><level>42</level></dxi>";
    post(&a, &db_url(&sb, "priority", "update", "xml", ""), XML, body);
    let read = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=1234&qid=1007"));
    assert_eq!(read.json()["list"][0]["level"], "42");
}

#[test]
fn tod_create_json_and_xml_as_documented() {
    let sb = start(Seed::Demo);
    let a = agent();
    // The document's URL carries format twice; the last one wins, as in PHP.
    let url = format!(
        "{}/database.php?token={}&format=json&method=tod_policy&action=create&format=json&raw=1",
        sb.base_url(),
        sb.token()
    );
    let answer = post(&a, &url, JSON, r#"[{"description":"OutOfHours","default":"hangup"}]"#);
    assert_eq!(answer.body, r#"{"success":true,"account_id":"10278","total":1,"bad":0,"key":2179}"#);
    // The XML example exactly as printed, including its `</default />` typo.
    let body = "<?xml version='1.0' encoding='utf-8' ?>\n<dxi>\n    <description>OutOfHours</description>\n    <default>hangup</default />\n</dxi>";
    let answer = post(&a, &db_url(&sb, "tod_policy", "create", "xml", ""), XML, body);
    assert!(answer.body.ends_with("<result><success>1</success><account_id>10278</account_id><total>1</total><bad>0</bad><key>2180</key></result>\n"), "{}", answer.body);
    // Create always adds: three OutOfHours policies now.
    let all = get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).json();
    let count = all["list"].as_array().unwrap().iter().filter(|p| p["description"] == "OutOfHours").count();
    assert_eq!(count, 3);
}

#[test]
fn tod_read_as_documented() {
    let sb = start(Seed::Demo);
    let a = agent();
    let answer = get(&a, &db_url(&sb, "tod_policy", "read", "json", "&policy=2164"));
    assert_eq!(
        answer.body,
        r#"{"success":true,"total":1,"list":[{"uid":"2164","description":"MyTOD","default":"queue"}]}"#
    );
    let answer = get(&a, &db_url(&sb, "tod_policy", "read", "xml", "&policy=2178"));
    assert_eq!(
        answer.body,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>1</success><total>1</total><list><tod_policy><uid>2178</uid><description>OutOfHours</description><default>hangup</default></tod_policy></list></result>\n"
    );
    let all = get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).json();
    assert_eq!(all["total"], 4);
}

#[test]
fn tod_update_json_and_xml_as_documented() {
    let sb = start(Seed::Demo);
    let a = agent();
    let answer = post(
        &a,
        &db_url(&sb, "tod_policy", "update", "json", ""),
        JSON,
        r#"[{"uid":"2178","description":"InHours","default":"queue"}]"#,
    );
    assert_eq!(answer.body, r#"{"success":true,"account_id":"10278","total":1,"bad":0}"#);
    let body = "<?xml version='1.0' encoding='utf-8' ?>\n<dxi>\n    <uid>2164</uid>\n    <description>InHours</description>\n    <default>queue</default>\n</dxi>";
    let answer = post(&a, &db_url(&sb, "tod_policy", "update", "xml", ""), XML, body);
    assert!(
        answer.body.ends_with(
            "<result><success>1</success><account_id>10278</account_id><total>1</total><bad>0</bad></result>\n"
        ),
        "{}",
        answer.body
    );
    let read = get(&a, &db_url(&sb, "tod_policy", "read", "json", "&policy=2178")).json();
    assert_eq!(read["list"][0]["description"], "InHours");
    assert_eq!(read["list"][0]["default"], "queue");
}

#[test]
fn special_characters_round_trip_in_both_formats() {
    let sb = start(Seed::Empty);
    let a = agent();
    let text = "Nuit & \"Week-end\" <café> '24/7' ☎ 日本\ttab\nline";
    let body = serde_json::json!([{"description": text, "default": "voicemail"}]).to_string();
    let created = post(&a, &db_url(&sb, "tod_policy", "create", "json", ""), JSON, &body).json();
    let uid = created["key"].as_u64().unwrap();
    let json = get(&a, &db_url(&sb, "tod_policy", "read", "json", &format!("&policy={uid}")));
    assert!(json.body.contains(r"\u260e") && json.body.contains(r"24\/7"), "{}", json.body);
    assert_eq!(json.json()["list"][0]["description"], text);
    let xml = get(&a, &db_url(&sb, "tod_policy", "read", "xml", &format!("&policy={uid}")));
    assert!(xml.body.is_ascii());
    assert!(xml.body.contains("Nuit &amp; &quot;Week-end&quot; &lt;caf&#xE9;&gt; &apos;24/7&apos; &#x260E; &#x65E5;&#x672C;&#x9;tab&#xA;line"), "{}", xml.body);
    // The XML the core client sends parses back to the same text.
    let sent = "<?xml version=\"1.0\" encoding=\"utf-8\"?><dxi><tod_policy><description>Nuit &amp; &quot;Week-end&quot; &lt;café&gt; &apos;24/7&apos; ☎ 日本&#9;tab&#10;line</description><default>voicemail</default></tod_policy></dxi>";
    let created = post(&a, &db_url(&sb, "tod_policy", "create", "xml", ""), XML, sent);
    assert!(created.body.contains("<success>1</success>"), "{}", created.body);
    let all = get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).json();
    assert_eq!(all["list"][1]["description"], text);
}

#[test]
fn us_style_base_path_works() {
    let sb = start(Seed::Demo);
    let url = format!("{}/api/database.php?token={}&method=tod_policy&action=read", sb.base_url(), sb.token());
    assert_eq!(get(&agent(), &url).json()["total"], 4);
}
