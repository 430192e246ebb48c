//! Batch helpers' results: counts and keys summed over chunks, and the chunks that failed.

use contactnow_core::WriteResult;

use crate::Error;

/// The aggregate of a batched write: one request per chunk of `batch_size` records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// Records affected, summed over chunks (including partly failed ones).
    pub total: u64,
    /// Records the server reported as failed, summed over chunks.
    pub bad: u64,
    /// Non-zero `key`s reported by the chunks, in order.
    pub keys: Vec<u64>,
    /// Chunks sent (or attempted).
    pub chunks: usize,
    /// The chunks that did not fully succeed, in order.
    pub failures: Vec<ChunkFailure>,
}

impl BatchOutcome {
    /// Whether every chunk succeeded and no record was reported bad.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.bad == 0
    }

    /// Whether any chunk's outcome is unknown (a non-repeatable write that may have been applied).
    pub fn outcome_unknown(&self) -> bool {
        self.failures.iter().any(|f| f.error.outcome_unknown())
    }

    /// With the result of the chunk of `len` records from `offset` (both clients' helpers).
    pub(crate) fn with(mut self, offset: usize, len: usize, result: Result<WriteResult, Error>) -> Self {
        self.chunks += 1;
        match result {
            Ok(result) => {
                self.total += result.total;
                self.bad += result.bad;
                self.keys.extend(result.key.filter(|k| *k != 0));
            }
            Err(error) => {
                if let Error::Api(api) = &error {
                    self.total += api.total.unwrap_or(0);
                    self.bad += api.bad.unwrap_or(0);
                    self.keys.extend(api.key.filter(|k| *k != 0));
                }
                self.failures.push(ChunkFailure { offset, len, error });
            }
        }
        self
    }
}

/// A chunk that failed in whole or in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkFailure {
    /// Index of the chunk's first record in the input slice.
    pub offset: usize,
    /// Number of records in the chunk.
    pub len: usize,
    /// Why: an [`Error::Api`] with `partial: true` when some records failed.
    pub error: Error,
}

/// The operations `make` makes of `records` in chunks of `size` (at least one record
/// each), with each chunk's offset and length.
pub(crate) fn chunks<'a, R: Clone, O>(
    records: &'a [R],
    size: usize,
    make: impl Fn(Vec<R>) -> O + 'a,
) -> impl Iterator<Item = (usize, usize, O)> + 'a {
    let size = size.max(1);
    records.chunks(size).enumerate().map(move |(n, chunk)| (n * size, chunk.len(), make(chunk.to_vec())))
}
