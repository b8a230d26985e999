//! Calls beyond the pool wait for a connection with no clock running, as
//! aiobotocore's do (its connector's queue has no timeout; `read_timeout` starts
//! when the request is on a connection). The SDK's pool counts its `read_timeout`
//! from the moment a call asks for a connection, so with 2,000 calls queued on 10
//! connections the last ones would time out without a byte sent. In front of it,
//! each call takes one of `max_pool_connections` permits, without a deadline, and
//! holds it until its response body ends or is dropped: the pool then always has a
//! connection free or on its way back, and its clock covers only the exchange.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug)]
struct Admission {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

/// `inner` with at most `limit` calls inside it at once; the others wait, untimed. A limit
/// past tokio's most permits (2^61 - 1: `Semaphore::new` panics beyond it) is that many:
/// no limit in practice (botocore takes any int for `max_pool_connections`).
pub fn admit(inner: SharedHttpClient, limit: usize) -> SharedHttpClient {
    SharedHttpClient::new(Admission {
        inner,
        permits: Arc::new(Semaphore::new(limit.min(Semaphore::MAX_PERMITS))),
    })
}

impl HttpClient for Admission {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        Admitted {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        }
        .into_shared()
    }

    fn validate_base_client_config(
        &self,
        components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_base_client_config(components, cfg)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct Admitted {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for Admitted {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed; an error is reported, not unwrapped.
            let permit = permits
                .acquire_owned()
                .await
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let mut response = inner.call(request).await?;
            let body = response.take_body();
            *response.body_mut() = SdkBody::from_body_1_x(Guarded::new(body, permit));
            Ok(response)
        })
    }
}

/// What a response body holds until it ends: `ended` runs when the body reaches
/// its end; a body that fails or is dropped before then just drops the guard.
pub trait Guard: Send + Sync + 'static {
    fn ended(self);
}

impl Guard for OwnedSemaphorePermit {
    fn ended(self) {}
}

/// A response body with a guard (a call's permit, a pooled connection).
pub struct Guarded<B, G> {
    body: B,
    guard: Option<G>,
}

impl<B, G> Guarded<B, G> {
    pub fn new(body: B, guard: G) -> Self {
        Guarded {
            body,
            guard: Some(guard),
        }
    }
}

impl<B, G> Body for Guarded<B, G>
where
    B: Body<Data = Bytes> + Unpin,
    G: Guard + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        match &polled {
            Poll::Ready(None) => {
                if let Some(guard) = self.guard.take() {
                    guard.ended();
                }
            }
            Poll::Ready(Some(Err(_))) => self.guard = None,
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
