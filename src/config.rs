//! A client's configuration: settings resolved once from the client's arguments as
//! boto3 resolves them (`Settings::from_args`: region, credentials, retries, timeouts,
//! verify, profile, the `Config` options), and the SDK client built from them (rebuilt
//! lazily in a forked child, whose runtime is new). `ClientInner` is what every call
//! path reads; the Python class around it is in `client.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_bedrock::config::Region;
use aws_smithy_types::retry::{RetryConfig, RetrySpec};
use aws_smithy_types::timeout::TimeoutConfig;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::capture::CallContext;
use crate::errors;
use crate::fork_slot::{ForkSlot, Inherited};
use crate::runtime;
use crate::validate::{header_unsafe, Level};

#[derive(Debug, Clone, PartialEq)]
pub enum Verify {
    Default,
    Off,
    Bundle(String),
}

#[derive(Clone)]
pub struct Settings {
    pub region: String,
    pub endpoint_url: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
    pub profile: Option<String>,
    pub verify: Verify,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub retry_mode: String,
    pub max_attempts: u32,
    pub max_pool_connections: usize,
    pub user_agent_extra: Option<Arc<str>>,
    pub parameter_validation: Level,
    /// `Config(signature_version=UNSIGNED)`: no credentials, no signature.
    pub unsigned: bool,
}

impl Settings {
    /// The settings of a client made with these arguments (`Client(...)`'s keyword
    /// arguments, boto3's `client("bedrock", ...)`), resolved as boto3 resolves them:
    /// each argument, then `Config`, then the environment and the profile. Raises what
    /// boto3 raises for the same arguments.
    #[allow(clippy::too_many_arguments)]
    pub fn from_args(
        py: Python<'_>,
        region_name: Option<String>,
        endpoint_url: Option<String>,
        aws_access_key_id: Option<String>,
        aws_secret_access_key: Option<String>,
        aws_session_token: Option<String>,
        profile_name: Option<String>,
        verify: Option<&Bound<'_, PyAny>>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Settings> {
        let config = config.filter(|c| !c.is_none());
        match (&aws_access_key_id, &aws_secret_access_key) {
            (Some(_), None) => {
                return Err(errors::raise(
                    py,
                    "PartialCredentialsError",
                    &[
                        ("provider", "explicit"),
                        ("cred_var", "aws_secret_access_key"),
                    ],
                ))
            }
            (None, Some(_)) => {
                return Err(errors::raise(
                    py,
                    "PartialCredentialsError",
                    &[("provider", "explicit"), ("cred_var", "aws_access_key_id")],
                ))
            }
            _ => {}
        }
        check_header_value("aws_access_key_id", aws_access_key_id.as_deref())?;
        check_header_value("aws_session_token", aws_session_token.as_deref())?;
        let config_region: Option<String> = match attr(config, "region_name")? {
            Some(v) => Some(v.extract()?),
            None => None,
        };
        let region = resolve_region(py, region_name.or(config_region), profile_name.clone())?;
        let verify = match verify {
            None => match env_nonempty("AWS_CA_BUNDLE") {
                Some(path) => Verify::Bundle(path),
                None => Verify::Default,
            },
            Some(v) if v.is_none() => Verify::Default,
            Some(v) => {
                if let Ok(b) = v.extract::<bool>() {
                    if b {
                        Verify::Default
                    } else {
                        Verify::Off
                    }
                } else if let Ok(path) = v.extract::<std::path::PathBuf>() {
                    Verify::Bundle(path.to_string_lossy().into_owned())
                } else {
                    return Err(PyTypeError::new_err(
                        "verify must be None, a bool, or the path of a CA bundle",
                    ));
                }
            }
        };
        let (retry_mode, max_attempts) = retries(config)?;
        let max_pool_connections = match attr(config, "max_pool_connections")? {
            Some(v) => v.extract::<usize>().map_err(|_| {
                PyValueError::new_err("max_pool_connections must be a positive int")
            })?,
            None => 10,
        };
        let user_agent_extra: Option<Arc<str>> = match attr(config, "user_agent_extra")? {
            Some(v) => Some(Arc::from(v.extract::<String>()?.as_str())),
            None => None,
        };
        check_header_value("user_agent_extra", user_agent_extra.as_deref())?;
        let parameter_validation = validation_level(config)?;
        let unsigned = match attr(config, "signature_version")? {
            None => false,
            Some(v) if v.is_none() => false,
            Some(v) => {
                let kind = v.get_type();
                let name: String = kind.getattr("__name__")?.extract()?;
                let module: String = kind.getattr("__module__")?.extract()?;
                if name == "UNSIGNED"
                    && matches!(module.as_str(), "botocore" | "bedrock_customization.config")
                {
                    true
                } else if matches!(v.extract::<String>().as_deref(), Ok("v4" | "s3v4")) {
                    false // a botocore Config naming SigV4: what every request gets
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "signature_version: only UNSIGNED is supported (requests are otherwise signed with SigV4), got {}",
                        v.repr()?
                    )));
                }
            }
        };
        Ok(Settings {
            region,
            endpoint_url: endpoint_url.filter(|u| !u.is_empty()),
            access_key: aws_access_key_id,
            secret_key: aws_secret_access_key,
            session_token: aws_session_token,
            profile: profile_name,
            verify,
            connect_timeout: seconds(attr(config, "connect_timeout")?, "connect_timeout")?,
            read_timeout: seconds(attr(config, "read_timeout")?, "read_timeout")?,
            retry_mode,
            max_attempts,
            max_pool_connections,
            user_agent_extra,
            parameter_validation,
            unsigned,
        })
    }

    /// botocore's standard retries (`standard`, or `adaptive`, which gets the same here):
    /// Retry Behavior 2.1 in the SDK, and the last allowed attempt's response marked
    /// `MaxAttemptsReached`; otherwise `legacy`.
    pub fn standard_retries(&self) -> bool {
        self.retry_mode != "legacy"
    }
}

// Secrets never appear in Debug output.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("profile", &self.profile)
            .field("retry_mode", &self.retry_mode)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

pub struct ClientInner {
    pub settings: Settings,
    /// For the process and the shared runtime's generation it was built for (an
    /// inherited or outdated one is dropped when replaced).
    sdk: Mutex<ForkSlot<aws_sdk_bedrock::Client, u64>>,
}

impl ClientInner {
    pub fn new(settings: Settings) -> Self {
        ClientInner {
            settings,
            sdk: Mutex::new(ForkSlot::new(Inherited::Drop)),
        }
    }

    /// The SDK client for this process and shared runtime: a forked child builds its
    /// own, and so does a call made after the runtime was stopped at exit (a sync call
    /// from an `atexit` handler), whose connections the old runtime would drive.
    pub fn sdk(&self, py: Python<'_>) -> PyResult<aws_sdk_bedrock::Client> {
        {
            let slot = self.sdk.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(client) = slot.get(&runtime::generation()) {
                return Ok(client.clone());
            }
        }
        let settings = self.settings.clone();
        let client = runtime::block_on(py, async move { build_sdk_client(&settings).await })??;
        let mut slot = self.sdk.lock().unwrap_or_else(|p| p.into_inner());
        slot.set(runtime::generation(), client.clone());
        Ok(client)
    }

    pub fn capture(&self) -> CallContext {
        CallContext::new(self.settings.user_agent_extra.clone())
    }

    /// Where requests go, for error messages.
    pub fn endpoint(&self) -> String {
        self.settings.endpoint()
    }
}

impl Settings {
    fn endpoint(&self) -> String {
        self.endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_BEDROCK").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .unwrap_or_else(|| format!("https://bedrock.{}.amazonaws.com", self.region))
    }
}

/// The SDK's bounded connection pool (`aws_smithy_http_client::pool`), one per client
/// (per process): at most `max_pool_connections` connections per origin (scheme,
/// host, port), idle and busy together; a call that finds none free waits for one,
/// as aiobotocore's connector does, rather than opening another (the hyper-util pool
/// behind `Builder` caps only the idle connections, so a fan-out wider than the pool
/// opened one connection per call: 3,510 for 5,000 calls at 64 in flight with the
/// default pool of 10). Calls wait for a connection in `admission`, with no
/// clock running, rather than in the pool, whose `read_timeout` would run.
///
/// Connections are established and driven on the shared runtime (the pool's one
/// partition), whichever runtime a call runs on: a sync call on its thread's own
/// runtime (`runtime::block_on_here`) only waits for them, so every thread shares
/// the client's pool and its bound (each calling thread used to have a pool, and so
/// connections, of its own: 64 threads opened 64 connections whatever the pool).
fn http_client(
    settings: &Settings,
) -> Result<aws_smithy_runtime_api::client::http::SharedHttpClient, String> {
    use aws_smithy_http_client::pool::{
        Client, ConnectionPool, DriverSpawner, Partition, PartitionId,
    };
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let limit = settings.max_pool_connections.max(1);
    let shared = runtime::runtime().map_err(|e| e.to_string())?;
    let partition = PartitionId::from_index(0);
    let builder = ConnectionPool::builder()
        .max_connections_per_host(limit)
        .partitions([Partition::new(
            partition,
            DriverSpawner::tokio(shared.handle().clone()),
        )]);
    // A plain-http endpoint (a local Bedrock, a test server) never needs TLS: no
    // root store is loaded (~5 MiB and most of the client's creation time).
    let plain = settings
        .endpoint()
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
    let https = builder
        .clone()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
    let pool = match &settings.verify {
        _ if plain => builder.build_http(),
        Verify::Off => {
            return Ok(crate::admission::admit(
                crate::insecure::http_client(shared.handle().clone()),
                limit,
            ))
        }
        Verify::Default => https.build_https(),
        Verify::Bundle(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read the CA bundle {path}: {e}"))?;
            let trust = TrustStore::empty()
                .with_native_roots(false)
                .with_pem_certificate(pem);
            let ctx = TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .map_err(|e| format!("invalid CA bundle {path}: {e}"))?;
            https.tls_context(ctx).build_https()
        }
    };
    let pool = pool.map_err(|e| format!("cannot build the connection pool: {e}"))?;
    let client = Client::from_partition(&pool, partition)
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    Ok(crate::admission::admit(
        aws_smithy_runtime_api::client::http::SharedHttpClient::new(client),
        limit,
    ))
}

async fn build_sdk_client(settings: &Settings) -> PyResult<aws_sdk_bedrock::Client> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.region.clone()));
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if settings.unsigned {
        loader = loader.no_credentials();
    } else if let (Some(ak), Some(sk)) = (&settings.access_key, &settings.secret_key) {
        let creds = Credentials::new(
            ak.clone(),
            sk.clone(),
            settings.session_token.clone(),
            None,
            "explicit",
        );
        loader = loader.credentials_provider(creds);
    } else if let Some(profile) = &settings.profile {
        // As in botocore, an explicitly named profile is used for credentials even
        // when the environment has some.
        let from_profile = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build();
        loader = loader.credentials_provider(from_profile);
    }
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(settings.connect_timeout.min(MAX_SDK_CONNECT_TIMEOUT))
        .read_timeout(settings.read_timeout)
        .build();
    // Adaptive mode gets standard mode's retries: the SDK's client-side rate limiter
    // is shared by every client in the process and, after one throttle, holds the
    // retry back ~20 s where botocore's retries within a second.
    let mut retry =
        RetryConfig::standard().with_max_attempts(settings.max_attempts.clamp(1, MAX_SDK_ATTEMPTS));
    if settings.standard_retries() {
        // botocore 1.44's standard retries are the "new retries" it had behind
        // AWS_NEW_RETRIES_2026 (now always on): the SDK's Retry Behavior 2.1 (a 50 ms
        // base backoff but for throttling's 1 s, a Retry-After kept within 5 s of the
        // backoff, retry costs 14 and 5 from the same 500-token quota).
        retry = retry.with_retry_spec(RetrySpec::v2_1());
    }
    let http = http_client(settings).map_err(PyValueError::new_err)?;
    loader = loader
        .timeout_config(timeouts)
        .retry_config(retry)
        .http_client(http);
    let sdk_config = loader.load().await;
    let mut builder = aws_sdk_bedrock::config::Builder::from(&sdk_config);
    if let Some(provider) = sdk_config.credentials_provider() {
        builder = builder.credentials_provider(HeaderSafeCredentials(provider));
    }
    // Responses here are small JSON documents and read_timeout bounds every read,
    // so the SDK's stalled-stream watchdog (a timer re-armed on every body poll)
    // only costs time.
    builder = builder.stalled_stream_protection(
        aws_sdk_bedrock::config::StalledStreamProtectionConfig::disabled(),
    );
    if settings.unsigned {
        // No identity at all: no credentials, no bearer token, only "noAuth".
        builder.set_token_provider(None);
        builder = builder.allow_no_auth().auth_scheme_preference([
            aws_smithy_runtime_api::client::auth::AuthSchemeId::new("noAuth"),
        ]);
    }
    if !settings.standard_retries() {
        // (standard retries back off from 50 ms: sooner than this pause)
        builder = builder.retry_classifier(crate::retry::RefusedConnectionPause);
    }
    builder = builder.interceptor(crate::capture::CaptureHook);
    if let Some(url) = &settings.endpoint_url {
        builder = builder.endpoint_url(requoted(url));
    }
    Ok(aws_sdk_bedrock::Client::from_conf(builder.build()))
}

/// The endpoint URL as botocore puts it on the wire (`requote_uri`): after the
/// authority, every byte outside the URL's unreserved and reserved characters (and
/// `%`) is percent-encoded as UTF-8, so `/\u{a0}` travels as `/%C2%A0` and `/a b` as
/// `/a%20b`; `client.meta.endpoint_url` still shows the URL as given.
fn requoted(url: &str) -> String {
    const SAFE: &[u8] = b"-._~!#$%&'()*+,/:;=?@[]";
    let path_start = url
        .find("://")
        .and_then(|scheme| url[scheme + 3..].find('/').map(|p| scheme + 3 + p))
        .unwrap_or(url.len());
    let (authority, path) = url.split_at(path_start);
    let mut out = String::with_capacity(url.len());
    out.push_str(authority);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || SAFE.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// More attempts than this are never made: with backoff capped at 20 s, 1,000
/// attempts already retry for hours, and the SDK's per-call cost grows with the count.
const MAX_SDK_ATTEMPTS: u32 = 1_000;

/// The longest connect timeout handed to the SDK (ten years: never, all the same). Its
/// credential cache adds up every attempt's worst case (twice the connect timeout) in
/// `f64` seconds and panics when the sum leaves `Duration`'s range (aws-smithy-runtime
/// 1.16, `pessimistic_load_timeout`): `connect_timeout=2**63` did, in an async call a
/// hang (found by tests/test_fuzz.py).
const MAX_SDK_CONNECT_TIMEOUT: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Refuses, before anything is sent, a value that would go into a header.
fn check_header_value(what: &str, value: Option<&str>) -> PyResult<()> {
    match value.and_then(header_unsafe) {
        Some(c) => Err(PyValueError::new_err(format!(
            "{what} contains the character {c:?}, which is not allowed in an HTTP header"
        ))),
        None => Ok(()),
    }
}

/// Credentials from any source (environment, profile, process, SSO) checked before
/// signing: a control character in the key id or session token would otherwise
/// panic inside the SDK's signer.
#[derive(Debug)]
struct HeaderSafeCredentials(aws_credential_types::provider::SharedCredentialsProvider);

impl aws_credential_types::provider::ProvideCredentials for HeaderSafeCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            // Always on the shared runtime: a provider that makes requests (IMDS, ECS,
            // STS, SSO) keeps pooled connections, whose tasks must not belong to one
            // calling thread's runtime (`runtime::block_on_here`), where another
            // thread's call would wait for them in vain.
            let inner = self.0.clone();
            let fetch = async move { inner.provide_credentials().await };
            let creds = match runtime::runtime() {
                Ok(rt) => rt.spawn(fetch).await.map_err(|e| {
                    aws_credential_types::provider::error::CredentialsError::provider_error(
                        format!("the credentials task ended early: {e}"),
                    )
                })?,
                Err(_) => fetch.await,
            }?;
            for (what, value) in [
                ("the access key id", Some(creds.access_key_id())),
                ("the session token", creds.session_token()),
            ] {
                if let Some(c) = value.and_then(header_unsafe) {
                    return Err(aws_credential_types::provider::error::CredentialsError::invalid_configuration(
                        format!("credentials: {what} contains the character {c:?}, which is not allowed in an HTTP header"),
                    ));
                }
            }
            Ok(creds)
        })
    }
}

fn attr<'py>(
    config: Option<&Bound<'py, PyAny>>,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match config {
        None => Ok(None),
        Some(c) => match c.getattr_opt(name)? {
            Some(v) if !v.is_none() => Ok(Some(v)),
            _ => Ok(None),
        },
    }
}

fn seconds(v: Option<Bound<'_, PyAny>>, name: &str) -> PyResult<Duration> {
    match v {
        None => Ok(Duration::from_secs(60)),
        Some(v) => {
            let s: f64 = v
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("{name} must be a number of seconds")))?;
            Duration::try_from_secs_f64(s).map_err(|_| {
                PyValueError::new_err(format!(
                    "{name} must be a non-negative number of seconds, got {s}"
                ))
            })
        }
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// botocore's precedence: Config.retries, then AWS_RETRY_MODE / AWS_MAX_ATTEMPTS,
/// then its defaults (standard mode since botocore 1.44, legacy before; legacy mode
/// 5 attempts, standard/adaptive 3).
fn retries(config: Option<&Bound<'_, PyAny>>) -> PyResult<(String, u32)> {
    let mut mode: Option<String> = None;
    let mut total: Option<u32> = None;
    if let Some(r) = attr(config, "retries")? {
        let r = r
            .cast::<PyDict>()
            .map_err(|_| PyTypeError::new_err("Config retries must be a dict"))?;
        if let Some(m) = r.get_item("mode")? {
            mode = Some(
                m.extract()
                    .map_err(|_| PyTypeError::new_err("retries['mode'] must be a string"))?,
            );
        }
        if let Some(t) = r.get_item("total_max_attempts")? {
            let t: i64 = t.extract().map_err(|_| {
                PyTypeError::new_err("retries['total_max_attempts'] must be an int")
            })?;
            total = Some(u32::try_from(t.max(1)).unwrap_or(u32::MAX));
        } else if let Some(m) = r.get_item("max_attempts")? {
            let m: i64 = m
                .extract()
                .map_err(|_| PyTypeError::new_err("retries['max_attempts'] must be an int"))?;
            total = Some(u32::try_from(m.max(0).saturating_add(1)).unwrap_or(u32::MAX));
        }
    }
    let mode = match mode.or_else(|| env_nonempty("AWS_RETRY_MODE")) {
        Some(m) => m,
        None => "standard".to_string(),
    };
    if !matches!(mode.as_str(), "legacy" | "standard" | "adaptive") {
        return Err(PyValueError::new_err(format!(
            "Invalid retry mode {mode:?}: valid modes are legacy, standard, adaptive"
        )));
    }
    let total = match total {
        Some(t) => t,
        None => match env_nonempty("AWS_MAX_ATTEMPTS") {
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                PyValueError::new_err(format!(
                    "AWS_MAX_ATTEMPTS must be a whole number, got {v:?}"
                ))
            })?,
            None => {
                if mode == "legacy" {
                    5
                } else {
                    3
                }
            }
        },
    };
    Ok((mode, total.max(1)))
}

/// The environment variable that sets the validation level of a client made without
/// `Config(parameter_validation=...)` (and so of the command line): `strict`, `true`, `false`.
const VALIDATION_ENV: &str = "BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION";

/// `Config(parameter_validation=...)` when the caller set it (this package's and botocore's
/// `Config` both record what was given in `_user_provided_options`): `"strict"` (any case)
/// is `Level::Strict`, anything else counts by its truth as in botocore (`True`: botocore's
/// checks, `False`: none beyond what the request cannot be built without). Otherwise the
/// environment variable, otherwise botocore's checks.
fn validation_level(config: Option<&Bound<'_, PyAny>>) -> PyResult<Level> {
    let given = match config {
        None => None,
        Some(c) => match c.getattr_opt("_user_provided_options")? {
            Some(options) => match options.cast::<PyDict>() {
                Ok(options) => options
                    .get_item("parameter_validation")?
                    .filter(|v| !v.is_none()),
                Err(_) => attr(config, "parameter_validation")?,
            },
            None => attr(config, "parameter_validation")?,
        },
    };
    if let Some(value) = given {
        if let Ok(text) = value.extract::<String>() {
            if text.trim().eq_ignore_ascii_case("strict") {
                return Ok(Level::Strict);
            }
        }
        return Ok(if value.is_truthy()? {
            Level::Botocore
        } else {
            Level::Types
        });
    }
    match env_nonempty(VALIDATION_ENV) {
        None => Ok(Level::Botocore),
        Some(text) => Level::parse(&text).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{VALIDATION_ENV} must be strict, true or false, got {text:?}"
            ))
        }),
    }
}

fn resolve_region(
    py: Python<'_>,
    explicit: Option<String>,
    profile: Option<String>,
) -> PyResult<String> {
    if let Some(r) = explicit.filter(|r| !r.is_empty()) {
        return Ok(r);
    }
    let region = runtime::block_on(py, async move {
        let mut from_profile = aws_config::profile::ProfileFileRegionProvider::builder();
        if let Some(p) = profile {
            from_profile = from_profile.profile_name(p);
        }
        RegionProviderChain::first_try(
            aws_config::environment::EnvironmentVariableRegionProvider::new(),
        )
        .or_else(from_profile.build())
        .region()
        .await
    })?;
    match region {
        Some(r) => Ok(r.to_string()),
        None => Err(errors::raise(py, "NoRegionError", &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::requoted;

    #[test]
    fn endpoint_paths_are_requoted_like_botocore() {
        for (given, sent) in [
            ("http://127.0.0.1:8/\u{a0}", "http://127.0.0.1:8/%C2%A0"),
            ("http://127.0.0.1:8/a b", "http://127.0.0.1:8/a%20b"),
            (
                "http://h/\"<>^`{|}\\",
                "http://h/%22%3C%3E%5E%60%7B%7C%7D%5C",
            ),
            (
                "http://h/%41x/~!$&'()*+,;=:@",
                "http://h/%41x/~!$&'()*+,;=:@",
            ),
            ("http://h:1/\u{e9}/\u{1}", "http://h:1/%C3%A9/%01"),
            ("http://h", "http://h"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(requoted(given), sent, "{given:?}");
        }
    }
}
