//! The HTTP client for `verify=False`: the same hyper + rustls stack as the SDK's
//! default client, with certificate verification turned off (as boto3 does when
//! asked). Used only when the caller explicitly disables verification.
//!
//! The SDK's bounded pool (`config::http_client`) cannot take a custom TLS verifier,
//! so this client keeps its own idle connections. The bound is `admission`'s, as for
//! the SDK's pool: a call holds one of `max_pool_connections` permits from before it
//! asks for a connection until its response body ends. It takes an idle connection
//! or, when none is idle, makes a new one; its body hands the connection back to the
//! idle list when it ends, inside the admission's body, so before the permit is
//! released: a connection is made only when every live one is busy. Connections are
//! made and driven on the shared runtime, whichever runtime the call came from (a
//! sync call on its thread's own runtime), as the SDK pool's partition does.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::admission::{Guard, Guarded};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;
type Sender = hyper::client::conn::http1::SendRequest<SdkBody>;

#[derive(Debug)]
struct InsecureClient {
    /// One per client, shared by every connector it hands out.
    connections: Arc<Connections>,
    shared: tokio::runtime::Handle,
    /// The connectors made so far, by their timeouts. The SDK asks for a connector on
    /// every call and leaves caching to the HTTP client (its own clients cache
    /// likewise): a new pool per call would open a connection per call.
    made: Mutex<Vec<(ConnectorKey, SharedHttpConnector)>>,
}

type ConnectorKey = (Option<Duration>, Option<Duration>);

/// The client's idle connections, by origin.
#[derive(Debug)]
struct Connections {
    idle: Mutex<Vec<(String, Instant, Sender)>>,
}

impl Connections {
    /// An idle connection to `origin`, the most recently used first; those idle for
    /// longer than `IDLE_TIMEOUT` are closed on the way (the SDK's pool closes its
    /// idle connections after the same time).
    fn take_idle(&self, origin: &str) -> Option<Sender> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.retain(|(_, since, _)| since.elapsed() < IDLE_TIMEOUT);
        let at = idle.iter().rposition(|(o, _, _)| o == origin)?;
        Some(idle.remove(at).2)
    }

    fn put_idle(&self, origin: String, sender: Sender) {
        if !sender.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.push((origin, Instant::now(), sender));
        }
    }
}

const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug, Clone)]
struct InsecureConnector {
    https: Https,
    read_timeout: Option<Duration>,
    connections: Arc<Connections>,
    shared: tokio::runtime::Handle,
}

impl HttpClient for InsecureClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, connector)) = made.iter().find(|(k, _)| *k == key) {
            return connector.clone();
        }
        let connector = self.make_connector(settings);
        made.push((key, connector.clone()));
        connector
    }
}

impl InsecureClient {
    fn make_connector(&self, settings: &HttpConnectorSettings) -> SharedHttpConnector {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(settings.connect_timeout());
        let tls = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map(|b| {
                b.dangerous()
                    .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
                    .with_no_client_auth()
            });
        let tls = match tls {
            Ok(tls) => tls,
            // The default provider always supports the default versions; fall back to
            // a connector that reports the problem on use rather than panicking.
            Err(e) => return SharedHttpConnector::new(Broken(e.to_string())),
        };
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        SharedHttpConnector::new(InsecureConnector {
            https,
            read_timeout: settings.read_timeout(),
            connections: self.connections.clone(),
            shared: self.shared.clone(),
        })
    }
}

#[derive(Debug)]
struct Broken(String);

impl HttpConnector for Broken {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let msg = self.0.clone();
        HttpConnectorFuture::ready(Err(ConnectorError::other(msg.into(), None)))
    }
}

impl HttpConnector for InsecureConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let this = self.clone();
        HttpConnectorFuture::new(async move {
            let mut request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::user(e.into()))?;
            let (origin, destination) = origin_form(&mut request)?;
            let exchange = this.exchange(&origin, destination, request);
            let (response, sender) = match this.read_timeout {
                Some(t) => tokio::time::timeout(t, exchange)
                    .await
                    .map_err(|e| ConnectorError::timeout(Box::new(e)))?,
                None => exchange.await,
            }?;
            let lease = Lease {
                origin,
                sender,
                connections: this.connections.clone(),
            };
            let response = response.map(|body| SdkBody::from_body_1_x(Guarded::new(body, lease)));
            HttpResponse::try_from(response).map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl InsecureConnector {
    /// Sends `request` on an idle connection to `origin`, or on a new one when none is
    /// idle (or the idle ones turn out closed): the response head and the connection.
    async fn exchange(
        &self,
        origin: &str,
        destination: http::Uri,
        mut request: http::Request<SdkBody>,
    ) -> Result<(http::Response<hyper::body::Incoming>, Sender), ConnectorError> {
        loop {
            let (mut sender, reused) = match self.connections.take_idle(origin) {
                Some(sender) => (sender, true),
                None => (self.connect(destination.clone()).await?, false),
            };
            if let Err(e) = sender.ready().await {
                if reused {
                    continue; // closed while idle: drop it, take another
                }
                return Err(ConnectorError::io(e.into()));
            }
            match sender.try_send_request(request).await {
                Ok(response) => return Ok((response, sender)),
                Err(mut e) => match e.take_message() {
                    // not sent: the idle connection was closing; try another
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(ConnectorError::io(e.into_error().into())),
                },
            }
        }
    }

    /// A new connection, made and driven on the shared runtime (aborted if the call is
    /// dropped before it is made: nothing outlives the call but a working connection).
    async fn connect(&self, destination: http::Uri) -> Result<Sender, ConnectorError> {
        let mut https = self.https.clone();
        let task = self.shared.spawn(async move {
            std::future::poll_fn(|cx| tower_service::Service::poll_ready(&mut https, cx))
                .await
                .map_err(ConnectorError::io)?;
            let io = tower_service::Service::call(&mut https, destination)
                .await
                .map_err(ConnectorError::io)?;
            let (sender, connection) = hyper::client::conn::http1::handshake(io)
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            tokio::spawn(async move {
                let _ = connection.await; // ends when the connection closes
            });
            Ok(sender)
        });
        let _abort = AbortOnDrop(task.abort_handle());
        task.await.unwrap_or_else(|e| {
            Err(ConnectorError::other(
                format!("the connection task ended early: {e}").into(),
                None,
            ))
        })
    }
}

/// Turns the SDK's absolute-form request into what HTTP/1 sends (a Host header and
/// the path), as hyper's pooled client does; returns the origin (the idle list's key)
/// and the URI to connect to.
fn origin_form(
    request: &mut http::Request<SdkBody>,
) -> Result<(String, http::Uri), ConnectorError> {
    let uri = request.uri().clone();
    let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
        return Err(ConnectorError::user(
            format!("the request URI {uri} has no scheme or host").into(),
        ));
    };
    let default_port = if *scheme == http::uri::Scheme::HTTPS {
        443
    } else {
        80
    };
    let host = match authority.port_u16() {
        Some(port) if port != default_port => authority.as_str().to_string(),
        _ => authority.host().to_string(),
    };
    if !request.headers().contains_key(http::header::HOST) {
        let value =
            http::HeaderValue::from_str(&host).map_err(|e| ConnectorError::user(e.into()))?;
        request.headers_mut().insert(http::header::HOST, value);
    }
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .parse::<http::Uri>()
        .map_err(|e| ConnectorError::user(e.into()))?;
    *request.uri_mut() = path;
    let destination = http::Uri::builder()
        .scheme(scheme.clone())
        .authority(authority.clone())
        .path_and_query("/")
        .build()
        .map_err(|e| ConnectorError::user(e.into()))?;
    Ok((format!("{scheme}://{authority}"), destination))
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a response body holds: its connection. When the body ends, the connection
/// goes back to the idle list; when it fails or is dropped before its end, the
/// connection is dropped (closed).
struct Lease {
    origin: String,
    sender: Sender,
    connections: Arc<Connections>,
}

impl Guard for Lease {
    fn ended(self) {
        self.connections.put_idle(self.origin, self.sender);
    }
}

/// Unbounded by itself: `config::http_client` puts it behind `admission::admit`.
pub fn http_client(shared: tokio::runtime::Handle) -> SharedHttpClient {
    SharedHttpClient::new(InsecureClient {
        connections: Arc::new(Connections {
            idle: Mutex::new(Vec::new()),
        }),
        shared,
        made: Mutex::new(Vec::new()),
    })
}
