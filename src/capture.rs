//! Drives one operation call through the SDK and keeps the raw HTTP response.
//!
//! The SDK does what it is good at — endpoint resolution, SigV4 signing, retries,
//! timeouts, connection pooling — while the Python result is built from the raw
//! response bytes by the model-driven walker in `response.rs`. That is how results
//! match botocore's exactly: the SDK's typed output loses float text, unknown union
//! member names and zone-less timestamps, and rejects timestamps botocore accepts.
//!
//! One interceptor, through the call's `CallContext`, rewrites each request before it is
//! signed and records each attempt's status, headers and complete body.
//! For a 2xx response the SDK is handed `{}` to deserialize (its output is never
//! used), so it neither parses the body twice nor rejects what botocore accepts.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use aws_sdk_bedrock::error::SdkError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// What the last attempt of a call received.
#[derive(Debug, Default, Clone)]
pub struct RawResponse {
    pub status: u16,
    /// Header names lower-cased; repeated headers joined with ", " as urllib3 does.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct State {
    attempts: u32,
    /// Per attempt: the status received (None: no response) and how long it took.
    history: Vec<(Option<u16>, std::time::Duration)>,
    attempt_started: Option<std::time::Instant>,
    url: Option<String>,
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: Option<Bytes>,
}

/// One call's context, shared between the interceptor (inside the SDK) and the caller: what
/// the request is given before signing (the user agent's extra, the caller's exact floats and
/// booleans) and what each attempt received (status, headers, body, timings).
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    state: Arc<Mutex<State>>,
    user_agent_extra: Option<Arc<str>>,
    /// The caller's floats and booleans, restored in the body before signing.
    exact: Arc<Vec<crate::body_patch::Patch>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl CallContext {
    pub fn new(user_agent_extra: Option<Arc<str>>) -> Self {
        CallContext {
            state: Arc::default(),
            user_agent_extra,
            exact: Arc::default(),
        }
    }

    pub fn with_exact_values(mut self, values: Vec<crate::body_patch::Patch>) -> Self {
        self.exact = Arc::new(values);
        self
    }

    /// How many attempts the SDK made (1 = no retry).
    pub fn attempts(&self) -> u32 {
        lock(&self.state).attempts
    }

    pub fn url(&self) -> Option<String> {
        lock(&self.state).url.clone()
    }

    /// The last attempt's response, if it arrived whole.
    pub fn response(&self) -> Option<RawResponse> {
        let st = lock(&self.state);
        match (st.status, &st.body) {
            (Some(status), Some(body)) => Some(RawResponse {
                status,
                headers: st.headers.clone(),
                body: body.clone(),
            }),
            _ => None,
        }
    }
}

tokio::task_local! {
    /// The call being driven (`drive`): the one client-level interceptor hands
    /// each hook to it. A per-call interceptor (`customize().interceptor(..)`)
    /// would make the SDK build a configuration override for every call.
    static CURRENT: CallContext;
}

/// Runs a hook on the current call's `CallContext`; outside `drive` there is none.
fn on_current(hook: impl FnOnce(&CallContext) -> Result<(), BoxError>) -> Result<(), BoxError> {
    CURRENT.try_with(hook).unwrap_or(Ok(()))
}

/// The interceptor every SDK client is built with: each hook goes to the current
/// call's `CallContext` (none outside `drive`: nothing to do).
#[derive(Debug)]
pub struct CaptureHook;

impl Intercept for CaptureHook {
    fn name(&self) -> &'static str {
        "bedrock_customization::CaptureHook"
    }

    fn read_before_attempt(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        on_current(|c| c.read_before_attempt(ctx, rc, cfg))
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        on_current(|c| c.modify_before_signing(ctx, rc, cfg))
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        on_current(|c| c.read_before_transmit(ctx, rc, cfg))
    }

    fn modify_before_deserialization(
        &self,
        ctx: &mut BeforeDeserializationInterceptorContextMut<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        on_current(|c| c.modify_before_deserialization(ctx, rc, cfg))
    }
}

/// The hooks of one call, run by `CaptureHook`.
impl CallContext {
    fn read_before_attempt(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut st = lock(&self.state);
        st.attempts += 1;
        st.history.push((None, std::time::Duration::ZERO));
        st.attempt_started = Some(std::time::Instant::now());
        st.status = None;
        st.headers.clear();
        st.body = None;
        Ok(())
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(extra) = &self.user_agent_extra {
            let headers = ctx.request_mut().headers_mut();
            let ua = match headers.get("user-agent") {
                Some(ua) => format!("{ua} {extra}"),
                None => extra.to_string(),
            };
            // Control characters were refused when the client was made; never panic here.
            headers.try_insert("user-agent", ua)?;
        }
        if !self.exact.is_empty() {
            let request = ctx.request_mut();
            let patched = request
                .body()
                .bytes()
                .and_then(|b| crate::body_patch::apply(b, &self.exact));
            if let Some(body) = patched {
                let len = body.len();
                *request.body_mut() = SdkBody::from(body);
                request
                    .headers_mut()
                    .try_insert("content-length", len.to_string())?;
            }
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        lock(&self.state).url = Some(ctx.request().uri().to_string());
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        ctx: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = ctx.response_mut();
        let status = response.status().as_u16();
        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, value) in response.headers().iter() {
            let name = name.to_ascii_lowercase();
            match headers.iter_mut().find(|(k, _)| *k == name) {
                Some((_, existing)) => {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
                None => headers.push((name, value.to_string())),
            }
        }
        {
            let mut st = lock(&self.state);
            st.status = Some(status);
            st.headers = headers;
            let elapsed = st.attempt_started.map(|t| t.elapsed()).unwrap_or_default();
            if let Some(last) = st.history.last_mut() {
                *last = (Some(status), elapsed);
            }
        }
        let inner = std::mem::replace(response.body_mut(), SdkBody::taken());
        let replacement = (200..300)
            .contains(&status)
            .then(|| Bytes::from_static(b"{}"));
        *response.body_mut() = SdkBody::from_body_1_x(CollectBody {
            inner,
            buf: Vec::new(),
            state: self.state.clone(),
            replacement,
            done: false,
        });
        Ok(())
    }
}

/// Reads the whole response body into the capture, then hands the SDK either the
/// same bytes (errors: the SDK classifies them for retries) or a replacement.
struct CollectBody {
    inner: SdkBody,
    buf: Vec<u8>,
    state: Arc<Mutex<State>>,
    replacement: Option<Bytes>,
    done: bool,
}

impl Body for CollectBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        this.buf.extend_from_slice(&data);
                    }
                }
                Poll::Ready(None) => {
                    this.done = true;
                    let body = Bytes::from(std::mem::take(&mut this.buf));
                    lock(&this.state).body = Some(body.clone());
                    let out = this.replacement.take().unwrap_or(body);
                    return Poll::Ready(Some(Ok(Frame::data(out))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// Why a call produced no usable HTTP response.
#[derive(Debug)]
pub enum Failure {
    /// The service answered with an error status; the raw response is kept.
    Service(RawResponse),
    /// No response: connection, timeout, credentials, TLS, ...
    Transport {
        kind: TransportKind,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    Connect,
    /// The server closed the connection before a whole response arrived.
    ConnectionClosed,
    ConnectTimeout,
    ReadTimeout,
    Credentials,
    Tls,
    Other,
}

pub struct Outcome {
    pub result: Result<RawResponse, Failure>,
    pub attempts: u32,
    pub url: Option<String>,
    /// Per attempt: status (None: no response) and time to the response headers.
    pub history: Vec<(Option<u16>, std::time::Duration)>,
    pub elapsed: std::time::Duration,
}

/// Awaits the SDK's send future and turns what happened into an `Outcome`.
/// An operation's request, ready to send: the async core of one call.
pub type Pending = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send>>;

pub async fn drive<T, E, Fut>(send: Fut, capture: CallContext) -> Outcome
where
    Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: StdError + Send + Sync + 'static,
{
    let started = std::time::Instant::now();
    let sdk_result = CURRENT.scope(capture.clone(), send).await;
    let elapsed = started.elapsed();
    let attempts = capture.attempts();
    let url = capture.url();
    let history = lock(&capture.state).history.clone();
    let result = match (capture.response(), sdk_result) {
        (Some(raw), _) if (200..300).contains(&raw.status) => Ok(raw),
        (Some(raw), Err(SdkError::ServiceError(_))) => Err(Failure::Service(raw)),
        (Some(raw), Ok(_)) => Err(Failure::Service(raw)),
        (_, Ok(_)) => Err(Failure::Transport {
            kind: TransportKind::Other,
            message: "the SDK reported success but no response was recorded".into(),
        }),
        (_, Err(err)) => Err(classify(&err)),
    };
    Outcome {
        result,
        attempts,
        url,
        history,
        elapsed,
    }
}

fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// hyper's wording for a response cut off by the server (botocore: ConnectionClosedError).
fn closed_early(lower: &str) -> bool {
    lower.contains("end of file before message length reached")
        || lower.contains("connection closed before message completed")
        || lower.contains("incomplete message")
        || lower.contains("unexpected eof")
}

fn classify<E: StdError + Send + Sync + 'static>(err: &SdkError<E, HttpResponse>) -> Failure {
    let message = error_chain(err);
    let lower = message.to_ascii_lowercase();
    let kind = match err {
        SdkError::TimeoutError(_) => TransportKind::ReadTimeout,
        SdkError::DispatchFailure(d) => {
            if d.is_timeout() {
                if lower.contains("connect") {
                    TransportKind::ConnectTimeout
                } else {
                    TransportKind::ReadTimeout
                }
            } else if lower.contains("certificate")
                || lower.contains("tls")
                || lower.contains("ssl")
            {
                TransportKind::Tls
            } else if lower.contains("credential") || lower.contains("identity") {
                TransportKind::Credentials
            } else if d.is_io() {
                TransportKind::Connect
            } else {
                TransportKind::Other
            }
        }
        SdkError::ResponseError(_) => {
            if lower.contains("timeout") || lower.contains("timed out") {
                TransportKind::ReadTimeout
            } else if closed_early(&lower) {
                TransportKind::ConnectionClosed
            } else {
                TransportKind::Other
            }
        }
        _ => {
            if lower.contains("credential") || lower.contains("identity") {
                TransportKind::Credentials
            } else {
                TransportKind::Other
            }
        }
    };
    Failure::Transport { kind, message }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
