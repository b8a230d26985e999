//! `bare`: the benchmark's floor for a Python client in Rust. The same SigV4-signed
//! Bedrock GET that bedrock_customization sends (same headers, same signing
//! settings as aws-runtime's SigV4 signer), through hyper-util's pooled HTTP/1
//! client on a current-thread tokio runtime that the client owns, with none of the
//! AWS SDK's orchestrator (interceptors, config bag, retries, endpoint rules,
//! identity cache). The I/O runs on the calling thread with the GIL released; the
//! caller hands each response to `bedrock_customization._core._parse_output`.
//!
//! ```python
//! import bare
//! c = bare.Client("http://127.0.0.1:8080")
//! status, headers, body = c.get("/model-customization-jobs/bench-job")
//! many = c.get_many("/model-customization-jobs/bench-job", 256, 64)
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// What bedrock_customization's SDK puts in both user-agent headers (the form of
/// it; the versions do not change the cost).
const USER_AGENT: &str = "aws-sdk-rust/1.7.0 ua/2.1 api/bedrock/1.166.0 os/linux lang/rust/1.95.0 m/E,N md/http#hyper-1.x";

/// One response: status, (name, value) headers, body.
type Raw = (u16, Vec<(String, String)>, Bytes);
/// The same, as Python gets it: `(status, [(name, value)], bytes)`.
type PyRaw = (u16, Vec<(String, String)>, Py<PyBytes>);

struct Inner {
    http: HttpClient<HttpConnector, Empty<Bytes>>,
    base: String,
    authority: String,
    region: String,
    identity: Identity,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Inner {
    /// The request as the SDK sends it: host, user-agent and x-amz-user-agent,
    /// signed (host;x-amz-date;x-amz-user-agent: the signer leaves user-agent
    /// out), then amz-sdk-invocation-id and amz-sdk-request, which are not signed.
    fn request(&self, path: &str) -> Result<http::Request<Empty<Bytes>>, String> {
        let uri = format!("{}{}", self.base, path);
        let mut req = http::Request::builder()
            .method(http::Method::GET)
            .uri(&uri)
            .header(http::header::HOST, &self.authority)
            .header(http::header::USER_AGENT, USER_AGENT)
            .header("x-amz-user-agent", USER_AGENT)
            .body(Empty::<Bytes>::new())
            .map_err(err)?;
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name("bedrock")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(err)?
            .into();
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().unwrap_or("")));
        let signable = SignableRequest::new("GET", uri.as_str(), headers, SignableBody::Bytes(&[]))
            .map_err(err)?;
        let (instructions, _signature) = sign(signable, &params).map_err(err)?.into_parts();
        instructions.apply_to_request_http1x(&mut req);
        let h = req.headers_mut();
        h.insert(
            "amz-sdk-invocation-id",
            http::HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).map_err(err)?,
        );
        h.insert(
            "amz-sdk-request",
            http::HeaderValue::from_static("attempt=1; max=5"),
        );
        Ok(req)
    }

    async fn get(self: Arc<Self>, path: Arc<str>) -> Result<Raw, String> {
        let req = self.request(&path)?;
        let resp = self.http.request(req).await.map_err(err)?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.map_err(err)?.to_bytes();
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok((parts.status.as_u16(), headers, body))
    }
}

/// `bare.Client(endpoint_url, region="us-east-1", access_key="testing", secret_key="testing")`
#[pyclass(frozen, module = "bare")]
struct Client {
    rt: tokio::runtime::Runtime,
    inner: Arc<Inner>,
}

fn to_py(py: Python<'_>, raw: Raw) -> PyRaw {
    let (status, headers, body) = raw;
    (status, headers, PyBytes::new(py, &body).unbind())
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (endpoint_url, region = "us-east-1", access_key = "testing", secret_key = "testing"))]
    fn new(endpoint_url: &str, region: &str, access_key: &str, secret_key: &str) -> PyResult<Self> {
        let base = endpoint_url.trim_end_matches('/').to_owned();
        let uri: http::Uri = base
            .parse()
            .map_err(|e| PyValueError::new_err(format!("endpoint_url: {e}")))?;
        if uri.scheme_str() != Some("http") {
            return Err(PyValueError::new_err(
                "endpoint_url: only http:// (a local server)",
            ));
        }
        let authority = uri
            .authority()
            .ok_or_else(|| PyValueError::new_err("endpoint_url: no host"))?
            .to_string();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let http = {
            // the connector and pool register with the runtime's I/O driver
            let _guard = rt.enter();
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            HttpClient::builder(TokioExecutor::new()).build(connector)
        };
        let identity: Identity =
            Credentials::new(access_key, secret_key, None, None, "bench").into();
        Ok(Client {
            rt,
            inner: Arc::new(Inner {
                http,
                base,
                authority,
                region: region.to_owned(),
                identity,
            }),
        })
    }

    /// `get(path) -> (status, [(name, value)], body)`: one request on the calling
    /// thread, GIL released, one keep-alive connection.
    fn get(&self, py: Python<'_>, path: &str) -> PyResult<PyRaw> {
        let path: Arc<str> = Arc::from(path);
        let inner = self.inner.clone();
        let raw = py
            .detach(|| self.rt.block_on(inner.get(path)))
            .map_err(PyRuntimeError::new_err)?;
        Ok(to_py(py, raw))
    }

    /// `get_many(path, n, in_flight=64) -> [(status, [(name, value)], body)]`: n
    /// requests, `in_flight` of them at a time (one connection each) on this
    /// client's runtime, on the calling thread with the GIL released; the
    /// responses in the order they completed.
    #[pyo3(signature = (path, n, in_flight = 64))]
    fn get_many(
        &self,
        py: Python<'_>,
        path: &str,
        n: usize,
        in_flight: usize,
    ) -> PyResult<Vec<PyRaw>> {
        let path: Arc<str> = Arc::from(path);
        let inner = self.inner.clone();
        let raws = py
            .detach(|| {
                self.rt.block_on(async move {
                    let next = Arc::new(AtomicUsize::new(0));
                    let mut tasks = tokio::task::JoinSet::new();
                    for _ in 0..in_flight.max(1).min(n.max(1)) {
                        let (inner, path, next) = (inner.clone(), path.clone(), next.clone());
                        tasks.spawn(async move {
                            let mut out = Vec::new();
                            while next.fetch_add(1, Ordering::Relaxed) < n {
                                out.push(inner.clone().get(path.clone()).await?);
                            }
                            Ok::<_, String>(out)
                        });
                    }
                    let mut all = Vec::with_capacity(n);
                    while let Some(done) = tasks.join_next().await {
                        all.extend(done.map_err(err)??);
                    }
                    Ok::<_, String>(all)
                })
            })
            .map_err(PyRuntimeError::new_err)?;
        Ok(raws.into_iter().map(|r| to_py(py, r)).collect())
    }
}

#[pymodule]
fn bare(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    Ok(())
}
