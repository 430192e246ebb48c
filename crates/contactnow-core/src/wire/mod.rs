//! The wire formats: lenient scalars, records, the response envelope, JSON and XML codecs.

pub(crate) mod envelope;
pub(crate) mod json_in;
pub(crate) mod json_out;
pub(crate) mod record;
pub(crate) mod scalar;
pub(crate) mod xml_in;
pub(crate) mod xml_out;
