//! Feeds one body to every response parser of the core in the given format.

use contactnow_core::{
    CreateAssignments, CreatePolicies, Format, GetToken, HttpResponse, Operation, ReadAssignments, ReadPolicies,
    ValidateToken,
};

pub fn parse_all(format: Format, body: &[u8]) {
    let response = HttpResponse::new(200, Some("application/octet-stream"), body);
    let _ = ReadAssignments::default().parse_response(format, &response);
    let _ = ReadPolicies::default().parse_response(format, &response);
    let _ = CreateAssignments { records: vec![] }.parse_response(format, &response);
    let _ = CreatePolicies { records: vec![] }.parse_response(format, &response);
    if format == Format::Json {
        let _ = GetToken::new("u", "p").parse_response(&response);
        let _ = ValidateToken::new("t").parse_response(&response);
    }
    // Errors must render without panicking too.
    if let Err(e) = ReadPolicies::default().parse_response(format, &response) {
        let _ = e.to_string();
    }
}
