//! The retry policy (how many attempts, how long to wait between them), which statuses are
//! worth another attempt, and the `Retry-After` parser.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::rng::Rng;

/// How often, and after what pause, a failed call that is safe to repeat is sent again.
///
/// The pause before attempt `n + 1` is a random duration in `[0, min(max_backoff,
/// initial_backoff * 2^(n-1))]` ("full jitter"). Only reads, updates and priority creates
/// are repeated, on transport errors, timeouts and HTTP 429, 500, 502, 503 and 504. No pause
/// outlasts the call's total timeout: when the next one would, the call ends with the last
/// error instead.
///
/// A `Retry-After` header on a 429 or 503 answer replaces the pause: delay-seconds (`120`) or
/// an HTTP-date in the IMF-fixdate form (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past
/// means "now"). The client never repeats a call earlier than the server allowed: when
/// `Retry-After` is longer than `max_backoff`, or than what is left of the total timeout, the
/// call is not repeated and ends at once with that 429 or 503 as [`Error::HttpStatus`]; the
/// caller decides when to try again. A `Retry-After` that cannot be parsed (the obsolete
/// RFC 850 and asctime date forms included) is ignored, and the normal pause applies.
///
/// The random source of the jitter is the engine's seeded generator (see
/// [`Call::new`](super::Call::new)), so the same seed gives the same pauses.
///
/// [`Error::HttpStatus`]: crate::Error::HttpStatus
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (at least 1).
    pub max_attempts: u32,
    /// The cap of the first pause; each later cap doubles.
    pub initial_backoff: Duration,
    /// The largest pause, also the longest `Retry-After` the client waits for (a longer one
    /// ends the call with the 429 or 503).
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The default pauses with `retries` repetitions after the first attempt (`0`: none).
    pub fn with_retries(retries: u32) -> Self {
        Self { max_attempts: retries.saturating_add(1), ..Self::default() }
    }

    /// One attempt, no repetition.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The pause before the attempt following failed attempt number `attempt` (1-based), or
    /// `None` when the server's `retry_after` is longer than `max_backoff`: no repeat then.
    pub(crate) fn backoff(&self, attempt: u32, retry_after: Option<Duration>, rng: &mut Rng) -> Option<Duration> {
        if let Some(after) = retry_after {
            return (after <= self.max_backoff).then_some(after);
        }
        let shift = attempt.saturating_sub(1).min(30);
        let cap = self.initial_backoff.saturating_mul(1u32 << shift).min(self.max_backoff);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Some(Duration::ZERO);
        }
        Some(Duration::from_nanos(rng.up_to(nanos)))
    }
}

impl Default for RetryPolicy {
    /// Three attempts, pauses capped at 200 ms, 400 ms, ..., at most 5 s.
    fn default() -> Self {
        Self { max_attempts: 3, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(5) }
    }
}

/// Whether an HTTP status is worth another attempt of a repeatable call.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Parses a `Retry-After` value (RFC 9110 §10.2.3) into the delay from `now`: delay-seconds
/// (`120`; beyond `u64` reads as "very long") or an IMF-fixdate HTTP-date (`Wed, 21 Oct 2015
/// 07:28:00 GMT`; now or past gives zero). Anything else, the obsolete RFC 850 and asctime
/// date forms included, gives `None`: ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = parse_imf_fixdate(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7): exactly that
/// layout, case-sensitive names, a real calendar date. The day name must be one, but need
/// not match the date (RFC 9110 does not ask recipients to check it).
fn parse_imf_fixdate(value: &str) -> Option<SystemTime> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    fn number(text: &str, len: usize) -> Option<u32> {
        if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().ok()
        } else {
            None
        }
    }
    let parts: Vec<&str> = value.split(' ').collect();
    let [day_name, day, month, year, time, zone] = parts[..] else { return None };
    let day_name = day_name.strip_suffix(',')?;
    if !DAYS.contains(&day_name) || zone != "GMT" {
        return None;
    }
    let day = number(day, 2)?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let year = i64::from(number(year, 4)?);
    let mut hms = time.split(':');
    let (hour, minute, second) = (number(hms.next()?, 2)?, number(hms.next()?, 2)?, number(hms.next()?, 2)?);
    // 60 is a leap second (RFC 5322 allows it): it reads as the next minute's first second.
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > month_days {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3_600
        + i64::from(minute) * 60
        + i64::from(second);
    // A date before 1970 is as past as the epoch.
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_and_capped() {
        let rng = &mut Rng::new(7);
        let p = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for attempt in 1..10 {
            let cap = Duration::from_millis(100 * (1 << (attempt - 1).min(10))).min(p.max_backoff);
            assert!(p.backoff(attempt, None, rng).unwrap() <= cap);
        }
        assert_eq!(p.backoff(1, Some(Duration::from_millis(50)), rng), Some(Duration::from_millis(50)));
        assert_eq!(p.backoff(1, Some(Duration::from_millis(300)), rng), Some(Duration::from_millis(300)));
        assert_eq!(p.backoff(1, Some(Duration::ZERO), rng), Some(Duration::ZERO));
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }

    #[test]
    fn retry_after_beyond_max_backoff_means_no_repeat() {
        let p = RetryPolicy::default();
        let rng = &mut Rng::new(7);
        assert_eq!(p.backoff(1, Some(Duration::from_secs(30)), rng), None);
        assert_eq!(p.backoff(1, Some(Duration::from_millis(5_001)), rng), None);
        assert_eq!(p.backoff(1, Some(Duration::MAX), rng), None);
        assert_eq!(p.backoff(1, Some(Duration::from_secs(5)), rng), Some(Duration::from_secs(5)));
    }

    #[test]
    fn statuses() {
        assert!(retryable_status(503) && retryable_status(429) && !retryable_status(404));
    }

    /// 2015-10-21 07:28:00 UTC.
    const OCT_21_2015: u64 = 1_445_412_480;

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn retry_after_seconds() {
        let now = at(OCT_21_2015);
        assert_eq!(parse_retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::MAX));
        for bad in ["", " ", "-1", "+5", "1.5", "2 s", "0x10"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_http_date() {
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_imf_fixdate(date), Some(at(OCT_21_2015)));
        // In the future: the delay until then.
        assert_eq!(parse_retry_after(date, at(OCT_21_2015 - 30)), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(&format!(" {date}\t"), at(OCT_21_2015 - 1)), Some(Duration::from_secs(1)));
        // Now or in the past: no wait.
        assert_eq!(parse_retry_after(date, at(OCT_21_2015)), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(date, at(OCT_21_2015 + 3_600)), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(date, at(OCT_21_2015 + 86_400)), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", at(10)), Some(Duration::ZERO));
        // Other dates, checked against `date -u -d ... +%s`.
        assert_eq!(parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"), Some(at(784_111_777)));
        assert_eq!(parse_imf_fixdate("Fri, 01 Jan 2100 00:00:00 GMT"), Some(at(4_102_444_800)));
        assert_eq!(parse_imf_fixdate("Thu, 29 Feb 2024 23:59:59 GMT"), Some(at(1_709_251_199)));
        assert_eq!(parse_imf_fixdate("Wed, 31 Dec 2036 23:59:60 GMT"), Some(at(2_114_380_800)));
        assert_eq!(parse_imf_fixdate("Sat, 01 Jan 1000 00:00:00 GMT"), Some(UNIX_EPOCH));
    }

    #[test]
    fn retry_after_garbage_is_ignored() {
        let now = at(OCT_21_2015);
        for bad in [
            "soon",
            "Wed, 21 Oct 2015 07:28:00",
            "Wed, 21 Oct 2015 07:28:00 UTC",
            "Wed, 21 Oct 2015 07:28:00 gmt",
            "wed, 21 Oct 2015 07:28:00 GMT",
            "Wed 21 Oct 2015 07:28:00 GMT",
            "Wed,  21 Oct 2015 07:28:00 GMT",
            "Wed, 21 oct 2015 07:28:00 GMT",
            "Wed, 1 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct 15 07:28:00 GMT",
            "Wed, 21 Oct 2015 7:28:00 GMT",
            "Wed, 21 Oct 2015 07:28 GMT",
            "Wed, 21 Oct 2015 07:28:00:00 GMT",
            "Wed, 21 Oct 2015 24:00:00 GMT",
            "Wed, 21 Oct 2015 07:60:00 GMT",
            "Wed, 21 Oct 2015 07:28:61 GMT",
            "Wed, 00 Oct 2015 07:28:00 GMT",
            "Thu, 31 Apr 2015 07:28:00 GMT",
            "Sun, 29 Feb 2015 07:28:00 GMT",
            "Mon, 29 Feb 1900 07:28:00 GMT",
            "Wed, 21 Oct 2015 07:28:+0 GMT",
            "Wed, 2\u{e9} Oct 2015 07:28:00 GMT",
            // The obsolete forms: not supported, so ignored.
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }
}
