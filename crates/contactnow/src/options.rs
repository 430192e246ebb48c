//! One client configuration for every language: the options a binding reads from its caller,
//! checked here once, and the one rule that names them in each language.
//!
//! Every binding fills an [`Options`] from its caller's arguments and calls
//! [`Options::builder`]; an invalid option is an [`Error::InvalidInput`] whose `field` is the
//! option's name ([`Options::NAMES`], e.g. `retries.max_attempts`), which the binding shows
//! in its own casing with [`option_name`] (or [`in_casing`] for a whole error). The defaults
//! are the builder's ([`ClientBuilder::new`]).

use std::time::Duration;

pub use contactnow_core::naming::{in_casing, option_name, Casing};
use contactnow_core::{input::Reader, naming::UNKNOWN_OPTION, similar, Region};

use crate::{ClientBuilder, Error, RetryPolicy};

/// How many times to repeat, or the whole policy.
#[derive(Debug, Clone, PartialEq)]
pub enum Retries {
    /// Repeats after a failure (0: never), with the default pauses.
    Count(u32),
    /// The policy; what is `None` keeps its default.
    Policy {
        /// Attempts in all, at least 1 (default 3).
        max_attempts: Option<u32>,
        /// The cap of the first pause (default 200 ms); later caps double.
        initial_backoff: Option<Duration>,
        /// The largest pause, and the longest `Retry-After` honoured (default 5 s).
        max_backoff: Option<Duration>,
    },
}

impl Retries {
    /// The setting of a binding that takes a count and a policy apart (Kotlin, Swift): the
    /// one given, if any; both at once is an error of `retries`.
    pub fn either(count: Option<u32>, policy: Option<Retries>) -> Result<Option<Retries>, Error> {
        match (count, policy) {
            (Some(_), Some(_)) => Err(Error::invalid("retries", "give a retry count or a retry policy, not both")),
            (count, policy) => Ok(policy.or(count.map(Retries::Count))),
        }
    }
}

/// Every setting of a client, as a binding read it: `None` keeps the default.
///
/// `Debug` never shows the token or the password.
#[derive(Clone, Default, PartialEq)]
pub struct Options {
    /// A fixed token.
    pub token: Option<String>,
    /// An API user's name (with `password`): tokens come from `token.php`.
    pub username: Option<String>,
    /// The API user's password.
    pub password: Option<String>,
    /// The base URL (default the EU host); not with `region`.
    pub base_url: Option<String>,
    /// `eu` or `us`; not with `base_url`.
    pub region: Option<String>,
    /// `json` (default) or `xml`.
    pub format: Option<String>,
    /// The limit for opening a connection (default 10 s).
    pub connect_timeout: Option<Duration>,
    /// The limit for one attempt (default 30 s).
    pub timeout: Option<Duration>,
    /// The limit for a whole call (default 120 s, or what the attempts need).
    pub total_timeout: Option<Duration>,
    /// Repeats, or the retry policy.
    pub retries: Option<Retries>,
    /// Larger response bodies are refused (default 64 MiB).
    pub max_response_bytes: Option<u64>,
    /// An HTTP proxy, `http://host:port`.
    pub proxy: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Records per request of the batch helpers (default 100).
    pub batch_size: Option<u64>,
    /// Plain `http://` to a host other than loopback (default false).
    pub allow_insecure_http: Option<bool>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("Options")
            .field("token", &hidden(&self.token))
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("base_url", &self.base_url)
            .field("region", &self.region)
            .field("format", &self.format)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retries", &self.retries)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("proxy", &hidden(&self.proxy))
            .field("user_agent", &self.user_agent)
            .field("batch_size", &self.batch_size)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl Options {
    /// Every option's name, as errors give them ([`Casing::Snake`]).
    pub const NAMES: [&'static str; 18] = [
        "token",
        "username",
        "password",
        "base_url",
        "region",
        "format",
        "connect_timeout",
        "timeout",
        "total_timeout",
        "retries",
        "retries.max_attempts",
        "retries.initial_backoff",
        "retries.max_backoff",
        "max_response_bytes",
        "proxy",
        "user_agent",
        "batch_size",
        "allow_insecure_http",
    ];

    /// Reads options from an object (`null` is none) as a binding's caller wrote them: in
    /// [`Casing::Snake`], `connect_timeout` in seconds (`0.5`); in [`Casing::Camel`],
    /// `connectTimeoutMs` in milliseconds (`connect_timeout_ms` too). `retries` is a count or
    /// an object of the policy's fields. `extra` are keys the binding reads itself (its sender,
    /// callback); they are allowed and left alone. Errors name the option as
    /// [`Options::NAMES`] does; write them in the caller's casing with [`in_casing`].
    pub fn from_json(value: &serde_json::Value, casing: Casing, reader: Reader, extra: &[&str]) -> Result<Self, Error> {
        use serde_json::{Map, Value};
        let empty = Map::new();
        let map = match value {
            Value::Object(map) => map,
            Value::Null => &empty,
            // The value is not quoted: a token passed where the options go stays out of the text.
            _ => return Err(Error::invalid("options", "expected an object")),
        };
        // Each option under its spellings (the casing's name, and in camelCase the snake one),
        // worked out once.
        let spellings: Vec<(&'static str, [String; 2])> = Options::NAMES
            .iter()
            .map(|name| {
                let last = |n: String| n.rsplit('.').next().unwrap_or_default().to_owned();
                let own = last(option_name(name, casing));
                let snake = last((*name).to_owned());
                let snake = if own.ends_with("Ms") { format!("{snake}_ms") } else { snake };
                (*name, [own, snake])
            })
            .collect();
        let find = |map: &Map<String, Value>, prefix: &str| -> Result<Vec<(&'static str, Value)>, Error> {
            let mut found = Vec::new();
            for (key, item) in map {
                let level = |name: &str| name.strip_prefix(prefix).is_some_and(|n| !n.contains('.'));
                match spellings.iter().find(|(name, names)| level(name) && names.contains(key)) {
                    Some((name, _)) if !item.is_null() => found.push((*name, item.clone())),
                    Some(_) => {}
                    None if prefix.is_empty() && extra.contains(&key.as_str()) => {}
                    None => {
                        let here = spellings.iter().filter(|(name, _)| level(name)).flat_map(|(_, names)| names);
                        let reason = match similar::nearest(key, here.map(String::as_str)) {
                            Some(near) => format!("{UNKNOWN_OPTION}; did you mean {near:?}?"),
                            None => UNKNOWN_OPTION.to_owned(),
                        };
                        return Err(Error::invalid(format!("{prefix}{key}"), reason));
                    }
                }
            }
            Ok(found)
        };
        let duration = |value: &Value, name: &str| -> Result<Duration, Error> {
            if casing == Casing::Camel {
                return reader.integer(value, name).map(Duration::from_millis);
            }
            value.as_f64().filter(|_| value.is_number()).and_then(|s| Duration::try_from_secs_f64(s).ok()).ok_or_else(
                || Error::invalid(name, format!("must be a positive, finite number of seconds, got {value}")),
            )
        };
        let mut options = Options::default();
        let mut policy = (None, None, None);
        let mut top = find(map, "")?;
        if let Some(index) = top.iter().position(|(name, v)| *name == "retries" && v.is_object()) {
            let (_, retries) = top.remove(index);
            for (name, item) in find(retries.as_object().unwrap_or(&empty), "retries.")? {
                match name {
                    "retries.max_attempts" => policy.0 = Some(reader.small(&item, name)?),
                    "retries.initial_backoff" => policy.1 = Some(duration(&item, name)?),
                    _ => policy.2 = Some(duration(&item, name)?),
                }
            }
            options.retries =
                Some(Retries::Policy { max_attempts: policy.0, initial_backoff: policy.1, max_backoff: policy.2 });
        }
        for (name, item) in top {
            let text = || reader.text(&item, name).map(Some);
            match name {
                "token" => options.token = text()?,
                "username" => options.username = text()?,
                "password" => options.password = text()?,
                "base_url" => options.base_url = text()?,
                "region" => options.region = text()?,
                "format" => options.format = text()?,
                "proxy" => options.proxy = text()?,
                "user_agent" => options.user_agent = text()?,
                "connect_timeout" => options.connect_timeout = Some(duration(&item, name)?),
                "timeout" => options.timeout = Some(duration(&item, name)?),
                "total_timeout" => options.total_timeout = Some(duration(&item, name)?),
                "retries" => options.retries = Some(Retries::Count(reader.small(&item, name)?)),
                "max_response_bytes" => options.max_response_bytes = Some(reader.integer(&item, name)?),
                "batch_size" => options.batch_size = Some(reader.integer(&item, name)?),
                _ => options.allow_insecure_http = Some(reader.boolean(&item, name)?),
            }
        }
        Ok(options)
    }

    /// Checks the options and makes the builder (add a token callback or a sender to it if
    /// the binding has one, then build).
    pub fn builder(&self) -> Result<ClientBuilder, Error> {
        let mut builder = ClientBuilder::new();
        builder = match (&self.token, &self.username, &self.password) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(Error::invalid("token", "give either token, or username and password, not both"))
            }
            (Some(token), None, None) => builder.token(token.as_str()),
            (None, Some(user), Some(password)) => builder.credentials(user.as_str(), password.as_str()),
            (None, Some(_), None) => return Err(Error::invalid("password", "username and password go together")),
            (None, None, Some(_)) => return Err(Error::invalid("username", "username and password go together")),
            (None, None, None) => builder,
        };
        builder = match (&self.base_url, &self.region) {
            (Some(_), Some(_)) => return Err(Error::invalid("region", "give `base_url` or `region`, not both")),
            (Some(url), None) => builder.base_url(url),
            (None, Some(region)) => builder.region(region.parse::<Region>()?),
            (None, None) => builder,
        };
        if let Some(format) = &self.format {
            builder =
                builder.format(format.parse().map_err(|_| {
                    Error::invalid("format", format!("unknown format {format:?}; expected json or xml"))
                })?);
        }
        let positive = |value: Option<Duration>, field: &str| match value {
            Some(d) if d.is_zero() => {
                Err(Error::invalid(field, "must be greater than zero (timeouts are never infinite)"))
            }
            other => Ok(other),
        };
        if let Some(d) = positive(self.connect_timeout, "connect_timeout")? {
            builder = builder.connect_timeout(d);
        }
        if let Some(d) = positive(self.timeout, "timeout")? {
            builder = builder.timeout(d);
        }
        if let Some(d) = positive(self.total_timeout, "total_timeout")? {
            builder = builder.total_timeout(d);
        }
        builder = match &self.retries {
            None => builder,
            Some(Retries::Count(n)) => builder.retries(*n),
            Some(Retries::Policy { max_attempts, initial_backoff, max_backoff }) => {
                let defaults = RetryPolicy::default();
                let max_attempts = max_attempts.unwrap_or(defaults.max_attempts);
                if max_attempts == 0 {
                    return Err(Error::invalid("retries.max_attempts", "must be at least 1"));
                }
                builder.retry(RetryPolicy {
                    max_attempts,
                    initial_backoff: initial_backoff.unwrap_or(defaults.initial_backoff),
                    max_backoff: max_backoff.unwrap_or(defaults.max_backoff),
                })
            }
        };
        if let Some(limit) = self.max_response_bytes {
            builder = builder.max_response_bytes(limit);
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy);
        }
        if let Some(user_agent) = &self.user_agent {
            builder = builder.user_agent(user_agent.as_str());
        }
        if let Some(size) = self.batch_size {
            let size = usize::try_from(size).map_err(|_| Error::invalid("batch_size", "is too large"))?;
            builder = builder.batch_size(size);
        }
        if let Some(allow) = self.allow_insecure_http {
            builder = builder.allow_insecure_http(allow);
        }
        Ok(builder)
    }

    /// The secrets among the options (token, password), for scrubbing a binding's texts.
    pub fn secrets(&self) -> Vec<&str> {
        [&self.token, &self.password].into_iter().flatten().map(String::as_str).collect()
    }
}

/// The rule of a binding's `sleep` argument (the function that makes the pauses between
/// attempts): it goes with a `sender`, since the built-in transport sleeps itself.
pub fn check_sleep(sender: bool, sleep: bool) -> Result<(), Error> {
    if sleep && !sender {
        return Err(Error::invalid("sleep", "goes with sender: the built-in transport sleeps itself"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_named_as_written_and_the_known_ones_in_the_casing() {
        use serde_json::json;
        let read = |v| Reader::JAVASCRIPT.call("priority.create", &v).map(drop);
        let Err(err) = read(json!({"records": [{"agent_idd": 1, "queueId": 2, "level": 3}]})) else { panic!() };
        let Error::InvalidInput { field, reason } = in_casing(err.clone(), Casing::Camel) else { panic!() };
        assert_eq!(field, "records[0].agent_idd");
        assert_eq!(reason, "unknown key; expected agentId, queueId, level");
        let Error::InvalidInput { field, reason } = in_casing(err, Casing::Snake) else { panic!() };
        assert_eq!(
            (field.as_str(), reason.as_str()),
            ("records[0].agent_idd", "unknown key; expected agent_id, queue_id, level")
        );
        let Err(err) = Reader::JAVASCRIPT.call("priority.read", &json!({"agent_idd": 1})) else { panic!() };
        assert!(matches!(in_casing(err, Casing::Camel), Error::InvalidInput { field, .. } if field == "agent_idd"));
    }

    fn field(result: Result<ClientBuilder, Error>) -> String {
        match result.and_then(|b| b.build().map(|_| ClientBuilder::new())) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn one_rule_names_options_in_each_casing() {
        assert_eq!(option_name("connect_timeout", Casing::Camel), "connectTimeoutMs");
        assert_eq!(option_name("retries.max_attempts", Casing::Camel), "retries.maxAttempts");
        assert_eq!(option_name("retries.initial_backoff", Casing::Camel), "retries.initialBackoffMs");
        assert_eq!(option_name("max_response_bytes", Casing::Camel), "maxResponseBytes");
        assert_eq!(option_name("records[1].agent_id", Casing::Camel), "records[1].agentId");
        assert_eq!(option_name("total_timeout", Casing::Snake), "total_timeout");
    }

    #[test]
    fn options_read_the_same_in_each_casing() {
        use serde_json::json;
        let read = |v, casing| Options::from_json(&v, casing, Reader::ANY, &["sender"]);
        let snake = json!({"token": "t", "connect_timeout": 0.5, "retries": {"max_attempts": 2, "max_backoff": 1}, "batch_size": 7, "sender": 1});
        let camel = json!({"token": "t", "connectTimeoutMs": 500, "retries": {"maxAttempts": 2, "max_backoff_ms": 1000}, "batchSize": 7});
        let want = Options {
            token: Some("t".into()),
            connect_timeout: Some(Duration::from_millis(500)),
            retries: Some(Retries::Policy {
                max_attempts: Some(2),
                initial_backoff: None,
                max_backoff: Some(Duration::from_secs(1)),
            }),
            batch_size: Some(7),
            ..Options::default()
        };
        assert_eq!(read(snake, Casing::Snake), Ok(want.clone()));
        assert_eq!(read(camel, Casing::Camel), Ok(want));
        assert_eq!(
            read(json!({"retries": 3, "allowInsecureHttp": true}), Casing::Camel)
                .map(|o| (o.retries, o.allow_insecure_http)),
            Ok((Some(Retries::Count(3)), Some(true)))
        );
        let named = |v, casing| match read(v, casing) {
            Err(Error::InvalidInput { field, .. }) => option_name(&field, casing),
            other => panic!("{other:?}"),
        };
        assert_eq!(named(json!({"timeout": "5"}), Casing::Snake), "timeout");
        assert_eq!(named(json!({"timeout": true}), Casing::Snake), "timeout");
        assert_eq!(named(json!({"timeout": -1}), Casing::Snake), "timeout");
        assert_eq!(named(json!({"timeoutMs": 1.5}), Casing::Camel), "timeoutMs");
        assert_eq!(named(json!({"retries": {"pause": 1}}), Casing::Snake), "retries.pause");
        assert_eq!(named(json!({"retries": {"maxAttempts": -1}}), Casing::Camel), "retries.maxAttempts");
        assert_eq!(named(json!({"colour": 1}), Casing::Camel), "colour");
    }

    #[test]
    fn an_unknown_option_is_named_as_written_with_the_nearest_one() {
        use serde_json::json;
        let error = |v, casing| match Options::from_json(&v, casing, Reader::ANY, &[]).map_err(|e| in_casing(e, casing))
        {
            Err(Error::InvalidInput { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        };
        let cases = [
            (json!({"tiemoutMs": 1}), Casing::Camel, "tiemoutMs", "unknown option; did you mean \"timeoutMs\"?"),
            (json!({"tiemout_ms": 1}), Casing::Camel, "tiemout_ms", "unknown option; did you mean \"timeout_ms\"?"),
            (
                json!({"retries": {"max_atempts": 1}}),
                Casing::Snake,
                "retries.max_atempts",
                "unknown option; did you mean \"max_attempts\"?",
            ),
            (
                json!({"retries": {"max_atempts": 1}}),
                Casing::Camel,
                "retries.max_atempts",
                "unknown option; did you mean \"max_attempts\"?",
            ),
            (json!({"retries": {"timeout": 1}}), Casing::Snake, "retries.timeout", "unknown option"),
            (json!({"colour": 1}), Casing::Snake, "colour", "unknown option"),
        ];
        for (value, casing, field, reason) in cases {
            assert_eq!(error(value, casing), (field.to_owned(), reason.to_owned()));
        }
    }

    #[test]
    fn each_bad_option_names_itself() {
        let token = || Options { token: Some("t".into()), ..Options::default() };
        let cases: Vec<(Options, &str)> = vec![
            (Options::default(), "token"),
            (Options { username: Some("u".into()), ..token() }, "token"),
            (Options { username: Some("u".into()), ..Options::default() }, "password"),
            (Options { password: Some("p".into()), ..Options::default() }, "username"),
            (Options { region: Some("mars".into()), ..token() }, "region"),
            (Options { region: Some("eu".into()), base_url: Some("https://x".into()), ..token() }, "region"),
            (Options { base_url: Some("ftp://x".into()), ..token() }, "base_url"),
            (Options { format: Some("yaml".into()), ..token() }, "format"),
            (Options { connect_timeout: Some(Duration::ZERO), ..token() }, "connect_timeout"),
            (Options { timeout: Some(Duration::ZERO), ..token() }, "timeout"),
            (Options { total_timeout: Some(Duration::ZERO), ..token() }, "total_timeout"),
            (
                Options {
                    retries: Some(Retries::Policy { max_attempts: Some(0), initial_backoff: None, max_backoff: None }),
                    ..token()
                },
                "retries.max_attempts",
            ),
            (Options { max_response_bytes: Some(0), ..token() }, "max_response_bytes"),
            (Options { proxy: Some("::".into()), ..token() }, "proxy"),
            (Options { user_agent: Some("a\nb".into()), ..token() }, "user_agent"),
            (Options { batch_size: Some(0), ..token() }, "batch_size"),
            (Options { base_url: Some("http://example.com".into()), ..token() }, "base_url"),
        ];
        for (options, expected) in cases {
            assert_eq!(field(options.builder()), expected, "{options:?}");
            assert!(Options::NAMES.contains(&expected));
        }
    }

    #[test]
    fn good_options_make_the_client_and_debug_hides_secrets() {
        let options = Options {
            token: Some("tok-SECRET".into()),
            region: Some("us".into()),
            format: Some("xml".into()),
            retries: Some(Retries::Count(0)),
            proxy: Some("http://proxy-user:proxy-SECRET@127.0.0.1:3128".into()),
            batch_size: Some(5),
            ..Options::default()
        };
        assert!(!format!("{options:?}").contains("SECRET"));
        let client = options.builder().and_then(ClientBuilder::build).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((client.format().as_str(), client.batch_size()), ("xml", 5));
        assert!(client.endpoint().as_str().contains("8x8.com"));
        assert_eq!(options.secrets(), ["tok-SECRET"]);
    }

    #[test]
    fn a_count_or_a_policy_not_both() {
        let policy = || Some(Retries::Policy { max_attempts: Some(2), initial_backoff: None, max_backoff: None });
        assert_eq!(Retries::either(Some(1), None), Ok(Some(Retries::Count(1))));
        assert_eq!(Retries::either(None, policy()), Ok(policy()));
        assert_eq!(Retries::either(None, None), Ok(None));
        assert!(
            matches!(Retries::either(Some(1), policy()), Err(Error::InvalidInput { field, .. }) if field == "retries")
        );
    }
}
