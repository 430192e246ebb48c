//! The fields every response carries, before they become a result or an error.

use super::{record::WireRecord, scalar::Scalar};
use crate::{error::ApiError, Error, Listing, WriteResult};

/// A decoded response body: the documented fields, plus the token fields of `token.php`.
#[derive(Debug)]
pub(crate) struct Envelope<T> {
    pub success: Option<bool>,
    pub account_id: Option<u64>,
    pub total: Option<u64>,
    pub bad: Option<u64>,
    pub key: Option<u64>,
    pub error: Option<String>,
    pub token: Option<String>,
    pub expire: Option<i64>,
    pub list: Option<Vec<T>>,
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Self {
            success: None,
            account_id: None,
            total: None,
            bad: None,
            key: None,
            error: None,
            token: None,
            expire: None,
            list: None,
        }
    }
}

impl<T: WireRecord> Envelope<T> {
    /// Takes one top-level field other than `list`; unknown names are ignored.
    pub(crate) fn field(&mut self, name: &str, value: Scalar<'_>) -> Result<(), String> {
        let at = |why: String| format!("{name}: {why}");
        match name {
            "success" => self.success = Some(value.to_bool().map_err(at)?),
            // Informational only: an odd account id must not turn a done write into an error.
            "account_id" => self.account_id = value.to_u64().ok(),
            _ if value.is_blank() => {}
            "total" => self.total = Some(value.to_u64().map_err(at)?),
            "bad" => self.bad = Some(value.to_u64().map_err(at)?),
            "key" => self.key = Some(value.to_u64().map_err(at)?),
            "expire" => self.expire = Some(value.to_i64().map_err(at)?),
            "error" => self.error = Some(value.into_text().map_err(at)?),
            "token" => self.token = Some(value.into_text().map_err(at)?),
            _ => {}
        }
        Ok(())
    }

    /// The API's account of a call it answered with `success: false`.
    pub(crate) fn into_api_error(self) -> ApiError {
        ApiError {
            message: self.error.unwrap_or_else(|| "the API reported failure without an error text".into()),
            account_id: self.account_id,
            total: self.total,
            bad: self.bad,
            key: self.key,
            expire: self.expire,
            partial: false,
        }
    }

    /// The result of a write; a batch with failed records is an error.
    /// Expects `success: true` (checked by the caller).
    pub(crate) fn into_write(self) -> Result<WriteResult, Error> {
        let bad = self.bad.unwrap_or(0);
        if bad > 0 {
            return Err(Error::Api(ApiError {
                message: self.error.unwrap_or_default(),
                account_id: self.account_id,
                total: self.total,
                bad: Some(bad),
                key: self.key,
                expire: None,
                partial: true,
            }));
        }
        Ok(WriteResult { account_id: self.account_id, total: self.total.unwrap_or(0), bad, key: self.key })
    }

    /// The records of a read.
    /// Expects `success: true` (checked by the caller).
    pub(crate) fn into_listing(self) -> Result<Listing<T>, Error> {
        let records = self.list.unwrap_or_default();
        Ok(Listing { account_id: self.account_id, total: self.total.unwrap_or(records.len() as u64), records })
    }
}
